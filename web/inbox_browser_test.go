package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/earshot/earshot/internal/browsertest"
	"github.com/earshot/earshot/models"
)

// TestInboxWorkflowInBrowser works the inbox in Chromium as staff of
// the Tokyo business and as a manager of two businesses: each sees only
// their businesses, filters, searches, pages, acknowledges and resolves
// by keyboard (j/k/a/e) and by click, suggests a reply, and the manager
// approves it. Screenshots of the inbox and a task at 1280 and 390 px go
// to EARSHOT_SCREENSHOTS (a directory) when set.
func TestInboxWorkflowInBrowser(t *testing.T) {
	browsertest.Chromium(t)
	f := newFixture(t, "")
	f.manyTasks(t, "tokyo-ramen", 130)
	f.account(t, "kei", "") // staff of tokyo-ramen via the config
	kaz := f.account(t, "kaz", "")
	ctx0 := context.Background()
	harbour, _ := f.app.Store.BusinessByName(ctx0, "harbour-cafe")
	if err := f.app.Store.SetMembership(ctx0, kaz.ID, harbour.ID, models.RoleManager); err != nil {
		t.Fatal(err)
	}
	ctx := browsertest.New(t, 300*time.Second)
	run := func(what string, a chromedp.Action[chromedp.Void]) {
		t.Helper()
		if _, err := chromedp.Run(ctx, a); err != nil {
			t.Fatalf("browser: %s: %v", what, err)
		}
	}
	eval := func(js string) []string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](js))
		if err != nil {
			t.Fatalf("browser: %s: %v", js, err)
		}
		return v
	}
	businesses := func() []string {
		return eval(`[...new Set([...document.querySelectorAll("#tasks tr[data-task]").values()].map(r => r.dataset.business))].sort()`)
	}
	ids := func() []string {
		return eval(`[...document.querySelectorAll("#tasks tr[data-task]").values()].map(r => r.dataset.task)`)
	}

	run("open the inbox", chromedp.Navigate(f.srv.URL+"/inbox"))
	signIn(t, ctx, "kei")
	if got := businesses(); !slices.Equal(got, []string{"tokyo-ramen"}) {
		t.Errorf("kei (staff of tokyo-ramen) sees tasks of %v", got)
	}
	// Search and filter through the form, then page.
	run("type a search", chromedp.SendKeys("#q", "parking"))
	run("choose the business", chromedp.SetValue("#f-business", "tokyo-ramen"))
	run("sort by severity", chromedp.SetValue("#f-sort", "severity"))
	// The page being left has a #next too: mark it, so the waits below
	// are for the page the click loads, not for the one it replaces.
	leave := func() { eval(`document.documentElement.dataset.stale = "yes", []`) }
	leave()
	run("apply", chromedp.Click("#apply"))
	run("wait for the results page", chromedp.WaitNotPresent("html[data-stale]"))
	run("wait for the results", chromedp.WaitVisible("#next"))
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.Contains(loc, "q=parking") || !strings.Contains(loc, "sort=severity") || !strings.Contains(loc, "business=tokyo-ramen") {
		t.Errorf("the filters are not in the address: %s", loc)
	}
	first := ids()
	sev := eval(`[...document.querySelectorAll("#tasks tr[data-task]").values()].map(r => r.dataset.severity)`)
	if !slices.IsSortedFunc(sev, func(a, b string) int { return strings.Compare(b, a) }) {
		t.Errorf("most severe first shows severities %v", sev)
	}
	leave()
	run("next page", chromedp.Click("#next"))
	run("wait for the second page", chromedp.WaitNotPresent("html[data-stale]"))
	run("wait for the first-page link", chromedp.WaitVisible("#pages"))
	second := ids()
	if len(second) == 0 || slices.ContainsFunc(second, func(id string) bool { return slices.Contains(first, id) }) {
		t.Errorf("the second page (%d tasks) repeats the first", len(second))
	}

	// Keyboard: j j a acknowledges the second task; j e resolves the third.
	run("back to the inbox", chromedp.Navigate(f.srv.URL+"/inbox?q=parking"))
	run("wait for the inbox", chromedp.WaitVisible("#tasks"))
	list := ids()
	run("keys ready", chromedp.WaitReady("html[data-keys=ready]"))
	run("j", chromedp.KeyEvent("j"))
	run("j", chromedp.KeyEvent("j"))
	run("k", chromedp.KeyEvent("k"))
	run("j", chromedp.KeyEvent("j"))
	if sel := eval(`[...document.querySelectorAll("#tasks tr.selected").values()].map(r => r.dataset.task)`); !slices.Equal(sel, list[1:2]) {
		t.Errorf("after j j k j the selection is %v, want %v", sel, list[1:2])
	}
	run("a", chromedp.KeyEvent("a"))
	run("wait for the bulk result", chromedp.WaitVisible("#bulk-results"))
	run("keys ready", chromedp.WaitReady("html[data-keys=ready]"))
	state := func(id string) models.TaskState {
		t.Helper()
		var n int64
		fmt.Sscan(id, &n)
		task, err := f.app.Store.Task(ctx0, n)
		if err != nil {
			t.Fatal(err)
		}
		return task.State
	}
	if got := state(list[1]); got != models.TaskAcknowledged {
		t.Errorf("a on task %s left it %s", list[1], got)
	}
	run("j", chromedp.KeyEvent("j"))
	run("e", chromedp.KeyEvent("e"))
	// The results box is already there from the last action: wait for
	// the resolved task to leave the list instead.
	run("wait for the resolved task to go", chromedp.WaitNotPresent(`#tasks tr[data-task="`+list[0]+`"]`))
	run("keys ready", chromedp.WaitReady("html[data-keys=ready]"))
	if got := state(list[0]); got != models.TaskResolved {
		t.Errorf("j e on the first task left it %s", got)
	}
	run("?", chromedp.KeyEvent("?"))
	run("wait for the help", chromedp.WaitVisible("#help"))

	// By click: open a task, edit the reply and suggest it.
	target := list[2]
	run("open a task", chromedp.Click(`#tasks tr[data-task="`+target+`"] a.open`))
	run("wait for the composer", chromedp.WaitVisible("#reply-text"))
	run("keys ready", chromedp.WaitReady("html[data-keys=ready]"))
	run("r focuses the reply", chromedp.KeyEvent("r"))
	if focus := eval(`[document.activeElement.id]`); !slices.Equal(focus, []string{"reply-text"}) {
		t.Errorf("r focused %v", focus)
	}
	eval(`[document.getElementById("reply-text").value = ""]`)
	run("write the reply", chromedp.SendKeys("#reply-text", "申し訳ございません。駐車券をお送りします。"))
	run("suggest", chromedp.Click("#suggest"))
	run("wait for the confirmation", chromedp.WaitVisible("#flash"))
	if got := state(target); got != models.TaskAwaitingApproval {
		t.Errorf("after suggesting, task %s is %s", target, got)
	}
	run("sign out", chromedp.Click("#sign-out"))
	run("wait for the sign-in form", chromedp.WaitVisible("#login"))

	run("open the inbox", chromedp.Navigate(f.srv.URL+"/inbox?all=1"))
	signIn(t, ctx, "kaz")
	run("wait for the inbox", chromedp.WaitVisible("#tasks"))
	if got := businesses(); !slices.Equal(got, []string{"harbour-cafe", "tokyo-ramen"}) {
		t.Errorf("kaz (manager of two businesses) sees tasks of %v", got)
	}
	run("filter awaiting approval", chromedp.Navigate(f.srv.URL+"/inbox?state=awaiting_approval"))
	run("wait for the inbox", chromedp.WaitVisible("#tasks"))
	if got := ids(); !slices.Equal(got, []string{target}) {
		t.Errorf("awaiting approval: %v, want [%s]", got, target)
	}
	run("open it", chromedp.Click(`#tasks tr[data-task="`+target+`"] a.open`))
	run("wait for approve", chromedp.WaitVisible("#approve"))
	run("approve", chromedp.Click("#approve"))
	run("wait for the confirmation", chromedp.WaitVisible("#flash"))
	var n int64
	fmt.Sscan(target, &n)
	got, _ := f.app.Store.Task(ctx0, n)
	if got.State != models.TaskReplied || got.ReplyText != "申し訳ございません。駐車券をお送りします。" {
		t.Errorf("after approval: %s, reply %q", got.State, got.ReplyText)
	}
	if hist := eval(`[document.getElementById("history").innerText]`); !strings.Contains(hist[0], "approved") || !strings.Contains(hist[0], "駐車券") {
		t.Errorf("the history does not show the approved reply: %q", hist)
	}
}

