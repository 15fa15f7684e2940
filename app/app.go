// Package app wires earshot together and owns its lifecycle: it opens
// the store, builds a scraper per configured source from the registry,
// the analyzer and the alerter, and runs the pipeline (scrape → store →
// analyze → tasks and alerts → delivery) either once (`earshot demo`,
// `earshot scrape`) or on the scheduler (`earshot serve`). Tests start
// the whole system in-process through New.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/notify"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/registry"
	"github.com/earshot/earshot/store"
	"github.com/earshot/earshot/tasks"
	"github.com/jonboulle/clockwork"
)

// Analyzer scores one mention; the business's taxonomy domain picks the
// aspect categories.
type Analyzer interface {
	Analyze(ctx context.Context, m models.Mention, domain string) models.Analysis
}

// Options are the outside world handed to the app.
type Options struct {
	Logger *slog.Logger
	Clock  clockwork.Clock
	// Getenv reads credentials; nil means os.Getenv.
	Getenv func(string) string
	// HTTPClient is used by scrapers and webhook notifiers when set.
	HTTPClient *http.Client
	// Analyzer replaces the default sentiment analyzer (nil: default).
	Analyzer Analyzer
	// Alerter replaces the default alerter (nil: default).
	Alerter Alerter
	// AfterJob, when set, is called after every scheduled job run with the
	// job's name and error: a hook for embedding programs and for tests
	// that must know a run finished without sleeping.
	AfterJob func(name string, err error)
}

// App is one running earshot.
type App struct {
	Config   *config.Config
	Store    *store.Store
	Analyzer Analyzer
	Alerter  Alerter
	// Notify delivers the outbox.
	Notify *notify.Sender
	// Tasks is what staff do to tasks (web inbox, CLI).
	Tasks   *tasks.Service
	Metrics *Metrics
	Log     *slog.Logger
	Clock   clockwork.Clock
	// Replica names this process among replicas (EARSHOT_REPLICA, or
	// hostname-pid): the `replica` label of every metric.
	Replica string

	sources    []*sourceJob
	businesses map[int64]models.Business
	afterJob   func(string, error)
	// fatal carries the error that must stop Serve (the database file
	// vanished); buffered, first error wins.
	fatal      chan error
	jobEvery   map[string]time.Duration
	stopLocker func()
	drain      drainState
}

// sourceJob is a configured source with its stored row and its scraper.
type sourceJob struct {
	biz     models.Business
	src     models.Source
	scraper scrapers.Source
}

// Name is "business/source", how logs and job names refer to a source.
func (j *sourceJob) Name() string { return j.biz.Name + "/" + j.src.Name }

// New opens the store, applies migrations, syncs the config's businesses
// and sources into it and builds every part.
func New(ctx context.Context, cfg *config.Config, o Options) (*App, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = clockwork.NewRealClock()
	}
	a := &App{Config: cfg, Log: o.Logger, Clock: o.Clock, businesses: map[int64]models.Business{}, afterJob: o.AfterJob, fatal: make(chan error, 1), jobEvery: map[string]time.Duration{}}
	a.Replica = replicaName(o.Getenv)
	a.Metrics = newMetrics(a.Replica)
	st, err := store.Open(ctx, store.Options{
		Driver: cfg.Database.Driver, Path: cfg.Database.Path, DSN: cfg.Database.DSN.Value(),
		Logger: o.Logger, Clock: o.Clock,
	})
	if err != nil {
		return nil, err
	}
	a.Store = st
	if err := a.build(ctx, o); err != nil {
		st.Close()
		return nil, err
	}
	a.Metrics.registerStore(st)
	// Series exist from the start (at zero), so dashboards and alerts on
	// rates work before the first event.
	for _, j := range a.sources {
		a.Metrics.mentionsStored.WithLabelValues(j.src.Kind)
		a.Metrics.jobsRun.WithLabelValues("scrape")
		a.Metrics.jobFailures.WithLabelValues("scrape")
	}
	for _, job := range []string{JobAnalyze, JobDeadlines, JobDeliver} {
		a.Metrics.jobsRun.WithLabelValues(job)
		a.Metrics.jobFailures.WithLabelValues(job)
	}
	return a, nil
}

