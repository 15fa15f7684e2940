package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/earshot/earshot/internal/browsertest"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/onetap"
)

// TestInboxInBrowser drives the inbox the way a staff member does, in a
// real headless Chromium: open the inbox, open the most urgent task, read
// the drafted reply, acknowledge it, and see the new state.
func TestInboxInBrowser(t *testing.T) {
	browsertest.Chromium(t)
	f := newFixture(t, "")
	ctx := browsertest.New(t, 60*time.Second)
	do := func(what string, a chromedp.Action[chromedp.Void]) {
		t.Helper()
		if _, err := chromedp.Run(ctx, a); err != nil {
			t.Fatalf("browser: %s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("browser: read %s: %v", sel, err)
		}
		return s
	}
	do("open the inbox", chromedp.Navigate(f.srv.URL+"/"))
	signIn(t, ctx, "olive")
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#tasks tr[data-task]").length`))
	if err != nil {
		t.Fatal(err)
	}
	counts := text("#counts")
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	do("open the most urgent task", chromedp.Click("#tasks tr[data-task] a"))
	do("wait for the task page", chromedp.WaitVisible("#reply-text"))
	draft, err := chromedp.Run(ctx, chromedp.Value("#reply-text"))
	if err != nil {
		t.Fatal(err)
	}
	said := text("#mention-text")
	do("acknowledge", chromedp.Click("#ack"))
	do("wait for the confirmation", chromedp.WaitVisible("#flash"))
	flash, state := text("#flash"), text("#state")
	if err := os.WriteFile(filepath.Join(t.TempDir(), "inbox.png"), shot, 0o644); err != nil {
		t.Fatal(err)
	}
	if out := os.Getenv("EARSHOT_SCREENSHOTS"); out != "" {
		os.WriteFile(filepath.Join(out, "inbox.png"), shot, 0o644)
	}
	if rows < 5 {
		t.Errorf("inbox shows %d tasks, want at least the 5 complaints", rows)
	}
	if !strings.Contains(counts, "open") {
		t.Errorf("counts = %q", counts)
	}
	if l := strings.ToLower(draft); !strings.Contains(l, "sorry") && !strings.Contains(l, "apolog") {
		t.Errorf("the task page offers no drafted apology: %q", draft)
	}
	if said == "" {
		t.Error("the task page does not show what the customer wrote")
	}
	if flash != "Task acknowledged." || state != string(models.TaskAcknowledged) {
		t.Errorf("after Acknowledge: flash %q, state %q", flash, state)
	}
}

// signIn fills in the sign-in form the browser was sent to and waits for
// the inbox.
func signIn(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	for _, step := range []struct {
		what string
		a    chromedp.Action[chromedp.Void]
	}{
		{"wait for the sign-in form", chromedp.WaitVisible("#login")},
		{"type the name", chromedp.SendKeys("#name", name)},
		{"type the password", chromedp.SendKeys("#password", testPassword)},
		{"sign in", chromedp.Click("#sign-in")},
		{"wait for the inbox", chromedp.WaitVisible("#tasks")},
	} {
		if _, err := chromedp.Run(ctx, step.a); err != nil {
			t.Fatalf("browser: %s as %s: %v", step.what, name, err)
		}
	}
}

// TestRolesInBrowser signs in, in a real Chromium, as a staff member of
// one business and as a manager of two, and checks that each sees the
// tasks and sources of their businesses only, and nothing of the third.
func TestRolesInBrowser(t *testing.T) {
	browsertest.Chromium(t)
	f := newFixture(t, "")
	f.account(t, "hana", "") // staff of harbour-cafe via the config
	f.account(t, "mia", models.RoleManager, "rosies-diner", "harbour-cafe")
	rosies := f.taskOf(t, "rosies-diner")
	ctx := browsertest.New(t, 90*time.Second)
	run := func(what string, a chromedp.Action[chromedp.Void]) {
		t.Helper()
		if _, err := chromedp.Run(ctx, a); err != nil {
			t.Fatalf("browser: %s: %v", what, err)
		}
	}
	seen := func() []string {
		t.Helper()
		bs, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...new Set([...document.querySelectorAll("#tasks tr[data-task]")].map(r => r.dataset.business))].sort()`))
		if err != nil {
			t.Fatal(err)
		}
		return bs
	}
	sources := func() string {
		t.Helper()
		run("open the sources", chromedp.Navigate(f.srv.URL+"/sources"))
		s, err := chromedp.Run(ctx, chromedp.Text("main"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}

	shoot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if out := os.Getenv("EARSHOT_SCREENSHOTS"); out != "" {
			os.WriteFile(filepath.Join(out, name+".png"), png, 0o644)
		}
	}
	run("open the inbox", chromedp.Navigate(f.srv.URL+"/inbox?all=1"))
	signIn(t, ctx, "hana")
	if got := seen(); strings.Join(got, ",") != "harbour-cafe" {
		t.Errorf("hana (staff of harbour-cafe) sees tasks of %v", got)
	}
	if src := sources(); !strings.Contains(src, "Harbour") || strings.Contains(src, "Rosie") || strings.Contains(src, "Kiosk") {
		t.Errorf("hana's sources page: %q", src)
	}
	run("open another business's task", chromedp.Navigate(f.srv.URL+"/tasks/"+itoa(rosies.ID)))
	if body, _ := chromedp.Run(ctx, chromedp.Text("body")); !strings.Contains(body, "not found") {
		t.Errorf("hana opening a rosies-diner task sees %q", body)
	}
	run("back to the inbox", chromedp.Navigate(f.srv.URL+"/inbox"))
	run("wait for the inbox", chromedp.WaitVisible("#sign-out"))
	run("sign out", chromedp.Click("#sign-out"))
	run("wait for the sign-in form", chromedp.WaitVisible("#flash"))
	shoot("login")

	// Signed out, as on a phone: a one-tap link from an alert email.
	signer, err := onetap.New(context.Background(), f.app.Store, f.srv.URL, f.app.Clock)
	if err != nil {
		t.Fatal(err)
	}
	tapped := f.taskOf(t, "kiosk-north")
	run("open a one-tap link", chromedp.Navigate(signer.Link(onetap.Ack, tapped.ID, "olive", f.app.Clock.Now().Add(time.Hour))))
	run("wait for the confirmation", chromedp.WaitVisible("#do"))
	shoot("onetap")
	run("tap", chromedp.Click("#do"))
	run("wait for the result", chromedp.WaitVisible("#flash"))
	if flash, _ := chromedp.Run(ctx, chromedp.Text("#flash")); flash != "Task #"+itoa(tapped.ID)+" acknowledged." {
		t.Errorf("after the tap: %q", flash)
	}

	run("open the inbox", chromedp.Navigate(f.srv.URL+"/inbox?all=1"))
	signIn(t, ctx, "mia")
	if got := seen(); strings.Join(got, ",") != "harbour-cafe,rosies-diner" {
		t.Errorf("mia (manager of two businesses) sees tasks of %v", got)
	}
	if src := sources(); !strings.Contains(src, "Harbour") || !strings.Contains(src, "Rosie") || strings.Contains(src, "Kiosk") {
		t.Errorf("mia's sources page: %q", src)
	}
	run("open a rosies-diner task", chromedp.Navigate(f.srv.URL+"/tasks/"+itoa(rosies.ID)))
	run("wait for the actions", chromedp.WaitVisible("#ack"))
	run("acknowledge", chromedp.Click("#ack"))
	run("wait for the confirmation", chromedp.WaitVisible("#flash"))
	events, _ := f.app.Store.TaskEvents(context.Background(), rosies.ID)
	if got, _ := f.app.Store.Task(context.Background(), rosies.ID); got.State != models.TaskAcknowledged || len(events) == 0 || events[len(events)-1].Actor != "mia" {
		t.Errorf("after mia's click: %s, history %+v", got.State, events)
	}
}
