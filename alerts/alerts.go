// Package alerts turns complaints into apology tasks with deadlines and
// tells people about them. Every complaint opens one task (a unique dedup
// key makes reruns and replicas harmless), whose deadline comes from the
// configured policy in the business's opening hours and time zone, and
// whose draft reply is written from templates. The alert is written to
// the notifications outbox in the same transaction as the task, then
// delivered by Deliver with retries, so a crash or a mail server outage
// delays an alert but never loses or doubles it. CheckDeadlines reminds
// the assignee, the manager and the owner as a deadline nears and passes,
// and moves replied tasks to their follow-up.
package alerts

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/earshot/earshot/alerts/console"
	"github.com/earshot/earshot/alerts/email"
	"github.com/earshot/earshot/alerts/post"
	"github.com/earshot/earshot/alerts/slack"
	"github.com/earshot/earshot/alerts/webhook"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
	"github.com/jonboulle/clockwork"
	"github.com/prometheus/client_golang/prometheus"
)

// Notifier delivers one notification through one channel. retryable
// says whether a failure is temporary (server down, 5xx) and worth
// another attempt; it is ignored when err is nil.
type Notifier interface {
	Notify(ctx context.Context, n models.Notification) (retryable bool, err error)
}

// Options are the alerter's dependencies.
type Options struct {
	Logger *slog.Logger
	// Clock stamps tasks and decides what is due; tests inject a fake.
	Clock      clockwork.Clock
	HTTPClient *http.Client
	// Getenv reads posting credentials (EARSHOT_TWITTER_*, ...).
	Getenv func(string) string
	// Metrics receives the alerter's Prometheus metrics; nil disables them.
	Metrics prometheus.Registerer
	// Console is where console channels print (default os.Stdout).
	Console io.Writer
	// Notifiers replaces the notifier of a channel name, for channels a
	// program adds itself; nil uses the table built from the config.
	Notifiers map[string]Notifier
}

// Alerter implements the pipeline's app.Alerter.
type Alerter struct {
	cfg       *config.Config
	st        *store.Store
	log       *slog.Logger
	clock     clockwork.Clock
	http      *http.Client
	getenv    func(string) string
	notifiers map[string]Notifier
	drafts    *drafter
	// fallback renders the built-in templates when a configured one
	// fails on a particular complaint.
	fallback *drafter
	m        *metrics
	// workers is how many notifications Deliver sends at once.
	workers int
	// lease is how long a claimed notification is left alone by other
	// senders; it must exceed the slowest send.
	lease time.Duration
}

// notifierTypes is the one table from channel type to constructor.
var notifierTypes = map[string]func(cfg *config.Config, ch config.Channel, o Options) (Notifier, error){
	"email": func(cfg *config.Config, ch config.Channel, o Options) (Notifier, error) {
		return email.New(cfg.SMTP, ch.To), nil
	},
	"slack": func(cfg *config.Config, ch config.Channel, o Options) (Notifier, error) {
		if ch.URL.Value() == "" {
			return nil, fmt.Errorf("slack channel %s: variable %s is empty", ch.Name, ch.URLEnv)
		}
		return slack.New(ch.URL.Value(), o.HTTPClient), nil
	},
	"webhook": func(cfg *config.Config, ch config.Channel, o Options) (Notifier, error) {
		if ch.URL.Value() == "" {
			return nil, fmt.Errorf("webhook channel %s: variable %s is empty", ch.Name, ch.URLEnv)
		}
		return webhook.New(ch.URL.Value(), ch.Secret.Value(), o.HTTPClient, o.Clock.Now), nil
	},
	"console": func(cfg *config.Config, ch config.Channel, o Options) (Notifier, error) {
		return console.New(o.Console), nil
	},
}

