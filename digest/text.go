package digest

import (
	"fmt"
	"strings"

	"github.com/earshot/earshot/i18n"
)

// The CLI commands the digest points to for details; named once so the
// text and HTML parts agree.
const (
	cmdOverdue = "earshot tasks list --overdue"
	cmdTasks   = "earshot tasks list"
	cmdSources = "earshot sources"
)

// width is how many columns s takes in a monospaced mail client: East
// Asian wide characters take two, so Japanese labels line up too.
func width(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r >= 0x1100 && r <= 0x115F, r >= 0x2E80 && r <= 0xA4CF, r >= 0xAC00 && r <= 0xD7A3,
			r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFF60, r >= 0xFFE0 && r <= 0xFFE6:
			n += 2
		default:
			n++
		}
	}
	return n
}

// label is a text-part label ("Mentions:") padded to cols columns.
func label(p i18n.Printer, id string, cols int) string {
	l := p.T("digest.text.label", map[string]any{"Label": p.T(id, nil)})
	if w := width(l); w < cols {
		l += strings.Repeat(" ", cols-w)
	}
	return l
}

// RenderText writes the plain-text part: every fact of the HTML part, in
// lines short enough for any mail client, in the business's locale.
// Scraped text appears on one line each, cut short and stripped of
// control characters.
func (d *Digest) RenderText() string {
	p := d.printer()
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	section := func(title string) { line("\n%s\n%s", title, strings.Repeat("-", width(title))) }

	line("%s", p.T("digest.title", map[string]any{"Name": d.name()}))
	line("%s", p.T("digest.week", map[string]any{"Week": d.Week.String(), "Range": weekRange(p, d)}))
	verdict, _ := d.Verdict()
	line("\n%s", verdict)

	if d.Quiet() {
		line("%s", p.T("digest.quiet_body", map[string]any{"Name": d.name()}))
		d.textSources(p, line, section)
		d.textResponse(p, line, section)
		d.textHealth(p, line, section)
		d.textFooter(p, line)
		return b.String()
	}

	section(p.T("digest.glance", nil))
	line("%s%s", label(p, "digest.h.rating", 20), ratingPhrase(p, d.Rating))
	line("%s%s", label(p, "digest.h.mentions", 20), countTrend(p, d.Mentions))
	line("%s%s", label(p, "digest.h.reviews", 20), countTrend(p, d.NewReviews))
	line("%s%s", label(p, "digest.h.negative", 20), negativePhrase(p, d))
	line("%s%s%s", label(p, "digest.h.complaints", 20), countTrend(p, d.Complaints), d.textLink(d.inboxURL(inboxAll)))
	line("%s%s", label(p, "digest.h.per_day", 20), d.dayList(p))
	line("(%s)", p.T("digest.glance_where", nil))

	d.textSources(p, line, section)

	section(p.T("digest.issues", nil))
	if len(d.Issues) == 0 {
		line("%s", p.T("digest.issues.none", nil))
	}
	for _, f := range d.Issues {
		tags := ""
		if f.New {
			tags += p.T("digest.tag.new_text", nil)
		}
		if f.Returned {
			tags += p.T("digest.tag.back_text", nil)
		}
		line("- %s: %s%s", oneLine(issueLabel(p, f), 120), countTrend(p, f.Trend), tags)
	}
	if len(d.NewIssues) > 0 {
		line("%s%s", p.T("digest.issues.new", nil), oneLine(strings.Join(categories(p, d.NewIssues), p.T("digest.sep", nil)), 300))
	}
	if len(d.ReturnedIssues) > 0 {
		line("%s%s", p.T("digest.issues.back", nil), oneLine(strings.Join(categories(p, d.ReturnedIssues), p.T("digest.sep", nil)), 300))
	}
	if len(d.Issues) > 0 {
		line("(%s)%s", p.T("digest.issues_where", nil), d.textLink(d.inboxURL(inboxAll)))
	}

	section(p.T("digest.praise", nil))
	if len(d.Praise) == 0 {
		line("%s", p.T("digest.praise.none", nil))
	}
	for _, f := range d.Praise {
		line("- %s: %s", oneLine(issueLabel(p, f), 120), countTrend(p, f.Trend))
	}

	d.textResponse(p, line, section)

	section(p.T("digest.worst", nil))
	d.textQuotes(p, line, d.Worst, p.T("digest.worst.none", nil))
	section(p.T("digest.best", nil))
	d.textQuotes(p, line, d.Best, p.T("digest.best.none", nil))

	d.textHealth(p, line, section)
	d.textFooter(p, line)
	return b.String()
}

