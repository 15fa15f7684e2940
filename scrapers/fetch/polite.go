package fetch

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/temoto/robotstxt"
)

// hostLimiter spaces requests to one host by at least the caller's delay
// while letting different hosts proceed in parallel. It is shared by every
// Fetcher in the process (see sharedHosts) because politeness is owed to a
// site, not to one configured source: two sources on the same domain must
// not double the rate.
type hostLimiter struct {
	mu   sync.Mutex
	next map[string]time.Time
}

// wait blocks until host may be requested again and reserves that slot.
// Reservations are handed out in call order, so waiting callers cannot
// starve each other.
func (l *hostLimiter) wait(ctx context.Context, clock clockwork.Clock, host string, delay time.Duration) error {
	if delay <= 0 {
		return ctx.Err()
	}
	l.mu.Lock()
	now := clock.Now()
	at := l.next[host]
	if at.Before(now) {
		at = now
	}
	l.next[host] = at.Add(delay)
	l.mu.Unlock()
	d := at.Sub(now)
	if d <= 0 {
		return ctx.Err()
	}
	select {
	case <-clock.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// waitHost waits for this process's slot to host, then, when replicas
// share the sites (Options.HostSlots), for a slot reserved across all of
// them. If the shared reservation fails (database unreachable) the
// in-process spacing still holds and the request goes ahead.
func (f *Fetcher) waitHost(ctx context.Context, host string) error {
	if err := f.pol.hosts.wait(ctx, f.opts.Clock, host, f.opts.RequestDelay); err != nil {
		return err
	}
	if f.opts.HostSlots == nil || f.opts.RequestDelay <= 0 {
		return nil
	}
	now := f.opts.Clock.Now()
	at, err := f.opts.HostSlots.ReserveHostSlot(ctx, host, now, f.opts.RequestDelay)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		f.opts.Logger.Warn("shared request spacing unavailable; spacing this replica's requests only", "host", host, "err", err)
		return nil
	}
	if d := at.Sub(now); d > 0 {
		select {
		case <-f.opts.Clock.After(d):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// pushBack moves a host's next slot to at least until, so a Retry-After
// from one source also holds back the others reading the same site.
func (l *hostLimiter) pushBack(host string, until time.Time) {
	l.mu.Lock()
	if l.next[host].Before(until) {
		l.next[host] = until
	}
	l.mu.Unlock()
}

// robotsCache keeps one parsed robots.txt per scheme+host for a day. A
// site's rules rarely change, and re-reading them before every page would
// double the requests we make.
type robotsCache struct {
	mu    sync.Mutex
	rules map[string]*robotsEntry
}

type robotsEntry struct {
	mu      sync.Mutex
	data    *robotstxt.RobotsData
	fetched time.Time
}

// robotsTTL is how long a robots.txt is trusted before it is read again.
const robotsTTL = 24 * time.Hour

// robotsVerdict is what robots.txt says about one URL.
type robotsVerdict struct {
	allowed bool
	// unavailable is set when robots.txt itself answered 429 or 5xx: by
	// the robots.txt standard nothing may be crawled until it recovers. It
	// is not cached, so the next run asks again.
	unavailable int
	body        []byte
}

// check reports whether agent may fetch u. robots.txt is fetched with get
// (which honours politeness); a robots.txt that cannot be read at all
// (network error) allows the fetch, so the page's own error is what gets
// reported.
func (c *robotsCache) check(ctx context.Context, clock clockwork.Clock, u *url.URL, agent string, get func(ctx context.Context, url string) (int, []byte, error)) robotsVerdict {
	key := u.Scheme + "://" + u.Host
	c.mu.Lock()
	e := c.rules[key]
	if e == nil {
		e = &robotsEntry{}
		c.rules[key] = e
	}
	c.mu.Unlock()
	e.mu.Lock()
	if e.data == nil || clock.Since(e.fetched) > robotsTTL {
		status, body, err := get(ctx, key+"/robots.txt")
		switch {
		case err != nil:
			e.mu.Unlock()
			return robotsVerdict{allowed: true}
		case status == 429 || status >= 500:
			e.mu.Unlock()
			return robotsVerdict{unavailable: status, body: body}
		}
		if d, err := robotstxt.FromStatusAndBytes(status, body); err == nil {
			e.data, e.fetched = d, clock.Now()
		}
	}
	data := e.data
	e.mu.Unlock()
	if data == nil {
		return robotsVerdict{allowed: true}
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return robotsVerdict{allowed: data.TestAgent(p, agent)}
}

// Politeness is the state shared by every Fetcher of a process: per-host
// request spacing and the robots.txt cache.
type Politeness struct {
	hosts  hostLimiter
	robots robotsCache
}

// NewPoliteness returns empty politeness state. Most callers use the
// process-wide one (Fetchers built by New); benchmarks and tests that
// must not share slots with others make their own.
func NewPoliteness() *Politeness {
	return &Politeness{
		hosts:  hostLimiter{next: map[string]time.Time{}},
		robots: robotsCache{rules: map[string]*robotsEntry{}},
	}
}

// shared is the process-wide politeness state: runtime bookkeeping owed to
// the sites we read, not configuration.
var shared = NewPoliteness()

// readLimited reads at most n bytes of r.
func readLimited(r io.Reader, n int64) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r, n))
}

// statusRetryable reports whether a status may change if we ask again.
func statusRetryable(code int) bool {
	return code == http.StatusTooManyRequests || code == http.StatusRequestTimeout ||
		(code >= 500 && code != http.StatusNotImplemented && code != http.StatusHTTPVersionNotSupported)
}
