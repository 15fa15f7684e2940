package alerts

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/i18n"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/notify"
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
		if ch.Type == notify.ChannelEmail {
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
		return []target{{channel: notify.ChannelConsole}}
	}
	return a.expand(names)
}

// personTarget reaches one user: by email when they have an address
// (through the first email channel, or SMTP directly), else through the
// business's alert channels.
func (a *Alerter) personTarget(u models.User) []target {
	if u.Email != "" {
		ch := notify.ChannelEmail
		for _, c := range a.cfg.Channels {
			if c.Type == notify.ChannelEmail {
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
func (a *Alerter) enqueue(ctx context.Context, tx Tx, base models.Notification, keyBase string, targets []target, limited bool) (int, error) {
	return a.enqueueEach(ctx, tx, keyBase, targets, limited, func(target) (models.Notification, error) { return base, nil })
}

// enqueueEach is enqueue with the notification built per target (its
// one-tap links name the recipient).
func (a *Alerter) enqueueEach(ctx context.Context, tx Tx, keyBase string, targets []target, limited bool, build func(target) (models.Notification, error)) (int, error) {
	now := a.clock.Now()
	queued := 0
	for _, t := range targets {
		n, err := build(t)
		if err != nil {
			return queued, err
		}
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
				n.Kind = notify.KindLimit
				n.TaskID, n.MentionID = nil, nil
				p := i18n.For("", nil)
				if n.BusinessID != 0 {
					biz, err := tx.Business(ctx, n.BusinessID)
					if err != nil {
						return queued, fmt.Errorf("alerts: limit note: %w", err)
					}
					p = a.printer(biz)
				}
				args := map[string]any{"Alerts": p.N("limit.alerts", max, nil), "Inbox": a.page("/inbox", nil)}
				n.Subject = p.T("limit.subject", args)
				n.Body = p.T("limit.body", args)
				n.HTMLBody = ""
				n.Payload = nil
				n.IdempotencyKey = fmt.Sprintf("limit|%s|%s|%d", ch, rc, now.Truncate(time.Hour).Unix())
			}
		}
		added, err := notify.Enqueue(ctx, tx, &n)
		if err != nil {
			return queued, err
		}
		if added {
			queued++
		}
	}
	return queued, nil
}
