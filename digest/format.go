package digest

import (
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"

	"github.com/earshot/earshot/i18n"
)

// Formatting shared by the text and HTML parts, so both state the same
// facts in the same words.

// avgCount formats an average per week: whole numbers without decimals.
func avgCount(v float64) string {
	if math.Abs(v-math.Round(v)) < 0.05 {
		return fmt.Sprintf("%.0f", math.Round(v))
	}
	return fmt.Sprintf("%.1f", v)
}

// trendPhrase compares a weekly count with the weekly average of the four
// weeks before: "up from 2 a week", "down from 7.5 a week", "about the
// same as usual".
func trendPhrase(p i18n.Printer, t Trend) string {
	prev := avgCount(t.PrevAvg)
	args := map[string]any{"Prev": prev}
	switch {
	case t.PrevAvg == 0 && t.This == 0:
		return p.T("digest.trend.none_either", nil)
	case t.PrevAvg == 0:
		return p.T("digest.trend.none", nil)
	case prev == avgCount(float64(t.This)):
		return p.T("digest.trend.same", args)
	case float64(t.This) > t.PrevAvg:
		return p.T("digest.trend.up", args)
	default:
		return p.T("digest.trend.down", args)
	}
}

// countTrend is a count with its trend: "4, up from 2 a week",
// "4件、週平均2件から増加".
func countTrend(p i18n.Printer, t Trend) string {
	return p.T("digest.count_trend", map[string]any{"N": t.This, "Trend": trendPhrase(p, t)})
}

// direction is 1 for a rise beyond eps, -1 for a fall, 0 otherwise.
func direction(delta, eps float64) int {
	switch {
	case delta > eps:
		return 1
	case delta < -eps:
		return -1
	}
	return 0
}

func stars(v float64) string { return fmt.Sprintf("%.1f/5", v) }

func ratingPhrase(p i18n.Printer, r Rating) string {
	if !r.HasAvg {
		if r.HasPrev {
			return p.T("digest.rating.none_prev", map[string]any{"Prev": stars(r.PrevAvg)})
		}
		return p.T("digest.rating.none", nil)
	}
	s := p.N("digest.rating.from", int(r.Count), map[string]any{"Stars": stars(r.Avg)})
	if !r.HasPrev {
		return p.T("digest.rating.no_prev", map[string]any{"S": s})
	}
	args := map[string]any{"S": s, "Prev": stars(r.PrevAvg)}
	switch direction(r.Avg-r.PrevAvg, 0.05) {
	case 1:
		args["Delta"] = fmt.Sprintf("%.1f", r.Avg-r.PrevAvg)
		return p.T("digest.rating.up", args)
	case -1:
		args["Delta"] = fmt.Sprintf("%.1f", r.PrevAvg-r.Avg)
		return p.T("digest.rating.down", args)
	}
	return p.T("digest.rating.steady", args)
}

func pct(v float64) string { return fmt.Sprintf("%.0f%%", v*100) }

func negativePhrase(p i18n.Printer, d *Digest) string {
	if !d.HasNegativeShare {
		return p.T("digest.negative.none", nil)
	}
	s := pct(d.NegativeShare)
	if !d.HasPrevNegative {
		return s
	}
	args := map[string]any{"S": s, "Prev": pct(d.PrevNegativeShare)}
	points := (d.NegativeShare - d.PrevNegativeShare) * 100
	switch direction(points, 0.5) {
	case 1:
		return p.T("digest.negative.up", args)
	case -1:
		return p.T("digest.negative.down", args)
	}
	return p.T("digest.negative.same", args)
}

// printer writes the digest in the business's locale and time zone.
func (d *Digest) printer() i18n.Printer { return i18n.For(d.Business.Locale, d.Location) }

// Verdict is the one-line answer to "did my reputation get better or
// worse?", from the rating and the share of negative mentions, in the
// business's locale.
func (d *Digest) Verdict() (word string, dir int) {
	p := d.printer()
	if d.Quiet() {
		return p.T("digest.verdict.quiet", nil), 0
	}
	score := 0.0
	known := false
	if d.Rating.HasAvg && d.Rating.HasPrev {
		score += (d.Rating.Avg - d.Rating.PrevAvg) / 0.2 // 0.2 star is one step
		known = true
	}
	if d.HasNegativeShare && d.HasPrevNegative {
		score -= (d.NegativeShare - d.PrevNegativeShare) / 0.05 // 5 points is one step
		known = true
	}
	switch {
	case !known:
		return p.T("digest.verdict.unknown", nil), 0
	case score >= 1:
		return p.T("digest.verdict.better", nil), 1
	case score <= -1:
		return p.T("digest.verdict.worse", nil), -1
	}
	return p.T("digest.verdict.steady", nil), 0
}

// human writes a duration the way people say it, briefly: 45m, 3h 10m,
// 2d 4h; 45分, 3時間10分, 2日4時間.
func human(p i18n.Printer, d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Round(time.Minute)
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	h := d / time.Hour
	m := (d - h*time.Hour) / time.Minute
	args := map[string]any{"D": int64(days), "H": int64(h), "M": int64(m)}
	switch {
	case days > 0 && h > 0:
		return p.T("digest.dur.dh", args)
	case days > 0:
		return p.T("digest.dur.d", args)
	case h > 0 && m > 0:
		return p.T("digest.dur.hm", args)
	case h > 0:
		return p.T("digest.dur.h", args)
	}
	return p.T("digest.dur.m", args)
}

