package digest

import (
	"bytes"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/earshot/earshot/internal/browsertest"
)

type pageReport struct {
	Figures  map[string]string `json:"figures"`
	Images   []int             `json:"images"`
	Text     string            `json:"text"`
	Scripts  int               `json:"scripts"`
	External []string          `json:"external"`
}

// TestHTMLRendersInChromium opens the digest in a real headless Chromium,
// takes a screenshot and checks from the DOM that the key figures are
// shown, the page has no image (charts are HTML), no script exists and nothing was
// fetched from elsewhere.
func TestHTMLRendersInChromium(t *testing.T) {
	browsertest.Chromium(t)
	_, d := buildWeek47(t)
	html, err := d.PreviewHTML()
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Browsers ask for /favicon.ico on their own; anything else
		// would be the digest fetching a resource.
		if r.URL.Path != "/favicon.ico" {
			requests.Add(1)
		}
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, html)
	}))
	defer srv.Close()

	var (
		mu       sync.Mutex
		problems []string
	)
	tctx := browsertest.New(t, 60*time.Second, browsertest.Options{Width: 700, Height: 900, Context: []chromedp.ContextOption{
		chromedp.WithListener(func(ev any) {
			mu.Lock()
			defer mu.Unlock()
			switch e := ev.(type) {
			case *runtime.EventExceptionThrown:
				problems = append(problems, "exception: "+e.ExceptionDetails.Text)
			case *network.EventLoadingFailed:
				problems = append(problems, "load failed: "+e.ErrorText)
			}
		}),
	}})
	if err := chromedp.Do(tctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitReady(chromedp.ID("verdict"))); err != nil {
		t.Fatalf("load digest: %v", err)
	}
	rep, err := chromedp.Run(tctx, chromedp.Evaluate[pageReport](`(() => {
		const fig = {};
		for (const id of ["business","verdict","fig-rating","fig-mentions","fig-reviews","fig-negative","fig-complaints","fig-reply","fig-ontime","fig-followups","fig-overdue","issues","praise","health"]) {
			const el = document.getElementById(id);
			fig[id] = el ? el.innerText : "";
		}
		return {
			figures: fig,
			images: Array.from(document.images).map(i => i.complete ? i.naturalWidth : 0),
			text: document.body.innerText,
			scripts: document.scripts.length,
			external: Array.from(document.querySelectorAll("[src],link[href]")).map(e => e.getAttribute("src") || e.getAttribute("href")).filter(u => !u.startsWith("data:")),
		};
	})()`))
	if err != nil {
		t.Fatalf("inspect DOM: %v", err)
	}
	shot, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(t.TempDir(), "digest.png")
	if out := os.Getenv("EARSHOT_DIGEST_SCREENSHOT"); out != "" {
		path = out
	}
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 600 || b.Dy() < 1000 {
		t.Errorf("screenshot is %v: the digest did not lay out at full size", b)
	}

	want := map[string]string{
		"business":       "Rosa's Pizzeria",
		"verdict":        "got worse",
		"fig-rating":     "2.9/5 from 7 reviews, down 1.6",
		"fig-mentions":   "9, up from 5.8 a week",
		"fig-negative":   "56%, up from 13%",
		"fig-complaints": "5, up from 1 a week",
		"fig-reply":      "median 2h, 90th percentile 1d 6h",
		"fig-ontime":     "2 of 4 (50%)",
		"fig-overdue":    "1",
		"issues":         "cleanliness (toilets)",
		"praise":         "food (pizza)",
		"health":         "2 of 3 runs failed, 2 blocked",
	}
	for id, w := range want {
		t.Run(id, func(t *testing.T) {
			if !strings.Contains(rep.Figures[id], w) {
				t.Errorf("#%s shows %q, want it to contain %q", id, rep.Figures[id], w)
			}
		})
	}
	if len(rep.Images) != 0 {
		t.Errorf("%d images in the page; the charts are HTML tables", len(rep.Images))
	}
	if rep.Scripts != 0 {
		t.Errorf("the page has %d scripts; the hostile review must not become one", rep.Scripts)
	}
	if len(rep.External) != 0 {
		t.Errorf("the page refers to external resources: %v", rep.External)
	}
	if !strings.Contains(rep.Text, "<script>alert('x')</script>") {
		t.Errorf("the hostile author name is not shown as text")
	}
	if n := requests.Load(); n != 1 {
		t.Errorf("the browser made %d requests to the server, want only the page", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(problems) > 0 {
		t.Errorf("errors while rendering: %v", problems)
	}
}

// TestChartLabelsRenderInFull puts long and non-Latin issue names into
// the charts and checks in Chromium, from the DOM, that each label is
// shown whole: its text is the full name and nothing is clipped (the
// bitmap font it replaces cut "HEALTH AND SAFETY" to "HEALTH AND SAFE"
// and could not draw Japanese at all).
func TestChartLabelsRenderInFull(t *testing.T) {
	browsertest.Chromium(t)
	_, d := buildWeek47(t)
	if len(d.Issues) < 2 {
		t.Fatalf("week 47 has %d issues, want at least 2", len(d.Issues))
	}
	labels := []string{"HEALTH AND SAFETY", "料理が冷めていた"}
	d.Issues[0].Category, d.Issues[1].Category = labels[0], labels[1]
	html, err := d.PreviewHTML()
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, html)
	}))
	defer srv.Close()
	for _, width := range []int{700, 360} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			tctx := browsertest.New(t, 60*time.Second, browsertest.Options{Width: width, Height: 900})
			if err := chromedp.Do(tctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitReady(chromedp.ID("chart-issues"))); err != nil {
				t.Fatalf("load digest: %v", err)
			}
			type label struct {
				Text    string `json:"text"`
				Clipped bool   `json:"clipped"`
			}
			got, err := chromedp.Run(tctx, chromedp.Evaluate[[]label](`Array.from(document.querySelectorAll("#chart-issues .chart-label")).map(e => ({text: e.innerText.trim(), clipped: e.scrollWidth > e.clientWidth || e.scrollHeight > e.clientHeight}))`))
			if err != nil {
				t.Fatalf("inspect DOM: %v", err)
			}
			if len(got) < 2 {
				t.Fatalf("%d issue labels in the chart, want at least 2", len(got))
			}
			for i, want := range labels {
				if got[i].Text != want {
					t.Errorf("label %d shows %q, want %q in full", i, got[i].Text, want)
				}
				if got[i].Clipped {
					t.Errorf("label %q is clipped", want)
				}
			}
		})
	}
}
