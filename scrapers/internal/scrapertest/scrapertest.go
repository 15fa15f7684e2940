// Package scrapertest holds what the scraper tests share: serving a
// testdata folder over httptest, options that keep politeness on but
// fast, and expected-output (golden) files.
package scrapertest

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
)

var hashID = regexp.MustCompile(`"external_id": "h-[0-9a-f]{24}`)

var update = flag.Bool("update", false, "rewrite expected-output files in testdata/")

// Options returns scraper options for tests: politeness on (robots.txt is
// read, a per-domain delay applies) with a 1 ms delay so tests stay fast,
// and a short timeout.
func Options() scrapers.Options {
	return scrapers.Options{
		UserAgent:    "earshot-test/1.0",
		RequestDelay: time.Millisecond,
		Timeout:      5 * time.Second,
		MaxRetries:   -1,
		Getenv:       func(string) string { return "" },
	}
}

// Env returns a Getenv that reads from m.
func Env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// Serve starts a test server that answers with h and closes when the test
// ends: the stand-in for a site or API that a scraper test talks to.
func Serve(t testing.TB, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// ServeRecorded is Serve that also records the URL of every request, for
// tests on what a scraper asks for (a since_id, a date filter); urls
// returns them in the order they came.
func ServeRecorded(t testing.TB, h http.HandlerFunc) (srv *httptest.Server, urls func() []*url.URL) {
	t.Helper()
	var mu sync.Mutex
	var seen []*url.URL
	srv = Serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL)
		mu.Unlock()
		h(w, r)
	})
	return srv, func() []*url.URL {
		mu.Lock()
		defer mu.Unlock()
		return append([]*url.URL(nil), seen...)
	}
}

// ServeDir serves the files of dir; "/robots.txt" is a 404 unless dir has
// one. Paths map to files with "/" → "index.html" and query strings
// folded into the name ("/r?page=2" → "r_page=2").
func ServeDir(t testing.TB, dir string) *httptest.Server {
	t.Helper()
	return Serve(t, func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/")
		if name == "" {
			name = "index.html"
		}
		if r.URL.RawQuery != "" {
			name += "_" + strings.ReplaceAll(r.URL.RawQuery, "&", "_")
		}
		WriteFile(w, r, filepath.Join(dir, filepath.Clean("/"+name)))
	})
}

// WriteFile answers r with the file at path, or a 404 when there is none
// (how a stand-in server says a page does not exist). A .json file goes
// out as application/json, as the APIs send it.
func WriteFile(w http.ResponseWriter, r *http.Request, path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	if filepath.Ext(path) == ".json" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.Write(b)
}

// Golden compares mentions with the expected-output file path (JSON, one
// Record per mention); -update rewrites it. URLs that point at the
// test server are written as "SERVER" so the files stay stable.
func Golden(t testing.TB, path, serverURL string, ms []models.Mention) {
	t.Helper()
	recs := make([]scrapers.Record, 0, len(ms))
	for _, m := range ms {
		recs = append(recs, scrapers.ToRecord(m))
	}
	got, err := json.MarshalIndent(recs, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if serverURL != "" {
		got = bytes.ReplaceAll(got, []byte(serverURL), []byte("SERVER"))
	}
	// Synthetic IDs hash the page URL, which holds the test server's
	// random port; their stability is tested on its own.
	got = hashID.ReplaceAll(got, []byte(`"external_id": "h-HASH`))
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading expected output (run with -update to create): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("mentions differ from %s (run with -update after checking the diff)\n--- got ---\n%s", path, got)
	}
}

// AutoAdvance keeps advancing fc by step whenever something waits on it,
// until the test ends, so code that sleeps on the clock (politeness,
// backoff) runs instantly while its timing stays observable in fake time.
func AutoAdvance(t testing.TB, fc *clockwork.FakeClock, step time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			if err := fc.BlockUntilContext(ctx, 1); err != nil {
				return
			}
			fc.Advance(step)
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
}

// BenchParse measures parse on one page and reports pages/s and
// mentions/s, the figures BENCHMARKS.md lists per parser. The page is the
// real capture at shared (path parts under the shared folder) when
// present, else the package's own testdata file local: real pages give
// the figures worth comparing, and the fallback keeps the benchmark
// runnable on a bare checkout. The log names the page used.
func BenchParse[Info any](b *testing.B, shared []string, local, pageURL string, parse func([]byte, string) ([]models.Mention, Info, error)) {
	b.Helper()
	body, name := readBench(b, shared, local)
	b.Logf("page: %s (%d bytes)", name, len(body))
	ms, _, err := parse(body, pageURL)
	if err != nil || len(ms) == 0 {
		b.Fatalf("page yields %d mentions (%v): not a useful benchmark", len(ms), err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := parse(body, pageURL); err != nil {
			b.Fatal(err)
		}
	}
	sec := b.Elapsed().Seconds()
	if sec > 0 {
		b.ReportMetric(float64(b.N)/sec, "pages/s")
		b.ReportMetric(float64(b.N*len(ms))/sec, "mentions/s")
	}
}

// readBench reads a benchmark page: the real capture under the shared
// folder when present, else the package's own testdata file.
func readBench(b *testing.B, shared []string, local string) ([]byte, string) {
	b.Helper()
	root := os.Getenv("EARSHOT_SHARED")
	if root == "" {
		// Same rule as testutil.SharedDir: ../shared beside the repository.
		root = filepath.Join(testutil.RepoRoot(b), "..", "shared")
	}
	if body, err := os.ReadFile(filepath.Join(append([]string{root}, shared...)...)); err == nil {
		return body, "shared/" + filepath.Join(shared...)
	}
	body, err := os.ReadFile(local)
	if err != nil {
		b.Fatal(err)
	}
	return body, local
}

// HangLimit is how long one parser call may take on one fuzz input. Real
// pages parse in milliseconds; anything near this is a pathological input
// that the fuzzer must report (and save) rather than wait on forever.
const HangLimit = 3 * time.Second

// NoHang runs fn and fails the test, quoting the input size, when it does
// not return within HangLimit.
func NoHang(t *testing.T, input []byte, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(HangLimit):
		t.Fatalf("parser did not return within %s on a %d-byte input", HangLimit, len(input))
	}
}
