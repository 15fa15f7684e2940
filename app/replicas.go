package app

import (
	"context"
	"fmt"
	"hash/fnv"
	"net/http"
	"os"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/go-co-op/gocron/v2"

	"github.com/earshot/earshot/store"
)

// Several `earshot serve` replicas share one PostgreSQL database and one
// config file. Every replica registers every job; gocron's distributed
// locker (gocron-gorm-lock, see store.JobLocker) lets exactly one of them
// run each scheduled run. For that, all replicas must agree on what "one
// run" is: each job runs on a fixed grid, every interval at an offset
// derived from the job's name, and a run's identity is the grid point it
// falls on, so replicas started at different times agree on which run is
// which. On SQLite (one process per file)
// there is no locker and jobs start immediately, as before.

// EnvReplica names this replica in metrics and lock rows; unset means
// hostname-pid.
const EnvReplica = "EARSHOT_REPLICA"

// replicaName is the configured name or hostname-pid, unique per process.
func replicaName(getenv func(string) string) string {
	if getenv != nil {
		if n := getenv(EnvReplica); n != "" {
			return n
		}
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "earshot"
	}
	return host + "-" + strconv.Itoa(os.Getpid())
}

// distributed reports whether jobs are shared with other replicas.
func (a *App) distributed() bool { return a.Config.Database.Driver == "postgres" }

// jobOffset is where on its interval a job's grid sits: a hash of its
// name, the same on every replica.
func jobOffset(name string, every time.Duration) time.Duration {
	h := fnv.New64a()
	h.Write([]byte(name))
	return time.Duration(h.Sum64() % uint64(every))
}

// gridSlot names the grid point a run fired at now belongs to: the last
// one at or before now (plus a tenth of the interval, for replicas whose
// clocks run slightly behind). A run that fires late, on a busy replica,
// still maps to the point it was scheduled for unless it is later than
// nine tenths of the interval.
func gridSlot(name string, every time.Duration, now time.Time) string {
	off := jobOffset(name, every)
	k := (now.Sub(time.Unix(0, 0)) - off + every/10) / every
	return every.String() + "@" + strconv.FormatInt(int64(k), 10)
}

// jobStart is when a job first runs: at once, as a single serve always
// did (a new source is read at start, not an interval later). With
// replicas that is still once per run: the immediate run, and every run
// after it, is named by the grid point it falls on (gridSlot), so a
// replica starting mid-interval finds the current point already taken
// by the replica that ran it, and runs only when nobody did.
func (a *App) jobStart(name string, every time.Duration) gocron.JobOption {
	if a.distributed() {
		a.jobEvery[name] = every
	}
	return gocron.WithStartAt(gocron.WithStartImmediately())
}

// schedulerOptions adds the distributed locker on PostgreSQL. The
// returned func stops the locker's housekeeping.
func (a *App) schedulerOptions() ([]gocron.SchedulerOption, func(), error) {
	if !a.distributed() {
		return nil, func() {}, nil
	}
	locker, stop, err := a.Store.JobLocker(store.JobLockerOptions{
		Worker: a.Replica,
		TTL:    a.Config.Schedule.LockTTL.D(),
		Slot: func(job string, now time.Time) string {
			every := a.jobEvery[job]
			if every <= 0 {
				every = time.Minute
			}
			return gridSlot(job, every, now)
		},
	})
	if err != nil {
		return nil, nil, fmt.Errorf("app: scheduler: %w", err)
	}
	return []gocron.SchedulerOption{
		gocron.WithDistributedLocker(locker),
		// Bounds this replica's database connections (about two per
		// running job) however many sources come due at once; a job
		// waiting for its turn keeps its grid slot.
		gocron.WithLimitConcurrentJobs(maxConcurrentJobs, gocron.LimitModeWait),
	}, stop, nil
}

// maxConcurrentJobs is how many jobs one replica runs at once on
// PostgreSQL.
const maxConcurrentJobs = 16

// drain marks the replica as leaving: /readyz fails so a load balancer
// stops sending it users, while the scheduler stops and hands back work.
type drainState struct{ draining atomic.Bool }

// readyz answers 200 when this replica can reach the database and is
// not draining, 503 otherwise; /healthz only checks the database.
func (a *App) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if a.drain.draining.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "draining")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	db, err := a.Store.DB()
	if err == nil {
		err = db.PingContext(ctx)
	}
	if err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "database unavailable")
		return
	}
	fmt.Fprintf(w, "ready %s\n", a.Replica)
}
