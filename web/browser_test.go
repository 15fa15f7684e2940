package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/earshot/earshot/internal/browsertest"
	"github.com/earshot/earshot/models"
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
	do("wait for the task list", chromedp.WaitVisible("#tasks"))
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
	if !strings.Contains(draft, "sorry") && !strings.Contains(draft, "Sorry") {
		t.Errorf("the task page offers no drafted apology: %q", draft)
	}
	if said == "" {
		t.Error("the task page does not show what the customer wrote")
	}
	if flash != "Task acknowledged." || state != string(models.TaskAcknowledged) {
		t.Errorf("after Acknowledge: flash %q, state %q", flash, state)
	}
}
