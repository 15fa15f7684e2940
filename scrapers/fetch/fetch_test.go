package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

const dataDome = `<html><head><title>example.com</title></head><body><script>var dd={'host':'geo.captcha-delivery.com'}</script><iframe src="https://geo.captcha-delivery.com/captcha/?initialCid=x" title="DataDome CAPTCHA"></iframe></body></html>`

// newFetcher builds a Fetcher on a fake clock that advances by itself, with
// its own politeness state so tests do not share host slots.
func newFetcher(t *testing.T, opts scrapers.Options) (*Fetcher, *clockwork.FakeClock) {
	t.Helper()
	fc := clockwork.NewFakeClockAt(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	opts.Clock = fc
	f := New("test", opts).WithPoliteness(NewPoliteness())
	f.jitter = func() float64 { return 0.5 }
	scrapertest.AutoAdvance(t, fc, 50*time.Millisecond)
	return f, fc
}

func TestRetryClasses(t *testing.T) {
	type step struct {
		status int
		header map[string]string
		body   string
	}
	tests := []struct {
		name      string
		steps     []step // answers in order; the last repeats
		retries   int
		wantErr   error
		wantCalls int
		minGap    time.Duration // fake time between first and second call
	}{
		{name: "503 then ok", steps: []step{{status: 503}, {status: 200, body: "ok"}}, retries: 3, wantCalls: 2, minGap: 250 * time.Millisecond},
		{name: "Retry-After honoured", steps: []step{{status: 429, header: map[string]string{"Retry-After": "7"}}, {status: 200, body: "ok"}}, retries: 3, wantCalls: 2, minGap: 7 * time.Second},
		{name: "persistent 429 is blocked", steps: []step{{status: 429}}, retries: 2, wantErr: scrapers.ErrBlocked, wantCalls: 3},
		{name: "persistent 500 is http", steps: []step{{status: 500}}, retries: 2, wantErr: scrapers.ErrHTTP, wantCalls: 3},
		{name: "404 not retried", steps: []step{{status: 404}}, retries: 3, wantErr: scrapers.ErrHTTP, wantCalls: 1},
		{name: "403 is blocked, not retried", steps: []step{{status: 403}}, retries: 3, wantErr: scrapers.ErrBlocked, wantCalls: 1},
		{name: "captcha page is blocked", steps: []step{{status: 200, body: dataDome}}, retries: 3, wantErr: scrapers.ErrBlocked, wantCalls: 1},
		{name: "Retry-After too long gives up", steps: []step{{status: 503, header: map[string]string{"Retry-After": "3600"}}}, retries: 3, wantErr: scrapers.ErrHTTP, wantCalls: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var (
				mu    sync.Mutex
				times []time.Time
				fc    *clockwork.FakeClock
			)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/robots.txt" {
					http.NotFound(w, r)
					return
				}
				mu.Lock()
				times = append(times, fc.Now())
				s := tc.steps[min(len(times)-1, len(tc.steps)-1)]
				mu.Unlock()
				for k, v := range s.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(s.status)
				fmt.Fprint(w, s.body)
			}))
			defer srv.Close()
			opts := scrapertest.Options()
			opts.MaxRetries = tc.retries
			var f *Fetcher
			f, fc = newFetcher(t, opts)
			resp, err := f.Page(context.Background(), srv.URL+"/page")
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("Page: %v", err)
				}
				if string(resp.Body) != "ok" {
					t.Errorf("body = %q", resp.Body)
				}
			} else if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error = %v, want %v", err, tc.wantErr)
			} else if !strings.Contains(err.Error(), srv.URL+"/page") {
				t.Errorf("error %q does not name the page", err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(times) != tc.wantCalls {
				t.Errorf("server saw %d requests, want %d", len(times), tc.wantCalls)
			}
			if tc.minGap > 0 && len(times) >= 2 {
				if gap := times[1].Sub(times[0]); gap < tc.minGap || gap > tc.minGap+2*time.Second {
					t.Errorf("gap between attempts = %s, want about %s", gap, tc.minGap)
				}
			}
		})
	}
}

func TestTimeoutIsClassified(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	opts := scrapertest.Options()
	opts.Timeout = 50 * time.Millisecond
	f, _ := newFetcher(t, opts)
	_, err := f.Page(context.Background(), srv.URL+"/slow")
	if !errors.Is(err, scrapers.ErrTimeout) {
		t.Fatalf("error = %v, want ErrTimeout", err)
	}
	if got := scrapers.Classify(err); got != models.ErrorClassTimeout {
		t.Errorf("Classify = %q, want timeout", got)
	}
}

