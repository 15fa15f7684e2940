package digest

import (
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"
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
func trendPhrase(t Trend) string {
	prev := avgCount(t.PrevAvg)
	switch {
	case t.PrevAvg == 0 && t.This == 0:
		return "none in the previous 4 weeks either"
	case t.PrevAvg == 0:
		return "none in the previous 4 weeks"
	case prev == avgCount(float64(t.This)):
		return "the same as the usual " + prev + " a week"
	case float64(t.This) > t.PrevAvg:
		return "up from " + prev + " a week"
	default:
		return "down from " + prev + " a week"
	}
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

func ratingPhrase(r Rating) string {
	if !r.HasAvg {
		if r.HasPrev {
			return fmt.Sprintf("no star ratings this week (%s over the previous 4 weeks)", stars(r.PrevAvg))
		}
		return "no star ratings this week"
	}
	s := fmt.Sprintf("%s from %d %s", stars(r.Avg), r.Count, plural(r.Count, "review", "reviews"))
	if !r.HasPrev {
		return s + ", no ratings in the previous 4 weeks"
	}
	switch direction(r.Avg-r.PrevAvg, 0.05) {
	case 1:
		return s + fmt.Sprintf(", up %.1f from %s", r.Avg-r.PrevAvg, stars(r.PrevAvg))
	case -1:
		return s + fmt.Sprintf(", down %.1f from %s", r.PrevAvg-r.Avg, stars(r.PrevAvg))
	}
	return s + fmt.Sprintf(", steady (%s before)", stars(r.PrevAvg))
}

func pct(v float64) string { return fmt.Sprintf("%.0f%%", v*100) }

func negativePhrase(d *Digest) string {
	if !d.HasNegativeShare {
		return "no analyzed mentions"
	}
	s := pct(d.NegativeShare)
	if !d.HasPrevNegative {
		return s
	}
	points := (d.NegativeShare - d.PrevNegativeShare) * 100
	switch direction(points, 0.5) {
	case 1:
		return fmt.Sprintf("%s, up from %s", s, pct(d.PrevNegativeShare))
	case -1:
		return fmt.Sprintf("%s, down from %s", s, pct(d.PrevNegativeShare))
	}
	return fmt.Sprintf("%s, the same as before", s)
}

// Verdict is the one-line answer to "did my reputation get better or
// worse?", from the rating and the share of negative mentions.
func (d *Digest) Verdict() (word string, dir int) {
	if d.Quiet() {
		return "A quiet week: no new mentions.", 0
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
		return "Not enough earlier data to compare with yet.", 0
	case score >= 1:
		return "Your reputation got better this week.", 1
	case score <= -1:
		return "Your reputation got worse this week.", -1
	}
	return "Your reputation held steady this week.", 0
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// human writes a duration the way people say it: 45m, 3h 10m, 2d 4h.
func human(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Round(time.Minute)
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	h := d / time.Hour
	m := (d - h*time.Hour) / time.Minute
	switch {
	case days > 0 && h > 0:
		return fmt.Sprintf("%dd %dh", days, h)
	case days > 0:
		return fmt.Sprintf("%dd", days)
	case h > 0 && m > 0:
		return fmt.Sprintf("%dh %dm", h, m)
	case h > 0:
		return fmt.Sprintf("%dh", h)
	}
	return fmt.Sprintf("%dm", m)
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

func issueLabel(f IssueFigures) string {
	if len(f.Terms) == 0 {
		return f.Category
	}
	return f.Category + " (" + strings.Join(f.Terms, ", ") + ")"
}

func weekRange(d *Digest) string {
	last := d.End.AddDate(0, 0, -1)
	return fmt.Sprintf("Mon %s – Sun %s, %s", d.Start.Format("2 Jan"), last.Format("2 Jan 2006"), d.Location.String())
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
	s := fmt.Sprintf("%s, week %s: ", d.name(), d.Week)
	if d.Quiet() {
		return s + "a quiet week"
	}
	var parts []string
	if d.Rating.HasAvg {
		r := "rating " + fmt.Sprintf("%.1f", d.Rating.Avg)
		if d.Rating.HasPrev {
			r += fmt.Sprintf(" (%+.1f)", d.Rating.Avg-d.Rating.PrevAvg)
		}
		parts = append(parts, r)
	}
	parts = append(parts, fmt.Sprintf("%d %s", d.Mentions.This, plural(d.Mentions.This, "mention", "mentions")))
	parts = append(parts, fmt.Sprintf("%d %s", d.ComplaintsOpened, plural(d.ComplaintsOpened, "complaint", "complaints")))
	if d.Response.OverdueTotal > 0 {
		parts = append(parts, fmt.Sprintf("%d overdue", d.Response.OverdueTotal))
	}
	return s + strings.Join(parts, ", ")
}

func onTimePhrase(r Response) string {
	open := ""
	if r.NotYetDue > 0 {
		open = fmt.Sprintf("%d still open, not yet due", r.NotYetDue)
	}
	switch {
	case r.Due == 0 && open != "":
		return "no deadline has passed yet; " + open
	case r.Due == 0:
		return "no reply deadlines fell this week"
	case open != "":
		return fmt.Sprintf("%d of %d (%s); %s", r.AnsweredOnTime, r.Due, pct(float64(r.AnsweredOnTime)/float64(r.Due)), open)
	}
	return fmt.Sprintf("%d of %d (%s)", r.AnsweredOnTime, r.Due, pct(float64(r.AnsweredOnTime)/float64(r.Due)))
}

func replyTimePhrase(r Response) string {
	if r.Replied == 0 {
		return "no replies to this week's complaints yet"
	}
	return fmt.Sprintf("median %s, 90th percentile %s (%d %s)", human(r.Median), human(r.P90), r.Replied, plural(int64(r.Replied), "reply", "replies"))
}

func followUpPhrase(r Response) string {
	if r.FollowUpsDue == 0 {
		return fmt.Sprintf("%d done", r.FollowUpsDone)
	}
	return fmt.Sprintf("%d done (%d due this week)", r.FollowUpsDone, r.FollowUpsDue)
}

func healthLine(h SourceHealth) string {
	s := fmt.Sprintf("%s (%s): %d of %d %s failed", oneLine(h.Name, 60), h.Kind, h.Failed, h.Runs, plural(int64(h.Runs), "run", "runs"))
	if h.Blocked > 0 {
		s += fmt.Sprintf(", %d blocked", h.Blocked)
	}
	if h.LastError != "" {
		s += fmt.Sprintf("; last error (%s): %s", h.LastClass, oneLine(h.LastError, 160))
	}
	return s
}

func quoteHead(q Quote, loc *time.Location) string {
	var b strings.Builder
	if q.Rating != nil {
		fmt.Fprintf(&b, "%.0f★ ", *q.Rating)
	}
	b.WriteString(oneLine(q.Source, 40))
	if q.Author != "" {
		b.WriteString(", " + q.Author)
	}
	b.WriteString(", " + q.PostedAt.In(loc).Format("Mon 2 Jan"))
	return b.String()
}

// healthOK is the source-health line of a week without failures; a week
// without a single scrape is not a healthy one.
func healthOK(d *Digest) string {
	if d.Runs == 0 {
		return "No source was scraped this week: is `earshot serve` running?"
	}
	return fmt.Sprintf("Every source ran without errors this week (%d %s).", d.Runs, plural(d.Runs, "run", "runs"))
}
