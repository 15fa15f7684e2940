package alerts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

// target is one recipient of one channel.
type target struct {
	channel   string
	recipient string
}

// limitKey is what per-recipient limits count by.
func (t target) limitKey() (string, string) { return t.channel, t.recipient }

// expand turns channel names into targets: one per address for email
// channels (each person has their own limit), one per channel otherwise.
func (a *Alerter) expand(names []string) []target {
	var out []target
	for _, name := range names {
		i := slices.IndexFunc(a.cfg.Channels, func(c config.Channel) bool { return c.Name == name })
		if i < 0 {
			continue
		}
		ch := a.cfg.Channels[i]
		if ch.Type == "email" {
			for _, addr := range ch.To {
				out = append(out, target{channel: ch.Name, recipient: addr})
			}
			continue
		}
		out = append(out, target{channel: ch.Name})
	}
	return out
}

// routeTargets chooses who hears about a complaint: every route matching
// the business, the source and the severity; else alerts.channels; else
// every configured channel; else the console.
func (a *Alerter) routeTargets(biz models.Business, src models.Source, severity int) []target {
	var names []string
	for _, r := range a.cfg.Alerts.Routes {
		if len(r.Businesses) > 0 && !slices.Contains(r.Businesses, biz.Name) {
			continue
		}
		if len(r.Sources) > 0 && !slices.Contains(r.Sources, src.Name) {
			continue
		}
		if severity < r.MinSeverity {
			continue
		}
		for _, c := range r.Channels {
			if !slices.Contains(names, c) {
				names = append(names, c)
			}
		}
	}
	if len(names) == 0 && len(a.cfg.Alerts.Routes) > 0 {
		// Routes exist but none matched: nobody asked to hear about this
		// one; it stays in the task list and the digest.
		return nil
	}
	if len(names) == 0 {
		names = a.cfg.Alerts.Channels
	}
	if len(names) == 0 {
		for _, c := range a.cfg.Channels {
			names = append(names, c.Name)
		}
	}
	if len(names) == 0 {
		return []target{{channel: "console"}}
	}
	return a.expand(names)
}

// personTarget reaches one user: by email when they have an address
// (through the first email channel, or SMTP directly), else through the
// business's alert channels.
func (a *Alerter) personTarget(u models.User) []target {
	if u.Email != "" {
		ch := "email"
		for _, c := range a.cfg.Channels {
			if c.Type == "email" {
				ch = c.Name
				break
			}
		}
		return []target{{channel: ch, recipient: u.Email}}
	}
	return nil
}

// enqueue writes one notification per target, respecting the
// per-recipient hourly limit: the notification that reaches the limit is
// replaced by a note pointing to the digest and the task list, and later
// ones are dropped until the hour has passed. keyBase + the target makes
// the idempotency key.
func (a *Alerter) enqueue(ctx context.Context, tx *store.Store, base models.Notification, keyBase string, targets []target, limited bool) (int, error) {
	now := a.clock.Now()
	queued := 0
	for _, t := range targets {
		n := base
		n.Channel, n.Recipient = t.channel, t.recipient
		n.IdempotencyKey = keyBase + "|" + t.channel + "|" + t.recipient
		if limited && a.cfg.Alerts.MaxPerRecipientPerHour > 0 {
			ch, rc := t.limitKey()
			count, err := tx.CountNotificationsSince(ctx, ch, rc, now.Add(-time.Hour))
			if err != nil {
				return queued, err
			}
			max := a.cfg.Alerts.MaxPerRecipientPerHour
			if count > max {
				a.log.Info("alert held back by per-recipient limit", "channel", ch, "recipient", rc, "key", n.IdempotencyKey)
				continue
			}
			if count == max {
				n.Kind = "limit"
				n.TaskID, n.MentionID = nil, nil
				n.Subject = fmt.Sprintf("[earshot] More than %d alerts in an hour: the rest wait for the digest", max)
				n.Body = fmt.Sprintf("You have had %d alerts in the last hour. To keep your inbox usable, earshot holds further alerts back for an hour.\n"+
					"Nothing is lost: every complaint is a task. See them with `earshot tasks list`, and in the weekly digest.\n", max)
				n.HTMLBody = ""
				n.Payload = nil
				n.IdempotencyKey = fmt.Sprintf("limit|%s|%s|%d", ch, rc, now.Truncate(time.Hour).Unix())
			}
		}
		added, err := tx.EnqueueNotification(ctx, &n)
		if err != nil {
			return queued, err
		}
		if added {
			queued++
		}
	}
	return queued, nil
}

