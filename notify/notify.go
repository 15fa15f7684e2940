// Package notify delivers notifications. Producers (alerts, digest) write
// a models.Notification into the outbox inside their own transaction with
// Enqueue; a Sender then takes due notifications through a short
// pipeline of stages, in the spirit of Alertmanager's notify pipeline:
//
//	claim (one replica wins) → route to the channel's Notifier → send
//	→ record: sent, or retry with capped exponential backoff, or failed
//
// A crash or a mail server outage delays a notification but never loses
// or doubles it: a claimed notification whose sender died is claimed
// again when its lease runs out, and channels carry the idempotency key
// (Message-ID, Idempotency-Key) so receivers can drop a second copy.
//
// The channel table (channels.go) is the one place that knows channel
// types: each row builds the type's Notifier and validates its settings.
package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/promreg"
	"github.com/earshot/earshot/models"
	"github.com/jonboulle/clockwork"
	"github.com/prometheus/client_golang/prometheus"
)

// NotificationKind says what a notification is about; it is stored in
// the outbox and labels the delivery metrics.
type NotificationKind = models.NotificationKind

// The kinds of notification earshot sends.
const (
	KindAlert        NotificationKind = "alert"         // a new complaint
	KindReopened     NotificationKind = "reopened"      // an answered complaint came back
	KindIncident     NotificationKind = "incident"      // a burst about one issue
	KindReminder     NotificationKind = "reminder"      // an escalation step
	KindFollowUp     NotificationKind = "follow_up"     // check the fix worked
	KindSourceBroken NotificationKind = "source_broken" // a source keeps failing
	KindSourceQuiet  NotificationKind = "source_quiet"  // a source runs but brings nothing new for too long
	KindLimit        NotificationKind = "limit"         // per-recipient hourly limit reached
	KindDigest       NotificationKind = "digest"        // the weekly digest
	KindImport       NotificationKind = "import"        // one summary of a first import or backfill
)

// Notifier delivers one notification through one channel. retryable
// says whether a failure is temporary (server down, 5xx) and worth
// another attempt; it is ignored when err is nil.
type Notifier interface {
	Notify(ctx context.Context, n models.Notification) (retryable bool, err error)
}

// Queue is where producers write notifications: the outbox, inside the
// producer's transaction (*store.Store is one).
type Queue interface {
	EnqueueNotification(ctx context.Context, n *models.Notification) (bool, error)
}

// Enqueue writes n into the outbox unless a notification with the same
// idempotency key is there already; it reports whether n was added.
// n.Channel is a configured channel's name, or a channel type (Direct)
// to send straight to n.Recipient.
func Enqueue(ctx context.Context, q Queue, n *models.Notification) (bool, error) {
	if n.Kind == "" || n.Channel == "" || n.IdempotencyKey == "" {
		return false, fmt.Errorf("notify: enqueue %q: kind, channel and idempotency key are required", n.IdempotencyKey)
	}
	ok, err := q.EnqueueNotification(ctx, n)
	if err != nil {
		return false, fmt.Errorf("notify: %w", err)
	}
	return ok, nil
}

// Outbox is what a Sender needs from the store.
type Outbox interface {
	// ClaimDueNotifications takes up to limit due notifications for one
	// attempt each (counted, and left alone by other senders until
	// leaseUntil); ReleaseNotification gives one back unattempted.
	ClaimDueNotifications(ctx context.Context, now time.Time, limit int, leaseUntil time.Time) ([]models.Notification, error)
	ReleaseNotification(ctx context.Context, id int64, at time.Time) error
	MarkNotificationSent(ctx context.Context, id int64, at time.Time) error
	MarkNotificationRetry(ctx context.Context, id int64, next time.Time, lastErr string) error
	MarkNotificationFailed(ctx context.Context, id int64, lastErr string) error
	// OutboxBacklog feeds the backlog metrics and outage warnings.
	OutboxBacklog(ctx context.Context) ([]models.ChannelBacklog, error)
	// The outbox is also the Queue warnings about failing channels go to.
	Queue
}

// Options are a Sender's dependencies.
type Options struct {
	Logger *slog.Logger
	// Clock decides what is due; tests inject a fake.
	Clock      clockwork.Clock
	HTTPClient *http.Client
	// Metrics receives the delivery metrics; nil disables them.
	Metrics prometheus.Registerer
	// Console is where console channels print (default os.Stdout).
	Console io.Writer
	// Notifiers replaces the notifier of a channel name, for channels a
	// program adds itself; nil uses the table built from the config.
	Notifiers map[string]Notifier
}

