package app

import (
	"context"
	"fmt"
	"time"

	"github.com/earshot/earshot/alerts"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/digest"
	"github.com/earshot/earshot/sentiment"
	"github.com/earshot/earshot/store"
	"github.com/go-co-op/gocron/v2"
	"github.com/prometheus/client_golang/prometheus"
)

func newDefaultAnalyzer(cfg *config.Config) (Analyzer, error) {
	a, err := sentiment.New(sentiment.Options{Taxonomies: cfg.Sentiment.Taxonomies})
	if err != nil {
		return nil, fmt.Errorf("app: sentiment analyzer: %w", err)
	}
	return sentiment.MentionAnalyzer{A: a}, nil
}

func newDefaultAlerter(cfg *config.Config, st *store.Store, o Options, reg prometheus.Registerer) (Alerter, error) {
	return alerts.New(cfg, st, alerts.Options{Logger: o.Logger.With("component", "alerts"), Clock: o.Clock, Metrics: reg})
}

// JobDigest queues due weekly digests.
const JobDigest = "digest"

// digestCheck is how often the digest job looks for a digest due. Queueing
// is idempotent per business, week and recipient, so checking often costs
// little and a digest missed during downtime goes out when earshot is back.
const digestCheck = 5 * time.Minute

func (a *App) addDigestJobs(s gocron.Scheduler) error {
	_, err := s.NewJob(gocron.DurationJob(digestCheck),
		gocron.NewTask(func(ctx context.Context) {
			err := a.SendDueDigests(ctx)
			a.logJob(JobDigest, err)
			if a.afterJob != nil {
				a.afterJob(JobDigest, err)
			}
		}),
		gocron.WithName(JobDigest),
		gocron.WithSingletonMode(gocron.LimitModeReschedule),
		a.jobStart(JobDigest, digestCheck),
	)
	if err != nil {
		return fmt.Errorf("app: schedule digest: %w", err)
	}
	return nil
}

// SendDueDigests queues the weekly digest of every business whose send
// time (day, time, time zone in its config) has passed this week and
// delivers it through the outbox.
func (a *App) SendDueDigests(ctx context.Context) error {
	n, err := digest.EnqueueDue(ctx, a.Store, a.Config, a.Clock.Now(), a.Log.With("component", "digest"))
	if n > 0 {
		a.deliverNow(ctx)
	}
	return err
}
