package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/earshot/earshot/demo"
	"github.com/earshot/earshot/internal/browsertest"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

// TestDashboardVisibilityAndLinks checks who sees what on /dashboard:
// an owner of every business gets the roll-up with a row per business,
// a staff member of one business gets only that business (and another
// business's dashboard is not found), and the page's figures and bars
// link to the inbox filtered to the tasks behind them, with SVG charts
// that carry real text labels.
func TestDashboardVisibilityAndLinks(t *testing.T) {
	f := newFixture(t, "")
	f.account(t, "hana", models.RoleStaff, "harbour-cafe")
	hana := f.login(t, "hana", testPassword)

	t.Run("owner roll-up", func(t *testing.T) {
		code, body := f.get(t, "/dashboard")
		if code != http.StatusOK {
			t.Fatalf("GET /dashboard: %d", code)
		}
		for _, want := range []string{"All 4 businesses", "Rosie&#39;s Diner", "Harbour Café", "Kiosk North", `id="businesses"`,
			`href="/inbox?business=` + demo.BusinessName, `href="/dashboard?business=harbour-cafe&amp;days=30"`, `<svg id="chart-days"`, `<svg id="chart-rating"`} {
			if !strings.Contains(body, want) {
				t.Errorf("roll-up lacks %q", want)
			}
		}
	})
	t.Run("owner one business", func(t *testing.T) {
		code, body := f.get(t, "/dashboard?business="+demo.BusinessName+"&days=90")
		if code != http.StatusOK {
			t.Fatalf("%d", code)
		}
		if !strings.Contains(body, `<h1 id="scope">Rosie&#39;s Diner</h1>`) {
			t.Errorf("scope is not the one business")
		}
		if !strings.Contains(body, `aria-current="page">90 days`) {
			t.Errorf("period selector does not mark 90 days")
		}
		// The demo's complaints name issues; the chart and the table link
		// to the tasks about each.
		if !regexp.MustCompile(`href="/inbox\?all=1&amp;business=` + demo.BusinessName + `&amp;from=[0-9-]+&amp;issue=[^"&]+&amp;to=`).MatchString(body) {
			t.Errorf("no issue links to the inbox")
		}
		svg := regexp.MustCompile(`(?s)<svg id="chart-days".*?</svg>`).FindString(body)
		if !strings.Contains(svg, "<text") || !strings.Contains(svg, "<title") || !strings.Contains(svg, `viewBox="0 0 `) || !strings.Contains(svg, `width="100%"`) {
			t.Errorf("per-day chart is not a scalable SVG with text labels and a title: %.300s", svg)
		}
		if !strings.Contains(svg, `<a href="/inbox?all=1&amp;business=`+demo.BusinessName+`&amp;from=`) {
			t.Errorf("per-day bars do not link to their tasks")
		}
		for _, id := range []string{"fig-rating", "fig-mentions", "fig-complaints", "fig-median", "fig-ontime", "fig-open", "fig-overdue"} {
			m := regexp.MustCompile(`id="` + id + `"><a href="([^"]+)"`).FindStringSubmatch(body)
			if m == nil || !strings.HasPrefix(m[1], "/inbox?") {
				t.Errorf("figure %s does not link to the inbox: %v", id, m)
			}
		}
		if !strings.Contains(body, `id="sources"`) {
			t.Errorf("no source health table")
		}
	})
	t.Run("staff sees one business", func(t *testing.T) {
		code, body := getWith(t, hana, f.srv.URL+"/dashboard")
		if code != http.StatusOK {
			t.Fatalf("%d", code)
		}
		if !strings.Contains(body, `<h1 id="scope">Harbour Café</h1>`) {
			t.Errorf("staff dashboard is not Harbour Café's")
		}
		for _, hidden := range []string{"Rosie", "Kiosk North", demo.BusinessName, "kiosk-north", `id="businesses"`} {
			if strings.Contains(body, hidden) {
				t.Errorf("staff of harbour-cafe sees %q", hidden)
			}
		}
		if code, _ := getWith(t, hana, f.srv.URL+"/dashboard?business="+demo.BusinessName); code != http.StatusNotFound {
			t.Errorf("another business's dashboard: %d, want 404", code)
		}
	})
	t.Run("signed out", func(t *testing.T) {
		if code, _ := getWith(t, nil, f.srv.URL+"/dashboard"); code != http.StatusSeeOther {
			t.Errorf("signed-out /dashboard: %d, want a redirect to sign in", code)
		}
	})
}

// axeScript is axe-core's axe.min.js: EARSHOT_AXE, or where
// scripts/test.sh installs it; "" when absent.
func axeScript(t *testing.T) string {
	t.Helper()
	p := os.Getenv("EARSHOT_AXE")
	if p == "" {
		if home, err := os.UserCacheDir(); err == nil {
			p = filepath.Join(home, "earshot-axe", "node_modules", "axe-core", "axe.min.js")
		}
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return ""
	}
	return string(b)
}