// safeURL returns u when it is an absolute http(s) URL without spaces or
// control characters, else "": a scraped link is only printed or linked
// when it cannot be anything but a web address.
func safeURL(u string) string {
	if u == "" || len(u) > 2000 || strings.ContainsFunc(u, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '"' || r == '<' || r == '>' }) {
		return ""
	}
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return p.String()
}

func issueLabel(p i18n.Printer, f IssueFigures) string {
	if len(f.Terms) == 0 {
		return p.Category(f.Category)
	}
	return p.T("digest.issue.label", map[string]any{"Category": p.Category(f.Category), "Terms": strings.Join(f.Terms, p.T("digest.sep", nil))})
}

func weekRange(p i18n.Printer, d *Digest) string {
	last := d.End.AddDate(0, 0, -1)
	return p.T("digest.week_range", map[string]any{"Start": p.DayMonth(d.Start), "End": p.FullDate(last), "Zone": d.Location.String()})
}

func (d *Digest) name() string {
	n := d.Business.DisplayName
	if n == "" {
		n = d.Business.Name
	}
	return oneLine(n, 80)
}

// Subject is the email subject: the business, the week and the headline.
func (d *Digest) Subject() string {
	p := d.printer()
	s := p.T("digest.subject", map[string]any{"Name": d.name(), "Week": d.Week.String()})
	if d.Quiet() {
		return s + p.T("digest.subject.quiet", nil)
	}
	var parts []string
	if d.Rating.HasAvg {
		r := p.T("digest.subject.rating", map[string]any{"Avg": fmt.Sprintf("%.1f", d.Rating.Avg)})
		if d.Rating.HasPrev {
			r += p.T("digest.subject.rating_delta", map[string]any{"Delta": fmt.Sprintf("%+.1f", d.Rating.Avg-d.Rating.PrevAvg)})
		}
		parts = append(parts, r)
	}
	parts = append(parts, p.N("digest.subject.mentions", int(d.Mentions.This), nil))
	parts = append(parts, p.N("digest.subject.complaints", int(d.ComplaintsOpened), nil))
	if d.Response.OverdueTotal > 0 {
		parts = append(parts, p.N("digest.subject.overdue", int(d.Response.OverdueTotal), nil))
	}
	return s + strings.Join(parts, p.T("digest.sep", nil))
}

func onTimePhrase(p i18n.Printer, r Response) string {
	open := ""
	if r.NotYetDue > 0 {
		open = p.T("digest.ontime.open", map[string]any{"N": r.NotYetDue})
	}
	args := map[string]any{"Open": open, "On": r.AnsweredOnTime, "Due": r.Due}
	if r.Due > 0 {
		args["Pct"] = pct(float64(r.AnsweredOnTime) / float64(r.Due))
	}
	switch {
	case r.Due == 0 && open != "":
		return p.T("digest.ontime.none_passed", args)
	case r.Due == 0:
		return p.T("digest.ontime.none", nil)
	case open != "":
		return p.T("digest.ontime.share_open", args)
	}
	return p.T("digest.ontime.share", args)
}

func replyTimePhrase(p i18n.Printer, r Response) string {
	if r.Replied == 0 {
		return p.T("digest.reply.none", nil)
	}
	return p.N("digest.reply.times", int(r.Replied), map[string]any{"Median": human(p, r.Median), "P90": human(p, r.P90)})
}

func followUpPhrase(p i18n.Printer, r Response) string {
	args := map[string]any{"Done": r.FollowUpsDone, "Due": r.FollowUpsDue}
	if r.FollowUpsDue == 0 {
		return p.T("digest.followups.done", args)
	}
	return p.T("digest.followups.done_due", args)
}

func healthLine(p i18n.Printer, h SourceHealth) string {
	s := p.N("digest.health.failed", int(h.Runs), map[string]any{"Name": oneLine(h.Name, 60), "Kind": h.Kind, "Failed": h.Failed})
	if h.Blocked > 0 {
		s += p.T("digest.health.blocked", map[string]any{"N": h.Blocked})
	}
	if h.LastError != "" {
		s += p.T("digest.health.last_error", map[string]any{"Class": h.LastClass, "Error": oneLine(h.LastError, 160)})
	}
	return s
}

func quoteHead(p i18n.Printer, q Quote) string {
	var b strings.Builder
	if q.Rating != nil {
		fmt.Fprintf(&b, "%.0f★ ", *q.Rating)
	}
	sep := p.T("digest.sep", nil)
	b.WriteString(oneLine(q.Source, 40))
	if q.Author != "" {
		b.WriteString(sep + q.Author)
	}
	b.WriteString(sep + p.Date(q.PostedAt))
	return b.String()
}

// healthOK is the source-health line of a week without failures; a week
// without a single scrape is not a healthy one.
func healthOK(p i18n.Printer, d *Digest) string {
	if d.Runs == 0 {
		return p.T("digest.health.no_runs", nil)
	}
	return p.N("digest.health.ok", int(d.Runs), nil)
}

// categories names issue categories in the printer's language.
func categories(p i18n.Printer, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = p.Category(n)
	}
	return out
}
