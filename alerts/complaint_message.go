package alerts

import (
	"fmt"
	"strings"
	"time"

	"github.com/earshot/earshot/i18n"
	"github.com/earshot/earshot/internal/wording"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/tasks"
)

// printer is the message printer of a business: its configured locale
// and time zone.
func (a *Alerter) printer(biz models.Business) i18n.Printer {
	loc, locale := time.UTC, biz.Locale
	if b, ok := a.cfg.Business(biz.Name); ok {
		loc = b.Location()
		if b.Locale != "" {
			locale = b.Locale
		}
	}
	return i18n.For(locale, loc)
}

// complaintMessage describes one complaint for an alert, in the
// business's locale.
func (a *Alerter) complaintMessage(biz models.Business, src models.Source, t models.Task, m models.Mention, an models.Analysis, now time.Time) message {
	p := a.printer(biz)
	who := wording.OneLine(m.Author, 60)
	if who == "" {
		who = p.T("alert.someone", nil)
	}
	what := p.T("alert.what.complaint", nil)
	if m.Rating != nil {
		what = p.T("alert.what.review", map[string]any{"Stars": stars(m.Rating)})
	}
	// The subject names the problems, as the draft does ("the allergic
	// reaction", not "the waiter, the dessert"); an analysis that named
	// none falls back to its negative aspects.
	issues := ProblemWords(an)
	if len(issues) == 0 {
		issues = IssueWords(an)
	}
	if lang, _ := a.drafts.Language(an); lang != "en" {
		issues = IssueTerms(an)
	}
	args := map[string]any{"Business": displayName(biz), "What": what, "Source": src.Name, "Who": who}
	subj := p.T("alert.subject", args)
	if len(issues) > 0 {
		sep := ", "
		if p.Lang() == "ja" {
			sep = "、"
		}
		subj += p.T("alert.subject.issues", map[string]any{"Issues": strings.Join(issues, sep)})
	}
	banner := ""
	if an.Severity >= 5 {
		subj = p.T("alert.subject.urgent", map[string]any{"Rest": strings.TrimPrefix(subj, "[earshot] ")})
		banner = p.T("alert.banner.urgent", nil)
	}
	assignee := t.Assignee
	if assignee == "" {
		assignee = p.T("task.nobody", nil)
	}
	lines := []string{p.T("alert.severity", map[string]any{"Severity": an.Severity, "Task": t.ID, "Assignee": assignee,
		"Remaining": p.Remaining(now, t.DueAt), "Due": p.DateTime(t.DueAt)})}
	if len(an.Reasons) > 0 {
		lines = append(lines, p.T("alert.reasons", map[string]any{"Reasons": wording.OneLine(strings.Join(an.Reasons, "; "), 300)}))
	}
	if note := a.draftNote(p, an); note != "" {
		lines = append(lines, note)
	}
	lines = append(lines, "", p.T("alert.draft", nil), t.Draft, "",
		p.T("alert.cli", map[string]any{"Commands": fmt.Sprintf("earshot tasks ack %d · earshot tasks reply %d%s · earshot tasks show %d", t.ID, t.ID, postHint(m), t.ID)}))
	posted := m.PostedAt
	if posted.IsZero() {
		posted = m.FetchedAt
	}
	heading := who
	if !posted.IsZero() {
		heading = p.T("alert.heading", map[string]any{"Who": who, "When": p.ShortDateTime(posted)})
	}
	return message{
		Subject: subj,
		Lead:    p.T("alert.lead", args),
		Banner:  banner,
		Items: []item{{Heading: heading, Title: wording.OneLine(m.Title, 200), Quote: excerpt(m.Text, 1200), Lines: lines, Link: safeLink(m.URL),
			Page: a.taskPage(t.ID), PageLabel: p.T("link.task", map[string]any{"Task": t.ID})}},
		Footer:   []string{p.T("alert.footer", nil)},
		Lang:     p.Lang(),
		LinkHTML: p.T("alert.link.html", nil),
		LinkText: p.T("alert.link.text", nil), Sep: p.T("link.sep", nil),
		Data: alertData{TaskID: t.ID, Business: biz.Name, Source: src.Name, Author: m.Author, Rating: m.Rating,
			Severity: an.Severity, Issues: issues, Text: m.Text, URL: safeLink(m.URL), DueAt: t.DueAt, Draft: t.Draft,
			Reasons: an.Reasons, Assignee: t.Assignee, Incident: t.IncidentID, MentionID: m.ID, Language: an.Language},
	}
}

// draftNote says, in the owner's locale, that the draft is in English
// because earshot has no template in the reviewer's language; empty
// when the draft is in the reviewer's language.
func (a *Alerter) draftNote(p i18n.Printer, an models.Analysis) string {
	lang, fellBack := a.drafts.Language(an)
	if !fellBack {
		return ""
	}
	return p.T("alert.draft_language", map[string]any{"Language": LanguageName(p, an.Language), "Fallback": LanguageName(p, lang)})
}

// LanguageName is the name of an ISO 639-1 language in the printer's
// locale ("Italian", "イタリア語"), or the code itself when the catalogue
// has no name for it.
func LanguageName(p i18n.Printer, code string) string { return p.Language(code) }

func postHint(m models.Mention) string {
	if tasks.PostSupported(m.SourceKind) {
		return " --post"
	}
	return ""
}

// safeLink keeps only http(s) links.
func safeLink(u string) string {
	if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		return u
	}
	return ""
}

func storedAt(m models.Mention) *time.Time {
	if m.FetchedAt.IsZero() {
		return nil
	}
	t := m.FetchedAt.UTC()
	return &t
}
