package digest

import (
	"fmt"
	"math"
	"slices"
)

// Charts are HTML tables with inline-styled bars: every mail client
// renders them (no image to block, no script, no font to embed), and
// their labels are real text, so an issue in any language or script
// ("HEALTH AND SAFETY", "料理が冷めていた", emoji) is shown in full by the
// reader's own fonts and read out by a screen reader. The numbers are in
// the same rows, so the chart is also its own table of values.

// Chart IDs, the id attribute of each chart's table.
const (
	chartRating = "chart-rating"
	chartDays   = "chart-days"
	chartIssues = "chart-issues"
)

// Bar colours.
const (
	colBar  = "#4a6fa5"
	colNeg  = "#c93c37"
	colPrev = "#b8c0cb"
	colLine = "#2e7d32"
	colOld  = "#9cc59e"
)

// chart is one chart: a title, a one-line summary for screen readers
// and the rows of bars.
type chart struct {
	ID    string
	Title string
	Alt   string
	Rows  []chartRow
}

// chartRow is one labelled row: up to two stacked segments on the main
// bar (percent of the row's width) and an optional thin bar beneath for
// a comparison value.
type chartRow struct {
	Label string
	Value string
	Segs  []chartSeg
	// Under is a thin comparison bar (the earlier weeks' average);
	// UnderPct 0 draws none.
	UnderPct  int
	UnderNote string
}

type chartSeg struct {
	Pct   int
	Color string
}

// barPct is v as a whole percentage of peak, at least 1 when v > 0 so a
// small count still shows.
func barPct(v, peak float64) int {
	if v <= 0 || peak <= 0 {
		return 0
	}
	return max(1, min(100, int(math.Round(100*v/peak))))
}

// charts lays out the digest's charts; issues only when there are issues.
func (d *Digest) charts() []chart {
	var out []chart
	if slices.Contains(d.Rating.Have[:], true) {
		out = append(out, d.ratingChart())
	}
	if d.Quiet() {
		return out
	}
	out = append(out, d.daysChart())
	if len(d.Issues) > 0 {
		out = append(out, d.issuesChart())
	}
	return out
}

// ratingChart is a bar per week of the average rating on a 0–5 scale,
// this week darker.
func (d *Digest) ratingChart() chart {
	p := d.printer()
	c := chart{ID: chartRating, Title: p.T("digest.chart.rating", nil), Alt: p.T("digest.chart.rating_alt", nil) + ratingPhrase(p, d.Rating)}
	n := len(d.Rating.Weekly)
	for i := 0; i < n; i++ {
		w := d.Week.Add(i - (n - 1))
		r := chartRow{Label: fmt.Sprintf("W%02d", w.Num), Value: p.T("digest.chart.no_reviews", nil)}
		if d.Rating.Have[i] {
			col := colOld
			if i == n-1 {
				col = colLine
			}
			r.Value = fmt.Sprintf("%.1f", d.Rating.Weekly[i])
			r.Segs = []chartSeg{{Pct: barPct(d.Rating.Weekly[i], 5), Color: col}}
		}
		c.Rows = append(c.Rows, r)
	}
	return c
}

// daysChart is a bar per day of the week, its negative mentions in red.
func (d *Digest) daysChart() chart {
	p := d.printer()
	c := chart{ID: chartDays, Title: p.T("digest.chart.days", nil), Alt: p.T("digest.chart.days_alt", nil) + d.dayList(p)}
	var peak int64 = 1
	for _, day := range d.Days {
		peak = max(peak, day.Mentions)
	}
	for _, day := range d.Days {
		r := chartRow{Label: p.Date(day.Date), Value: fmt.Sprint(day.Mentions)}
		if day.Negative > 0 {
			r.Value += p.T("digest.chart.negative", map[string]any{"N": day.Negative})
			r.Segs = append(r.Segs, chartSeg{Pct: barPct(float64(day.Negative), float64(peak)), Color: colNeg})
		}
		if rest := day.Mentions - day.Negative; rest > 0 {
			r.Segs = append(r.Segs, chartSeg{Pct: barPct(float64(rest), float64(peak)), Color: colBar})
		}
		c.Rows = append(c.Rows, r)
	}
	return c
}

// issuesChart is a bar per top issue: this week in red, the weekly
// average of the previous four weeks as a thin grey bar beneath it.
func (d *Digest) issuesChart() chart {
	p := d.printer()
	c := chart{ID: chartIssues, Title: p.T("digest.chart.issues", nil), Alt: p.T("digest.chart.issues_alt", nil)}
	peak := 1.0
	for _, f := range d.Issues {
		peak = math.Max(peak, math.Max(float64(f.Trend.This), f.Trend.PrevAvg))
	}
	for _, f := range d.Issues {
		r := chartRow{Label: oneLine(p.Category(f.Category), 80), Value: fmt.Sprint(f.Trend.This),
			UnderPct: barPct(f.Trend.PrevAvg, peak), UnderNote: p.T("digest.chart.before", map[string]any{"N": fmt.Sprintf("%.1f", f.Trend.PrevAvg)})}
		if f.Trend.This > 0 {
			r.Segs = []chartSeg{{Pct: barPct(float64(f.Trend.This), peak), Color: colNeg}}
		}
		c.Rows = append(c.Rows, r)
	}
	return c
}
