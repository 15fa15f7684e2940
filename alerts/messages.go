package alerts

import (
	"encoding/json"
	"fmt"
	"github.com/earshot/earshot/internal/textclean"
	"html/template"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/earshot/earshot/internal/wording"
	"github.com/earshot/earshot/models"
)

// message is what one alert says, rendered to text, HTML and JSON.
// Everything scraped (author, text, title) is hostile: the HTML part goes
// through html/template (contextual escaping), the subject through
// oneLine, and the JSON through encoding/json.
type message struct {
	Subject string
	// Banner is shown above everything, in a red box in HTML: what must
	// not be missed (a severity 5 complaint).
	Banner string
	Lead   string
	Items  []item
	Footer []string
	Data   any
	// Lang is the locale of the text ("ja"), for the HTML lang
	// attribute; LinkHTML and LinkText label the review link. Empty
	// means English.
	Lang               string
	LinkHTML, LinkText string
	// Actions are the recipient's signed one-tap links (acknowledge,
	// assign to me), shown as buttons; filled per recipient by
	// enqueueAlert, since each link names the person who taps it.
	Actions []action
	// Page is the web app page behind the whole message (the overdue
	// list, the sources page), with PageLabel as its link text.
	Page, PageLabel string
	// Sep separates a label from its link in the text part (": ",
	// "："); empty means ": ".
	Sep string
}

// action is one link button: a one-tap action or a page of the web app.
type action struct {
	Label string
	URL   string
}

type item struct {
	Heading string
	// Title is the review's own title, shown on its own line above the
	// quote (not run into the text).
	Title string
	Quote string
	Lines []string
	Link  string
	// Page is the item's page in the web app (its task), labelled
	// PageLabel; built from server.base_url and ids only, never from
	// scraped text.
	Page, PageLabel string
}

var htmlTmpl = template.Must(template.New("alert").Parse(`<!doctype html>
<html{{if .Lang}} lang="{{.Lang}}"{{end}}><body style="font-family:sans-serif;max-width:640px">
{{if .Banner}}<p style="background:#c33;color:#fff;font-weight:bold;padding:8px 12px;margin:0 0 12px">{{.Banner}}</p>{{end}}
<p>{{.Lead}}</p>
{{range .Items}}<div style="border-left:3px solid #c33;padding-left:12px;margin:16px 0">
<h3 style="margin:0 0 6px">{{.Heading}}</h3>
{{if .Title}}<h4 style="margin:0 0 4px">{{.Title}}</h4>{{end}}
{{if .Quote}}<blockquote style="margin:0 0 8px;color:#333;white-space:pre-line">{{.Quote}}</blockquote>{{end}}
{{range .Lines}}<div>{{.}}</div>{{end}}
{{if .Page}}<p><a href="{{.Page}}" style="font-weight:bold">{{.PageLabel}}</a></p>{{end}}
{{if .Link}}<p><a href="{{.Link}}">{{if $.LinkHTML}}{{$.LinkHTML}}{{else}}Open the review{{end}}</a></p>{{end}}
</div>{{end}}
{{if .Actions}}<p>{{range .Actions}}<a href="{{.URL}}" style="display:inline-block;background:#246;color:#fff;text-decoration:none;padding:10px 16px;margin:0 8px 8px 0;border-radius:4px">{{.Label}}</a>{{end}}</p>{{end}}
{{if .Page}}<p><a href="{{.Page}}" style="font-weight:bold">{{.PageLabel}}</a></p>{{end}}
{{range .Footer}}<p style="color:#666;font-size:90%">{{.}}</p>{{end}}
</body></html>`))

func (m message) text() string {
	sep := m.Sep
	if sep == "" {
		sep = ": "
	}
	var b strings.Builder
	if m.Banner != "" {
		b.WriteString("*** " + m.Banner + " ***\n\n")
	}
	b.WriteString(m.Lead + "\n")
	for _, it := range m.Items {
		b.WriteString("\n== " + it.Heading + " ==\n")
		if it.Title != "" {
			b.WriteString("> " + it.Title + "\n")
		}
		if it.Quote != "" {
			for _, l := range strings.Split(it.Quote, "\n") {
				b.WriteString("> " + l + "\n")
			}
		}
		for _, l := range it.Lines {
			b.WriteString(l + "\n")
		}
		if it.Page != "" {
			b.WriteString(it.PageLabel + sep + it.Page + "\n")
		}
		if it.Link != "" {
			label := m.LinkText
			if label == "" {
				label = "Review: "
			}
			b.WriteString(label + it.Link + "\n")
		}
	}
	if len(m.Actions) > 0 {
		b.WriteString("\n")
		for _, a := range m.Actions {
			b.WriteString(a.Label + sep + a.URL + "\n")
		}
	}
	if m.Page != "" {
		b.WriteString("\n" + m.PageLabel + sep + m.Page + "\n")
	}
	for _, f := range m.Footer {
		b.WriteString("\n" + f + "\n")
	}
	return b.String()
}

func (m message) html() (string, error) {
	var b strings.Builder
	if err := htmlTmpl.Execute(&b, m); err != nil {
		return "", fmt.Errorf("alerts: render HTML of %q: %w", m.Subject, err)
	}
	return b.String(), nil
}

// notification fills the content fields of n from m.
func (m message) notification(n models.Notification) (models.Notification, error) {
	n.Subject = textclean.Display(wording.OneLine(m.Subject, 160))
	n.Body = m.text()
	h, err := m.html()
	if err != nil {
		return n, err
	}
	n.HTMLBody = h
	if m.Data != nil {
		n.Payload, err = json.Marshal(m.Data)
		if err != nil {
			return n, fmt.Errorf("alerts: encode payload of %q: %w", m.Subject, err)
		}
	}
	return n, nil
}

// excerpt keeps a review's text readable in an alert.
func excerpt(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if r != '\n' && unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.TrimSpace(s))
	if r := []rune(s); len(r) > max {
		s = string(r[:max-1]) + "…"
	}
	return s
}

func stars(r *float64) string {
	if r == nil {
		return ""
	}
	return strconv.FormatFloat(*r, 'f', -1, 64) + "★"
}

// alertData is the JSON payload of complaint alerts (webhook "data").
type alertData struct {
	TaskID    int64     `json:"task_id"`
	Business  string    `json:"business"`
	Source    string    `json:"source"`
	Author    string    `json:"author"`
	Rating    *float64  `json:"rating,omitempty"`
	Severity  int       `json:"severity"`
	Issues    []string  `json:"issues,omitempty"`
	Text      string    `json:"text"`
	URL       string    `json:"url,omitempty"`
	DueAt     time.Time `json:"due_at"`
	Draft     string    `json:"draft"`
	Reasons   []string  `json:"reasons,omitempty"`
	Assignee  string    `json:"assignee,omitempty"`
	Incident  *int64    `json:"incident_id,omitempty"`
	Reopened  bool      `json:"reopened,omitempty"`
	MentionID int64     `json:"mention_id"`
	// Language is the reviewer's language (ISO 639-1, "und").
	Language string `json:"language,omitempty"`
}
