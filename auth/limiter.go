package auth

import (
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// Limiter counts failed sign-ins per key (account name and client
// address) in a sliding window and refuses more attempts once Max have
// failed. It lives in memory: a restart forgives, which is acceptable
// for slowing down password guessing.
type Limiter struct {
	Max    int
	Window time.Duration
	Clock  clockwork.Clock

	mu    sync.Mutex
	fails map[string][]time.Time
}

// NewLimiter allows max failures per key within window.
func NewLimiter(max int, window time.Duration, clock clockwork.Clock) *Limiter {
	if clock == nil {
		clock = clockwork.NewRealClock()
	}
	return &Limiter{Max: max, Window: window, Clock: clock, fails: map[string][]time.Time{}}
}

// Allow says whether key may try again, and if not, how long to wait.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Clock.Now()
	fs := l.prune(key, now)
	if len(fs) < l.Max {
		return true, 0
	}
	return false, fs[0].Add(l.Window).Sub(now)
}

// Fail records a failed attempt of key.
func (l *Limiter) Fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Clock.Now()
	l.fails[key] = append(l.prune(key, now), now)
	if len(l.fails) > 100_000 {
		// Bound memory under a flood of made-up names: drop what expired.
		for k := range l.fails {
			l.prune(k, now)
		}
	}
}

// Reset forgets key's failures (after a successful sign-in).
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, key)
}

func (l *Limiter) prune(key string, now time.Time) []time.Time {
	fs := l.fails[key]
	i := 0
	for i < len(fs) && !fs[i].After(now.Add(-l.Window)) {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(l.fails, key)
		return nil
	}
	l.fails[key] = fs
	return fs
}
