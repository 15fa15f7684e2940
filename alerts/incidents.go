package alerts

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/earshot/earshot/internal/wording"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/notify"
	"github.com/earshot/earshot/store"
)

// alertNew queues the alert of a new complaint, or groups it into an
// incident when it is one of several about the same issue in the burst
// window.
func (a *Alerter) alertNew(ctx context.Context, tx Tx, biz models.Business, src models.Source, t models.Task, m models.Mention, an models.Analysis) error {
	now := a.clock.Now().UTC()
	targets := a.routeTargets(biz, src, an.Severity)
	threshold := a.cfg.Alerts.Burst.Threshold
	if t.Issue != "" && threshold > 1 && an.Severity < 5 {
		grouped, err := a.groupBurst(ctx, tx, biz, t, m, targets, now)
		if err != nil {
			return err
		}
		if grouped {
			return nil
		}
	}
	msg := a.complaintMessage(biz, src, t, m, an, now)
	base := models.Notification{BusinessID: biz.ID, TaskID: &t.ID, MentionID: &m.ID, Kind: notify.KindAlert,
		MentionStoredAt: storedAt(m)}
	_, err := a.enqueueAlert(ctx, tx, msg, base, fmt.Sprintf("alert:%d", t.ID), targets, t, a.printer(biz))
	return err
}

// maxListed bounds the tasks an incident alert lists (and its burst row
// keeps): a burst of 5,000 complaints is one alert naming the first few
// and counting the rest, not a 5,000-item email rewritten 5,000 times.
const maxListed = 25

// groupBurst counts complaint t into the live burst of its issue (one
// whose last complaint is within the burst window), kept in one row that
// each complaint updates, so grouping costs a constant number of queries
// whatever the burst's size. It reports whether t was grouped into an
// incident (and needs no alert of its own).
func (a *Alerter) groupBurst(ctx context.Context, tx Tx, biz models.Business, t models.Task, m models.Mention, targets []target, now time.Time) (bool, error) {
	threshold := a.cfg.Alerts.Burst.Threshold
	window := a.cfg.Alerts.Burst.Window.D()
	g, ok, err := tx.LiveIncidentGroup(ctx, biz.ID, t.Issue, now.Add(-window))
	if err != nil {
		return false, fmt.Errorf("alerts: burst of %s: %w", t.Issue, err)
	}
	var items []models.IncidentItem
	if ok && g.Items != "" {
		if err := json.Unmarshal([]byte(g.Items), &items); err != nil {
			return false, fmt.Errorf("alerts: burst %d of %s: %w", g.ID, t.Issue, err)
		}
	} else if !ok {
		g = models.IncidentGroup{BusinessID: biz.ID, Issue: t.Issue, StartedAt: now}
	}
	// A burst is also close in posting time: reviews of different days
	// read in one scrape (a first import, a backfill) are no incident.
	at := postedAt(m)
	if ok && g.PostedFirst != nil && (at.Before(g.PostedFirst.Add(-window)) || at.After(g.PostedLast.Add(window))) {
		items = nil
		g = models.IncidentGroup{BusinessID: biz.ID, Issue: t.Issue, StartedAt: now}
	}
	if g.PostedFirst == nil || at.Before(*g.PostedFirst) {
		g.PostedFirst = &at
	}
	if g.PostedLast == nil || at.After(*g.PostedLast) {
		g.PostedLast = &at
	}
	g.Complaints++
	g.LastAt = now
	if len(items) < max(maxListed, threshold) {
		items = append(items, models.IncidentItem{
			TaskID:  t.ID,
			Heading: strings.TrimSpace(wording.OneLine(m.Author, 60) + " " + stars(m.Rating)),
			Quote:   excerpt(m.Text, 400),
			Link:    safeLink(m.URL),
			DueAt:   t.DueAt,
		})
	}
	slices.SortFunc(items, func(x, y models.IncidentItem) int { return cmp.Compare(x.TaskID, y.TaskID) })
	raw, err := json.Marshal(items)
	if err != nil {
		return false, fmt.Errorf("alerts: burst of %s: %w", t.Issue, err)
	}
	g.Items = string(raw)
	if g.Complaints < threshold {
		return false, tx.SaveIncidentGroup(ctx, &g)
	}
	// The burst is an incident: at the threshold, group the tasks so far
	// under the earliest one (all of them are listed: items keep at least
	// threshold) and supersede their alerts still in the outbox; after
	// that, each newcomer joins on its own.
	ids := []int64{t.ID}
	first := g.LeaderTaskID == nil
	if first {
		leader := items[0].TaskID
		g.LeaderTaskID = &leader
		ids = ids[:0]
		for _, it := range items {
			ids = append(ids, it.TaskID)
		}
	}
	leader := *g.LeaderTaskID
	if err := tx.SetIncident(ctx, leader, ids); err != nil {
		return false, err
	}
	if first {
		// Alerts of the group still waiting in the outbox are covered by
		// the incident alert: one message, not a flood.
		if _, err := tx.SupersedePending(ctx, ids, string(notify.KindAlert), fmt.Sprintf("grouped into incident %d", leader)); err != nil {
			return false, err
		}
	}
	if err := a.alertIncident(ctx, tx, biz, t, m, &g, items, targets, now); err != nil {
		return false, err
	}
	return true, tx.SaveIncidentGroup(ctx, &g)
}

