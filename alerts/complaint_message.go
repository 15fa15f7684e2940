package alerts

import (
	"fmt"
	"strings"
	"time"

	"github.com/earshot/earshot/internal/wording"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/tasks"
)

// complaintMessage describes one complaint for an alert.
func (a *Alerter) complaintMessage(biz models.Business, src models.Source, t models.Task, m models.Mention, an models.Analysis, now time.Time) message {
	loc := time.UTC
	if b, ok := a.cfg.Business(biz.Name); ok {
		loc = b.Location()
	}
	who := wording.OneLine(m.Author, 60)
	if who == "" {
		who = "someone"
	}
	what := "complaint"
	if m.Rating != nil {
		what = stars(m.Rating) + " review"
	}
	issues := IssueWords(an)
	subj := fmt.Sprintf("[earshot] %s: %s on %s from %s", displayName(biz), what, src.Name, who)
	if len(issues) > 0 {
		subj += " — " + strings.Join(issues, ", ")
	}
	banner := ""
	if an.Severity >= 5 {
		subj = "[earshot] URGENT " + strings.TrimPrefix(subj, "[earshot] ")
		banner = "URGENT: severity 5 of 5, answer this one first."
	}
	lines := []string{
		fmt.Sprintf("Severity %d of 5. Task %d, assigned to %s, %s (%s).", an.Severity, t.ID, tasks.OrNobody(t.Assignee),
			tasks.Remaining(now, t.DueAt), t.DueAt.In(loc).Format("Mon 2 Jan 15:04 MST")),
	}
	if len(an.Reasons) > 0 {
		lines = append(lines, "Why it was flagged: "+wording.OneLine(strings.Join(an.Reasons, "; "), 300))
	}
	lines = append(lines, "", "Draft reply:", t.Draft, "",
		fmt.Sprintf("earshot tasks ack %d · earshot tasks reply %d%s · earshot tasks show %d", t.ID, t.ID, postHint(m), t.ID))
	posted := m.PostedAt
	if posted.IsZero() {
		posted = m.FetchedAt
	}
	heading := who
	if !posted.IsZero() {
		heading += ", " + posted.In(loc).Format("Mon 2 Jan 15:04")
	}
	return message{
		Subject: subj,
		Banner:  banner,
		Lead:    fmt.Sprintf("%s posted a %s about %s on %s.", who, what, displayName(biz), src.Name),
		Items:   []item{{Heading: heading, Title: wording.OneLine(m.Title, 200), Quote: excerpt(m.Text, 1200), Lines: lines, Link: safeLink(m.URL)}},
		Footer:  []string{"You get this because a route or alerts.channels in the earshot config sends complaints to you."},
		Data: alertData{TaskID: t.ID, Business: biz.Name, Source: src.Name, Author: m.Author, Rating: m.Rating,
			Severity: an.Severity, Issues: issues, Text: m.Text, URL: m.URL, DueAt: t.DueAt, Draft: t.Draft,
			Reasons: an.Reasons, Assignee: t.Assignee, Incident: t.IncidentID, MentionID: m.ID},
	}
}

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