type lineFunc func(format string, args ...any)

// textLink is " <url>" after a figure in the text part, or nothing when
// the digest has no web app to link to.
func (d *Digest) textLink(u string) string {
	if u == "" {
		return ""
	}
	return " <" + u + ">"
}

func (d *Digest) dayList(p i18n.Printer) string {
	parts := make([]string, 0, 7)
	for _, day := range d.Days {
		parts = append(parts, fmt.Sprintf("%s %d", p.Weekday(day.Date), day.Mentions))
	}
	return strings.Join(parts, p.T("digest.sep", nil))
}

func (d *Digest) textSources(p i18n.Printer, line lineFunc, section func(string)) {
	section(p.T("digest.sources", nil))
	if len(d.Sources) == 0 {
		line("%s", p.T("digest.sources.none", nil))
	}
	for _, s := range d.Sources {
		where := ""
		if u := safeURL(s.Target); u != "" {
			where = " <" + u + ">"
		}
		line("- %s (%s): %s%s%s", oneLine(s.Name, 60), s.Kind, countTrend(p, s.Trend), where, d.textLink(d.sourceInboxURL(s.Name)))
	}
}

func (d *Digest) textResponse(p i18n.Printer, line lineFunc, section func(string)) {
	r := d.Response
	section(p.T("digest.response", nil))
	line("%s%s", label(p, "digest.l.reply", 30), replyTimePhrase(p, r))
	line("%s%s", label(p, "digest.l.ontime", 30), onTimePhrase(p, r))
	line("%s%s", label(p, "digest.l.followups", 30), followUpPhrase(p, r))
	if s := signalPhrase(p, d.Signal); s != "" {
		line("%s%s", label(p, "digest.l.signal", 30), s)
	}
	if r.OverdueTotal == 0 {
		line("%s%s", label(p, "digest.l.overdue", 30), p.T("digest.overdue.none", nil))
		return
	}
	line("%s%d (%s `%s`)%s", label(p, "digest.l.overdue", 30), r.OverdueTotal, p.T("digest.overdue.all", nil), cmdOverdue, d.textLink(d.inboxURL(inboxOverdue)))
	for _, t := range r.Overdue {
		link := ""
		if u := safeURL(t.Link); u != "" {
			link = " <" + u + ">"
		}
		line("- %s%s%s", p.T("digest.overdue.item_text", overdueArgs(p, t)), d.textLink(d.taskURL(t.ID)), link)
	}
	if int64(len(r.Overdue)) < r.OverdueTotal {
		line("  %s", p.T("digest.overdue.more", map[string]any{"N": r.OverdueTotal - int64(len(r.Overdue))}))
	}
}

func (d *Digest) textQuotes(p i18n.Printer, line lineFunc, qs []Quote, none string) {
	if len(qs) == 0 {
		line("%s", none)
	}
	for _, q := range qs {
		line("- %s:", quoteHead(p, q))
		line("  \"%s\"", q.Text)
		if u := safeURL(q.URL); u != "" {
			line("  <%s>", u)
		}
	}
}

func (d *Digest) textHealth(p i18n.Printer, line lineFunc, section func(string)) {
	section(p.T("digest.health", nil))
	if len(d.Health) == 0 {
		line("%s", healthOK(p, d))
		return
	}
	for _, h := range d.Health {
		line("- %s", healthLine(p, h))
	}
	line("%s`%s`%s", p.T("digest.health.status", nil), cmdSources, d.textLink(d.webURL("/sources", nil)))
}

func (d *Digest) textFooter(p i18n.Printer, line lineFunc) {
	line("\n--")
	line("%s", p.T("digest.footer.tasks_text", map[string]any{"Cmd": cmdTasks, "Date": p.FullDate(d.Start)}))
	line("%s", p.T("digest.footer.sent", map[string]any{"When": p.FullDateTime(d.GeneratedAt)}))
}
