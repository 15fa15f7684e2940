package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/earshot/earshot/store"
	"github.com/earshot/earshot/web"
	"github.com/go-co-op/gocron/v2"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Job names used by the scheduler, logs and metrics.
const (
	JobAnalyze   = "analyze"
	JobDeadlines = "deadlines"
	JobDeliver   = "deliver"
)

// NewScheduler registers one named job per source at its interval, and
// the analyze, deadline and delivery jobs. Every job runs in singleton
// mode: a slow scrape is never overlapped by its next run. On PostgreSQL
// each run happens on one replica only (see replicas.go).
func (a *App) NewScheduler() (gocron.Scheduler, error) {
	dist, stopLocker, err := a.schedulerOptions()
	if err != nil {
		return nil, err
	}
	a.stopLocker = stopLocker
	s, err := gocron.NewScheduler(append([]gocron.SchedulerOption{
		gocron.WithClock(a.Clock),
		gocron.WithLogger(a.Log.With("component", "scheduler")),
		gocron.WithLocation(time.UTC),
		gocron.WithStopTimeout(30 * time.Second),
	}, dist...)...)
	if err != nil {
		return nil, fmt.Errorf("app: scheduler: %w", err)
	}
	add := func(name string, every time.Duration, fn func(ctx context.Context) error) error {
		_, err := s.NewJob(gocron.DurationJob(every),
			gocron.NewTask(func(ctx context.Context) {
				// A database file deleted or replaced under a running
				// earshot would take every later write with it: stop
				// instead of writing into nothing.
				if err := a.Store.CheckFile(); err != nil {
					a.stopWith(err)
					a.logJob(jobKind(name), err)
					if a.afterJob != nil {
						a.afterJob(name, err)
					}
					return
				}
				err := fn(ctx)
				a.logJob(jobKind(name), err)
				if a.afterJob != nil {
					a.afterJob(name, err)
				}
			}),
			gocron.WithName(name),
			gocron.WithSingletonMode(gocron.LimitModeReschedule),
			a.jobStart(name, every),
		)
		if err != nil {
			return fmt.Errorf("app: schedule %s: %w", name, err)
		}
		return nil
	}
	for _, j := range a.sources {
		j := j
		every := time.Duration(j.src.IntervalSeconds) * time.Second
		if err := add("scrape:"+j.Name(), every, func(ctx context.Context) error {
			rep := a.scrape(ctx, j, ScrapeOptions{})
			if rep.Run.New+rep.Run.Updated > 0 {
				// Analyze and alert now instead of at the next analyze
				// tick: the owner hears of a complaint one scrape after it
				// appears. A concurrent analyze job is harmless; each
				// analysis is stored, and acted on, once.
				if _, err := a.AnalyzePending(ctx); err != nil {
					return err
				}
				a.deliverNow(ctx)
			}
			if rep.Err != nil {
				// scrape logged it with its source.
				return loggedError{rep.Err}
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}
	cfg := a.Config.Schedule
	if err := add(JobAnalyze, cfg.Analyze.D(), func(ctx context.Context) error {
		if _, err := a.AnalyzePending(ctx); err != nil {
			return err
		}
		// Alerts for what was just analyzed go out now, not at the next
		// delivery tick: the owner hears within minutes.
		_, err := a.Notify.Deliver(ctx)
		return err
	}); err != nil {
		return nil, err
	}
	if err := add(JobDeadlines, cfg.Deadlines.D(), a.Alerter.CheckDeadlines); err != nil {
		return nil, err
	}
	if err := add(JobDeliver, cfg.Deliver.D(), func(ctx context.Context) error {
		_, err := a.Notify.Deliver(ctx)
		return err
	}); err != nil {
		return nil, err
	}
	if err := a.addDigestJobs(s); err != nil {
		return nil, err
	}
	return s, nil
}

func isLoopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

func jobKind(name string) string {
	if k, _, ok := strings.Cut(name, ":"); ok {
		return k
	}
	return name
}

// Handler serves /healthz, /metrics and the staff inbox at /, for the
// configured listen address.
func (a *App) Handler() (http.Handler, error) { return a.handler(nil) }

// handler is Handler for a server listening on ln (nil: as configured):
// every request must name an allowed host and send at most
// MaxRequestBody bytes.
func (a *App) handler(ln net.Addr) (http.Handler, error) {
	inbox, err := web.New(web.Options{Store: a.Store, Tasks: a.Tasks, Clock: a.Clock, Logger: a.Log.With("component", "web"), Password: a.Config.Server.Password.Value(), BaseURL: a.Config.Server.BaseURL, ChannelWarnAfter: a.Config.Alerts.Retry.WarnAfter.D()})
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", inbox)
	mux.HandleFunc("GET /healthz", a.healthz)
	mux.HandleFunc("GET /readyz", a.readyz)
	var metrics http.Handler = promhttp.HandlerFor(a.Metrics.reg, promhttp.HandlerOpts{})
	if a.Config.Server.MetricsNeedPassword() {
		metrics = requirePassword(a.Config.Server.Password.Value(), metrics)
	}
	mux.Handle("GET /metrics", metrics)
	return checkHost(a.allowedHosts(ln), a.wildcardListen(ln), limitBodies(MaxRequestBody, mux)), nil
}

// ErrPortInUse means server.listen is taken.
var ErrPortInUse = errors.New("address already in use")

// Serve runs the scheduler and the HTTP server until ctx is cancelled
// (SIGINT/SIGTERM), then stops taking work, lets running jobs finish (or
// abandons them after 30s; their transactions roll back) and returns.
func (a *App) Serve(ctx context.Context) error {
	unlock, err := a.lockDatabase()
	if err != nil {
		return err
	}
	defer unlock()
	ln, err := net.Listen("tcp", a.Config.Server.Listen)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("app: listen on %s: %w; another program (perhaps another earshot serve) uses it: stop it or change server.listen in %s", a.Config.Server.Listen, ErrPortInUse, a.Config.File)
		}
		return fmt.Errorf("app: listen on %s: %w", a.Config.Server.Listen, err)
	}
	return a.ServeListener(ctx, ln)
}

// ServeListener is Serve on a listener the caller opened (tests use
// 127.0.0.1:0).
func (a *App) ServeListener(ctx context.Context, ln net.Listener) error {
	sched, err := a.NewScheduler()
	if err != nil {
		ln.Close()
		return err
	}
	h, err := a.handler(ln.Addr())
	if err != nil {
		ln.Close()
		return err
	}
	if !isLoopback(ln.Addr()) && !strings.HasPrefix(a.Config.Server.BaseURL, "https://") {
		a.Log.Warn("passwords and session cookies of the inbox travel unencrypted: serve it behind https and set server.base_url to the https address", "listen", ln.Addr().String())
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	sched.Start()
	a.Log.Info("earshot serving", "listen", ln.Addr().String(), "sources", len(a.sources), "db", a.Config.Database.Driver, "replica", a.Replica)
	select {
	case <-ctx.Done():
	case err = <-errc:
	case ferr := <-a.fatal:
		a.Log.Error("stopping: the database is gone", "err", ferr)
		err = fmt.Errorf("app: stopped the scheduler: %w", ferr)
	}
	a.Log.Info("shutting down")
	// Drain: /readyz fails at once; the scheduler takes no new runs and
	// cancels the running ones, which hand back what they claimed
	// (analysis batches roll back, unsent notifications are released)
	// for the other replicas; then the web server stops.
	a.drain.draining.Store(true)
	if serr := sched.Shutdown(); serr != nil {
		a.Log.Warn("scheduler stopped with jobs still running; their work is rolled back and redone next start", "err", serr)
	}
	a.stopLocker()
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutCtx)
	if errors.Is(err, store.ErrDatabaseGone) {
		return err
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("app: http server: %w", err)
	}
	return nil
}

// stopWith makes a running Serve return err (the first one wins).
func (a *App) stopWith(err error) {
	select {
	case a.fatal <- err:
	default:
	}
}

// lockDatabase makes sure only one earshot serve uses an SQLite file:
// two schedulers on one file would scrape everything twice. The lock is
// an flock on a file beside the database, released by the kernel if the
// process dies, so a SIGKILL never leaves a stale lock.
func (a *App) lockDatabase() (func(), error) {
	if a.Config.Database.Driver != "sqlite" {
		return func() {}, nil
	}
	path := a.Config.Database.Path + ".lock"
	if dir := filepath.Dir(path); dir != "" {
		_ = os.MkdirAll(dir, 0o755)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("app: lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		pid, _ := os.ReadFile(path)
		f.Close()
		holder := strings.TrimSpace(string(pid))
		if holder != "" {
			holder = " (pid " + holder + ")"
		}
		return nil, fmt.Errorf("app: %s%s: %w; stop it first, or use PostgreSQL to run several replicas", a.Config.Database.Path, holder, store.ErrLocked)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
