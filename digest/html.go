package digest

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"strings"

	"github.com/earshot/earshot/i18n"
	"github.com/earshot/earshot/models"
)

//go:embed email.html.tmpl
var emailTemplate string

// The HTML part is a table layout with inline styles only: Outlook,
// Gmail and Apple Mail drop <style> blocks and scripts unevenly, and
// remote images are blocked by default, so the charts are tables of
// inline-styled bars with text labels (charts.go). html/template escapes
// every scraped string.
var emailTmpl = template.Must(template.New("email").Funcs(template.FuncMap{
	"safeURL": safeURL,
	"oneLine": oneLine,
	"join":    strings.Join,
}).Parse(emailTemplate))

// htmlView is what the template lays out: the digest plus the strings
// both parts share, computed once in Go.
type htmlView struct {
	p           i18n.Printer
	D           *Digest
	Lang        string
	Name        string
	Subject     string
	WeekRange   string
	Verdict     string
	VerdictDir  int
	Rating      string
	Mentions    string
	NewReviews  string
	Negative    string
	Complaints  string
	ReplyTime   string
	OnTime      string
	FollowUps   string
	Signal      string
	Charts      []chart
	Worst, Best []quoteView
	Overdue     []overdueView
	More        int64
	Generated   string
	Compared    string
	CmdOverdue  string
	CmdTasks    string
	CmdSources  string
	DayList     string
	SourceLinks []sourceView
	// Links into the web app (empty without server.base_url).
	InboxAll, InboxOverdue, SourcesPage    string
	QuietBody, MoreText, WeekLine          string
	FooterDays, FooterCompared, FooterSent string
}

// T is the message id in the business's locale, for the template.
func (v htmlView) T(id string) string { return v.p.T(id, nil) }

// Cats names issue categories in the digest's language.
func (v htmlView) Cats(names []string) []string { return categories(v.p, names) }

// Trend, Label, Health and HealthOK are the shared phrases in the
// business's locale, for the template.
func (v htmlView) Trend(t Trend) string         { return trendPhrase(v.p, t) }
func (v htmlView) Label(f IssueFigures) string  { return oneLine(issueLabel(v.p, f), 120) }
func (v htmlView) Health(h SourceHealth) string { return healthLine(v.p, h) }
func (v htmlView) HealthOK() string             { return healthOK(v.p, v.D) }

type quoteView struct {
	Head string
	Text string
	URL  string
}

type overdueView struct {
	Text string
	URL  string
	// Task is the task's page in the web app.
	Task string
}

type sourceView struct {
	Name, Kind, Trend, URL string
	Count                  int64
	// Inbox is the inbox filtered to the source's tasks.
	Inbox string
}

// RenderHTML writes the HTML part. It has no images: the charts are
// HTML, so the returned inline images are always none (the return value
// stays for the outbox's message shape).
func (d *Digest) RenderHTML() (string, []models.InlineImage, error) {
	html, err := d.renderHTML()
	if err != nil {
		return "", nil, err
	}
	return html, nil, nil
}

// PreviewHTML writes the HTML part as a standalone page for a browser;
// it is the same document as the email's HTML part.
func (d *Digest) PreviewHTML() (string, error) {
	return d.renderHTML()
}

func (d *Digest) renderHTML() (string, error) {
	p := d.printer()
	verdict, dir := d.Verdict()
	v := htmlView{
		p: p, D: d, Lang: p.Lang(), Name: d.name(), Subject: d.Subject(), WeekRange: weekRange(p, d), Verdict: verdict, VerdictDir: dir,
		Rating:     ratingPhrase(p, d.Rating),
		Mentions:   countTrend(p, d.Mentions),
		NewReviews: countTrend(p, d.NewReviews),
		Negative:   negativePhrase(p, d),
		Complaints: countTrend(p, d.Complaints),
		ReplyTime:  replyTimePhrase(p, d.Response),
		OnTime:     onTimePhrase(p, d.Response),
		FollowUps:  followUpPhrase(p, d.Response),
		Signal:     signalPhrase(p, d.Signal),
		Generated:  p.FullDateTime(d.GeneratedAt),
		Compared:   p.FullDate(d.Start),
		CmdOverdue: cmdOverdue, CmdTasks: cmdTasks, CmdSources: cmdSources,
		DayList:  d.dayList(p),
		InboxAll: d.inboxURL(inboxAll), InboxOverdue: d.inboxURL(inboxOverdue), SourcesPage: d.webURL("/sources", nil),
	}
	v.Charts = d.charts()
	for _, q := range d.Worst {
		v.Worst = append(v.Worst, quoteView{Head: quoteHead(p, q), Text: q.Text, URL: safeURL(q.URL)})
	}
	for _, q := range d.Best {
		v.Best = append(v.Best, quoteView{Head: quoteHead(p, q), Text: q.Text, URL: safeURL(q.URL)})
	}
	for _, t := range d.Response.Overdue {
		v.Overdue = append(v.Overdue, overdueView{Text: p.T("digest.overdue.item", overdueArgs(p, t)), URL: safeURL(t.Link), Task: d.taskURL(t.ID)})
	}
	v.More = d.Response.OverdueTotal - int64(len(d.Response.Overdue))
	v.MoreText = p.T("digest.overdue.more", map[string]any{"N": v.More})
	v.WeekLine = p.T("digest.week_lc", map[string]any{"Week": d.Week.String(), "Range": v.WeekRange})
	v.QuietBody = p.T("digest.quiet_body", map[string]any{"Name": v.Name})
	v.FooterDays = p.T("digest.footer.per_day", map[string]any{"Days": v.DayList})
	v.FooterCompared = p.T("digest.footer.compared", map[string]any{"Date": v.Compared})
	v.FooterSent = p.T("digest.footer.sent", map[string]any{"When": v.Generated})
	for _, s := range d.Sources {
		v.SourceLinks = append(v.SourceLinks, sourceView{Name: oneLine(s.Name, 60), Kind: s.Kind, Count: s.Trend.This, Trend: trendPhrase(p, s.Trend), URL: safeURL(s.Target),
			Inbox: d.sourceInboxURL(s.Name)})
	}
	var buf bytes.Buffer
	if err := emailTmpl.Execute(&buf, v); err != nil {
		return "", fmt.Errorf("digest: render HTML for %s week %s: %w", d.Business.Name, d.Week, err)
	}
	return buf.String(), nil
}