// New checks the alert configuration (templates run on a sample
// complaint; a broken one is reported with its file and line) and builds
// the notifiers of every configured channel.
func New(cfg *config.Config, st *store.Store, opts Options) (*Alerter, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = clockwork.NewRealClock()
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.Console == nil {
		opts.Console = os.Stdout
	}
	d, err := newDrafter(cfg)
	if err != nil {
		return nil, err
	}
	fb := *cfg
	fb.Alerts.Templates = config.Templates{}
	fallback, err := newDrafter(&fb)
	if err != nil {
		return nil, err
	}
	a := &Alerter{
		cfg: cfg, st: st, log: opts.Logger.With("component", "alerts"), clock: opts.Clock,
		http: opts.HTTPClient, getenv: opts.Getenv, drafts: d, fallback: fallback, notifiers: map[string]Notifier{},
		workers: 4, lease: max(cfg.Alerts.Retry.Lease.D(), time.Second),
	}
	for i, ch := range cfg.Channels {
		mk, ok := notifierTypes[ch.Type]
		if !ok {
			return nil, fmt.Errorf("alerts: %w", cfg.ErrorAt(fmt.Sprintf("channels[%d].type", i), "unknown channel type %q", ch.Type))
		}
		n, err := mk(cfg, ch, opts)
		if err != nil {
			return nil, fmt.Errorf("alerts: %w", cfg.ErrorAt(fmt.Sprintf("channels[%d]", i), "%v", err))
		}
		a.notifiers[ch.Name] = n
	}
	// Notifications may name a channel type instead of a configured
	// channel (the digest sends to "email" recipients directly).
	if _, ok := a.notifiers["email"]; !ok {
		a.notifiers["email"] = email.New(cfg.SMTP, nil)
	}
	if _, ok := a.notifiers["console"]; !ok {
		a.notifiers["console"] = console.New(opts.Console)
	}
	for name, n := range opts.Notifiers {
		a.notifiers[name] = n
	}
	a.m, err = newMetrics(opts.Metrics)
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Poster returns the reply poster for a mention's source, or ErrNoPoster.
func (a *Alerter) poster(ctx context.Context, st *store.Store, m models.Mention) (post.Poster, error) {
	if !post.Supported(m.SourceKind) {
		return nil, fmt.Errorf("alerts: %s: %w; reply at %s and run `earshot tasks reply ID` without --post", m.SourceKind, ErrNoPoster, m.URL)
	}
	src, err := st.Source(ctx, m.SourceID)
	if err != nil {
		return nil, fmt.Errorf("alerts: source of mention %d: %w", m.ID, err)
	}
	p, err := post.For(m.SourceKind, src.APIBase, a.http, a.getenv)
	if errors.Is(err, post.ErrNoCredentials) {
		return nil, fmt.Errorf("alerts: %w: %w", ErrNoCredentials, err)
	}
	return p, err
}

type metrics struct {
	sent, failed *prometheus.CounterVec
	latency      *prometheus.HistogramVec
	opened       *prometheus.CounterVec
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
		opened: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "earshot_tasks_opened_total",
			Help: "Tasks opened or reopened, by kind of event."}, []string{"event"}),
	}
	if reg == nil {
		return m, nil
	}
	var err error
	if m.sent, err = register(reg, m.sent); err != nil {
		return nil, err
	}
	if m.failed, err = register(reg, m.failed); err != nil {
		return nil, err
	}
	if m.opened, err = register(reg, m.opened); err != nil {
		return nil, err
	}
	if m.latency, err = register(reg, m.latency); err != nil {
		return nil, err
	}
	return m, nil
}

// register adds c to reg, or returns the collector already registered
// under its name (a second Alerter on the same registry shares them).
func register[T prometheus.Collector](reg prometheus.Registerer, c T) (T, error) {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(T); ok {
				return existing, nil
			}
		}
		return c, fmt.Errorf("alerts: register metrics: %w", err)
	}
	return c, nil
}

// PostSupported reports whether earshot can post replies to a source kind
// (X/Twitter, Mastodon, Google Business Profile).
func PostSupported(kind string) bool { return post.Supported(kind) }
