package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/app"
	"github.com/earshot/earshot/auth"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/demo"
	"github.com/earshot/earshot/internal/smtpsink"
	"github.com/earshot/earshot/models"
	"github.com/jonboulle/clockwork"
)

type fixture struct {
	app   *app.App
	srv   *httptest.Server
	sink  *smtpsink.Sink
	owner *http.Client // signed in as "olive", owner of every business
}

// extraBusinesses are two more businesses watching the same demo site,
// so tests can check who sees which: Hana is staff of harbour-cafe only;
// tokyo-ramen writes Japanese in Tokyo time and its replies need
// approval (Kei suggests as staff, Kaz approves as manager).
const extraBusinesses = `  - name: harbour-cafe
    display_name: "Harbour Café"
    domain: restaurant
    time_zone: Europe/London
    users:
      - {name: Hana, role: staff}
    sources:
      - {name: reviews, kind: jsonld, url: "SITE/reviews", interval: 1m}
  - name: kiosk-north
    display_name: "Kiosk North"
    domain: restaurant
    time_zone: Europe/London
    sources:
      - {name: reviews, kind: jsonld, url: "SITE/reviews", interval: 1m}
  - name: tokyo-ramen
    display_name: "東京ラーメン"
    domain: restaurant
    time_zone: Asia/Tokyo
    locale: ja
    approval: required
    users:
      - {name: Kei, role: staff}
      - {name: Kaz, role: manager}
    sources:
      - {name: reviews, kind: jsonld, url: "SITE/reviews", interval: 1m}
`

const testPassword = "a long test password"

