package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"runtime"
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

// gzipBomb returns about 1 MB of gzip that expands to 1 GB: one member
// holding 1 MB of zeros, repeated 1024 times (gzip readers read
// concatenated members as one stream).
func gzipBomb(t testing.TB) []byte {
	t.Helper()
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	return bytes.Repeat(member.Bytes(), 1024)
}

// countParse reads one mention per "<li>" and claims nothing else.
func countParse(body []byte, pageURL string) ([]models.Mention, PageInfo, error) {
	var ms []models.Mention
	for i, part := range strings.Split(string(body), "<li>")[1:] {
		ms = append(ms, models.Mention{ExternalID: fmt.Sprint(i), Text: strings.TrimSpace(strings.SplitN(part, "<", 2)[0])})
	}
	return ms, PageInfo{}, nil
}

// TestGzipBombIsTooLarge: served as a gzip file (by type or by a .xml.gz
// path), 1 MB that expands to 1 GB is refused as too_large, quickly and
// without reading more than the size limit into memory.
func TestGzipBombIsTooLarge(t *testing.T) {
	bomb := gzipBomb(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			http.NotFound(w, r)
		case "/feed":
			w.Header().Set("Content-Type", "application/x-gzip")
			w.Write(bomb)
		case "/sitemap.xml.gz":
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write(bomb)
		}
	}))
	defer srv.Close()
	for _, path := range []string{"/feed", "/sitemap.xml.gz"} {
		t.Run(path, func(t *testing.T) {
			f, _ := newFetcher(t, scrapertest.Options())
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := f.Page(context.Background(), srv.URL+path)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, scrapers.ErrTooLarge) {
				t.Fatalf("error = %v, want ErrTooLarge", err)
			}
			if c := scrapers.Classify(err); c != models.ErrorClassTooLarge {
				t.Errorf("class = %q, want %q", c, models.ErrorClassTooLarge)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8*MaxBody {
				t.Errorf("allocated %d MB reading a bomb; the limit is %d MB", alloc>>20, MaxBody>>20)
			}
		})
	}
}

func TestGzipFileWithinLimitIsRead(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	fmt.Fprint(zw, "<ul><li>first<li>second</ul>")
	zw.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/x-gzip")
		w.Write(buf.Bytes())
	}))
	defer srv.Close()
	f, _ := newFetcher(t, scrapertest.Options())
	res, err := f.Reviews(context.Background(), scrapers.Request{Target: srv.URL + "/reviews.gz"}, countParse)
	if err != nil || len(res.Mentions) != 2 || len(res.Warnings) != 0 {
		t.Fatalf("got %d mentions, warnings %v, err %v; want 2, none, nil", len(res.Mentions), res.Warnings, err)
	}
}

// TestTruncatedPageWarns: a page longer than MaxBody is read up to the
// limit, and the run says the rest was not read.
func TestTruncatedPageWarns(t *testing.T) {
	page := "<ul><li>kept" + strings.Repeat(" ", MaxBody) + "<li>lost</ul>"
	for _, api := range []bool{false, true} {
		t.Run(fmt.Sprintf("api=%v", api), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/robots.txt" {
					http.NotFound(w, r)
					return
				}
				fmt.Fprint(w, page)
			}))
			defer srv.Close()
			f, _ := newFetcher(t, scrapertest.Options())
			var (
				res scrapers.Result
				err error
			)
			if api {
				res, err = f.APIPages(context.Background(), scrapers.Request{}, srv.URL+"/big", nil, countParse)
			} else {
				res, err = f.Reviews(context.Background(), scrapers.Request{Target: srv.URL + "/big"}, countParse)
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Mentions) != 1 {
				t.Errorf("got %d mentions, want the 1 before the cut", len(res.Mentions))
			}
			if len(res.Warnings) != 1 || !strings.HasPrefix(res.Warnings[0], "truncated") || !strings.Contains(res.Warnings[0], "/big") {
				t.Errorf("warnings = %q, want one naming the truncated page", res.Warnings)
			}
		})
	}
}

