package digest

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func buildWeek47(t *testing.T) (*fixture, *Digest) {
	t.Helper()
	f := newFixture(t)
	f.seedWeek47(t)
	d, err := Build(context.Background(), f.st, f.biz, week47, Options{Now: digestTime})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return f, d
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the rendered output; run `go test ./digest -run %s -update` after checking the change.\n--- got ---\n%s", path, t.Name(), got)
	}
}

func TestRenderTextGolden(t *testing.T) {
	_, d := buildWeek47(t)
	golden(t, "week47.txt.golden", d.RenderText())
}

func TestBuildFigures(t *testing.T) {
	_, d := buildWeek47(t)
	checks := []struct {
		name string
		got  any
		want any
	}{
		{"mentions this week", d.Mentions.This, int64(9)},
		{"mentions per week before", d.Mentions.PrevAvg, 5.75},
		{"new reviews", d.NewReviews.This, int64(7)},
		{"average rating", round2(d.Rating.Avg), 2.86},
		{"previous average rating", round2(d.Rating.PrevAvg), 4.43},
		{"complaints opened", d.ComplaintsOpened, int64(5)},
		{"negative share", round2(d.NegativeShare), 0.56},
		{"mentions on Tuesday", d.Days[1].Mentions, int64(2)},
		{"negative on Sunday", d.Days[6].Negative, int64(1)},
		{"top issue", d.Issues[0].Category, "service"},
		{"top issue count", d.Issues[0].Trend.This, int64(4)},
		{"top issue before", d.Issues[0].Trend.PrevAvg, 0.5},
		{"new issues", strings.Join(d.NewIssues, ","), "cleanliness"},
		{"returned issues", strings.Join(d.ReturnedIssues, ","), "price"},
		{"top praise", d.Praise[0].Category, "food"},
		{"replies", d.Response.Replied, 3},
		{"median reply", d.Response.Median, 2 * time.Hour},
		{"p90 reply", d.Response.P90, 30 * time.Hour},
		{"deadlines in week", d.Response.Due, int64(4)},
		{"answered on time", d.Response.AnsweredOnTime, int64(2)},
		{"follow-ups done", d.Response.FollowUpsDone, int64(1)},
		{"overdue", d.Response.OverdueTotal, int64(1)},
		{"overdue late by", d.Response.Overdue[0].Late, 17*time.Hour + 55*time.Minute},
		{"worst quote author escaped to one line", strings.ContainsAny(d.Worst[0].Author, "\r\n"), false},
		{"sources failing", len(d.Health), 1},
		{"blocked runs", d.Health[0].Blocked, int64(2)},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
}

func round2(v float64) float64 { return float64(int(v*100+0.5)) / 100 }

func TestQuietWeek(t *testing.T) {
	f := newFixture(t)
	f.run(t, "google", day(week47, 2, 6, 0), "parse", "no reviews found on the page")
	d, err := Build(context.Background(), f.st, f.biz, week47, Options{Now: digestTime})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	if !d.Quiet() {
		t.Fatalf("a week without mentions is not quiet: %+v", d.Mentions)
	}
	if got, want := d.Subject(), "Rosa's Pizzeria, week 2026-W47: a quiet week"; got != want {
		t.Errorf("subject %q, want %q", got, want)
	}
	golden(t, "quiet.txt.golden", d.RenderText())
	html, imgs, err := d.RenderHTML()
	if err != nil {
		t.Fatalf("render HTML: %v", err)
	}
	if !strings.Contains(html, "quiet week") || !strings.Contains(html, "no reviews found on the page") {
		t.Errorf("quiet HTML lacks the quiet-week line or the failing source")
	}
	if len(imgs) != 0 {
		t.Errorf("%d inline images; the charts are HTML", len(imgs))
	}
}

// TestHostileTextEscaped checks that scraped text cannot add markup,
// scripts or header-like lines to either part.
func TestHostileTextEscaped(t *testing.T) {
	_, d := buildWeek47(t)
	html, _, err := d.RenderHTML()
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	for _, bad := range []string{"<script", "<img src=x", "javascript:", "onerror=alert"} {
		if strings.Contains(strings.ToLower(html), strings.ToLower(bad)) && !strings.Contains(html, "&lt;") {
			t.Errorf("HTML contains %q unescaped", bad)
		}
	}
	if strings.Contains(html, "<script") || strings.Contains(html, "<img src=x") || strings.Contains(html, `href="javascript:`) {
		t.Errorf("scraped markup reached the HTML part unescaped")
	}
	if !strings.Contains(html, "&lt;script&gt;") {
		t.Errorf("the hostile author name was dropped rather than shown escaped")
	}
	text := d.RenderText()
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "Bcc:") || strings.HasPrefix(l, "Subject:") {
			t.Errorf("scraped text started a header-like line: %q", l)
		}
	}
	if strings.Contains(d.Subject(), "\n") || strings.Contains(d.Subject(), "\r") {
		t.Errorf("subject spans lines: %q", d.Subject())
	}
}

func TestBuildRejectsZeroWeek(t *testing.T) {
	f := newFixture(t)
	if _, err := Build(context.Background(), f.st, f.biz, Week{}, Options{}); err == nil {
		t.Fatal("Build with no week succeeded")
	}
}
