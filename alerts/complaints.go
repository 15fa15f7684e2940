package alerts

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/earshot/earshot/i18n"
	"github.com/earshot/earshot/internal/wording"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/notify"
	"github.com/earshot/earshot/store"
	"github.com/earshot/earshot/tasks"
)

// OnAnalysis opens an apology task for a complaint and queues its alert,
// in the caller's transaction. A mention that already has a task is left
// alone unless it was edited to a lower rating after a reply, which
// reopens it; a new complaint from an author whose earlier complaint was
// answered reopens that task instead of opening a second one.
//
// A complaint the owner already answered on the site, or one posted
// before the alert window (history read by a first import or a
// backfill), opens no task. A mention earshot cannot read that names the
// business on a social kind opens a "needs a human read" task.
func (a *Alerter) OnAnalysis(ctx context.Context, tx Tx, m models.Mention, an models.Analysis) error {
	if !an.Complaint {
		return a.humanRead(ctx, tx, m, an)
	}
	biz, err := tx.Business(ctx, m.BusinessID)
	if err != nil {
		return fmt.Errorf("alerts: complaint %d: %w", m.ID, err)
	}
	src, err := tx.Source(ctx, m.SourceID)
	if err != nil {
		return fmt.Errorf("alerts: complaint %d: %w", m.ID, err)
	}
	existing, err := tx.TaskByDedupKey(ctx, dedupKey(m.ID))
	switch {
	case err == nil:
		return a.onEdit(ctx, tx, biz, src, existing, m, an)
	case !errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("alerts: complaint %d: %w", m.ID, err)
	}
	if why, held, followUp := a.withoutApology(m); held {
		if followUp {
			return a.followUpAnswered(ctx, tx, biz, m, an)
		}
		a.log.Debug("complaint opens no task", "mention", m.ID, "why", why)
		return nil
	}
	if prev, ok, err := a.repeatTask(ctx, tx, m); err != nil {
		return err
	} else if ok {
		if prev.MentionID == m.ID {
			return nil // reopened for this very mention already
		}
		if !tasks.Answered(prev.State) {
			return a.repeatWhileOpen(ctx, tx, biz, src, prev, m, an)
		}
		return a.reopen(ctx, tx, biz, src, prev, m, an, reason{"reopen.again", map[string]any{"Mention": m.ID}})
	}

	now := a.clock.Now().UTC()
	dl := a.deadline(biz, m, an.Severity, now)
	draft := a.draft(biz, m, an)
	assignee, err := defaultAssignee(ctx, tx, biz.ID)
	if err != nil {
		return err
	}
	t := models.Task{
		BusinessID: biz.ID, MentionID: m.ID, Kind: models.TaskApology,
		DedupKey: dedupKey(m.ID), AuthorKey: m.Author, SourceKind: m.SourceKind, Assignee: assignee, Severity: an.Severity, Channel: PolicyChannel(m),
		Issue: IssueKey(an), DueAt: dl.DueAt, HardDueAt: dl.HardAt, Draft: draft, Link: m.URL, OpenedAt: now,
		Language: foreign(an),
	}
	note := fmt.Sprintf("deadline rule %s; assigned to %s", dl.Rule, tasks.OrNobody(assignee))
	if dn := a.draftNote(a.printer(biz), an); dn != "" {
		note += "; " + dn
	}
	created, err := tasks.Create(ctx, tx, &t, note)
	if err != nil {
		return fmt.Errorf("alerts: complaint %d: %w", m.ID, err)
	}
	if !created {
		return nil // another replica opened it a moment ago
	}
	a.m.opened.WithLabelValues("opened").Inc()
	return a.alertNew(ctx, tx, biz, src, t, m, an)
}

// followUpAnswered opens a follow-up task for a complaint the owner had
// already answered on the site (alerts.follow_up_answered): due
// alerts.follow_up from now, with no draft and no alert, because the
// apology was made; what is left is checking that it settled things.
func (a *Alerter) followUpAnswered(ctx context.Context, tx Tx, biz models.Business, m models.Mention, an models.Analysis) error {
	now := a.clock.Now().UTC()
	assignee, err := defaultAssignee(ctx, tx, biz.ID)
	if err != nil {
		return err
	}
	t := models.Task{
		BusinessID: biz.ID, MentionID: m.ID, Kind: models.TaskFollowUp, DedupKey: "answered:" + strconv.FormatInt(m.ID, 10),
		AuthorKey: m.Author, SourceKind: m.SourceKind, Assignee: assignee, Severity: an.Severity, Channel: PolicyChannel(m),
		Issue: IssueKey(an), DueAt: now.Add(a.cfg.Alerts.FollowUp.D()), Link: m.URL, OpenedAt: now, Language: foreign(an),
	}
	created, err := tasks.Create(ctx, tx, &t, fmt.Sprintf("already answered on the site: check the reply settled it; assigned to %s", tasks.OrNobody(assignee)))
	if err != nil {
		return fmt.Errorf("alerts: answered complaint %d: %w", m.ID, err)
	}
	if created {
		a.m.opened.WithLabelValues("follow_up").Inc()
	}
	return nil
}

