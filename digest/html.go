package digest

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"strings"

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
	"trend":    trendPhrase,
	"label":    func(f IssueFigures) string { return oneLine(issueLabel(f), 120) },
	"safeURL":  safeURL,
	"human":    human,
	"oneLine":  oneLine,
	"join":     strings.Join,
	"healthLn": healthLine,
	"healthOK": healthOK,
}).Parse(emailTemplate))

// htmlView is what the template lays out: the digest plus the strings
// both parts share, computed once in Go.
type htmlView struct {
	D           *Digest
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
	IssuesWhere string
	DayList     string
	SourceLinks []sourceView
}

type quoteView struct {
	Head string
	Text string
	URL  string
}

type overdueView struct {
	Text string
	URL  string
}

type sourceView struct {
	Name, Kind, Trend, URL string
	Count                  int64
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
	verdict, dir := d.Verdict()
	v := htmlView{
		D: d, Name: d.name(), Subject: d.Subject(), WeekRange: weekRange(d), Verdict: verdict, VerdictDir: dir,
		Rating:     ratingPhrase(d.Rating),
		Mentions:   fmt.Sprintf("%d, %s", d.Mentions.This, trendPhrase(d.Mentions)),
		NewReviews: fmt.Sprintf("%d, %s", d.NewReviews.This, trendPhrase(d.NewReviews)),
		Negative:   negativePhrase(d),
		Complaints: fmt.Sprintf("%d, %s", d.Complaints.This, trendPhrase(d.Complaints)),
		ReplyTime:  replyTimePhrase(d.Response),
		OnTime:     onTimePhrase(d.Response),
		FollowUps:  followUpPhrase(d.Response),
		Signal:     signalPhrase(d.Signal),
		Generated:  d.GeneratedAt.In(d.Location).Format("Mon 2 Jan 2006 15:04 MST"),
		Compared:   d.Start.Format("2 Jan 2006"),
		CmdOverdue: cmdOverdue, CmdTasks: cmdTasks, CmdSources: cmdSources, IssuesWhere: issuesWhere,
		DayList: d.dayList(),
	}
	v.Charts = d.charts()
	for _, q := range d.Worst {
		v.Worst = append(v.Worst, quoteView{Head: quoteHead(q, d.Location), Text: q.Text, URL: safeURL(q.URL)})
	}
	for _, q := range d.Best {
		v.Best = append(v.Best, quoteView{Head: quoteHead(q, d.Location), Text: q.Text, URL: safeURL(q.URL)})
	}
	for _, t := range d.Response.Overdue {
		who := ""
		if t.Assignee != "" {
			who = ", assigned to " + oneLine(t.Assignee, 40)
		}
		v.Overdue = append(v.Overdue, overdueView{
			Text: fmt.Sprintf("Task %d (%s, severity %d%s): %s late, due %s", t.ID, t.Kind, t.Severity, who, human(t.Late), t.DueAt.In(d.Location).Format("Mon 2 Jan 15:04")),
			URL:  safeURL(t.Link),
		})
	}
	v.More = d.Response.OverdueTotal - int64(len(d.Response.Overdue))
	for _, s := range d.Sources {
		v.SourceLinks = append(v.SourceLinks, sourceView{Name: oneLine(s.Name, 60), Kind: s.Kind, Count: s.Trend.This, Trend: trendPhrase(s.Trend), URL: safeURL(s.Target)})
	}
	var buf bytes.Buffer
	if err := emailTmpl.Execute(&buf, v); err != nil {
		return "", fmt.Errorf("digest: render HTML for %s week %s: %w", d.Business.Name, d.Week, err)
	}
	return buf.String(), nil
}
