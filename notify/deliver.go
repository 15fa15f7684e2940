package notify

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/models"
)

// deliverBatch is how many due notifications one round loads.
const deliverBatch = 200

// Deliver sends the due notifications of the outbox and reports how many
// their channel accepted. Each is claimed first (so two replicas never
// send the same one at once), marked sent only after the channel accepted
// it, and otherwise retried with capped exponential backoff until
// alerts.retry.give_up_after (a week by default), then marked failed and
// reported on the other channels; a channel failing for longer than
// alerts.retry.warn_after is reported there too, once per outage. It returns an error only
// when the outbox itself cannot be read or written; delivery failures are
// logged and retried.
func (s *Sender) Deliver(ctx context.Context) (int, error) {
	var sent atomic.Int64
	seen := map[int64]bool{}
	for {
		now := s.clock.Now()
		// Claimed in one statement (FOR UPDATE SKIP LOCKED on
		// PostgreSQL): replicas delivering at once take different rows.
		todo, err := s.ob.ClaimDueNotifications(ctx, now, deliverBatch, now.Add(s.lease))
		if err != nil {
			return int(sent.Load()), fmt.Errorf("notify: deliver: %w", err)
		}
		if len(todo) == 0 {
			return int(sent.Load()), nil
		}
		// A notification due again within this call (a retry without
		// backoff) waits for the next call, so one call always ends.
		again := false
		fresh := todo[:0]
		for _, n := range todo {
			if seen[n.ID] {
				again = true
				if err := s.ob.ReleaseNotification(ctx, n.ID, now); err != nil {
					return int(sent.Load()), fmt.Errorf("notify: deliver: %w", err)
				}
				continue
			}
			seen[n.ID] = true
			fresh = append(fresh, n)
		}
		todo = fresh
		work := make(chan models.Notification)
		var wg sync.WaitGroup
		var mu sync.Mutex
		var storeErr error
		for range s.workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := range work {
					ok, err := s.deliverOne(ctx, n)
					if ok {
						sent.Add(1)
					}
					if err != nil {
						mu.Lock()
						storeErr = errors.Join(storeErr, err)
						mu.Unlock()
					}
				}
			}()
		}
		fed := 0
	feed:
		for _, n := range todo {
			select {
			case work <- n:
				fed++
			case <-ctx.Done():
				break feed
			}
		}
		close(work)
		wg.Wait()
		// Shutting down: what was claimed but not attempted goes back to
		// the outbox at once, for another replica, instead of waiting
		// out its lease.
		for _, n := range todo[fed:] {
			if err := s.ob.ReleaseNotification(context.WithoutCancel(ctx), n.ID, s.clock.Now()); err != nil {
				storeErr = errors.Join(storeErr, err)
			}
		}
		if storeErr != nil {
			return int(sent.Load()), storeErr
		}
		if err := ctx.Err(); err != nil {
			return int(sent.Load()), err
		}
		if again {
			return int(sent.Load()), nil
		}
	}
}

// deliverOne sends one claimed notification (n.Attempts already counts
// this attempt); the error is for outbox failures only.
func (s *Sender) deliverOne(ctx context.Context, n models.Notification) (bool, error) {
	now := s.clock.Now()
	attempt := n.Attempts
	log := s.log.With("notification", n.ID, "kind", n.Kind, "channel", n.Channel, "attempt", attempt)
	notifier, ok := s.notifiers[n.Channel]
	if !ok {
		msg := fmt.Sprintf("no channel named %q in the config; add it under `channels:`", n.Channel)
		log.Error("notification dropped", "error", msg)
		s.m.failed.WithLabelValues(n.Channel, string(n.Kind), "true").Inc()
		return false, s.ob.MarkNotificationFailed(ctx, n.ID, msg)
	}
	sendCtx, cancel := context.WithTimeout(ctx, s.lease/2)
	retryable, sendErr := notifier.Notify(sendCtx, n)
	cancel()
	if sendErr == nil {
		sentAt := s.clock.Now()
		if err := s.ob.MarkNotificationSent(ctx, n.ID, sentAt); err != nil {
			// Accepted but not recorded: the lease expires and it is sent
			// again, with the same Message-ID / Idempotency-Key.
			return true, err
		}
		s.m.sent.WithLabelValues(n.Channel, string(n.Kind)).Inc()
		if n.MentionStoredAt != nil {
			s.m.latency.WithLabelValues(n.Channel).Observe(sentAt.Sub(*n.MentionStoredAt).Seconds())
		}
		log.Debug("notification sent")
		return true, nil
	}
	if ctx.Err() != nil {
		// Shutting down: give the notification back for the next start.
		return false, s.ob.MarkNotificationRetry(context.WithoutCancel(ctx), n.ID, now, sendErr.Error())
	}
	n.Attempts, n.LastError = attempt, sendErr.Error()
	if retryable && !s.giveUp(n, attempt, now) {
		next := now.Add(Backoff(s.retry, attempt))
		log.Warn("notification not delivered; will retry", "error", sendErr, "next_attempt", next)
		s.m.failed.WithLabelValues(n.Channel, string(n.Kind), "false").Inc()
		if err := s.ob.MarkNotificationRetry(ctx, n.ID, next, sendErr.Error()); err != nil {
			return false, err
		}
		if n.Kind == KindChannelDown {
			return false, nil // a warning about a warning would never end
		}
		since := now
		if n.FailingSince != nil {
			since = *n.FailingSince
		}
		return false, s.channelDown(ctx, n, since, now)
	}
	log.Error("notification failed; giving up", "error", sendErr, "retryable", retryable)
	s.m.failed.WithLabelValues(n.Channel, string(n.Kind), "true").Inc()
	if err := s.ob.MarkNotificationFailed(ctx, n.ID, sendErr.Error()); err != nil {
		return false, err
	}
	if n.Kind == KindChannelDown {
		return false, nil
	}
	return false, s.gaveUp(ctx, n)
}

// giveUp says whether a retryable failure is the last: the attempt cap,
// when one is configured, or GiveUpAfter since the run of failures began.
func (s *Sender) giveUp(n models.Notification, attempt int, now time.Time) bool {
	if s.retry.MaxAttempts > 0 && attempt >= s.retry.MaxAttempts {
		return true
	}
	return n.FailingSince != nil && now.Sub(*n.FailingSince) >= s.retry.GiveUpAfter.D()
}

// Backoff is the wait after the given attempt: r.Backoff, doubled each
// attempt, at most r.MaxBackoff.
func Backoff(r config.Retry, attempt int) time.Duration {
	d := r.Backoff.D()
	max := r.MaxBackoff.D()
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}
