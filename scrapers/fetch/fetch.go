// Package fetch is the one place earshot talks HTTP to the sites and APIs
// it reads. Every scraper goes through a Fetcher, so politeness (robots.txt,
// an identifiable User-Agent, a per-domain rate limit, timeouts), retries
// (exponential backoff with jitter, Retry-After) and the classification of
// failures (blocked, HTTP status, timeout) behave the same for every
// source, and each site package is left to be a parser.
package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/earshot/earshot/scrapers"
)

// MaxBody bounds how much of one response is read. Review pages with
// embedded JSON reach a few MB; anything far larger is not a review page
// and must not exhaust memory.
const MaxBody = 16 << 20

// Retry pacing. Backoff doubles from RetryBase up to RetryCap with full
// jitter; a Retry-After longer than MaxRetryAfter is not waited for (the
// run fails now and the next scheduled run tries again).
const (
	RetryBase     = 500 * time.Millisecond
	RetryCap      = 30 * time.Second
	MaxRetryAfter = 2 * time.Minute
)

// Response is one fetched page or API answer.
type Response struct {
	// URL is the final URL after redirects.
	URL    string
	Status int
	Header http.Header
	Body   []byte
	// Truncated is set when the answer was longer than MaxBody and Body
	// holds only its first MaxBody bytes.
	Truncated bool
}

// Fetcher performs polite, retrying requests for one source kind. It is
// safe for concurrent use.
type Fetcher struct {
	kind   string
	opts   scrapers.Options
	client *http.Client
	pol    *Politeness
	// jitter returns a value in [0,1); replaced in tests for determinism.
	jitter func() float64
}

// New returns a Fetcher for kind with opts (defaults applied), sharing
// the process-wide politeness state.
func New(kind string, opts scrapers.Options) *Fetcher {
	return newGuarded(kind, opts, defaultLookup)
}

// newGuarded builds a Fetcher whose own transport (when Options brings no
// HTTPClient) resolves names with lookup and refuses addresses the
// request chain may not reach.
func newGuarded(kind string, opts scrapers.Options, lookup Lookup) *Fetcher {
	opts = opts.WithDefaults()
	f := &Fetcher{kind: kind, opts: opts, pol: shared, jitter: rand.Float64}
	var client http.Client
	if opts.HTTPClient != nil {
		client = *opts.HTTPClient
	} else {
		client.Transport = f.guardedTransport(lookup)
	}
	client.CheckRedirect = f.checkRedirect
	f.client = &client
	return f
}

// WithPoliteness returns a copy of f using p instead of the process-wide
// politeness state.
func (f *Fetcher) WithPoliteness(p *Politeness) *Fetcher {
	g := *f
	g.pol = p
	return &g
}

// Kind is the source kind this Fetcher works for.
func (f *Fetcher) Kind() string { return f.kind }

// Options are the effective options (defaults applied).
func (f *Fetcher) Options() scrapers.Options { return f.opts }

// Errorf formats an error that names the kind and the page, wrapping a
// sentinel: fmt.Errorf("scrapers: trustpilot https://…: reason: %w", err).
func (f *Fetcher) Errorf(pageURL string, sentinel error, format string, args ...any) error {
	return fmt.Errorf("scrapers: %s %s: %s: %w", f.kind, redact(pageURL), fmt.Sprintf(format, args...), sentinel)
}

// Page fetches an HTML page through colly, after checking robots.txt
// (unless Options.IgnoreRobots). Block pages come back as ErrBlocked,
// never as an empty page.
func (f *Fetcher) Page(ctx context.Context, rawURL string) (*Response, error) {
	u, err := ParseTarget(rawURL)
	if err != nil {
		return nil, fmt.Errorf("scrapers: %s: %w", f.kind, err)
	}
	ctx = withSite(ctx, u, true)
	if !f.opts.IgnoreRobots {
		if err := f.robotsAllow(ctx, u); err != nil {
			return nil, err
		}
	}
	return f.retry(ctx, u, func(actx context.Context) (*Response, error) {
		return f.collyGet(actx, u.String())
	})
}