// OnAnalysis opens an apology task for a complaint and queues its alert,
// in the caller's transaction. A mention that already has a task is left
// alone unless it was edited to a lower rating after a reply, which
// reopens it; a new complaint from an author whose earlier complaint was
// answered reopens that task instead of opening a second one.
func (a *Alerter) OnAnalysis(ctx context.Context, tx *store.Store, m models.Mention, an models.Analysis) error {
	if !an.Complaint {
		return nil
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
	if prev, ok, err := a.repeatTask(ctx, tx, m); err != nil {
		return err
	} else if ok {
		if prev.MentionID == m.ID {
			return nil // reopened for this very mention already
		}
		if !closedForCustomer(prev.State) {
			return a.repeatWhileOpen(ctx, tx, biz, src, prev, m, an)
		}
		return a.reopen(ctx, tx, biz, src, prev, m, an, fmt.Sprintf("the same author complained again (mention %d)", m.ID))
	}

	now := a.clock.Now().UTC()
	bcfg, _ := a.cfg.Business(biz.Name)
	dl := ComputeDeadline(a.cfg.Alerts.Deadlines, a.cfg.Alerts.DefaultDeadline.D(), HoursOf(bcfg), m, an.Severity, now)
	draft := a.draft(biz, m, an)
	assignee, err := defaultAssignee(ctx, tx, biz.ID)
	if err != nil {
		return err
	}
	t := models.Task{
		BusinessID: biz.ID, MentionID: m.ID, Kind: models.TaskApology, State: models.TaskOpen,
		DedupKey: dedupKey(m.ID), Assignee: assignee, Severity: an.Severity, Channel: PolicyChannel(m),
		Issue: IssueKey(an), DueAt: dl.DueAt, ReplyDueAt: dl.DueAt, HardDueAt: dl.HardAt, Draft: draft, Link: m.URL, OpenedAt: now,
	}
	created, err := tx.CreateTask(ctx, &t)
	if err != nil {
		return fmt.Errorf("alerts: complaint %d: %w", m.ID, err)
	}
	if !created {
		return nil // another replica opened it a moment ago
	}
	a.m.opened.WithLabelValues("opened").Inc()
	if err := tx.AddTaskEvent(ctx, models.TaskEvent{TaskID: t.ID, Actor: "earshot", Action: "opened",
		Note: fmt.Sprintf("deadline rule %s; assigned to %s", dl.Rule, orNobody(assignee)), At: now}); err != nil {
		return err
	}
	return a.alertNew(ctx, tx, biz, src, t, m, an)
}

// repeatWhileOpen handles a customer complaining again before their
// task was answered: one task, one alert, unless the new complaint is
// more severe (a threat to go to a lawyer), which raises the task's
// severity, pulls its deadline in and alerts again.
func (a *Alerter) repeatWhileOpen(ctx context.Context, tx *store.Store, biz models.Business, src models.Source, t models.Task, m models.Mention, an models.Analysis) error {
	now := a.clock.Now().UTC()
	note := fmt.Sprintf("%s complained again (mention %d)", oneLine(m.Author, 60), m.ID)
	if an.Severity <= t.Severity {
		return tx.AddTaskEvent(ctx, models.TaskEvent{TaskID: t.ID, Actor: "earshot", Action: "repeat", Note: note, At: now})
	}
	bcfg, _ := a.cfg.Business(biz.Name)
	dl := ComputeDeadline(a.cfg.Alerts.Deadlines, a.cfg.Alerts.DefaultDeadline.D(), HoursOf(bcfg), m, an.Severity, now)
	from := t.State
	t.Severity = an.Severity
	if dl.DueAt.Before(t.DueAt) {
		t.DueAt, t.ReplyDueAt = dl.DueAt, dl.DueAt
		// Escalation restarts from the new, shorter clock.
		t.OpenedAt, t.Escalation = now, 0
	}
	if err := tx.UpdateTask(ctx, t, from, "severity", "due_at", "reply_due_at", "opened_at", "escalation"); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil
		}
		return fmt.Errorf("alerts: raise task %d: %w", t.ID, err)
	}
	if err := tx.AddTaskEvent(ctx, models.TaskEvent{TaskID: t.ID, Actor: "earshot", Action: "raised",
		Note: fmt.Sprintf("%s; severity now %d, %s", note, an.Severity, Remaining(now, t.DueAt)), At: now}); err != nil {
		return err
	}
	msg := a.complaintMessage(biz, src, t, m, an, now)
	msg.Subject = "[earshot] Worse: " + strings.TrimPrefix(msg.Subject, "[earshot] ")
	msg.Lead = fmt.Sprintf("The customer of task %d complained again, more seriously. ", t.ID) + msg.Lead
	n, err := msg.notification(models.Notification{BusinessID: biz.ID, TaskID: &t.ID, MentionID: &m.ID, Kind: "alert",
		MentionStoredAt: storedAt(m)})
	if err != nil {
		return err
	}
	_, err = a.enqueue(ctx, tx, n, fmt.Sprintf("worse:%d:%d", t.ID, m.ID), a.routeTargets(biz, src, an.Severity), true)
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

