package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	gormlock "github.com/go-co-op/gocron-gorm-lock/v2"
	"github.com/go-co-op/gocron/v2"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"

	"github.com/earshot/earshot/models"
)

// JobLockerOptions configure the scheduler's distributed locker.
type JobLockerOptions struct {
	// Worker names this replica in the lock rows (who ran what).
	Worker string
	// TTL is how long a RUNNING lock row stays valid without a refresh:
	// the time after which a dead replica's job is taken over.
	TTL time.Duration
	// Slot names the scheduled run a lock is for (same on every replica
	// for the same run): only one replica inserts a given (job, slot).
	Slot func(job string, now time.Time) string
}

// jobLocker is gocron's gorm locker (gocron-gorm-lock) with two things
// that library leaves to its user: the run's identity is its schedule
// slot, not the wall-clock second, and a run holds its lock for as long
// as it lasts (refreshed every TTL/3) instead of only for its start, so a
// slow run is never overlapped by the next slot's run on another replica,
// and a dead replica's lock expires after TTL.
type jobLocker struct {
	s     *Store
	inner *gormlock.GormLocker
	o     JobLockerOptions
}

type slotKey struct{}

// JobLocker returns the gocron locker that makes each scheduled run
// happen once across the replicas sharing this database. The table is
// created by migration 00110 (gormlock.CronJobLock's columns).
func (s *Store) JobLocker(o JobLockerOptions) (gocron.Locker, func(), error) {
	if o.TTL <= 0 || o.Slot == nil {
		return nil, nil, fmt.Errorf("store: job locker needs a TTL and a slot function")
	}
	// Losing the race for a run is normal (every replica tries every
	// run); the locker's statements do not log their errors, Lock
	// reports them to gocron instead.
	quiet := s.db.Session(&gorm.Session{Logger: s.db.Logger.LogMode(logger.Silent)})
	inner, err := gormlock.NewGormLocker(quiet, o.Worker,
		gormlock.WithJobIdentifier(func(ctx context.Context, _ string) string {
			id, _ := ctx.Value(slotKey{}).(string)
			return id
		}),
		// Finished rows are only history; keep an hour of it.
		gormlock.WithTTL(time.Hour), gormlock.WithCleanInterval(time.Minute),
	)
	if err != nil {
		return nil, nil, fmt.Errorf("store: job locker: %w", err)
	}
	l := &jobLocker{s: &Store{db: quiet, driver: s.driver, clock: s.clock, log: s.log}, inner: inner, o: o}
	// gocron-gorm-lock only removes FINISHED rows; a replica that died
	// leaves its RUNNING rows behind. Once stale they block nothing (Lock
	// ignores them); marking them finished lets the cleanup remove them.
	stopSweep := make(chan struct{})
	go func() {
		t := time.NewTicker(max(10*o.TTL, time.Minute))
		defer t.Stop()
		for {
			select {
			case <-stopSweep:
				return
			case <-t.C:
				l.s.q(context.Background()).Model(&gormlock.CronJobLock{}).
					Where("status = ? AND updated_at < ?", gormlock.StatusRunning, l.s.Now().Add(-o.TTL)).
					Update("status", gormlock.StatusFinished)
			}
		}
	}()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			close(stopSweep)
			inner.Close()
		})
	}
	return l, stop, nil
}

// Lock claims this slot's run of job, or fails with ErrJobLocked when
// another replica runs it or already ran this slot.
func (l *jobLocker) Lock(ctx context.Context, job string) (gocron.Lock, error) {
	now := l.s.Now()
	var holder []string
	if err := l.s.q(ctx).Model(&gormlock.CronJobLock{}).
		Where("job_name = ? AND status = ? AND updated_at > ?", job, gormlock.StatusRunning, now.Add(-l.o.TTL)).
		Limit(1).Pluck("worker", &holder).Error; err != nil {
		return nil, fmt.Errorf("store: lock job %s: %w", job, err)
	}
	if len(holder) > 0 {
		return nil, fmt.Errorf("store: job %s: %w: still running on %s", job, ErrJobLocked, holder[0])
	}
	slot := l.o.Slot(job, now)
	lk, err := l.inner.Lock(context.WithValue(ctx, slotKey{}, slot), job)
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return nil, fmt.Errorf("store: job %s slot %s: %w: already run", job, slot, ErrJobLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("store: lock job %s: %w", job, err)
	}
	hctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	h := &heldLock{inner: lk, stop: stop}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		t := time.NewTicker(l.o.TTL / 3)
		defer t.Stop()
		for {
			select {
			case <-hctx.Done():
				return
			case <-t.C:
				if err := l.s.q(hctx).Model(&gormlock.CronJobLock{}).
					Where("job_name = ? AND job_identifier = ? AND worker = ? AND status = ?", job, slot, l.o.Worker, gormlock.StatusRunning).
					Update("updated_at", l.s.Now()).Error; err != nil && hctx.Err() == nil {
					l.s.log.Warn("refreshing job lock failed", "job", job, "err", err)
				}
			}
		}
	}()
	return h, nil
}