// robotsAllow checks u against its host's robots.txt: nil when the page
// may be fetched, else an error wrapping ErrBlocked or ErrHTTP.
func (f *Fetcher) robotsAllow(ctx context.Context, u *url.URL) error {
	rawURL := u.String()
	v := f.pol.robots.check(ctx, f.opts.Clock, u, f.opts.UserAgent, f.robotsGet)
	switch {
	case v.unavailable != 0:
		if reason := DetectBlock(v.unavailable, v.body); reason != "" || v.unavailable == http.StatusTooManyRequests {
			if reason == "" {
				reason = "rate limited"
			}
			return f.Errorf(rawURL, scrapers.ErrBlocked, "robots.txt answered HTTP %d (%s)", v.unavailable, reason)
		}
		return f.Errorf(rawURL, scrapers.ErrHTTP, "robots.txt answered HTTP %d; not crawling until it recovers", v.unavailable)
	case !v.allowed:
		return f.Errorf(rawURL, scrapers.ErrBlocked, "robots.txt disallows this page for user-agent %q (set scraping.ignore_robots to override)", f.opts.UserAgent)
	}
	return nil
}

func (f *Fetcher) collyGet(ctx context.Context, rawURL string) (*Response, error) {
	c := colly.NewCollector(
		colly.StdlibContext(ctx),
		colly.UserAgent(f.opts.UserAgent),
		colly.ParseHTTPErrorResponse(),
		colly.IgnoreRobotsTxt(), // checked once per host by robotsCache
		colly.AllowURLRevisit(),
		// One byte more than we keep, to tell a page that is exactly
		// MaxBody long from one that was cut.
		colly.MaxBodySize(MaxBody+1),
	)
	client := *f.client
	if client.Transport == nil {
		client.Transport = http.DefaultTransport
	}
	client.Transport = gunzipTransport{next: client.Transport}
	c.SetClient(&client)
	var resp *Response
	c.OnRequest(func(r *colly.Request) {
		r.Headers.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	})
	c.OnResponse(func(r *colly.Response) {
		h := http.Header{}
		if r.Headers != nil {
			h = r.Headers.Clone()
		}
		resp = &Response{URL: r.Request.URL.String(), Status: r.StatusCode, Header: h, Body: r.Body}
		if len(resp.Body) > MaxBody {
			resp.Body, resp.Truncated = resp.Body[:MaxBody], true
		}
	})
	if err := c.Visit(rawURL); err != nil && resp == nil {
		return nil, err
	}
	if resp == nil {
		return nil, errors.New("no response")
	}
	return resp, nil
}

// robotsGet reads robots.txt, politely and once, without retries.
func (f *Fetcher) robotsGet(ctx context.Context, rawURL string) (int, []byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return 0, nil, err
	}
	if err := f.waitHost(ctx, u.Host); err != nil {
		return 0, nil, err
	}
	ctx, cancel := context.WithTimeout(context.WithValue(ctx, robotsKey{}, true), f.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("User-Agent", f.opts.UserAgent)
	res, err := f.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	body, err := readLimited(res.Body, 512<<10)
	return res.StatusCode, body, err
}

// API performs one API request with retries. hdr carries credentials;
// they never appear in errors or logs. body may be nil.
func (f *Fetcher) API(ctx context.Context, method, rawURL string, hdr http.Header, body []byte) (*Response, error) {
	u, err := ParseTarget(rawURL)
	if err != nil {
		return nil, fmt.Errorf("scrapers: %s: %w", f.kind, err)
	}
	ctx = withSite(ctx, u, false)
	return f.retry(ctx, u, func(actx context.Context) (*Response, error) {
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, err := http.NewRequestWithContext(actx, method, u.String(), rd)
		if err != nil {
			return nil, err
		}
		for k, v := range hdr {
			req.Header[k] = v
		}
		req.Header.Set("User-Agent", f.opts.UserAgent)
		if req.Header.Get("Accept") == "" {
			req.Header.Set("Accept", "application/json")
		}
		res, err := f.client.Do(req)
		if err != nil {
			return nil, err
		}
		defer res.Body.Close()
		b, err := readLimited(res.Body, MaxBody+1)
		if err != nil {
			return nil, err
		}
		resp := &Response{URL: res.Request.URL.String(), Status: res.StatusCode, Header: res.Header, Body: b}
		if len(b) > MaxBody {
			resp.Body, resp.Truncated = b[:MaxBody], true
		}
		return resp, nil
	})
}

