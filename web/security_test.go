package web_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

// taskOf returns an open task of the named business.
func (f *fixture) taskOf(t *testing.T, business string) models.Task {
	t.Helper()
	ctx := context.Background()
	b, err := f.app.Store.BusinessByName(ctx, business)
	if err != nil {
		t.Fatal(err)
	}
	ts, err := f.app.Store.Tasks(ctx, store.TaskFilter{BusinessID: b.ID, States: []models.TaskState{models.TaskOpen}})
	if err != nil || len(ts) == 0 {
		t.Fatalf("no open task of %s: %v", business, err)
	}
	return ts[0]
}

func postWith(t *testing.T, c *http.Client, u string, form url.Values, hdr map[string]string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

var crossSite = map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}

func sessionCookie(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	u, _ := url.Parse(base)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "earshot_session" {
			return ck.Value
		}
	}
	return ""
}

func TestSignInAndSessions(t *testing.T) {
	f := newFixture(t, "")
	f.account(t, "sam", "") // staff of rosies-diner through the config's user Sam
	ctx := context.Background()

	t.Run("pages need a session", func(t *testing.T) {
		for _, p := range []string{"/inbox", "/sources", "/tasks/1"} {
			resp, err := noRedirect(nil).Get(f.srv.URL + p)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next=") {
				t.Errorf("%s without a session: %d %q", p, resp.StatusCode, loc)
			}
		}
		resp := postWith(t, noRedirect(nil), f.srv.URL+"/tasks/1/ack", nil, nil)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("POST without a session: %d", resp.StatusCode)
		}
	})

	t.Run("cookie flags", func(t *testing.T) {
		resp, err := noRedirect(nil).PostForm(f.srv.URL+"/login", url.Values{"name": {"sam"}, "password": {testPassword}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		sc := resp.Header.Get("Set-Cookie")
		if !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") {
			t.Errorf("session cookie %q lacks HttpOnly or SameSite", sc)
		}
	})

	t.Run("session fixation", func(t *testing.T) {
		// An attacker signs in with their own account and plants that
		// session cookie in the victim's browser; the victim signs in.
		f.account(t, "mallory", models.RoleViewer, "kiosk-north")
		attacker := f.login(t, "mallory", testPassword)
		planted := sessionCookie(t, attacker, f.srv.URL)
		jar, _ := cookiejar.New(nil)
		u, _ := url.Parse(f.srv.URL)
		jar.SetCookies(u, []*http.Cookie{{Name: "earshot_session", Value: planted, Path: "/"}})
		victim := noRedirect(jar)
		resp, err := victim.PostForm(f.srv.URL+"/login", url.Values{"name": {"sam"}, "password": {testPassword}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		after := sessionCookie(t, victim, f.srv.URL)
		if after == "" || after == planted {
			t.Fatalf("the session token was not renewed at sign-in (%q)", after)
		}
		// The planted token no longer opens anything.
		if code, _ := getWith(t, attacker, f.srv.URL+"/inbox"); code != http.StatusSeeOther {
			t.Errorf("planted token after the victim signed in: %d, want the sign-in redirect", code)
		}
		if code, body := getWith(t, victim, f.srv.URL+"/inbox"); code != 200 || !strings.Contains(body, `<span id="me">sam</span>`) {
			t.Errorf("victim's inbox: %d", code)
		}
	})

	t.Run("logout ends the session", func(t *testing.T) {
		c := f.login(t, "sam", testPassword)
		old := sessionCookie(t, c, f.srv.URL)
		if resp := postWith(t, c, f.srv.URL+"/logout", nil, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", resp.StatusCode)
		}
		replay := noRedirect(nil)
		req, _ := http.NewRequest("GET", f.srv.URL+"/inbox", nil)
		req.AddCookie(&http.Cookie{Name: "earshot_session", Value: old})
		resp, err := replay.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("the cookie from before logout still works: %d", resp.StatusCode)
		}
	})

	t.Run("password change and disable sign out", func(t *testing.T) {
		a := f.account(t, "dora", models.RoleStaff, "rosies-diner")
		c := f.login(t, "dora", testPassword)
		if code, _ := getWith(t, c, f.srv.URL+"/inbox"); code != 200 {
			t.Fatalf("dora's inbox: %d", code)
		}
		if err := f.app.Store.SetPassword(ctx, a.ID, a.PasswordHash); err != nil {
			t.Fatal(err)
		}
		if code, _ := getWith(t, c, f.srv.URL+"/inbox"); code != http.StatusSeeOther {
			t.Errorf("session from before a password change: %d", code)
		}
		c = f.login(t, "dora", testPassword)
		if err := f.app.Store.SetDisabled(ctx, a.ID, true); err != nil {
			t.Fatal(err)
		}
		if code, _ := getWith(t, c, f.srv.URL+"/inbox"); code != http.StatusSeeOther {
			t.Errorf("session of a disabled account: %d", code)
		}
		resp, _ := noRedirect(nil).PostForm(f.srv.URL+"/login", url.Values{"name": {"dora"}, "password": {testPassword}})
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("disabled account signs in: %d", resp.StatusCode)
		}
	})

	t.Run("next stays on this site", func(t *testing.T) {
		for next, want := range map[string]string{"/tasks/3": "/tasks/3", "//evil.example/x": "/inbox", "https://evil.example": "/inbox", `/\evil.example`: "/inbox"} {
			resp, err := noRedirect(nil).PostForm(f.srv.URL+"/login", url.Values{"name": {"sam"}, "password": {testPassword}, "next": {next}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Header.Get("Location"); got != want {
				t.Errorf("next=%q redirects to %q, want %q", next, got, want)
			}
		}
	})
}

func TestBruteForceLimited(t *testing.T) {
	f := newFixture(t, "")
	f.account(t, "sam", "")
	try := func(name, pw string) int {
		resp, err := noRedirect(nil).PostForm(f.srv.URL+"/login", url.Values{"name": {name}, "password": {pw}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := range 5 {
		if code := try("sam", "guess number "+itoa(int64(i))); code != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d, want 401", i+1, code)
		}
	}
	// Now even the right password is refused, without being checked.
	if code := try("SAM", testPassword); code != http.StatusTooManyRequests {
		t.Errorf("6th attempt with the right password: %d, want 429", code)
	}
	// Other accounts from the same address still sign in.
	if code := try("olive", testPassword); code != http.StatusSeeOther {
		t.Errorf("another account: %d, want 303", code)
	}
	// Guessing many names from one address is limited as well.
	blocked := false
	for i := range 40 {
		if try("nobody"+itoa(int64(i)), "x") == http.StatusTooManyRequests {
			blocked = true
			break
		}
	}
	if !blocked {
		t.Error("40 failed sign-ins with different names from one address were all checked")
	}
}

func TestCrossSiteRequestsRefused(t *testing.T) {
	f := newFixture(t, "")
	task := f.taskOf(t, "rosies-diner")
	for _, path := range []string{"/tasks/" + itoa(task.ID) + "/ack", "/logout", "/login"} {
		resp := postWith(t, f.owner, f.srv.URL+path, url.Values{"name": {"olive"}, "password": {testPassword}}, crossSite)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site POST %s = %d, want 403", path, resp.StatusCode)
		}
	}
	if got, _ := f.app.Store.Task(context.Background(), task.ID); got.State != models.TaskOpen {
		t.Errorf("a cross-site POST changed the task to %s", got.State)
	}
	if code, _ := f.get(t, "/inbox"); code != 200 {
		t.Errorf("a cross-site logout signed the owner out: %d", code)
	}
}

func TestStaffSeesOnlyTheirBusinesses(t *testing.T) {
	f := newFixture(t, "")
	f.account(t, "hana", "") // staff of harbour-cafe via the config
	f.account(t, "vic", models.RoleViewer, "rosies-diner")
	hana := f.login(t, "hana", testPassword)
	vic := f.login(t, "vic", testPassword)
	theirs, other := f.taskOf(t, "harbour-cafe"), f.taskOf(t, "rosies-diner")

	code, body := getWith(t, hana, f.srv.URL+"/inbox")
	if code != 200 || !strings.Contains(body, `data-business="harbour-cafe"`) || strings.Contains(body, `data-business="rosies-diner"`) || strings.Contains(body, `data-business="kiosk-north"`) {
		t.Errorf("hana's inbox (%d) shows other businesses or not her own", code)
	}
	if code, _ := getWith(t, hana, f.srv.URL+"/tasks/"+itoa(theirs.ID)); code != 200 {
		t.Errorf("hana's own task: %d", code)
	}
	missing, _ := getWith(t, hana, f.srv.URL+"/tasks/999999")
	code, body = getWith(t, hana, f.srv.URL+"/tasks/"+itoa(other.ID))
	if code != http.StatusNotFound || code != missing || strings.Contains(body, "rosies") {
		t.Errorf("another business's task by id: %d (a missing task: %d), want the same 404", code, missing)
	}
	if resp := postWith(t, hana, f.srv.URL+"/tasks/"+itoa(other.ID)+"/ack", nil, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("acting on another business's task: %d, want 404", resp.StatusCode)
	}
	if _, body := getWith(t, hana, f.srv.URL+"/sources"); strings.Contains(body, "Rosie") || strings.Contains(body, "Kiosk") {
		t.Error("hana's sources page lists other businesses' sources")
	}
	// A viewer reads but cannot act.
	code, body = getWith(t, vic, f.srv.URL+"/tasks/"+itoa(other.ID))
	if code != 200 || strings.Contains(body, `id="ack"`) {
		t.Errorf("viewer's task page: %d, has action buttons: %v", code, strings.Contains(body, `id="ack"`))
	}
	if resp := postWith(t, vic, f.srv.URL+"/tasks/"+itoa(other.ID)+"/ack", nil, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer acknowledging: %d, want 403", resp.StatusCode)
	}
	if got, _ := f.app.Store.Task(context.Background(), other.ID); got.State != models.TaskOpen {
		t.Errorf("refused actions changed the task to %s", got.State)
	}
	// Hana's own action is recorded under her name.
	if resp := postWith(t, hana, f.srv.URL+"/tasks/"+itoa(theirs.ID)+"/ack", nil, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("hana acknowledging her task: %d", resp.StatusCode)
	}
	d, err := f.app.Tasks.Show(context.Background(), f.app.Clock.Now(), theirs.ID)
	if err != nil {
		t.Fatal(err)
	}
	if last := d.Events[len(d.Events)-1]; last.Actor != "hana" || last.Action != "ack" {
		t.Errorf("history: %+v, want hana ack", last)
	}
}

func storeFilterOpen(businessID int64) store.TaskFilter {
	return store.TaskFilter{BusinessID: businessID, States: []models.TaskState{models.TaskOpen}}
}