func dedupKey(mentionID int64) string { return "apology:" + strconv.FormatInt(mentionID, 10) }

func orNobody(s string) string {
	if s == "" {
		return "nobody"
	}
	return s
}

// closedForCustomer reports whether a task's complaint was answered, so
// a new complaint from the same customer reopens it.
func closedForCustomer(state string) bool {
	return state == models.TaskReplied || state == models.TaskFollowUpDue || state == models.TaskResolved
}

// repeatTask finds the newest apology task of an earlier mention by the
// same author on the same source kind.
func (a *Alerter) repeatTask(ctx context.Context, tx *store.Store, m models.Mention) (models.Task, bool, error) {
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
func (a *Alerter) onEdit(ctx context.Context, tx *store.Store, biz models.Business, src models.Source, t models.Task, m models.Mention, an models.Analysis) error {
	if m.Version <= 1 || m.Rating == nil || !closedForCustomer(t.State) {
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
	return a.reopen(ctx, tx, biz, src, t, m, an, fmt.Sprintf("the review was edited from %s to %s", stars(prev), stars(m.Rating)))
}

// reopen puts an answered task back to open with a fresh deadline and
// draft, pointing at mention m, and alerts as for a new complaint.
func (a *Alerter) reopen(ctx context.Context, tx *store.Store, biz models.Business, src models.Source, t models.Task, m models.Mention, an models.Analysis, why string) error {
	now := a.clock.Now().UTC()
	bcfg, _ := a.cfg.Business(biz.Name)
	dl := ComputeDeadline(a.cfg.Alerts.Deadlines, a.cfg.Alerts.DefaultDeadline.D(), HoursOf(bcfg), m, an.Severity, now)
	draft := a.draft(biz, m, an)
	from := t.State
	t.State, t.OpenedAt, t.DueAt, t.ReplyDueAt, t.HardDueAt = models.TaskOpen, now, dl.DueAt, dl.DueAt, dl.HardAt
	t.Escalation, t.AckedAt, t.ResolvedAt = 0, nil, nil
	t.MentionID, t.Link, t.Draft, t.Severity = m.ID, m.URL, draft, an.Severity
	if err := tx.UpdateTask(ctx, t, from, "state", "opened_at", "due_at", "reply_due_at", "hard_due_at", "escalation", "acked_at",
		"resolved_at", "mention_id", "link", "draft", "severity"); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil
		}
		return fmt.Errorf("alerts: reopen task %d: %w", t.ID, err)
	}
	a.m.opened.WithLabelValues("reopened").Inc()
	if err := tx.AddTaskEvent(ctx, models.TaskEvent{TaskID: t.ID, Actor: "earshot", Action: "reopened", Note: why, At: now}); err != nil {
		return err
	}
	msg := a.complaintMessage(biz, src, t, m, an, now)
	msg.Subject = "[earshot] Reopened: " + strings.TrimPrefix(msg.Subject, "[earshot] ")
	msg.Lead = "A task was reopened because " + why + ". " + msg.Lead
	n, err := msg.notification(models.Notification{BusinessID: biz.ID, TaskID: &t.ID, MentionID: &m.ID, Kind: "reopened",
		MentionStoredAt: storedAt(m)})
	if err != nil {
		return err
	}
	key := fmt.Sprintf("reopen:%d:%d:%d", t.ID, m.ID, m.Version)
	_, err = a.enqueue(ctx, tx, n, key, a.routeTargets(biz, src, an.Severity), true)
	return err
}

