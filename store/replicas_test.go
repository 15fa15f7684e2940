package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

// replicas opens n stores on one fresh PostgreSQL database, each with its
// own connection pool, the way n `earshot serve` processes would.
func replicas(t *testing.T, n int) []*store.Store {
	t.Helper()
	dsn := testutil.FreshPostgres(t)
	out := make([]*store.Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range out {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i], errs[i] = store.Open(context.Background(), store.Options{Driver: "postgres", DSN: dsn})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
		t.Cleanup(func() { out[i].Close() })
	}
	return out
}

// Three replicas starting at once on an empty database: goose's session
// lock lets one migrate, the others wait and find nothing to do.
func TestMigrateThreeAtOnce(t *testing.T) {
	sts := replicas(t, 3)
	db, err := sts[0].DB()
	if err != nil {
		t.Fatal(err)
	}
	var rows, versions int
	if err := db.QueryRow("SELECT count(*), count(DISTINCT version_id) FROM goose_db_version WHERE is_applied").Scan(&rows, &versions); err != nil {
		t.Fatal(err)
	}
	if rows != versions {
		t.Errorf("goose_db_version has %d rows for %d versions: a migration ran twice", rows, versions)
	}
	for i, s := range sts {
		res, err := s.Migrate(context.Background())
		if err != nil || len(res.Applied) != 0 || res.Version < 110 {
			t.Errorf("replica %d after start: %+v %v", i, res, err)
		}
	}
}

// One scheduled run, three replicas: exactly one gets the lock; a run in
// progress also keeps the next slot from starting elsewhere; a replica
// that dies (stops refreshing) frees the job after the TTL.
func TestJobLockerOneRunPerSlot(t *testing.T) {
	sts := replicas(t, 3)
	ctx := context.Background()
	const ttl = 1500 * time.Millisecond
	slot := 1
	var mu sync.Mutex
	slotFn := func(string, time.Time) string { mu.Lock(); defer mu.Unlock(); return fmt.Sprintf("slot-%d", slot) }
	type locker = func(ctx context.Context, job string) (func() error, error)
	var ls []locker
	for i, s := range sts {
		l, stop, err := s.JobLocker(store.JobLockerOptions{Worker: fmt.Sprintf("r%d", i+1), TTL: ttl, Slot: slotFn})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
		ls = append(ls, func(ctx context.Context, job string) (func() error, error) {
			lk, err := l.Lock(ctx, job)
			if err != nil {
				return nil, err
			}
			return func() error { return lk.Unlock(ctx) }, nil
		})
	}
	tryAll := func(job string) (winners []int, unlocks []func() error) {
		var wg sync.WaitGroup
		res := make([]func() error, len(ls))
		errs := make([]error, len(ls))
		for i, l := range ls {
			wg.Add(1)
			go func() { defer wg.Done(); res[i], errs[i] = l(ctx, job) }()
		}
		wg.Wait()
		for i := range ls {
			switch {
			case errs[i] == nil:
				winners = append(winners, i)
				unlocks = append(unlocks, res[i])
			case !errors.Is(errs[i], store.ErrJobLocked):
				t.Fatalf("replica %d: %v", i, errs[i])
			}
		}
		return winners, unlocks
	}
	w, un := tryAll("scrape:a/b")
	if len(w) != 1 {
		t.Fatalf("slot 1: %d replicas got the lock, want 1", len(w))
	}
	// Still running when slot 2 comes: nobody starts it.
	mu.Lock()
	slot = 2
	mu.Unlock()
	if w2, _ := tryAll("scrape:a/b"); len(w2) != 0 {
		t.Fatalf("slot 2 started on %v while slot 1 still runs", w2)
	}
	// Another job is independent.
	if w3, un3 := tryAll("scrape:a/c"); len(w3) != 1 {
		t.Fatalf("another job: %d winners", len(w3))
	} else {
		un3[0]()
	}
	if err := un[0](); err != nil {
		t.Fatal(err)
	}
	// Slot 1 is done; it is not run again, slot 3 is.
	mu.Lock()
	slot = 1
	mu.Unlock()
	if w, _ := tryAll("scrape:a/b"); len(w) != 0 {
		t.Fatalf("slot 1 ran twice (%v)", w)
	}
	mu.Lock()
	slot = 3
	mu.Unlock()
	w, _ = tryAll("scrape:a/b")
	if len(w) != 1 {
		t.Fatalf("slot 3: %d winners", len(w))
	}
	// The holder of slot 3 dies: its connections go away and it never
	// refreshes or unlocks. Within the TTL (plus a refresh period) the
	// job is free again for slot 4 on a survivor.
	dead := w[0]
	sts[dead].Close()
	var alive []locker
	for i, l := range ls {
		if i != dead {
			alive = append(alive, l)
		}
	}
	mu.Lock()
	slot = 4
	mu.Unlock()
	died := time.Now()
	deadline := died.Add(ttl + 2*time.Second)
	for {
		_, err := alive[0](ctx, "scrape:a/b")
		if err == nil {
			break
		}
		if !errors.Is(err, store.ErrJobLocked) {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the dead replica's lock still holds %s after it died (TTL %s)", time.Since(died), ttl)
		}
		time.Sleep(50 * time.Millisecond) // polling, bounded by the deadline
	}
	if took := time.Since(died); took < ttl/2 {
		t.Errorf("the lock of a running job was taken after %s, before its TTL %s", took, ttl)
	}
}

