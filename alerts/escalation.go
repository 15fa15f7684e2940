package alerts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/earshot/earshot/internal/wording"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/notify"
	"github.com/earshot/earshot/store"
	"github.com/earshot/earshot/tasks"
)

// step is one escalation step: at Percent of the time to the deadline,
// tell the people with Role (the assignee when Role is empty).
type step struct {
	Percent int
	Role    string
}

func (a *Alerter) steps() []step {
	e := a.cfg.Alerts.Escalation
	if e.Disabled {
		return nil
	}
	var out []step
	for _, s := range []step{{e.Assignee, ""}, {e.Manager, models.RoleManager}, {e.Owner, models.RoleOwner}} {
		if s.Percent > 0 {
			out = append(out, s)
		}
	}
	return out
}

// CheckDeadlines sends escalation reminders for open tasks whose
// deadline nears or passed (each step at most once per task: when the
// clock jumps past several steps, only the highest is sent), and moves
// replied tasks whose follow-up date came to follow-up due.
func (a *Alerter) CheckDeadlines(ctx context.Context) error {
	now := a.clock.Now().UTC()
	var errs []error
	steps := a.steps()
	err := a.eachTask(ctx, store.TaskFilter{Kind: models.TaskApology, States: tasks.From(tasks.EventEscalate)}, func(t models.Task) {
		var due *step
		for i := range steps {
			s := steps[i]
			if s.Percent > t.Escalation && reached(t, now, s.Percent) {
				due = &s
			}
		}
		if due == nil {
			return
		}
		if err := a.st.Tx(ctx, func(tx *store.Store) error { return a.escalate(ctx, tx, t, *due, now) }); err != nil {
			errs = append(errs, err)
		}
	})
	if err != nil {
		return fmt.Errorf("alerts: check deadlines: %w", err)
	}
	err = a.eachTask(ctx, store.TaskFilter{Kind: models.TaskApology, States: tasks.From(tasks.EventFollowUp), FollowUpBy: now}, func(t models.Task) {
		if err := a.st.Tx(ctx, func(tx *store.Store) error { return a.followUp(ctx, tx, t, now) }); err != nil {
			errs = append(errs, err)
		}
	})
	if err != nil {
		return fmt.Errorf("alerts: check follow-ups: %w", err)
	}
	return errors.Join(errs...)
}

// checkPage is how many tasks a deadline check holds at once: 100,000
// open tasks are read a page at a time, not all into memory.
const checkPage = 500

// eachTask calls fn for every task matching f, a page at a time.
func (a *Alerter) eachTask(ctx context.Context, f store.TaskFilter, fn func(models.Task)) error {
	var after store.TaskCursor
	for {
		page, next, err := a.st.TaskPage(ctx, f, after, checkPage)
		if err != nil {
			return err
		}
		for _, t := range page {
			fn(t)
		}
		if next.IsZero() {
			return nil
		}
		after = next
	}
}

// reached says whether pct percent of the time from opening to deadline
// has passed.
func reached(t models.Task, now time.Time, pct int) bool {
	span := t.DueAt.Sub(t.OpenedAt)
	at := t.OpenedAt.Add(time.Duration(float64(span) * float64(pct) / 100))
	return !now.Before(at)
}