func TestRobotsAndUserAgent(t *testing.T) {
	var pages atomic.Int32
	var ua atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua.Store(r.UserAgent())
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
			return
		}
		pages.Add(1)
		fmt.Fprint(w, "<html>ok</html>")
	}))
	defer srv.Close()
	tests := []struct {
		name         string
		path         string
		ignoreRobots bool
		wantErr      error
		wantFetched  bool
	}{
		{name: "allowed path", path: "/public/page", wantFetched: true},
		{name: "disallowed path", path: "/private/page", wantErr: scrapers.ErrBlocked},
		{name: "disallowed but robots ignored", path: "/private/page", ignoreRobots: true, wantFetched: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := pages.Load()
			opts := scrapertest.Options()
			opts.UserAgent = "earshot-custom/2.0 (+mailto:ops@example.com)"
			opts.IgnoreRobots = tc.ignoreRobots
			f, _ := newFetcher(t, opts)
			_, err := f.Page(context.Background(), srv.URL+tc.path)
			if !errors.Is(err, tc.wantErr) && !(tc.wantErr == nil && err == nil) {
				t.Fatalf("error = %v, want %v", err, tc.wantErr)
			}
			if fetched := pages.Load() > before; fetched != tc.wantFetched {
				t.Errorf("page fetched = %v, want %v", fetched, tc.wantFetched)
			}
			if got := ua.Load(); got != opts.UserAgent {
				t.Errorf("User-Agent = %q, want %q", got, opts.UserAgent)
			}
		})
	}
}

func TestHostLimiterSpacesOneHostOnly(t *testing.T) {
	fc := clockwork.NewFakeClock()
	l := &hostLimiter{next: map[string]time.Time{}}
	ctx := context.Background()
	// First requests to two hosts go at once.
	for _, h := range []string{"a.example", "b.example"} {
		if err := l.wait(ctx, fc, h, time.Second); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan struct{})
	go func() {
		l.wait(ctx, fc, "a.example", time.Second)
		close(done)
	}()
	fc.BlockUntilContext(ctx, 1)
	select {
	case <-done:
		t.Fatal("second request to a.example did not wait")
	default:
	}
	fc.Advance(999 * time.Millisecond)
	select {
	case <-done:
		t.Fatal("second request to a.example went before the delay")
	case <-time.After(10 * time.Millisecond):
	}
	fc.Advance(time.Millisecond)
	<-done
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"5", 5 * time.Second},
		{"-3", 0},
		{"soon", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := RetryAfter(tc.in, now); got != tc.want {
				t.Errorf("RetryAfter(%q) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}

func TestReviewsPagination(t *testing.T) {
	// Three pages of two reviews; each page links the next. The parser is
	// a tiny line format so this test is about pagination alone.
	pages := map[string]string{
		"/p1": "a1 a2\nnext /p2",
		"/p2": "b1 b2\nnext /p3",
		"/p3": "c1 c2\nnext https://elsewhere.example/p4",
	}
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		hits.Add(1)
		fmt.Fprint(w, body)
	}))
	defer srv.Close()
	parse := func(body []byte, pageURL string) ([]models.Mention, PageInfo, error) {
		lines := strings.Split(string(body), "\n")
		var ms []models.Mention
		for _, id := range strings.Fields(lines[0]) {
			ms = append(ms, models.Mention{ExternalID: id})
		}
		return ms, PageInfo{Next: strings.TrimPrefix(lines[1], "next ")}, nil
	}
	seen := func(ids ...string) func(string) bool {
		return func(id string) bool {
			for _, s := range ids {
				if s == id {
					return true
				}
			}
			return false
		}
	}
	tests := []struct {
		name      string
		req       scrapers.Request
		wantIDs   string
		wantPages int
	}{
		{name: "first run reads all pages, not other hosts", req: scrapers.Request{}, wantIDs: "a1 a2 b1 b2 c1 c2", wantPages: 3},
		{name: "stops after a fully seen page", req: scrapers.Request{Seen: seen("b1", "b2")}, wantIDs: "a1 a2 b1 b2", wantPages: 2},
		{name: "partly seen page continues", req: scrapers.Request{Seen: seen("a1")}, wantIDs: "a1 a2 b1 b2 c1 c2", wantPages: 3},
		{name: "backfill ignores seen", req: scrapers.Request{Seen: seen("a1", "a2"), Backfill: true}, wantIDs: "a1 a2 b1 b2 c1 c2", wantPages: 3},
		{name: "max pages", req: scrapers.Request{MaxPages: 2}, wantIDs: "a1 a2 b1 b2", wantPages: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := newFetcher(t, scrapertest.Options())
			tc.req.Target = srv.URL + "/p1"
			var progress int
			tc.req.Progress = func(p, _ int) { progress = p }
			res, err := f.Reviews(context.Background(), tc.req, parse)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, m := range res.Mentions {
				ids = append(ids, m.ExternalID)
				if m.SourceKind != "test" || !strings.HasPrefix(m.URL, srv.URL) {
					t.Errorf("mention %s: kind %q url %q not filled in", m.ExternalID, m.SourceKind, m.URL)
				}
			}
			if got := strings.Join(ids, " "); got != tc.wantIDs {
				t.Errorf("ids = %q, want %q", got, tc.wantIDs)
			}
			if res.Pages != tc.wantPages || progress != tc.wantPages {
				t.Errorf("pages = %d (progress %d), want %d", res.Pages, progress, tc.wantPages)
			}
		})
	}
}