// retry runs attempt under the host's rate limit and a per-request
// timeout, retrying timeouts, 429 and 5xx with exponential backoff and
// jitter, honouring Retry-After. It never retries a 4xx that will not
// change, and reports a block page as ErrBlocked at once.
func (f *Fetcher) retry(ctx context.Context, u *url.URL, attempt func(context.Context) (*Response, error)) (*Response, error) {
	page := u.String()
	retries := f.opts.MaxRetries
	if retries < 0 {
		retries = 0
	}
	for try := 0; ; try++ {
		if err := f.waitHost(ctx, u.Host); err != nil {
			return nil, f.Errorf(page, err, "cancelled while waiting for the rate limit")
		}
		actx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
		resp, err := attempt(actx)
		timedOut := actx.Err() == context.DeadlineExceeded
		cancel()
		var (
			final    error // the error to return if we do not retry
			wait     time.Duration
			retrying bool
		)
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, f.Errorf(page, ctx.Err(), "cancelled")
		case err != nil && (timedOut || isTimeout(err)):
			final = f.Errorf(page, scrapers.ErrTimeout, "no answer within %s", f.opts.Timeout)
			retrying = true
		case err != nil:
			return nil, fmt.Errorf("scrapers: %s %s: %w", f.kind, redact(page), scrubErr(err))
		default:
			if reason := DetectBlock(resp.Status, resp.Body); reason != "" {
				return resp, f.Errorf(page, scrapers.ErrBlocked, "%s (HTTP %d)", reason, resp.Status)
			}
			switch {
			case resp.Status >= 200 && resp.Status < 300:
				return resp, nil
			case statusRetryable(resp.Status):
				retrying = true
				wait = RetryAfter(resp.Header.Get("Retry-After"), f.opts.Clock.Now())
				if resp.Status == http.StatusTooManyRequests {
					final = f.Errorf(page, scrapers.ErrBlocked, "rate limited (HTTP 429) after %d attempts", try+1)
				} else {
					final = f.Errorf(page, scrapers.ErrHTTP, "HTTP %d after %d attempts", resp.Status, try+1)
				}
				if wait > MaxRetryAfter {
					return resp, f.Errorf(page, errorsOf(final), "HTTP %d with Retry-After %s, longer than we wait", resp.Status, wait.Round(time.Second))
				}
			case resp.Status == http.StatusUnauthorized:
				return resp, f.Errorf(page, scrapers.ErrConfig, "credentials rejected (HTTP 401)")
			case resp.Status == http.StatusForbidden:
				return resp, f.Errorf(page, scrapers.ErrBlocked, "access forbidden (HTTP 403)")
			default:
				return resp, f.Errorf(page, scrapers.ErrHTTP, "HTTP %d %s", resp.Status, http.StatusText(resp.Status))
			}
		}
		if !retrying || try >= retries {
			return resp, final
		}
		if b := f.backoff(try); b > wait {
			wait = b
		}
		f.pol.hosts.pushBack(u.Host, f.opts.Clock.Now().Add(wait))
		f.opts.Logger.Debug("retrying", "kind", f.kind, "url", redact(page), "attempt", try+1, "wait", wait, "reason", final.Error())
		select {
		case <-f.opts.Clock.After(wait):
		case <-ctx.Done():
			return nil, f.Errorf(page, ctx.Err(), "cancelled while backing off")
		}
	}
}

// errorsOf returns the sentinel an error wraps, so a re-worded error
// keeps its class.
func errorsOf(err error) error {
	for _, s := range []error{scrapers.ErrBlocked, scrapers.ErrHTTP, scrapers.ErrTimeout} {
		if errors.Is(err, s) {
			return s
		}
	}
	return scrapers.ErrHTTP
}

// backoff is the wait before retry number try+1: exponential from
// RetryBase, capped, with full jitter over its upper half so that many
// scrapers failing together do not retry together.
func (f *Fetcher) backoff(try int) time.Duration {
	d := RetryBase << min(try, 16)
	if d > RetryCap || d <= 0 {
		d = RetryCap
	}
	return d/2 + time.Duration(f.jitter()*float64(d/2))
}

// RetryAfter parses a Retry-After header (seconds or an HTTP date)
// relative to now; zero when absent or malformed.
func RetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0
		}
		if n > 86400 {
			n = 86400
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// scrubErr keeps the error chain (so Classify still sees a net.Error) but
// drops the URL that *url.Error repeats, which we already print redacted.
func scrubErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// ParseTarget checks that raw is an absolute http(s) URL; anything else is
// a configuration error, reported before any request.
func ParseTarget(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("target %q is not an absolute http(s) URL: %w", redact(raw), scrapers.ErrConfig)
	}
	return u, nil
}

// redact removes credentials that some APIs put in the query string or
// userinfo, so URLs can be printed in errors and logs.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if len(raw) > 200 {
			return raw[:200] + "…"
		}
		return raw
	}
	u.User = nil
	q := u.Query()
	changed := false
	for k := range q {
		switch strings.ToLower(k) {
		case "access_token", "token", "api_key", "apikey", "key", "client_secret", "password", "oauth_token":
			q.Set(k, "REDACTED")
			changed = true
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// Redact is redact for scrapers that print URLs themselves.
func Redact(raw string) string { return redact(raw) }