func storedAt(m models.Mention) *time.Time {
	if m.FetchedAt.IsZero() {
		return nil
	}
	t := m.FetchedAt.UTC()
	return &t
}

// defaultAssignee is the first staff member, else manager, else owner.
func defaultAssignee(ctx context.Context, tx *store.Store, businessID int64) (string, error) {
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

// complaintMessage describes one complaint for an alert.
func (a *Alerter) complaintMessage(biz models.Business, src models.Source, t models.Task, m models.Mention, an models.Analysis, now time.Time) message {
	loc := time.UTC
	if b, ok := a.cfg.Business(biz.Name); ok {
		loc = b.Location()
	}
	who := oneLine(m.Author, 60)
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
	if an.Severity >= 5 {
		subj = "[earshot] URGENT " + strings.TrimPrefix(subj, "[earshot] ")
	}
	lines := []string{
		fmt.Sprintf("Severity %d of 5. Task %d, assigned to %s, %s (%s).", an.Severity, t.ID, orNobody(t.Assignee),
			Remaining(now, t.DueAt), t.DueAt.In(loc).Format("Mon 2 Jan 15:04 MST")),
	}
	if len(an.Reasons) > 0 {
		lines = append(lines, "Why it was flagged: "+oneLine(strings.Join(an.Reasons, "; "), 300))
	}
	lines = append(lines, "", "Draft reply:", t.Draft, "",
		fmt.Sprintf("earshot tasks ack %d · earshot tasks reply %d%s · earshot tasks show %d", t.ID, t.ID, postHint(m), t.ID))
	quote := excerpt(m.Text, 1200)
	if m.Title != "" {
		quote = excerpt(m.Title, 200) + "\n" + quote
	}
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
		Lead:    fmt.Sprintf("%s posted a %s about %s on %s.", who, what, displayName(biz), src.Name),
		Items:   []item{{Heading: heading, Quote: quote, Lines: lines, Link: safeLink(m.URL)}},
		Footer:  []string{"You get this because a route or alerts.channels in the earshot config sends complaints to you."},
		Data: alertData{TaskID: t.ID, Business: biz.Name, Source: src.Name, Author: m.Author, Rating: m.Rating,
			Severity: an.Severity, Issues: issues, Text: m.Text, URL: m.URL, DueAt: t.DueAt, Draft: t.Draft,
			Reasons: an.Reasons, Assignee: t.Assignee, Incident: t.IncidentID, MentionID: m.ID},
	}
}