// TestNoReviewsIsNeverSilent: a challenge page padded past 64 KB is
// blocked and an empty 200 is a parse failure; neither is "0 reviews".
func TestNoReviewsIsNeverSilent(t *testing.T) {
	recaptcha := `<html><head><title>Verify</title><script src="https://www.google.com/recaptcha/api.js" async defer></script>` +
		`<script>` + strings.Repeat("var pad=1;", 8<<10) + `</script></head><body><form><div class="g-recaptcha" data-sitekey="x"></div></form></body></html>`
	if len(recaptcha) <= smallPage {
		t.Fatalf("fixture is %d bytes; it must be over %d", len(recaptcha), smallPage)
	}
	tests := []struct {
		name, body string
		want       error
	}{
		{"recaptcha over 64 KB", recaptcha, scrapers.ErrBlocked},
		{"empty 200", "", scrapers.ErrParse},
		{"whitespace 200", " \r\n\t ", scrapers.ErrParse},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/robots.txt" {
					http.NotFound(w, r)
					return
				}
				fmt.Fprint(w, tc.body)
			}))
			defer srv.Close()
			f, _ := newFetcher(t, scrapertest.Options())
			res, err := f.Reviews(context.Background(), scrapers.Request{Target: srv.URL + "/reviews"}, countParse)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %d mentions, err %v; want %v", len(res.Mentions), err, tc.want)
			}
		})
	}
}

// testLookup resolves every *.test name like DNS would, from a table.
func testLookup(table map[string]string) Lookup {
	return func(ctx context.Context, host string) ([]netip.Addr, error) {
		if ip, ok := table[strings.ToLower(host)]; ok {
			return []netip.Addr{netip.MustParseAddr(ip)}, nil
		}
		return nil, fmt.Errorf("no such host %s", host)
	}
}

// TestRedirectBoundary drives the dial decisions through a fake resolver:
// shop.test stands for a public review site that (like a DNS-rebinding
// attacker) resolves to loopback, where the test server is.
func TestRedirectBoundary(t *testing.T) {
	var hits pathLog
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.add(r.URL.Path)
		switch {
		case r.URL.Path == "/robots.txt":
			http.NotFound(w, r)
		case strings.HasPrefix(r.URL.Path, "/go/"):
			to, _ := url.PathUnescape(strings.TrimPrefix(r.URL.Path, "/go/"))
			http.Redirect(w, r, to, http.StatusFound)
		default:
			fmt.Fprint(w, "<ul><li>page "+r.URL.Path+"</ul>")
		}
	}))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	lookup := testLookup(map[string]string{
		"shop.test": "127.0.0.1", "www.shop.test": "127.0.0.1", "evil.test": "127.0.0.1", "metadata.test": "169.254.169.254", "localhost": "127.0.0.1",
	})
	via := func(host, to string) string {
		return "http://" + host + ":" + port + "/go/" + url.PathEscape(to)
	}
	tests := []struct {
		name     string
		start    string
		any      bool
		want     error  // nil: followed
		wantPath string // served when followed
		never    string // a path the server must not see
	}{
		{name: "same host followed", start: via("shop.test", "/final"), wantPath: "/final"},
		{name: "to loopback literal refused", start: via("shop.test", "http://127.0.0.1:"+port+"/admin"), want: scrapers.ErrConfig, never: "/admin"},
		{name: "to private literal refused", start: via("shop.test", "http://10.0.0.1:"+port+"/admin"), want: scrapers.ErrConfig},
		{name: "to link-local literal refused", start: via("shop.test", "http://169.254.169.254/latest/meta-data/"), want: scrapers.ErrConfig},
		{name: "same site name resolving to loopback refused", start: via("shop.test", "http://www.shop.test:"+port+"/admin"), want: scrapers.ErrConfig, never: "/admin"},
		{name: "other site refused", start: via("shop.test", "http://evil.test:"+port+"/x"), want: scrapers.ErrConfig, never: "/x"},
		{name: "other site allowed by config, still not to loopback", start: via("shop.test", "http://evil.test:"+port+"/x"), any: true, want: scrapers.ErrConfig, never: "/x"},
		{name: "other site name resolving to metadata refused", start: via("shop.test", "http://metadata.test/"), any: true, want: scrapers.ErrConfig},
		{name: "loopback configured: other loopback name is another site", start: via("127.0.0.1", "http://localhost:"+port+"/y"), want: scrapers.ErrConfig, never: "/y"},
		{name: "loopback configured, any site: followed", start: via("127.0.0.1", "http://localhost:"+port+"/y"), any: true, wantPath: "/y"},
		{name: "javascript redirect refused", start: via("shop.test", "javascript:alert(1)"), want: scrapers.ErrConfig},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hits.reset()
			opts := scrapertest.Options()
			opts.FollowAnyRedirect = tc.any
			f := guardedFetcher(t, opts, lookup)
			res, err := f.Reviews(context.Background(), scrapers.Request{Target: tc.start}, countParse)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("not followed: %v", err)
				}
				if len(res.Mentions) != 1 || res.Mentions[0].Text != "page "+tc.wantPath {
					t.Fatalf("mentions = %+v, want the page at %s", res.Mentions, tc.wantPath)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("error = %v, want %v", err, tc.want)
			}
			if tc.never != "" && hits.seen(tc.never) {
				t.Errorf("the server was asked for %s", tc.never)
			}
		})
	}
}

