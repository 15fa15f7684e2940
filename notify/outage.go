package notify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/earshot/earshot/internal/wording"
	"github.com/earshot/earshot/models"
)

// KindChannelDown tells the people on the other channels that one
// channel has been failing (once per outage), or that a notification was
// given up on, so no alert is ever lost without somebody hearing of it.
const KindChannelDown NotificationKind = "channel_down"

// warnOthers queues a KindChannelDown notification about channel on
// every other configured channel. key makes it once per outage (or once
// per given-up notification); what says what happened.
func (s *Sender) warnOthers(ctx context.Context, n models.Notification, key, subject, what string) error {
	var others []string
	for _, name := range s.channels {
		if name != n.Channel {
			others = append(others, name)
		}
	}
	log := s.log.With("channel", n.Channel)
	if len(others) == 0 {
		log.Error("a channel is failing and no other channel is configured to say so; see `earshot outbox list` and /metrics", "problem", what)
		return nil
	}
	body := strings.Join([]string{
		what,
		"",
		"Last error: " + wording.OneLine(n.LastError, 300),
		"",
		"earshot keeps what it could not send and retries it; `earshot outbox list` shows the backlog, and `earshot outbox retry` sends again what was given up on.",
	}, "\n")
	for _, to := range others {
		w := &models.Notification{BusinessID: n.BusinessID, Kind: KindChannelDown, Channel: to,
			Subject: subject, Body: body, IdempotencyKey: key + "|" + to}
		if added, err := Enqueue(ctx, s.ob, w); err != nil {
			return err
		} else if added {
			log.Warn("told the other channels", "to", to, "problem", what)
		}
	}
	return nil
}

// channelDown is called after a failed attempt of n whose run of failures
// began at since: past WarnAfter, the other channels hear of it, once for
// the channel's outage (keyed by the oldest failure still waiting).
func (s *Sender) channelDown(ctx context.Context, n models.Notification, since, now time.Time) error {
	if now.Sub(since) < s.retry.WarnAfter.D() {
		return nil
	}
	backlog, err := s.ob.OutboxBacklog(ctx)
	if err != nil {
		return err
	}
	for _, b := range backlog {
		if b.Channel != n.Channel || b.FailingSince == nil {
			continue
		}
		start := b.FailingSince.UTC()
		what := fmt.Sprintf("Notifications to %q have failed since %s (%s); %d are waiting to be sent.",
			n.Channel, start.Format(time.RFC1123), wording.Duration(now.Sub(start)), b.Pending)
		key := fmt.Sprintf("channel-down:%s:%d", n.Channel, start.Unix())
		return s.warnOthers(ctx, n, key, fmt.Sprintf("[earshot] %s is not delivering", n.Channel), what)
	}
	return nil
}

// gaveUp tells the other channels that n will not be retried any more.
func (s *Sender) gaveUp(ctx context.Context, n models.Notification) error {
	what := fmt.Sprintf("earshot stopped trying to send %q (%s) to %q after %d attempts.",
		n.Subject, n.Kind, n.Channel, n.Attempts)
	return s.warnOthers(ctx, n, fmt.Sprintf("gave-up:%d", n.ID), "[earshot] a notification could not be delivered", what)
}
