package digest

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"strings"

	"github.com/earshot/earshot/models"
)

//go:embed email.html.tmpl
var emailTemplate string

// The HTML part is a table layout with inline styles only: Outlook,
// Gmail and Apple Mail drop <style> blocks and scripts unevenly, and
// remote images are blocked by default, so the charts travel inside the
// message. html/template escapes every scraped string.
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
	Charts      []chartView
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

type chartView struct {
	Src           template.URL
	Alt           string
	Width, Height int
	Title         string
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

// RenderHTML writes the HTML part with its charts as inline images,
// referenced as cid:<ContentID>.
func (d *Digest) RenderHTML() (string, []models.InlineImage, error) {
	cs, err := d.charts()
	if err != nil {
		return "", nil, err
	}
	html, err := d.renderHTML(cs, func(c chart) template.URL { return template.URL("cid:" + c.CID) })
	if err != nil {
		return "", nil, err
	}
	return html, inlineImages(cs), nil
}

// PreviewHTML writes the HTML part as a standalone page, the charts
// embedded as data: URLs, for a browser rather than a mail client.
func (d *Digest) PreviewHTML() (string, error) {
	cs, err := d.charts()
	if err != nil {
		return "", err
	}
	return d.renderHTML(cs, func(c chart) template.URL {
		return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(c.PNG))
	})
}

func (d *Digest) renderHTML(cs []chart, src func(chart) template.URL) (string, error) {
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
	titles := map[string]string{cidRating: "Average rating, last 5 weeks", cidDays: "Mentions per day (negative in red)", cidIssues: "Top issues: this week (red) and weekly average before (grey)"}
	for _, c := range cs {
		v.Charts = append(v.Charts, chartView{Src: src(c), Alt: c.Alt, Width: c.Width, Height: c.Height, Title: titles[c.CID]})
	}
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
