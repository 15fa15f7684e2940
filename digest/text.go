package digest

import (
	"fmt"
	"strings"
)

// The CLI commands the digest points to for details; named once so the
// text and HTML parts agree.
const (
	glanceWhere = "Details: mentions and reviews per source below, with links; complaints: `earshot tasks list`; the worst mentions are quoted with links below."
	cmdOverdue  = "earshot tasks list --overdue"
	cmdTasks    = "earshot tasks list"
	cmdSources  = "earshot sources"
	issuesWhere = "The complaints behind each issue, with the customers' words and links: `earshot tasks list --all`, or the staff inbox of `earshot serve`."
)

// RenderText writes the plain-text part: every fact of the HTML part, in
// lines short enough for any mail client. Scraped text appears on one
// line each, cut short and stripped of control characters.
func (d *Digest) RenderText() string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	section := func(title string) { line("\n%s\n%s", title, strings.Repeat("-", len([]rune(title)))) }

	line("%s: weekly reputation digest", d.name())
	line("Week %s (%s)", d.Week, weekRange(d))
	verdict, _ := d.Verdict()
	line("\n%s", verdict)

	if d.Quiet() {
		line("Earshot found no reviews or posts about %s this week.", d.name())
		d.textSources(line, section)
		d.textResponse(line, section)
		d.textHealth(line, section)
		d.textFooter(line)
		return b.String()
	}

	section("At a glance")
	line("Average rating:     %s", ratingPhrase(d.Rating))
	line("Mentions:           %d, %s", d.Mentions.This, trendPhrase(d.Mentions))
	line("New reviews:        %d, %s", d.NewReviews.This, trendPhrase(d.NewReviews))
	line("Negative mentions:  %s", negativePhrase(d))
	line("Complaints opened:  %d, %s", d.Complaints.This, trendPhrase(d.Complaints))
	line("Mentions per day:   %s", d.dayList())
	line("(%s)", glanceWhere)

	d.textSources(line, section)

	section("Top issues")
	if len(d.Issues) == 0 {
		line("No issues raised this week.")
	}
	for _, f := range d.Issues {
		tags := ""
		if f.New {
			tags += " [new]"
		}
		if f.Returned {
			tags += " [back after being resolved]"
		}
		line("- %s: %d, %s%s", oneLine(issueLabel(f), 120), f.Trend.This, trendPhrase(f.Trend), tags)
	}
	if len(d.NewIssues) > 0 {
		line("New this week (not raised in the previous 4 weeks): %s", oneLine(strings.Join(d.NewIssues, ", "), 300))
	}
	if len(d.ReturnedIssues) > 0 {
		line("Came back after complaints about them were resolved: %s", oneLine(strings.Join(d.ReturnedIssues, ", "), 300))
	}
	if len(d.Issues) > 0 {
		line("(%s)", issuesWhere)
	}

	section("What customers praised")
	if len(d.Praise) == 0 {
		line("Nothing singled out for praise this week.")
	}
	for _, f := range d.Praise {
		line("- %s: %d, %s", oneLine(issueLabel(f), 120), f.Trend.This, trendPhrase(f.Trend))
	}

	d.textResponse(line, section)

	section("Worst of the week")
	d.textQuotes(line, d.Worst, "No negative mentions this week.")
	section("Best of the week")
	d.textQuotes(line, d.Best, "No positive mentions this week.")

	d.textHealth(line, section)
	d.textFooter(line)
	return b.String()
}

type lineFunc func(format string, args ...any)

func (d *Digest) dayList() string {
	parts := make([]string, 0, 7)
	for _, day := range d.Days {
		parts = append(parts, fmt.Sprintf("%s %d", day.Date.Format("Mon"), day.Mentions))
	}
	return strings.Join(parts, ", ")
}

func (d *Digest) textSources(line lineFunc, section func(string)) {
	section("Mentions by source")
	if len(d.Sources) == 0 {
		line("No sources configured.")
	}
	for _, s := range d.Sources {
		where := ""
		if u := safeURL(s.Target); u != "" {
			where = " <" + u + ">"
		}
		line("- %s (%s): %d, %s%s", oneLine(s.Name, 60), s.Kind, s.Trend.This, trendPhrase(s.Trend), where)
	}
}

func (d *Digest) textResponse(line lineFunc, section func(string)) {
	r := d.Response
	section("Responsiveness")
	line("Time to first reply:          %s", replyTimePhrase(r))
	line("Answered before the deadline: %s", onTimePhrase(r))
	line("Follow-ups:                   %s", followUpPhrase(r))
	if p := signalPhrase(d.Signal); p != "" {
		line("Complaint signal:             %s", p)
	}
	if r.OverdueTotal == 0 {
		line("Overdue now:                  none")
		return
	}
	line("Overdue now:                  %d (all of them: `%s`)", r.OverdueTotal, cmdOverdue)
	for _, t := range r.Overdue {
		link := ""
		if u := safeURL(t.Link); u != "" {
			link = " <" + u + ">"
		}
		who := ""
		if t.Assignee != "" {
			who = ", assigned to " + oneLine(t.Assignee, 40)
		}
		line("- task %d (%s, severity %d%s): %s late, due %s%s", t.ID, t.Kind, t.Severity, who, human(t.Late), t.DueAt.In(d.Location).Format("Mon 2 Jan 15:04"), link)
	}
	if int64(len(r.Overdue)) < r.OverdueTotal {
		line("  … and %d more", r.OverdueTotal-int64(len(r.Overdue)))
	}
}

func (d *Digest) textQuotes(line lineFunc, qs []Quote, none string) {
	if len(qs) == 0 {
		line("%s", none)
	}
	for _, q := range qs {
		line("- %s:", quoteHead(q, d.Location))
		line("  \"%s\"", q.Text)
		if u := safeURL(q.URL); u != "" {
			line("  <%s>", u)
		}
	}
}

func (d *Digest) textHealth(line lineFunc, section func(string)) {
	section("Source health")
	if len(d.Health) == 0 {
		line("%s", healthOK(d))
		return
	}
	for _, h := range d.Health {
		line("- %s", healthLine(h))
	}
	line("Current status of every source: `%s`", cmdSources)
}

func (d *Digest) textFooter(line lineFunc) {
	line("\n--")
	line("Tasks and deadlines: `%s`. Compared with the 4 weeks before %s.", cmdTasks, d.Start.Format("2 Jan 2006"))
	line("Sent by earshot at %s.", d.GeneratedAt.In(d.Location).Format("Mon 2 Jan 2006 15:04 MST"))
}