func postHint(m models.Mention) string {
	if PostSupported(m.SourceKind) {
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

// alertNew queues the alert of a new complaint, or groups it into an
// incident when it is one of several about the same issue in the burst
// window.
func (a *Alerter) alertNew(ctx context.Context, tx *store.Store, biz models.Business, src models.Source, t models.Task, m models.Mention, an models.Analysis) error {
	now := a.clock.Now().UTC()
	targets := a.routeTargets(biz, src, an.Severity)
	threshold := a.cfg.Alerts.Burst.Threshold
	if t.Issue != "" && threshold > 1 && an.Severity < 5 {
		group, err := tx.Tasks(ctx, store.TaskFilter{BusinessID: biz.ID, Kind: models.TaskApology, Issue: t.Issue,
			OpenedSince: now.Add(-a.cfg.Alerts.Burst.Window.D())})
		if err != nil {
			return fmt.Errorf("alerts: burst of %s: %w", t.Issue, err)
		}
		if len(group) >= threshold {
			return a.alertIncident(ctx, tx, biz, src, t, group, targets, now)
		}
	}
	msg := a.complaintMessage(biz, src, t, m, an, now)
	n, err := msg.notification(models.Notification{BusinessID: biz.ID, TaskID: &t.ID, MentionID: &m.ID, Kind: "alert",
		MentionStoredAt: storedAt(m)})
	if err != nil {
		return err
	}
	_, err = a.enqueue(ctx, tx, n, fmt.Sprintf("alert:%d", t.ID), targets, true)
	return err
}

// alertIncident groups the tasks of a burst under the earliest one and
// sends one alert listing them all. The alert is rewritten while it waits
// in the outbox; once sent, another goes out every Threshold complaints.
func (a *Alerter) alertIncident(ctx context.Context, tx *store.Store, biz models.Business, src models.Source, t models.Task, group []models.Task, targets []target, now time.Time) error {
	slices.SortFunc(group, func(x, y models.Task) int { return int(x.ID - y.ID) })
	leader := group[0].ID
	for _, g := range group {
		if g.IncidentID != nil {
			leader = *g.IncidentID
			break
		}
	}
	ids := make([]int64, len(group))
	for i, g := range group {
		ids[i] = g.ID
		group[i].IncidentID = &leader
	}
	if err := tx.SetIncident(ctx, leader, ids); err != nil {
		return err
	}
	// Alerts of the group still waiting in the outbox are covered by the
	// incident alert: one message, not a flood.
	if _, err := tx.SupersedePending(ctx, ids, "alert", fmt.Sprintf("grouped into incident %d", leader)); err != nil {
		return err
	}
	var items []item
	var stored *time.Time
	for _, g := range group {
		gm, err := tx.Mention(ctx, g.MentionID)
		if err != nil {
			return fmt.Errorf("alerts: incident %d: %w", leader, err)
		}
		if g.ID == t.ID {
			stored = storedAt(gm)
		}
		items = append(items, item{
			Heading: strings.TrimSpace(fmt.Sprintf("Task %d: %s %s", g.ID, oneLine(gm.Author, 60), stars(gm.Rating))),
			Quote:   excerpt(gm.Text, 400),
			Lines:   []string{Remaining(now, g.DueAt)},
			Link:    safeLink(gm.URL),
		})
	}
	issue := t.Issue
	if _, term, ok := strings.Cut(issue, "/"); ok && term != "" {
		issue = term
	}
	msg := message{
		Subject: fmt.Sprintf("[earshot] %s: incident — %d complaints about %s", displayName(biz), len(group), issue),
		Lead: fmt.Sprintf("%d customers complained about %s within %s. They are grouped as incident %d: fix the cause once, then answer each task.",
			len(group), issue, words(a.cfg.Alerts.Burst.Window.D()), leader),
		Items:  items,
		Footer: []string{fmt.Sprintf("earshot tasks list shows them all; each has its own draft reply. Threshold %d complaints in %s (alerts.burst).", a.cfg.Alerts.Burst.Threshold, words(a.cfg.Alerts.Burst.Window.D()))},
		Data:   map[string]any{"incident_id": leader, "business": biz.Name, "issue": t.Issue, "task_ids": ids},
	}
	n, err := msg.notification(models.Notification{BusinessID: biz.ID, TaskID: &leader, MentionID: &t.MentionID, Kind: "incident", MentionStoredAt: stored})
	if err != nil {
		return err
	}
	threshold := a.cfg.Alerts.Burst.Threshold
	round := len(group) / threshold
	keyBase := fmt.Sprintf("incident:%d:%d", leader, round)
	// Still waiting in the outbox: rewrite it to list the newcomer.
	rewrote := 0
	for _, tg := range targets {
		r := n
		r.Channel, r.Recipient = tg.channel, tg.recipient
		ok, err := tx.RewritePendingNotification(ctx, keyBase+"|"+tg.channel+"|"+tg.recipient, r)
		if err != nil {
			return err
		}
		if ok {
			rewrote++
		}
	}
	if rewrote > 0 || len(group)%threshold != 0 {
		return nil
	}
	_, err = a.enqueue(ctx, tx, n, keyBase, targets, true)
	return err
}

// OnReplies marks the open tasks of mentions that got an owner reply on
// the site as replied, and schedules their follow-up.
func (a *Alerter) OnReplies(ctx context.Context, tx *store.Store, mentionIDs []int64) error {
	now := a.clock.Now().UTC()
	for _, id := range mentionIDs {
		m, err := tx.Mention(ctx, id)
		if err != nil {
			return fmt.Errorf("alerts: reply on mention %d: %w", id, err)
		}
		ts, err := tx.Tasks(ctx, store.TaskFilter{MentionID: id, Kind: models.TaskApology,
			States: []string{models.TaskOpen, models.TaskAcknowledged, models.TaskFollowUpDue}})
		if err != nil {
			return fmt.Errorf("alerts: reply on mention %d: %w", id, err)
		}
		for _, t := range ts {
			if err := a.markReplied(ctx, tx, t, "scraper", m.Reply, "the reply appeared on "+m.SourceKind, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// markReplied moves a task to replied and schedules its follow-up.
func (a *Alerter) markReplied(ctx context.Context, tx *store.Store, t models.Task, actor, text, note string, now time.Time) error {
	from := t.State
	t.State = models.TaskReplied
	t.RepliedAt = &now
	t.ReplyText = text
	t.DueAt = now.Add(a.cfg.Alerts.FollowUp.D())
	if err := tx.UpdateTask(ctx, t, from, "state", "replied_at", "reply_text", "due_at"); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("alerts: task %d: %w", t.ID, err)
		}
		return fmt.Errorf("alerts: mark task %d replied: %w", t.ID, err)
	}
	return tx.AddTaskEvent(ctx, models.TaskEvent{TaskID: t.ID, Actor: actor, Action: "replied",
		Note: strings.TrimSpace(note + "; follow-up " + t.DueAt.Format(time.RFC3339)), At: now})
}

// OnSourceBroken tells the owner that a source keeps failing, why, and
// what to do.
func (a *Alerter) OnSourceBroken(ctx context.Context, tx *store.Store, src models.Source) error {
	biz, err := tx.Business(ctx, src.BusinessID)
	if err != nil {
		return fmt.Errorf("alerts: broken source %s: %w", src.Name, err)
	}
	since := "it never succeeded"
	outage := "never"
	if src.LastSuccessAt != nil {
		since = "the last success was " + src.LastSuccessAt.UTC().Format("Mon 2 Jan 15:04 MST")
		outage = strconv.FormatInt(src.LastSuccessAt.Unix(), 10)
	}
	class := src.LastErrorClass
	if class == "" {
		class = models.ErrorClassOther
	}
	msg := message{
		Subject: fmt.Sprintf("[earshot] %s: source %s (%s) is not working", displayName(biz), src.Name, src.Kind),
		Lead: fmt.Sprintf("earshot could not read %s (%s) for %s: %d runs in a row failed and %s. Complaints posted there are not reaching you until it is fixed.",
			src.Name, src.Kind, displayName(biz), src.ConsecutiveFailures, since),
		Items: []item{{
			Heading: "What went wrong",
			Lines: []string{"Target: " + oneLine(src.Target, 300), "Error class: " + class,
				"Last error: " + oneLine(src.LastError, 500), "", "What to do: " + advice(class, src)},
		}},
		Footer: []string{"You hear about this once per outage; `earshot sources` shows the health of every source."},
		Data: map[string]any{"source": src.Name, "kind": src.Kind, "target": src.Target, "error_class": class,
			"last_error": src.LastError, "consecutive_failures": src.ConsecutiveFailures},
	}
	n, err := msg.notification(models.Notification{BusinessID: biz.ID, Kind: "source_broken"})
	if err != nil {
		return err
	}
	var targets []target
	users, err := tx.Users(ctx, biz.ID)
	if err != nil {
		return fmt.Errorf("alerts: %w", err)
	}
	for _, u := range users {
		if u.Role == models.RoleOwner {
			targets = append(targets, a.personTarget(u)...)
		}
	}
	if len(targets) == 0 {
		targets = a.routeTargets(biz, src, 0)
	}
	_, err = a.enqueue(ctx, tx, n, fmt.Sprintf("source-broken:%d:%s", src.ID, outage), targets, false)
	return err
}

func advice(class string, src models.Source) string {
	switch class {
	case models.ErrorClassBlocked:
		return "the site is blocking earshot (captcha, 403 or 429). Raise the source's interval, check scraping.user_agent, or use the site's API or feed if it has one."
	case models.ErrorClassParse:
		return "the page was fetched but no reviews could be read: the site probably changed its layout. Run `earshot scrape --kind " + src.Kind + " " + src.Target + "` to see what earshot finds, and report it if it finds nothing."
	case models.ErrorClassHTTP:
		return "the site answers with an error status. Open the target in a browser; fix the URL in the config if the page moved."
	case models.ErrorClassTimeout, models.ErrorClassNetwork:
		return "the site could not be reached. It may be down; check the machine's network and DNS if every source fails."
	case models.ErrorClassConfig:
		return "the source is misconfigured or its credentials are missing. Run `earshot config check` and set the environment variables it names."
	}
	return "look at the last error above and run `earshot scrape` on the source to reproduce it."
}
