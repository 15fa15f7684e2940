// Package alerts is earshot's policy after sentiment: which analysis
// opens or reopens which task (complaints.go), its deadline in business
// hours (deadline.go), who hears about it (routing.go), bursts grouped
// into incidents (incidents.go), escalation and follow-ups
// (escalation.go), broken sources (sources.go) and what each message
// says (messages.go, complaint_message.go). Every complaint opens one
// task (a unique dedup key makes reruns and replicas harmless). Task
// state changes go through package tasks; messages are written to the
// outbox through package notify in the same transaction as the task, and
// notify delivers them.
package alerts

import (
	"fmt"
	"log/slog"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/promreg"
	"github.com/jonboulle/clockwork"
	"github.com/prometheus/client_golang/prometheus"
)

// Options are the alerter's dependencies.
type Options struct {
	Logger *slog.Logger
	// Clock stamps tasks and decides what is due; tests inject a fake.
	Clock clockwork.Clock
	// Metrics receives the alerter's Prometheus metrics; nil disables them.
	Metrics prometheus.Registerer
	// Links signs the one-tap links of alert emails; nil sends alerts
	// with page links only.
	Links Linker
}

// Alerter implements the pipeline's app.Alerter.
type Alerter struct {
	cfg    *config.Config
	st     Store
	log    *slog.Logger
	clock  clockwork.Clock
	drafts *drafter
	// fallback renders the built-in templates when a configured one
	// fails on a particular complaint.
	fallback *drafter
	m        *metrics
	links    Linker
}

// New checks the alert configuration (templates run on a sample
// complaint; a broken one is reported with its file and line). The
// logger is used as given: callers name the component.
func New(cfg *config.Config, st Store, opts Options) (*Alerter, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = clockwork.NewRealClock()
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
	a := &Alerter{cfg: cfg, st: st, log: opts.Logger, clock: opts.Clock, drafts: d, fallback: fallback, links: opts.Links}
	a.m, err = newMetrics(opts.Metrics)
	if err != nil {
		return nil, err
	}
	return a, nil
}

type metrics struct {
	opened *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		opened: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "earshot_tasks_opened_total",
			Help: "Tasks opened or reopened, by kind of event."}, []string{"event"}),
	}
	if reg == nil {
		return m, nil
	}
	var err error
	if m.opened, err = promreg.Register(reg, m.opened); err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	return m, nil
}