type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// TestDashboardInBrowser opens the dashboard in Chromium at desktop and
// phone width, signed in as the owner: nothing overflows the window
// sideways, the charts are drawn with their labels as text, and axe-core
// finds no serious or critical accessibility violation. Screenshots go to
// EARSHOT_DASHBOARD_SCREENSHOTS (a directory) when set.
func TestDashboardInBrowser(t *testing.T) {
	browsertest.Chromium(t)
	f := newFixture(t, "")
	axe := axeScript(t)
	for _, width := range []int{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			ctx := browsertest.New(t, 90*time.Second, browsertest.Options{Width: width, Height: 900})
			if _, err := chromedp.Run(ctx, chromedp.Navigate(f.srv.URL+"/dashboard")); err != nil {
				t.Fatal(err)
			}
			// A window cannot be narrower than the browser's minimum;
			// the viewport is set as a phone's.
			if _, err := chromedp.Run(ctx, chromedp.EmulateViewport(int64(width), 900)); err != nil {
				t.Fatal(err)
			}
			signInTo(t, ctx, "olive", "#scope")
			for _, page := range []string{"/dashboard", "/dashboard?business=" + demo.BusinessName + "&days=7"} {
				if _, err := chromedp.Run(ctx, chromedp.Navigate(f.srv.URL+page)); err != nil {
					t.Fatal(err)
				}
				if _, err := chromedp.Run(ctx, chromedp.WaitVisible("#chart-days")); err != nil {
					t.Fatalf("%s: no chart: %v", page, err)
				}
				type layout struct {
					ScrollWidth int      `json:"scrollWidth"`
					Inner       int      `json:"inner"`
					Texts       int      `json:"texts"`
					Wide        []string `json:"wide"`
				}
				got, err := chromedp.Run(ctx, chromedp.Evaluate[layout](`({
					scrollWidth: document.documentElement.scrollWidth, inner: window.innerWidth,
					texts: document.querySelectorAll("#chart-days text").length,
					wide: Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest(".scroll")).slice(0, 5).map(e => e.tagName + "#" + e.id + "." + e.className)
				})`))
				if err != nil {
					t.Fatal(err)
				}
				if got.Inner != width {
					t.Fatalf("viewport is %d px, want %d", got.Inner, width)
				}
				if got.ScrollWidth > got.Inner {
					t.Errorf("%s at %d px: page is %d px wide, overflows sideways (%v)", page, width, got.ScrollWidth, got.Wide)
				}
				if got.Texts == 0 {
					t.Errorf("%s: the per-day chart has no text labels", page)
				}
				if dir := os.Getenv("EARSHOT_DASHBOARD_SCREENSHOTS"); dir != "" {
					shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
					if err != nil {
						t.Fatal(err)
					}
					name := fmt.Sprintf("dashboard-%d-%d.png", width, strings.Count(page, "="))
					if err := os.WriteFile(filepath.Join(dir, name), shot, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				if axe == "" {
					t.Log("axe-core not installed (scripts/test.sh installs it); accessibility check skipped")
					continue
				}
				checkAxe(t, ctx, axe, page, width)
			}
		})
	}
}

// signInTo fills the sign-in form and waits for sel on the page it
// returns to.
func signInTo(t *testing.T, ctx context.Context, name, sel string) {
	t.Helper()
	for _, a := range []chromedp.Action[chromedp.Void]{
		chromedp.WaitVisible("#login"), chromedp.SendKeys("#name", name), chromedp.SendKeys("#password", testPassword), chromedp.Click("#sign-in"), chromedp.WaitVisible(sel),
	} {
		if _, err := chromedp.Run(ctx, a); err != nil {
			t.Fatalf("browser: sign in as %s: %v", name, err)
		}
	}
}

// checkAxe runs axe-core on the page open in ctx and fails the test on a
// serious or critical violation.
func checkAxe(t *testing.T, ctx context.Context, axe, page string, width int) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axe+";true")); err != nil {
		t.Fatalf("inject axe-core: %v", err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		t.Fatalf("axe-core result: %v", err)
	}
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("%s at %d px: axe %s (%s): %s at %v", page, width, v.ID, v.Impact, v.Help, v.Nodes)
		} else {
			t.Logf("%s: axe %s (%s): %s", page, v.ID, v.Impact, v.Help)
		}
	}
}

// TestDashboardReplyTimeIsAnEstimate: the median time to reply comes
// from the reply-time histogram, so the page words it as an estimate
// ("about 3h"), with the time within which 9 in 10 replies came, after
// staff replied to the demo's complaints three hours after each opened.
func TestDashboardReplyTimeIsAnEstimate(t *testing.T) {
	f := newFixture(t, "")
	ctx := context.Background()
	st := f.app.Store
	biz, err := st.BusinessByName(ctx, demo.BusinessName)
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := st.Tasks(ctx, store.TaskFilter{BusinessID: biz.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) == 0 {
		t.Fatal("the demo opened no tasks")
	}
	for _, tk := range tasks {
		replied := tk.OpenedAt.Add(3 * time.Hour)
		tk.RepliedAt, tk.State = &replied, models.TaskReplied
		if err := st.UpdateTask(ctx, tk, "", "state", "replied_at"); err != nil {
			t.Fatal(err)
		}
	}
	_, body := f.get(t, "/dashboard?business="+demo.BusinessName+"&days=90")
	fig := regexp.MustCompile(`id="fig-median".*?</li>`).FindString(body)
	for _, want := range []string{`<div class="v">about 3h</div>`, fmt.Sprintf("over %d of %d complaints replied; 9 in 10 within about 3h", len(tasks), len(tasks))} {
		if !strings.Contains(fig, want) {
			t.Errorf("median figure lacks %q: %s", want, fig)
		}
	}
}