func (a *Alerter) escalate(ctx context.Context, tx Tx, t models.Task, s step, now time.Time) error {
	biz, err := tx.Business(ctx, t.BusinessID)
	if err != nil {
		return fmt.Errorf("alerts: escalate task %d: %w", t.ID, err)
	}
	users, err := tx.Users(ctx, t.BusinessID)
	if err != nil {
		return fmt.Errorf("alerts: escalate task %d: %w", t.ID, err)
	}
	m, err := tx.Mention(ctx, t.MentionID)
	if err != nil {
		return fmt.Errorf("alerts: escalate task %d: %w", t.ID, err)
	}
	var targets []target
	var who []string
	for _, u := range users {
		if (s.Role == "" && u.Name == t.Assignee) || (s.Role != "" && u.Role == s.Role) {
			targets = append(targets, a.personTarget(u)...)
			who = append(who, u.Name)
		}
	}
	if len(targets) == 0 {
		src, err := tx.Source(ctx, m.SourceID)
		if err != nil {
			return fmt.Errorf("alerts: escalate task %d: %w", t.ID, err)
		}
		targets = a.routeTargets(biz, src, t.Severity)
	}
	p := a.printer(biz)
	state := p.Remaining(now, t.DueAt)
	assignee := t.Assignee
	if assignee == "" {
		assignee = p.T("task.nobody", nil)
	}
	subj := p.T("reminder.subject", map[string]any{"Task": t.ID, "State": state})
	if s.Percent >= 100 {
		subj = p.T("reminder.subject.overdue", map[string]any{"Task": t.ID, "Who": wording.OneLine(m.Author, 60)})
	}
	msg := message{
		Subject: subj,
		Lead:    p.T("reminder.lead", map[string]any{"Assignee": assignee, "State": state, "Percent": s.Percent}),
		Items: []item{{Heading: strings.TrimSpace(wording.OneLine(m.Author, 60) + " " + stars(m.Rating)), Quote: excerpt(m.Text, 600),
			Lines: []string{p.T("alert.draft", nil), t.Draft, "", p.T("alert.cli", map[string]any{"Commands": fmt.Sprintf("earshot tasks reply %d%s", t.ID, postHint(m))})},
			Link:  safeLink(m.URL), Page: a.taskPage(t.ID), PageLabel: p.T("link.task", map[string]any{"Task": t.ID})}},
		Lang: p.Lang(), LinkHTML: p.T("alert.link.html", nil), LinkText: p.T("alert.link.text", nil), Sep: p.T("link.sep", nil),
		Data: map[string]any{"task_id": t.ID, "step": s.Percent, "due_at": t.DueAt, "assignee": t.Assignee},
	}
	if s.Percent >= 100 {
		msg.Page, msg.PageLabel = a.overduePage(), p.T("link.overdue", nil)
	}
	base := models.Notification{BusinessID: t.BusinessID, TaskID: &t.ID, MentionID: &t.MentionID, Kind: notify.KindReminder}
	if _, err := msg.notification(base); err != nil {
		return err
	}
	// Recorded first: of two replicas checking at once, one sends.
	won, err := tasks.Escalate(ctx, tx, t, s.Percent, fmt.Sprintf("%d%% of the time to the deadline: reminded %s", s.Percent, tasks.OrNobody(joinNames(who))), now)
	if err != nil || !won {
		return err
	}
	key := fmt.Sprintf("escalate:%d:%d:%d", t.ID, t.OpenedAt.Unix(), s.Percent)
	// A reminder to a person of the business acknowledges in one tap from
	// a phone, as the alert does; a shared mailbox gets the task link.
	_, err = a.enqueueTaps(ctx, tx, msg, base, key, targets, false, t, p, reminderTaps)
	return err
}

func joinNames(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	out := xs[0]
	for _, x := range xs[1:] {
		out += ", " + x
	}
	return out
}

// followUp moves a replied task to follow-up due and reminds its assignee
// to check that the customer's problem is really fixed.
func (a *Alerter) followUp(ctx context.Context, tx Tx, t models.Task, now time.Time) error {
	if err := tasks.Move(ctx, tx, &t, t.State, tasks.Change{Event: tasks.EventFollowUp, Actor: "earshot", At: now}); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil
		}
		return fmt.Errorf("alerts: follow-up of task %d: %w", t.ID, err)
	}
	m, err := tx.Mention(ctx, t.MentionID)
	if err != nil {
		return fmt.Errorf("alerts: follow-up of task %d: %w", t.ID, err)
	}
	users, err := tx.Users(ctx, t.BusinessID)
	if err != nil {
		return fmt.Errorf("alerts: %w", err)
	}
	var targets []target
	for _, u := range users {
		if u.Name == t.Assignee {
			targets = append(targets, a.personTarget(u)...)
		}
	}
	if len(targets) == 0 {
		return nil // nobody to remind by name; the task list shows it
	}
	biz, err := tx.Business(ctx, t.BusinessID)
	if err != nil {
		return fmt.Errorf("alerts: follow-up of task %d: %w", t.ID, err)
	}
	p := a.printer(biz)
	msg := message{
		Subject: p.T("followup.subject", map[string]any{"Who": wording.OneLine(m.Author, 60), "Task": t.ID}),
		Lead:    p.T("followup.lead", nil),
		Items: []item{{Heading: strings.TrimSpace(wording.OneLine(m.Author, 60) + " " + stars(m.Rating)), Quote: excerpt(m.Text, 600),
			Lines: []string{p.T("followup.reply", map[string]any{"Reply": excerpt(t.ReplyText, 600)}), "", p.T("alert.cli", map[string]any{"Commands": fmt.Sprintf("earshot tasks resolve %d", t.ID)})},
			Link:  safeLink(m.URL), Page: a.taskPage(t.ID), PageLabel: p.T("link.task", map[string]any{"Task": t.ID})}},
		Lang: p.Lang(), LinkHTML: p.T("alert.link.html", nil), LinkText: p.T("alert.link.text", nil), Sep: p.T("link.sep", nil),
	}
	n, err := msg.notification(models.Notification{BusinessID: t.BusinessID, TaskID: &t.ID, MentionID: &t.MentionID, Kind: notify.KindFollowUp})
	if err != nil {
		return err
	}
	var replied int64
	if t.RepliedAt != nil {
		replied = t.RepliedAt.Unix()
	}
	_, err = a.enqueue(ctx, tx, n, fmt.Sprintf("followup:%d:%d", t.ID, replied), targets, false)
	return err
}