// TestInboxPagesLookRight opens the inbox, a task, the sources, the
// dashboard and the sign-in page at desktop and phone width: nothing
// overflows sideways outside a scrolling table, and axe-core finds no
// serious or critical violation.
func TestInboxPagesLookRight(t *testing.T) {
	browsertest.Chromium(t)
	f := newFixture(t, "")
	axe := axeScript(t)
	task := f.taskOf(t, "tokyo-ramen")
	shots := os.Getenv("EARSHOT_SCREENSHOTS")
	for _, width := range []int{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			ctx := browsertest.New(t, 240*time.Second, browsertest.Options{Width: width, Height: 900})
			if _, err := chromedp.Run(ctx, chromedp.Navigate(f.srv.URL+"/login")); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.Run(ctx, chromedp.EmulateViewport(int64(width), 900)); err != nil {
				t.Fatal(err)
			}
			pages := []struct{ name, path, sel string }{
				{"login", "/login", "#login"},
				{"inbox", "/inbox", "#tasks"},
				{"inbox-ja", "/inbox?business=tokyo-ramen", "#tasks"},
				{"task", "/tasks/" + itoa(task.ID), "#reply-text"},
				{"sources", "/sources", "#sources"},
				{"dashboard", "/dashboard", "#chart-days"},
			}
			for i, p := range pages {
				if i == 1 {
					signInTo(t, ctx, "olive", "#tasks")
				}
				if _, err := chromedp.Run(ctx, chromedp.Navigate(f.srv.URL+p.path)); err != nil {
					t.Fatal(err)
				}
				if _, err := chromedp.Run(ctx, chromedp.WaitVisible(p.sel)); err != nil {
					t.Fatalf("%s: %v", p.path, err)
				}
				type layout struct {
					ScrollWidth int      `json:"scrollWidth"`
					Inner       int      `json:"inner"`
					Wide        []string `json:"wide"`
				}
				got, err := chromedp.Run(ctx, chromedp.Evaluate[layout](`({scrollWidth: document.documentElement.scrollWidth, inner: window.innerWidth,
					wide: Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest(".scroll")).slice(0, 5).map(e => e.tagName + "#" + e.id + "." + e.className)})`))
				if err != nil {
					t.Fatal(err)
				}
				if got.ScrollWidth > got.Inner {
					t.Errorf("%s at %d px: page is %d px wide (%v)", p.path, width, got.ScrollWidth, got.Wide)
				}
				if shots != "" {
					png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
					if err != nil {
						t.Fatal(err)
					}
					os.WriteFile(filepath.Join(shots, fmt.Sprintf("%s-%d.png", p.name, width)), png, 0o644)
				}
				if axe != "" {
					checkAxe(t, ctx, axe, p.path, width)
				}
			}
		})
	}
}