// newFixture runs the real pipeline once over the demo site (as three
// businesses), with one hostile review added, serves the app's handler
// and signs in an owner of every business. With password set, it starts
// like a first run with server.password_env instead (no account made).
func newFixture(t *testing.T, password string) *fixture {
	t.Helper()
	dir := t.TempDir()
	site, err := demo.StartSite(time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { site.Close() })
	sink, err := smtpsink.Start("", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	yml := demo.ConfigYAML(dir, site.URL(""), sink.Port()) + strings.ReplaceAll(extraBusinesses, "SITE", site.URL(""))
	var env map[string]string
	if password != "" {
		yml = strings.Replace(yml, "server:\n", "server:\n  password_env: TEST_INBOX_PASSWORD\n", 1)
		env = map[string]string{"TEST_INBOX_PASSWORD": password}
	}
	cfg, err := config.Parse([]byte(yml), filepath.Join(dir, "earshot.yaml"), func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, app.Options{Clock: clockwork.NewRealClock()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	ctx := context.Background()
	if _, err := a.RunOnce(ctx, app.ScrapeOptions{}); err != nil {
		t.Fatal(err)
	}
	// Scrapers turn markup into text, but the inbox must not rely on
	// that: a mention stored with markup in it is shown as text.
	one := 1.0
	hostile := models.Mention{ExternalID: "r-666", Author: `"><img src=x onerror=alert(1)>`, Title: "<b>bad</b>", URL: "javascript:alert(1)",
		Text: "<script>alert('owned')</script> Cold food and rude staff, charged twice.", Rating: &one, PostedAt: time.Now()}
	if _, err := a.Store.SaveMentions(ctx, a.Sources()[0], []models.Mention{hostile}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AnalyzePending(ctx); err != nil {
		t.Fatal(err)
	}
	h, err := a.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	f := &fixture{app: a, srv: srv, sink: sink}
	if password == "" {
		f.account(t, "olive", models.RoleOwner)
		f.owner = f.login(t, "olive", testPassword)
	}
	return f
}

// account creates an account with testPassword and a role in the named
// businesses (every business when none are named).
func (f *fixture) account(t *testing.T, name, role string, businesses ...string) models.Account {
	t.Helper()
	ctx := context.Background()
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	a := models.Account{Name: name, PasswordHash: hash}
	if err := f.app.Store.CreateAccount(ctx, &a); err != nil {
		t.Fatal(err)
	}
	ids := []int64{models.AllBusinesses}
	if len(businesses) > 0 {
		ids = nil
		for _, n := range businesses {
			b, err := f.app.Store.BusinessByName(ctx, n)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, b.ID)
		}
	}
	for _, id := range ids {
		if role == "" {
			continue // roles come from the config
		}
		if err := f.app.Store.SetMembership(ctx, a.ID, id, role); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

// noRedirect is a client that shows redirects instead of following them.
func noRedirect(jar http.CookieJar) *http.Client {
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// login signs in through the form and returns a client with the session.
func (f *fixture) login(t *testing.T, name, password string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := noRedirect(jar)
	resp, err := c.PostForm(f.srv.URL+"/login", url.Values{"name": {name}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d, want 303", name, resp.StatusCode)
	}
	return c
}

func (f *fixture) get(t *testing.T, path string) (int, string) {
	t.Helper()
	return getWith(t, f.owner, f.srv.URL+path)
}

func getWith(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	if c == nil {
		c = noRedirect(nil)
	}
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (f *fixture) hostileTask(t *testing.T) models.Task {
	t.Helper()
	ctx := context.Background()
	ms, err := f.app.Store.Complaints(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range ms {
		if strings.Contains(c.Mention.Text, "<script>") {
			task, err := f.app.Store.TaskByDedupKey(ctx, "apology:"+itoa(c.Mention.ID))
			if err != nil {
				t.Fatal(err)
			}
			return task
		}
	}
	t.Fatal("the hostile review opened no task")
	return models.Task{}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestInboxEscapesScrapedText(t *testing.T) {
	f := newFixture(t, "")
	code, body := f.get(t, "/inbox")
	if code != 200 {
		t.Fatalf("/inbox = %d", code)
	}
	for _, bad := range []string{"<script>alert", "<img src=x", "<b>bad</b>"} {
		if strings.Contains(body, bad) {
			t.Errorf("inbox contains raw %q", bad)
		}
	}
	if !strings.Contains(body, "Priya S.") || !strings.Contains(body, "&lt;img src=x") {
		t.Errorf("inbox lacks the tasks or their escaped authors:\n%s", body)
	}
	task := f.hostileTask(t)
	code, body = f.get(t, "/tasks/"+itoa(task.ID))
	if code != 200 {
		t.Fatalf("task page = %d", code)
	}
	if strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;") {
		t.Errorf("task page does not escape the review text")
	}
	if strings.Contains(body, "javascript:") {
		t.Errorf("task page links to a javascript: URL")
	}
	if code, _ := f.get(t, "/sources"); code != 200 {
		t.Errorf("/sources = %d", code)
	}
	if code, _ := f.get(t, "/tasks/999999"); code != 404 {
		t.Errorf("missing task = %d, want 404", code)
	}
}

func TestInboxActions(t *testing.T) {
	f := newFixture(t, "")
	task := f.hostileTask(t)
	client := f.owner
	post := func(action string, form url.Values, origin string) *http.Response {
		req, _ := http.NewRequest("POST", f.srv.URL+"/tasks/"+itoa(task.ID)+"/"+action, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if origin != "" {
			req.Header.Set("Origin", origin)
			req.Header.Set("Sec-Fetch-Site", "cross-site")
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	// Another site cannot make a staff member's browser act on a task.
	if resp := post("ack", nil, "https://evil.example"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST = %d, want 403", resp.StatusCode)
	}
	if got, _ := f.app.Store.Task(context.Background(), task.ID); got.State != models.TaskOpen {
		t.Fatalf("cross-site POST changed the task to %s", got.State)
	}
	steps := []struct {
		action string
		form   url.Values
		state  models.TaskState
	}{
		{"ack", nil, models.TaskAcknowledged},
		{"assign", url.Values{"user": {"Max"}}, models.TaskAcknowledged},
		{"reply", url.Values{"text": {"Sorry about your visit, we have refunded the second charge."}}, models.TaskReplied},
	}
	for _, s := range steps {
		resp := post(s.action, s.form, "")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s = %d, want 303", s.action, resp.StatusCode)
		}
		got, err := f.app.Store.Task(context.Background(), task.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != s.state {
			t.Errorf("after %s: state %s, want %s", s.action, got.State, s.state)
		}
		if s.action == "assign" && got.Assignee != "Max" {
			t.Errorf("assignee = %q", got.Assignee)
		}
	}
	// Replying twice is refused with the reason on the page.
	if resp := post("reply", url.Values{"text": {"again"}}, ""); resp.StatusCode != http.StatusConflict {
		t.Errorf("second reply = %d, want 409", resp.StatusCode)
	}
	// The history names the signed-in account, never "web".
	events, err := f.app.Store.TaskEvents(context.Background(), task.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actors []string
	for _, e := range events {
		actors = append(actors, e.Actor)
	}
	if !slices.Contains(actors, "olive") || slices.Contains(actors, "web") {
		t.Errorf("history actors = %v, want olive", actors)
	}
}

// TestFirstRunOwnerFromPassword: the old shared password
// (server.password_env) becomes the owner account "admin" on a first run;
// basic auth with any user name no longer gets in.
func TestFirstRunOwnerFromPassword(t *testing.T) {
	f := newFixture(t, "open sesame!")
	if code, _ := f.get(t, "/inbox"); code != http.StatusSeeOther {
		t.Errorf("not signed in: %d, want 303 to /login", code)
	}
	req, _ := http.NewRequest("GET", f.srv.URL+"/inbox", nil)
	req.SetBasicAuth("Nobody", "open sesame!")
	resp, err := noRedirect(nil).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("basic auth as Nobody: %d, want the sign-in redirect", resp.StatusCode)
	}
	c := f.login(t, "admin", "open sesame!")
	if code, body := getWith(t, c, f.srv.URL+"/inbox"); code != 200 || !strings.Contains(body, "Signed in as") {
		t.Errorf("admin's inbox: %d", code)
	}
	if code, _ := f.get(t, "/healthz"); code != 200 {
		t.Errorf("/healthz must stay open for probes: %d", code)
	}
}

func TestInboxNotAComplaint(t *testing.T) {
	f := newFixture(t, "")
	task := f.hostileTask(t)
	if code, page := f.get(t, "/tasks/"+itoa(task.ID)); code != http.StatusOK || !strings.Contains(page, `id="not-complaint"`) {
		t.Fatalf("task page = %d, has the Not a complaint button: %v", code, strings.Contains(page, `id="not-complaint"`))
	}
	req, _ := http.NewRequest("POST", f.srv.URL+"/tasks/"+itoa(task.ID)+"/not-complaint", strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := f.owner.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("not-complaint = %d, want 303", resp.StatusCode)
	}
	ctx := context.Background()
	got, _ := f.app.Store.Task(ctx, task.ID)
	if got.State != models.TaskResolved {
		t.Errorf("state %s, want resolved", got.State)
	}
	cs, err := f.app.Store.Corrections(ctx, task.BusinessID)
	if err != nil || len(cs) != 1 || cs[0].Verdict != models.VerdictNotComplaint || cs[0].TaskID == nil || *cs[0].TaskID != task.ID || cs[0].Actor == "" {
		t.Fatalf("corrections %+v, %v; want one not-a-complaint for task %d with who said it", cs, err, task.ID)
	}
	_, page := f.get(t, "/tasks/"+itoa(task.ID))
	if !strings.Contains(page, "not_complaint") || !strings.Contains(page, "closed: not a complaint") {
		t.Errorf("history does not show the correction:\n%s", page)
	}
}