// TestRobotsReadOnRedirectHost: a redirect to another host (here another
// port of the same site) is checked against that host's robots.txt.
func TestRobotsReadOnRedirectHost(t *testing.T) {
	var pageHit atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\nDisallow: /\n")
			return
		}
		pageHit.Store(true)
		fmt.Fprint(w, "<ul><li>secret</ul>")
	}))
	defer other.Close()
	first := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		http.Redirect(w, r, other.URL+"/reviews", http.StatusMovedPermanently)
	}))
	defer first.Close()
	f, _ := newFetcher(t, scrapertest.Options())
	_, err := f.Reviews(context.Background(), scrapers.Request{Target: first.URL + "/reviews"}, countParse)
	if !errors.Is(err, scrapers.ErrBlocked) || !strings.Contains(err.Error(), "robots.txt") {
		t.Fatalf("error = %v, want the other host's robots.txt to block", err)
	}
	if pageHit.Load() {
		t.Error("the page disallowed by its host's robots.txt was fetched")
	}
}

func TestSameSite(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"www.example.com", "reviews.example.com", true},
		{"example.com", "EXAMPLE.com.", true},
		{"example.com", "example.org", false},
		{"shop.example.co.uk", "www.example.co.uk", true},
		{"a.co.uk", "b.co.uk", false},
		{"foo.github.io", "bar.github.io", false},
		{"127.0.0.1", "127.0.0.1", true},
		{"127.0.0.1", "localhost", false},
		{"127.0.0.1", "127.0.0.2", false},
	}
	for _, tc := range tests {
		if got := SameSite(tc.a, tc.b); got != tc.want {
			t.Errorf("SameSite(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestPublicAddr(t *testing.T) {
	for ip, want := range map[string]bool{
		"93.184.216.34": true, "2606:2800:220:1::1": true, "127.0.0.1": false, "::1": false, "10.1.2.3": false,
		"172.16.0.1": false, "192.168.1.1": false, "169.254.169.254": false, "fe80::1": false, "fd00::1": false,
		"100.64.0.1": false, "0.0.0.0": false, "::ffff:127.0.0.1": false, "224.0.0.1": false,
	} {
		if got := PublicAddr(netip.MustParseAddr(ip)); got != want {
			t.Errorf("PublicAddr(%s) = %v, want %v", ip, got, want)
		}
	}
}

func FuzzGunzip(f *testing.F) {
	var one bytes.Buffer
	zw := gzip.NewWriter(&one)
	zw.Write([]byte("<rss><item>hello</item></rss>"))
	zw.Close()
	var big bytes.Buffer
	zw = gzip.NewWriter(&big)
	zw.Write(make([]byte, 4096))
	zw.Close()
	f.Add(one.Bytes(), int64(1<<20))
	f.Add(big.Bytes(), int64(100))
	f.Add(bytes.Repeat(big.Bytes(), 3), int64(4096*3))
	f.Add([]byte("not gzip"), int64(10))
	f.Add(one.Bytes()[:len(one.Bytes())/2], int64(1<<20))
	f.Fuzz(func(t *testing.T, data []byte, max int64) {
		if max < 0 || max > 1<<20 {
			max = 1 << 20
		}
		out, err := Gunzip(context.Background(), bytes.NewReader(data), max)
		if int64(len(out)) > max {
			t.Fatalf("read %d bytes past the limit %d", len(out), max)
		}
		if err == nil {
			return
		}
		if errors.Is(err, scrapers.ErrTooLarge) && int64(len(out)) != max {
			t.Fatalf("too large after only %d of %d bytes", len(out), max)
		}
	})
}

// guardedFetcher is newFetcher with the production transport, resolving
// names with lookup.
func guardedFetcher(t *testing.T, opts scrapers.Options, lookup Lookup) *Fetcher {
	t.Helper()
	fc := clockwork.NewFakeClockAt(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	opts.Clock = fc
	f := newGuarded("test", opts, lookup).WithPoliteness(NewPoliteness())
	f.jitter = func() float64 { return 0.5 }
	scrapertest.AutoAdvance(t, fc, 50*time.Millisecond)
	return f
}

// pathLog records the paths a test server saw.
type pathLog struct {
	mu    sync.Mutex
	paths map[string]bool
}

func (l *pathLog) reset() { l.mu.Lock(); l.paths = map[string]bool{}; l.mu.Unlock() }
func (l *pathLog) add(p string) {
	l.mu.Lock()
	if l.paths == nil {
		l.paths = map[string]bool{}
	}
	l.paths[p] = true
	l.mu.Unlock()
}
func (l *pathLog) seen(p string) bool { l.mu.Lock(); defer l.mu.Unlock(); return l.paths[p] }