func (a *App) build(ctx context.Context, o Options) error {
	cfg := a.Config
	// In the config, max_retries: 0 means no retries (config.Parse fills
	// the default when the key is left out); scrapers read 0 as "default"
	// and a negative value as none.
	retries := cfg.Scraping.MaxRetries
	if retries == 0 {
		retries = -1
	}
	sopts := scrapers.Options{
		UserAgent: cfg.Scraping.UserAgent, RequestDelay: cfg.Scraping.RequestDelay.D(),
		Timeout: cfg.Scraping.Timeout.D(), IgnoreRobots: cfg.Scraping.IgnoreRobots,
		MaxRetries: retries, HTTPClient: o.HTTPClient, Getenv: o.Getenv,
		FollowAnyRedirect: cfg.Scraping.FollowRedirects == "any", AllowPrivateNetworks: cfg.Scraping.AllowPrivateNetworks,
		Logger: a.Log.With("component", "scraper"),
	}
	if a.distributed() {
		// Politeness is owed to a site by all replicas together.
		sopts.HostSlots = a.Store
	}
	for bi, b := range cfg.Businesses {
		mb := b.Model()
		var users []models.User
		for _, u := range b.Users {
			users = append(users, u.Model())
		}
		var srcs []models.Source
		var scr []scrapers.Source
		for si, s := range b.Sources {
			if s.Disabled {
				continue
			}
			sc, err := registry.New(s.Kind, sopts)
			if err != nil {
				return cfg.ErrorAt(fmt.Sprintf("businesses[%d].sources[%d].kind", bi, si), "%v", err)
			}
			srcs = append(srcs, s.Model())
			scr = append(scr, sc)
		}
		stored, storedSrcs, err := a.Store.SyncBusiness(ctx, mb, users, srcs)
		if err != nil {
			return err
		}
		a.businesses[stored.ID] = stored
		for i := range storedSrcs {
			a.sources = append(a.sources, &sourceJob{biz: stored, src: storedSrcs[i], scraper: scr[i]})
		}
	}
	a.Analyzer = o.Analyzer
	if a.Analyzer == nil {
		an, err := newDefaultAnalyzer(cfg)
		if err != nil {
			return err
		}
		a.Analyzer = an
	}
	a.Alerter = o.Alerter
	if a.Alerter == nil {
		al, err := newDefaultAlerter(ctx, cfg, a.Store, o, a.Metrics.regr)
		if err != nil {
			return err
		}
		a.Alerter = al
	}
	sender, err := notify.New(cfg, a.Store, notify.Options{Logger: o.Logger.With("component", "notify"), Clock: o.Clock,
		HTTPClient: o.HTTPClient, Metrics: a.Metrics.reg})
	if err != nil {
		return err
	}
	a.Notify = sender
	a.Tasks = tasks.New(cfg, a.Store, tasks.Options{Clock: o.Clock, HTTPClient: o.HTTPClient, Getenv: o.Getenv})
	return nil
}

// Close releases the store.
func (a *App) Close() error { return a.Store.Close() }

// Sources lists the configured sources with their stored rows.
func (a *App) Sources() []models.Source {
	out := make([]models.Source, len(a.sources))
	for i, j := range a.sources {
		out[i] = j.src
	}
	return out
}

// ErrNoSuchSource means a source name given on the command line is not
// configured.
var ErrNoSuchSource = errors.New("no such source")

// CheckConfig reports what config.Parse cannot check alone, each problem
// with its line, for `earshot config check`: source kinds no scraper
// handles and the settings of each notification channel.
func CheckConfig(cfg *config.Config) error {
	if err := CheckSources(cfg); err != nil {
		return err
	}
	return notify.CheckChannels(cfg)
}

// CheckSources reports config entries that name a source kind no scraper
// handles, with their line, for `earshot config check`.
func CheckSources(cfg *config.Config) error {
	var errs config.Errors
	for bi, b := range cfg.Businesses {
		for si, s := range b.Sources {
			if _, ok := registry.Lookup(s.Kind); !ok {
				fe := cfg.ErrorAt(fmt.Sprintf("businesses[%d].sources[%d].kind", bi, si), "unknown kind %q; known kinds: %s", s.Kind, strings.Join(registry.Names(), ", "))
				errs = append(errs, fe.(*config.FieldError))
			}
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}