// alertIncident sends one alert listing the tasks of a burst grouped
// under its leader. The alert is rewritten while it waits in the outbox
// (g.AlertRound names it); once sent, another goes out every Threshold
// complaints. It records the round it queued in g, which the caller saves.
func (a *Alerter) alertIncident(ctx context.Context, tx Tx, biz models.Business, t models.Task, m models.Mention, g *models.IncidentGroup, listed []models.IncidentItem, targets []target, now time.Time) error {
	leader := *g.LeaderTaskID
	count := g.Complaints
	// The alert as of this complaint, rendered only when written: now, or
	// at commit when this transaction rewrote it already (see below).
	render := sync.OnceValues(func() (models.Notification, error) {
		return a.incidentNotification(biz, t, m, leader, count, listed, now)
	})
	threshold := a.cfg.Alerts.Burst.Threshold
	round := count / threshold
	keyBase := fmt.Sprintf("incident:%d:%d", leader, round)
	// The last one queued, still waiting in the outbox: rewrite it to
	// list the newcomer, even when the count has reached another round
	// (a burst read in one pass is one email). A group from before
	// AlertRound was kept tries the current round's.
	pending := keyBase
	if g.AlertRound > 0 {
		pending = fmt.Sprintf("incident:%d:%d", leader, g.AlertRound)
	}
	//
	// A burst read in one pass rewrites the alert for every complaint of
	// each 200-mention transaction; rendering it each time was a sixth
	// of the burst's CPU. Once this transaction has rewritten a row, the
	// row is still pending at commit (the transaction holds it), so the
	// next newcomers only leave their rendering for the commit, where the
	// last one's is written: the row ends as it would have, rendered once.
	rewrote := 0
	for _, tg := range targets {
		key := pending + "|" + tg.channel + "|" + tg.recipient
		hook := "incident-alert:" + key
		if tx.PendingAtCommit(hook) {
			tx.AtCommit(hook, func(ctx context.Context, tx *store.Store) error {
				n, err := render()
				if err != nil {
					return err
				}
				n.Channel, n.Recipient = tg.channel, tg.recipient
				_, err = tx.RewritePendingNotification(ctx, key, n)
				return err
			})
			rewrote++
			continue
		}
		n, err := render()
		if err != nil {
			return err
		}
		n.Channel, n.Recipient = tg.channel, tg.recipient
		ok, err := tx.RewritePendingNotification(ctx, key, n)
		if err != nil {
			return err
		}
		if ok {
			rewrote++
			tx.AtCommit(hook, func(context.Context, *store.Store) error { return nil })
		}
	}
	if rewrote > 0 || count%threshold != 0 {
		return nil
	}
	n, err := render()
	if err != nil {
		return err
	}
	if _, err = a.enqueue(ctx, tx, n, keyBase, targets, true); err != nil {
		return err
	}
	g.AlertRound = round
	return nil
}

// incidentNotification renders the incident alert of a burst of count
// complaints grouped under leader, listing listed, as of complaint t.
func (a *Alerter) incidentNotification(biz models.Business, t models.Task, m models.Mention, leader int64, count int, listed []models.IncidentItem, now time.Time) (models.Notification, error) {
	p := a.printer(biz)
	items := make([]item, 0, len(listed)+1)
	ids := make([]int64, 0, len(listed))
	for _, it := range listed {
		ids = append(ids, it.TaskID)
		// Items stored before headings left out the task named it in
		// English; the task is named here, in the owner's locale.
		who := strings.TrimPrefix(it.Heading, fmt.Sprintf("Task %d: ", it.TaskID))
		items = append(items, item{Heading: p.T("incident.item", map[string]any{"Task": it.TaskID, "Who": who}), Quote: it.Quote,
			Lines: []string{p.Remaining(now, it.DueAt)}, Link: it.Link,
			Page: a.taskPage(it.TaskID), PageLabel: p.T("link.task", map[string]any{"Task": it.TaskID})})
	}
	if more := count - len(listed); more > 0 {
		items = append(items, item{Heading: p.T("incident.more", map[string]any{"More": more})})
	}
	issue := t.Issue
	if _, term, ok := strings.Cut(issue, "/"); ok && term != "" {
		issue = term
	}
	window := p.Duration(a.cfg.Alerts.Burst.Window.D())
	args := map[string]any{"Business": displayName(biz), "Count": count, "Issue": wording.OneLine(issue, 80), "Window": window,
		"Incident": leader, "Threshold": a.cfg.Alerts.Burst.Threshold}
	msg := message{
		Subject: p.T("incident.subject", args),
		Lead:    p.T("incident.lead", args),
		Items:   items,
		Footer:  []string{p.T("incident.footer", args)},
		Lang:    p.Lang(), LinkHTML: p.T("alert.link.html", nil), LinkText: p.T("alert.link.text", nil), Sep: p.T("link.sep", nil),
		Page: a.businessInbox(biz), PageLabel: p.T("link.incident", nil),
		Data: map[string]any{"incident_id": leader, "business": biz.Name, "issue": t.Issue, "task_ids": ids, "complaints": count},
	}
	return msg.notification(models.Notification{BusinessID: biz.ID, TaskID: &leader, MentionID: &t.MentionID, Kind: notify.KindIncident, MentionStoredAt: storedAt(m)})
}

func postedAt(m models.Mention) time.Time {
	if m.PostedAt.IsZero() {
		return m.FetchedAt
	}
	return m.PostedAt
}
