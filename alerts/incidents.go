package alerts

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/earshot/earshot/internal/wording"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/notify"
	"github.com/earshot/earshot/store"
	"github.com/earshot/earshot/tasks"
)

// alertNew queues the alert of a new complaint, or groups it into an
// incident when it is one of several about the same issue in the burst
// window.
func (a *Alerter) alertNew(ctx context.Context, tx Tx, biz models.Business, src models.Source, t models.Task, m models.Mention, an models.Analysis) error {
	now := a.clock.Now().UTC()
	targets := a.routeTargets(biz, src, an.Severity)
	threshold := a.cfg.Alerts.Burst.Threshold
	if t.Issue != "" && threshold > 1 && an.Severity < 5 {
		group, err := tx.Tasks(ctx, store.TaskFilter{BusinessID: biz.ID, Kind: models.TaskApology, Issue: t.Issue,
			OpenedSince: now.Add(-a.cfg.Alerts.Burst.Window.D())})
		if err != nil {
			return fmt.Errorf("alerts: burst of %s: %w", t.Issue, err)
		}
		if group, err = postedNear(ctx, tx, group, m, a.cfg.Alerts.Burst.Window.D()); err != nil {
			return err
		}
		if len(group) >= threshold {
			return a.alertIncident(ctx, tx, biz, src, t, group, targets, now)
		}
	}
	msg := a.complaintMessage(biz, src, t, m, an, now)
	n, err := msg.notification(models.Notification{BusinessID: biz.ID, TaskID: &t.ID, MentionID: &m.ID, Kind: notify.KindAlert,
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
func (a *Alerter) alertIncident(ctx context.Context, tx Tx, biz models.Business, src models.Source, t models.Task, group []models.Task, targets []target, now time.Time) error {
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
	if _, err := tx.SupersedePending(ctx, ids, string(notify.KindAlert), fmt.Sprintf("grouped into incident %d", leader)); err != nil {
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
			Heading: strings.TrimSpace(fmt.Sprintf("Task %d: %s %s", g.ID, wording.OneLine(gm.Author, 60), stars(gm.Rating))),
			Quote:   excerpt(gm.Text, 400),
			Lines:   []string{tasks.Remaining(now, g.DueAt)},
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
			len(group), issue, wording.Duration(a.cfg.Alerts.Burst.Window.D()), leader),
		Items:  items,
		Footer: []string{fmt.Sprintf("earshot tasks list shows them all; each has its own draft reply. Threshold %d complaints in %s (alerts.burst).", a.cfg.Alerts.Burst.Threshold, wording.Duration(a.cfg.Alerts.Burst.Window.D()))},
		Data:   map[string]any{"incident_id": leader, "business": biz.Name, "issue": t.Issue, "task_ids": ids},
	}
	n, err := msg.notification(models.Notification{BusinessID: biz.ID, TaskID: &leader, MentionID: &t.MentionID, Kind: notify.KindIncident, MentionStoredAt: stored})
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

// postedNear keeps the tasks whose mentions were posted within window of
// m: a burst is complaints posted together, not old reviews scraped
// together (a first import reads years of history at once). A mention
// without a posting time counts as posted when it was stored.
func postedNear(ctx context.Context, tx Tx, group []models.Task, m models.Mention, window time.Duration) ([]models.Task, error) {
	at := postedAt(m)
	out := group[:0:0]
	for _, g := range group {
		if g.MentionID == m.ID {
			out = append(out, g)
			continue
		}
		gm, err := tx.Mention(ctx, g.MentionID)
		if err != nil {
			return nil, fmt.Errorf("alerts: burst: %w", err)
		}
		if d := postedAt(gm).Sub(at); d <= window && d >= -window {
			out = append(out, g)
		}
	}
	return out, nil
}

func postedAt(m models.Mention) time.Time {
	if m.PostedAt.IsZero() {
		return m.FetchedAt
	}
	return m.PostedAt
}