// Concurrent replicas reserving request slots to one host get slots
// spaced by exactly the delay, none shared.
func TestReserveHostSlotAcrossReplicas(t *testing.T) {
	sts := replicas(t, 3)
	ctx := context.Background()
	const delay = 40 * time.Millisecond
	now := time.Now()
	var mu sync.Mutex
	var got []time.Time
	var wg sync.WaitGroup
	for _, s := range sts {
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				at, err := s.ReserveHostSlot(ctx, "reviews.example:443", now, delay)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				got = append(got, at)
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	slices.SortFunc(got, func(a, b time.Time) int { return a.Compare(b) })
	for i := 1; i < len(got); i++ {
		if gap := got[i].Sub(got[i-1]); gap < delay-time.Millisecond {
			t.Fatalf("slots %d and %d are %s apart, want %s", i-1, i, gap, delay)
		}
	}
	if first := got[0].Sub(now); first < -time.Millisecond || first > time.Millisecond {
		t.Errorf("an idle host's first slot is %s from now, want now", first)
	}
}

// Replicas claiming the outbox at once take different notifications;
// together they take each exactly once. A released claim is due again
// at once and its attempt is not counted.
func TestClaimDueNotificationsOnce(t *testing.T) {
	sts := replicas(t, 3)
	ctx := context.Background()
	now := sts[0].Now()
	const total = 300
	for i := range total {
		n := models.Notification{Kind: "alert", Channel: "owner-email", Recipient: "o@example.com", Subject: "s",
			IdempotencyKey: fmt.Sprintf("claim-%d", i), NextAttemptAt: now.Add(-time.Minute)}
		if ok, err := sts[0].EnqueueNotification(ctx, &n); err != nil || !ok {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for _, s := range sts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				ns, err := s.ClaimDueNotifications(ctx, now, 25, now.Add(time.Hour))
				if err != nil {
					t.Error(err)
					return
				}
				if len(ns) == 0 {
					return
				}
				mu.Lock()
				for _, n := range ns {
					seen[n.ID]++
					if n.Attempts != 1 {
						t.Errorf("claimed notification %d has attempts %d, want 1", n.ID, n.Attempts)
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != total {
		t.Errorf("%d notifications claimed, want %d", len(seen), total)
	}
	for id, c := range seen {
		if c != 1 {
			t.Errorf("notification %d claimed %d times", id, c)
		}
	}
	var one int64
	for id := range seen {
		one = id
		break
	}
	if err := sts[1].ReleaseNotification(ctx, one, now); err != nil {
		t.Fatal(err)
	}
	again, err := sts[2].ClaimDueNotifications(ctx, now, 10, now.Add(time.Hour))
	if err != nil || len(again) != 1 || again[0].ID != one || again[0].Attempts != 1 {
		t.Fatalf("after release: %+v %v", again, err)
	}
}