func TestReviewsKeepsEarlierPagesOnFailure(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/p1":
			fmt.Fprint(w, "ok")
		case "/p2":
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, dataDome)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	parse := func(body []byte, pageURL string) ([]models.Mention, PageInfo, error) {
		return []models.Mention{{ExternalID: "r1"}}, PageInfo{Next: "/p2"}, nil
	}
	f, _ := newFetcher(t, scrapertest.Options())
	res, err := f.Reviews(context.Background(), scrapers.Request{Target: srv.URL + "/p1"}, parse)
	if !errors.Is(err, scrapers.ErrBlocked) {
		t.Fatalf("error = %v, want ErrBlocked", err)
	}
	if len(res.Mentions) != 1 || res.Pages != 1 {
		t.Errorf("kept %d mentions over %d pages, want 1 and 1", len(res.Mentions), res.Pages)
	}
}

func TestParsePageChecks(t *testing.T) {
	none := func(body []byte, pageURL string) ([]models.Mention, PageInfo, error) {
		return nil, PageInfo{Count: 12}, nil
	}
	f := New("test", scrapertest.Options())
	tests := []struct {
		name string
		body string
		want error
	}{
		{name: "count but no reviews is a parse failure", body: "<html>12 reviews</html>", want: scrapers.ErrParse},
		{name: "block page is blocked even at 200", body: dataDome, want: scrapers.ErrBlocked},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := f.ParsePage([]byte(tc.body), "https://example.com/r", none)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestBadTargetIsConfig(t *testing.T) {
	f := New("test", scrapertest.Options())
	for _, target := range []string{"", "not a url", "ftp://example.com/x", "/relative"} {
		t.Run(target, func(t *testing.T) {
			_, err := f.Reviews(context.Background(), scrapers.Request{Target: target}, nil)
			if !errors.Is(err, scrapers.ErrConfig) {
				t.Fatalf("error = %v, want ErrConfig", err)
			}
		})
	}
}

func TestRedactHidesCredentials(t *testing.T) {
	got := Redact("https://user:pw@api.example.com/search?q=x&access_token=SECRET")
	if strings.Contains(got, "SECRET") || strings.Contains(got, "pw") {
		t.Errorf("Redact left a credential: %s", got)
	}
}

func TestRobotsUnavailableIsNotCached(t *testing.T) {
	var down atomic.Bool
	down.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			if down.Load() {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			fmt.Fprint(w, "User-agent: *\nAllow: /\n")
			return
		}
		fmt.Fprint(w, "<html>ok</html>")
	}))
	defer srv.Close()
	f, _ := newFetcher(t, scrapertest.Options())
	if _, err := f.Page(context.Background(), srv.URL+"/page"); !errors.Is(err, scrapers.ErrHTTP) || !strings.Contains(err.Error(), "robots.txt answered HTTP 503") {
		t.Fatalf("error = %v, want ErrHTTP about robots.txt", err)
	}
	down.Store(false)
	if _, err := f.Page(context.Background(), srv.URL+"/page"); err != nil {
		t.Fatalf("after robots.txt recovered: %v", err)
	}
}

func TestDetectBlockIgnoresReviewText(t *testing.T) {
	page := []byte(`<html><title>Harbour Bistro reviews</title><p>The waiter asked "are you a robot?" when I ordered in Morse code. Also the captcha on the booking form never loads.</p></html>`)
	if r := DetectBlock(http.StatusOK, page); r != "" {
		t.Errorf("a review page quoting 'are you a robot' was taken for a block page (%s)", r)
	}
	if r := DetectBlock(http.StatusForbidden, []byte(dataDome)); r == "" {
		t.Error("DataDome page at 403 not detected")
	}
	if r := LooksBlocked([]byte(`<html><body><h1>Please verify you are a human</h1></body></html>`)); r == "" {
		t.Error("human-verification page with no reviews not detected")
	}
}
