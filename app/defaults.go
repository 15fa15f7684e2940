package app

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/earshot/earshot/alerts"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/digest"
	"github.com/earshot/earshot/onetap"
	"github.com/earshot/earshot/sentiment"
	"github.com/earshot/earshot/store"
	"github.com/go-co-op/gocron/v2"
	"github.com/prometheus/client_golang/prometheus"
)

func newDefaultAnalyzer(cfg *config.Config) (Analyzer, error) {
	a, err := sentiment.New(sentiment.Options{Taxonomies: cfg.Sentiment.Taxonomies, PreloadJapanese: wantsJapanese(cfg)})
	if err != nil {
		return nil, fmt.Errorf("app: sentiment analyzer: %w", err)
	}
	return sentiment.MentionAnalyzer{A: a}, nil
}

// wantsJapanese is true when a business has locale ja or a source that
// reads a Japanese storefront: the Japanese dictionary is then loaded at
// start rather than on the first Japanese mention, so that first mention
// is not the slow one and a broken dictionary fails at start.
func wantsJapanese(cfg *config.Config) bool {
	for _, b := range cfg.Businesses {
		if b.Locale == "ja" {
			return true
		}
		for _, s := range b.Sources {
			if !s.Disabled && japaneseTarget(s.Target()) {
				return true
			}
		}
	}
	return false
}

// japaneseTarget spots Japanese-locale pages: amazon.co.jp, .jp hosts,
// the JP App Store storefront, Google Play with hl=ja or gl=JP, and
// /ja/ or ja. subdomains of Trustpilot and TripAdvisor.
func japaneseTarget(target string) bool {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	q := u.Query()
	switch {
	case strings.HasSuffix(host, ".jp"), strings.HasPrefix(host, "ja."),
		strings.HasPrefix(u.Path, "/jp/"), strings.HasPrefix(u.Path, "/ja/"),
		strings.HasPrefix(strings.ToLower(q.Get("hl")), "ja"), strings.EqualFold(q.Get("gl"), "jp"):
		return true
	}
	return false
}

// newDefaultAlerter builds the alerter with the installation's one-tap
// signer, so the alert emails the pipeline writes carry links the inbox
// at /t/ accepts.
func newDefaultAlerter(ctx context.Context, cfg *config.Config, st *store.Store, o Options, reg prometheus.Registerer) (Alerter, error) {
	links, err := onetap.New(ctx, st, cfg.Server.BaseURL, o.Clock)
	if err != nil {
		return nil, fmt.Errorf("app: one-tap links: %w", err)
	}
	return alerts.New(cfg, st, alerts.Options{Logger: o.Logger.With("component", "alerts"), Clock: o.Clock, Metrics: reg, Links: links})
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