type heldLock struct {
	inner gocron.Lock
	stop  context.CancelFunc
	wg    sync.WaitGroup
}

// Unlock stops refreshing and marks the run finished. It does not use
// ctx (the job's, cancelled at shutdown): a drained run must still free
// its lock.
func (h *heldLock) Unlock(_ context.Context) error {
	h.stop()
	h.wg.Wait()
	return h.inner.Unlock(context.Background())
}

// ReserveHostSlot is the per-host politeness limit shared by replicas: it
// reserves the next request slot to host, at least delay after the one
// before, and returns when that slot starts (now when the host is idle).
// One statement updates the host's row, so concurrent replicas queue on
// its row lock and never get the same slot.
func (s *Store) ReserveHostSlot(ctx context.Context, host string, now time.Time, delay time.Duration) (time.Time, error) {
	if s.driver != "postgres" {
		// One process per SQLite file: its in-memory limiter is enough.
		return time.Time{}, fmt.Errorf("store: shared request slots need PostgreSQL")
	}
	now = now.UTC()
	var next time.Time
	err := s.q(ctx).Raw(`INSERT INTO host_slots (host, next_at) VALUES (?, ?)
ON CONFLICT (host) DO UPDATE SET next_at = GREATEST(host_slots.next_at, ?) + make_interval(secs => ?)
RETURNING next_at`, host, now.Add(delay), now, delay.Seconds()).Row().Scan(&next)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: reserve request slot for %s: %w", host, err)
	}
	return next.Add(-delay), nil
}

// ClaimDueNotifications takes up to limit due pending notifications for
// one delivery attempt each, oldest first: it counts the attempt and
// moves next_attempt_at to leaseUntil in the same statement, so another
// replica's sender skips them, and a sender that dies mid-send is retried
// after the lease. On PostgreSQL the rows are picked with FOR UPDATE SKIP
// LOCKED: concurrent claimers take different rows instead of waiting for
// each other. The returned notifications carry the new attempt count.
func (s *Store) ClaimDueNotifications(ctx context.Context, now time.Time, limit int, leaseUntil time.Time) ([]models.Notification, error) {
	var out []models.Notification
	err := s.Tx(ctx, func(tx *Store) error {
		q := tx.q(ctx).Model(&models.Notification{}).
			Where("state = ? AND next_attempt_at <= ?", models.NotificationPending, now.UTC()).
			Order("next_attempt_at, id").Limit(limit)
		if s.driver == "postgres" {
			q = q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate, Options: clause.LockingOptionsSkipLocked})
		}
		var ids []int64
		if err := q.Pluck("id", &ids).Error; err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		if err := tx.q(ctx).Model(&models.Notification{}).Where("id IN ?", ids).
			Updates(map[string]any{"attempts": gorm.Expr("attempts + 1"), "next_attempt_at": leaseUntil.UTC()}).Error; err != nil {
			return err
		}
		return tx.q(ctx).Where("id IN ?", ids).Order("id").Find(&out).Error
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim due notifications: %w", err)
	}
	return out, nil
}

// ReleaseNotification hands back a claimed notification that was not
// attempted (a draining replica): the attempt is not counted and it is
// due again at once, for another replica.
func (s *Store) ReleaseNotification(ctx context.Context, id int64, now time.Time) error {
	if err := s.q(ctx).Model(&models.Notification{}).
		Where("id = ? AND state = ? AND attempts > 0", id, models.NotificationPending).
		Updates(map[string]any{"attempts": gorm.Expr("attempts - 1"), "next_attempt_at": now.UTC()}).Error; err != nil {
		return fmt.Errorf("store: release notification %d: %w", id, err)
	}
	return nil
}

// ClaimPendingAnalysis is PendingAnalysis for use inside Tx: on
// PostgreSQL the mentions are locked FOR UPDATE SKIP LOCKED until the
// transaction ends, so replicas analyse different batches at once
// instead of racing for the same one.
func (s *Store) ClaimPendingAnalysis(ctx context.Context, limit int) ([]models.Mention, error) {
	q := s.q(ctx).Where("analyzed_version < version").Order("id").Limit(limit)
	if s.driver == "postgres" {
		q = q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate, Options: clause.LockingOptionsSkipLocked})
	}
	var out []models.Mention
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: claim pending analysis: %w", err)
	}
	return out, nil
}