// humanRead opens a "needs a human read" task for a mention earshot
// cannot read (its language is not analysed) that names the business on
// a social kind: it is not dropped, and someone who reads the language
// decides. Reviews need no such task: their stars speak (a low rating
// opens an apology task in any language).
func (a *Alerter) humanRead(ctx context.Context, tx Tx, m models.Mention, an models.Analysis) error {
	if !Unreadable(an) || an.Unrelated || !Social(m) {
		return nil
	}
	if _, ok := a.held(m); ok {
		return nil
	}
	biz, err := tx.Business(ctx, m.BusinessID)
	if err != nil {
		return fmt.Errorf("alerts: mention %d: %w", m.ID, err)
	}
	if ok, _ := NewSignal(biz, nil).Relevance(m); !ok {
		return nil
	}
	now := a.clock.Now().UTC()
	dl := a.deadline(biz, m, 0, now)
	assignee, err := defaultAssignee(ctx, tx, biz.ID)
	if err != nil {
		return err
	}
	lang := foreign(an)
	if lang == "" {
		lang = "und"
	}
	t := models.Task{
		BusinessID: biz.ID, MentionID: m.ID, Kind: models.TaskHumanRead, DedupKey: "read:" + strconv.FormatInt(m.ID, 10),
		Assignee: assignee, Channel: PolicyChannel(m), DueAt: dl.DueAt, HardDueAt: dl.HardAt, Link: m.URL, OpenedAt: now,
		Language: lang,
	}
	created, err := tasks.Create(ctx, tx, &t, fmt.Sprintf("needs a human read: earshot cannot read %s; assigned to %s", tasks.LanguageName(lang), tasks.OrNobody(assignee)))
	if err != nil {
		return fmt.Errorf("alerts: mention %d: %w", m.ID, err)
	}
	if created {
		a.m.opened.WithLabelValues("human_read").Inc()
	}
	return nil
}

// repeatWhileOpen handles a customer complaining again before their
// task was answered: one task, one alert, unless the new complaint is
// more severe (a threat to go to a lawyer), which raises the task's
// severity, pulls its deadline in and alerts again.
func (a *Alerter) repeatWhileOpen(ctx context.Context, tx Tx, biz models.Business, src models.Source, t models.Task, m models.Mention, an models.Analysis) error {
	now := a.clock.Now().UTC()
	note := fmt.Sprintf("%s complained again (mention %d)", wording.OneLine(m.Author, 60), m.ID)
	if an.Severity <= t.Severity {
		return tasks.Move(ctx, tx, &t, t.State, tasks.Change{Event: tasks.EventRepeat, Actor: "earshot", Note: note, At: now})
	}
	dl := a.deadline(biz, m, an.Severity, now)
	from := t.State
	t.Severity = an.Severity
	if dl.DueAt.Before(t.DueAt) {
		t.DueAt = dl.DueAt
		// Escalation restarts from the new, shorter clock.
		t.OpenedAt, t.Escalation = now, 0
	}
	if err := tasks.Move(ctx, tx, &t, from, tasks.Change{Event: tasks.EventRaise, Actor: "earshot", At: now,
		Note:    fmt.Sprintf("%s; severity now %d, %s", note, an.Severity, tasks.Remaining(now, t.DueAt)),
		Columns: []string{"severity", "due_at", "opened_at", "escalation"}}); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil
		}
		return fmt.Errorf("alerts: raise task %d: %w", t.ID, err)
	}
	msg := a.complaintMessage(biz, src, t, m, an, now)
	p := a.printer(biz)
	msg.Subject = p.T("alert.worse.subject", map[string]any{"Rest": strings.TrimPrefix(msg.Subject, "[earshot] ")})
	msg.Lead = p.T("alert.worse.lead", map[string]any{"Task": t.ID}) + msg.Lead
	base := models.Notification{BusinessID: biz.ID, TaskID: &t.ID, MentionID: &m.ID, Kind: notify.KindAlert,
		MentionStoredAt: storedAt(m)}
	_, err := a.enqueueAlert(ctx, tx, msg, base, fmt.Sprintf("worse:%d:%d", t.ID, m.ID), a.routeTargets(biz, src, an.Severity), t, p)
	return err
}

// draft writes the reply draft. A configured template that fails on one
// complaint (an index out of range, say) must not keep the complaint from
// becoming a task: the built-in template is used instead and the failure
// logged.
func (a *Alerter) draft(biz models.Business, m models.Mention, an models.Analysis) string {
	d, err := a.drafts.Draft(biz, m, an)
	if err == nil {
		return d
	}
	a.log.Warn("reply template failed; using the built-in one", "mention", m.ID, "error", err)
	d, err = a.fallback.Draft(biz, m, an)
	if err != nil {
		a.log.Error("built-in reply template failed", "mention", m.ID, "error", err)
		return ""
	}
	return d
}