// Sender delivers the outbox.
type Sender struct {
	ob        Outbox
	log       *slog.Logger
	clock     clockwork.Clock
	retry     config.Retry
	notifiers map[string]Notifier
	// channels are the configured channel names, which hear about a
	// channel that keeps failing.
	channels []string
	m        *metrics
	// workers is how many notifications Deliver sends at once.
	workers int
	// lease is how long a claimed notification is left alone by other
	// senders; it must exceed the slowest send.
	lease time.Duration
}

// New checks the channel settings and builds the notifier of every
// configured channel, plus one direct notifier per channel type (named
// after the type) for notifications addressed to a person rather than a
// configured channel.
func New(cfg *config.Config, ob Outbox, o Options) (*Sender, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = clockwork.NewRealClock()
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if o.Console == nil {
		o.Console = os.Stdout
	}
	notifiers, err := buildNotifiers(cfg, o)
	if err != nil {
		return nil, err
	}
	for name, n := range o.Notifiers {
		notifiers[name] = n
	}
	m, err := newMetrics(o.Metrics)
	if err != nil {
		return nil, err
	}
	if o.Metrics != nil {
		if err := o.Metrics.Register(newBacklogCollector(ob, o.Clock.Now)); err != nil {
			var are prometheus.AlreadyRegisteredError
			if !errors.As(err, &are) {
				return nil, fmt.Errorf("notify: backlog metrics: %w", err)
			}
		}
	}
	var channels []string
	for _, ch := range cfg.Channels {
		channels = append(channels, ch.Name)
	}
	return &Sender{ob: ob, log: o.Logger, clock: o.Clock, retry: cfg.Alerts.Retry, notifiers: notifiers,
		channels: channels, m: m, workers: 4, lease: max(cfg.Alerts.Retry.Lease.D(), time.Second)}, nil
}

type metrics struct {
	sent, failed *prometheus.CounterVec
	latency      *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "earshot_notifications_sent_total",
			Help: "Notifications accepted by their channel."}, []string{"channel", "kind"}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "earshot_notifications_failed_total",
			Help: "Delivery attempts that failed, by whether they will be retried."}, []string{"channel", "kind", "final"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "earshot_mention_to_alert_seconds",
			Help:    "Time from a mention being stored to its alert being accepted by the channel.",
			Buckets: []float64{1, 5, 15, 30, 60, 90, 120, 300, 900, 3600}}, []string{"channel"}),
	}
	if reg == nil {
		return m, nil
	}
	var err error
	if m.sent, err = promreg.Register(reg, m.sent); err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	if m.failed, err = promreg.Register(reg, m.failed); err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	if m.latency, err = promreg.Register(reg, m.latency); err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	return m, nil
}

// backlogCollector reports the outbox backlog per channel at scrape
// time, counted in SQL, so a channel that has been failing for hours is
// visible on /metrics even while nothing else changes.
type backlogCollector struct {
	ob                              Outbox
	now                             func() time.Time
	pending, failing, failed, since *prometheus.Desc
}

func newBacklogCollector(ob Outbox, now func() time.Time) *backlogCollector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, []string{"channel"}, nil)
	}
	return &backlogCollector{ob: ob, now: now,
		pending: d("earshot_outbox_pending", "Notifications waiting to be sent."),
		failing: d("earshot_outbox_failing", "Waiting notifications whose last attempt failed."),
		failed:  d("earshot_outbox_failed", "Notifications given up on; `earshot outbox retry` sends them again."),
		since:   d("earshot_outbox_failing_seconds", "How long the channel's oldest failing notification has been failing."),
	}
}

func (c *backlogCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.pending
	ch <- c.failing
	ch <- c.failed
	ch <- c.since
}

func (c *backlogCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	backlog, err := c.ob.OutboxBacklog(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.pending, err)
		return
	}
	for _, b := range backlog {
		ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(b.Pending), b.Channel)
		ch <- prometheus.MustNewConstMetric(c.failing, prometheus.GaugeValue, float64(b.Failing), b.Channel)
		ch <- prometheus.MustNewConstMetric(c.failed, prometheus.GaugeValue, float64(b.Failed), b.Channel)
		secs := 0.0
		if b.FailingSince != nil {
			secs = c.now().Sub(*b.FailingSince).Seconds()
		}
		ch <- prometheus.MustNewConstMetric(c.since, prometheus.GaugeValue, secs, b.Channel)
	}
}