// deadline is when a complaint about business biz, of the given
// severity, must be answered: the first matching deadline rule, in the
// business's opening hours.
func (a *Alerter) deadline(biz models.Business, m models.Mention, severity int, now time.Time) Deadline {
	bcfg, _ := a.cfg.Business(biz.Name)
	return ComputeDeadline(a.cfg.Alerts.Deadlines, a.cfg.Alerts.DefaultDeadline.D(), HoursOf(bcfg), m, severity, now)
}

func dedupKey(mentionID int64) string { return "apology:" + strconv.FormatInt(mentionID, 10) }

// repeatTask finds the newest apology task of an earlier mention by the
// same author on the same source kind.
func (a *Alerter) repeatTask(ctx context.Context, tx Tx, m models.Mention) (models.Task, bool, error) {
	author := strings.TrimSpace(m.Author)
	if author == "" || strings.EqualFold(author, "anonymous") {
		return models.Task{}, false, nil
	}
	t, ok, err := tx.LatestTaskByAuthor(ctx, m.BusinessID, m.SourceKind, m.Author, models.TaskApology)
	if err != nil {
		return models.Task{}, false, fmt.Errorf("alerts: complaint %d: %w", m.ID, err)
	}
	return t, ok, nil
}

// onEdit reopens a mention's task when the review was edited to a lower
// rating after it was answered.
func (a *Alerter) onEdit(ctx context.Context, tx Tx, biz models.Business, src models.Source, t models.Task, m models.Mention, an models.Analysis) error {
	if m.Version <= 1 || m.Rating == nil || !tasks.Answered(t.State) {
		return nil
	}
	vs, err := tx.MentionVersions(ctx, m.ID)
	if err != nil {
		return fmt.Errorf("alerts: edit of mention %d: %w", m.ID, err)
	}
	var prev *float64
	for _, v := range vs {
		if v.Version < m.Version {
			prev = v.Rating
		}
	}
	if prev == nil || *m.Rating >= *prev {
		return nil
	}
	return a.reopen(ctx, tx, biz, src, t, m, an, reason{"reopen.edited", map[string]any{"From": stars(prev), "To": stars(m.Rating)}})
}

// reason is why something happened, as a catalogue message: the task
// history keeps it in English (the log's language), the alert says it
// in the owner's.
type reason struct {
	id   string
	args map[string]any
}

func (r reason) in(p i18n.Printer) string { return p.T(r.id, r.args) }

// reopen puts an answered task back to open with a fresh deadline and
// draft, pointing at mention m, and alerts as for a new complaint.
func (a *Alerter) reopen(ctx context.Context, tx Tx, biz models.Business, src models.Source, t models.Task, m models.Mention, an models.Analysis, r reason) error {
	why := r.in(i18n.For("en", nil))
	now := a.clock.Now().UTC()
	dl := a.deadline(biz, m, an.Severity, now)
	draft := a.draft(biz, m, an)
	t.DueAt, t.HardDueAt = dl.DueAt, dl.HardAt
	t.MentionID, t.Link, t.Draft, t.Severity = m.ID, m.URL, draft, an.Severity
	if err := tasks.Reopen(ctx, tx, &t, why, now); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil
		}
		return fmt.Errorf("alerts: reopen task %d: %w", t.ID, err)
	}
	a.m.opened.WithLabelValues("reopened").Inc()
	msg := a.complaintMessage(biz, src, t, m, an, now)
	p := a.printer(biz)
	msg.Subject = p.T("alert.reopened.subject", map[string]any{"Rest": strings.TrimPrefix(msg.Subject, "[earshot] ")})
	msg.Lead = p.T("alert.reopened.lead", map[string]any{"Why": r.in(p)}) + msg.Lead
	base := models.Notification{BusinessID: biz.ID, TaskID: &t.ID, MentionID: &m.ID, Kind: notify.KindReopened,
		MentionStoredAt: storedAt(m)}
	key := fmt.Sprintf("reopen:%d:%d:%d", t.ID, m.ID, m.Version)
	_, err := a.enqueueAlert(ctx, tx, msg, base, key, a.routeTargets(biz, src, an.Severity), t, p)
	return err
}

// defaultAssignee is the first staff member, else manager, else owner.
func defaultAssignee(ctx context.Context, tx Tx, businessID int64) (string, error) {
	users, err := tx.Users(ctx, businessID)
	if err != nil {
		return "", fmt.Errorf("alerts: %w", err)
	}
	for _, role := range []string{models.RoleStaff, models.RoleManager, models.RoleOwner} {
		for _, u := range users {
			if u.Role == role {
				return u.Name, nil
			}
		}
	}
	return "", nil
}
