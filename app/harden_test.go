package app_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/earshot/earshot/app"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/smtpsink"
	"github.com/earshot/earshot/internal/textclean"
	"github.com/jonboulle/clockwork"
)

// hostile is a loopback site serving what the probe threw at
// earshot: NUL bytes in ids, gzip bombs, a page past the size limit,
// challenge pages, empty answers and redirects off the site.
type hostile struct {
	srv   *httptest.Server
	pages map[string]func(w http.ResponseWriter, r *http.Request)
	// onRequest, when set, sees every request first (the kill test blocks
	// one there).
	onRequest atomic.Pointer[func(*http.Request)]
}

func readFixture(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", path))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func bomb() []byte {
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	return bytes.Repeat(member.Bytes(), 1024) // ~1 MB expanding to 1 GB
}

func newHostile(t testing.TB) *hostile {
	t.Helper()
	h := &hostile{pages: map[string]func(http.ResponseWriter, *http.Request){}}
	text := func(ct, body string) func(http.ResponseWriter, *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ct)
			fmt.Fprint(w, body)
		}
	}
	// jsonld: the @id, url and inLanguage carry NUL escapes; author and
	// text carry bidi overrides.
	jsonldNUL := strings.NewReplacer(
		`"@id":"https://bistro.example/reviews#r-1001"`, `"@id":"https://bistro.example/reviews#r-1001\u0000","url":"https://bistro.example/r/1001\u0000x"`,
		`"inLanguage":"en"`, `"inLanguage":"en\u0000"`,
		`"name":"Ana P."`, `"name":"Ana \u202Egnp.exe"`,
		`"reviewBody":"Lovely fish`, `"reviewBody":"\u2066Lovely\u2069 fish`,
		`<link rel="next" href="/graph-page2.html">`, ``,
	).Replace(readFixture(t, "scrapers/jsonld/testdata/graph.html"))
	h.pages["/jsonld-nul"] = text("text/html; charset=utf-8", jsonldNUL)
	trustNUL := strings.NewReplacer(
		`{"id":"65a0000000000000000000a1"`, `{"id":"65a0000000000000000000a1\u0000"`,
		`"language":"en"`, `"language":"en\u0000"`,
		`"totalPages":2`, `"totalPages":1`,
		`name="pagination-button-next"`, `name="x"`,
		`href="/review/harbourbistro.example?page=2"`, ``,
	).Replace(readFixture(t, "scrapers/trustpilot/testdata/company"))
	h.pages["/trustpilot-nul"] = text("text/html; charset=utf-8", trustNUL)
	mastoNUL := strings.NewReplacer(
		`"uri":"https://social.example/users/ana/statuses/113000000000000002"`, `"uri":"https://social.example/users/ana/statuses/113000000000000002\u0000"`,
		`"url":"https://social.example/@ana/113000000000000002"`, `"url":"https://social.example/@ana/113000000000000002\u0000"`,
		`"acct":"bo@other.example"`, `"acct":"bo\u0000@other.example"`,
		`"language":"de"`, `"language":"d\u0000e"`,
	).Replace(readFixture(t, "scrapers/mastodon/testdata/hashtag.json"))
	h.pages["/api/v1/timelines/tag/harbourbistro"] = text("application/json", mastoNUL)
	b := bomb()
	h.pages["/feed.xml.gz"] = func(w http.ResponseWriter, r *http.Request) { w.Write(b) }
	h.pages["/bomb"] = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-gzip")
		w.Write(b)
	}
	// Reviews first, then 17 MB of padding: the cut loses nothing
	// readable here, but the run must say the page was cut.
	clean := strings.Replace(readFixture(t, "scrapers/jsonld/testdata/graph.html"), `<link rel="next" href="/graph-page2.html">`, "", 1)
	huge := strings.Replace(clean, "</body>", "<!--"+strings.Repeat("x", 17<<20)+"--></body>", 1)
	h.pages["/huge"] = text("text/html; charset=utf-8", huge)
	h.pages["/recaptcha"] = text("text/html", `<html><head><title>One more step</title><script src="https://www.google.com/recaptcha/api.js"></script><style>`+
		strings.Repeat(".c{color:red}", 6<<10)+`</style></head><body><div class="g-recaptcha" data-sitekey="k"></div></body></html>`)
	h.pages["/empty"] = text("text/html", "")
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f := h.onRequest.Load(); f != nil {
			(*f)(r)
		}
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		if r.URL.Path == "/offsite" {
			// 127.0.0.1 → localhost: another host name, another site.
			http.Redirect(w, r, strings.Replace(h.srv.URL, "127.0.0.1", "localhost", 1)+"/jsonld-nul", http.StatusFound)
			return
		}
		if f := h.pages[r.URL.Path]; f != nil {
			f(w, r)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// matrixRow is one hostile input: a source reading it, and what earshot
// must make of it.
type matrixRow struct {
	input, kind, path, query string
	class                    string // expected error class ("" = success)
	warning                  string // expected warning prefix
	minStored                int    // at least this many mentions stored
}

var matrixRows = []matrixRow{
	{input: "jsonld @id/url/inLanguage with NUL, author/text with bidi overrides", kind: "jsonld", path: "/jsonld-nul", minStored: 3},
	{input: "Trustpilot id/language with NUL", kind: "trustpilot", path: "/trustpilot-nul", minStored: 2},
	{input: "Mastodon uri/url/acct/language with NUL", kind: "mastodon", query: "#harbourbistro", minStored: 2},
	{input: "gzip bomb at *.xml.gz (1 MB -> 1 GB)", kind: "rss", path: "/feed.xml.gz", class: "too_large"},
	{input: "gzip bomb as application/x-gzip (1 MB -> 1 GB)", kind: "jsonld", path: "/bomb", class: "too_large"},
	{input: "17 MB page (cut at 16 MB)", kind: "jsonld", path: "/huge", warning: "truncated", minStored: 3},
	{input: "reCAPTCHA page over 64 KB", kind: "jsonld", path: "/recaptcha", class: "blocked"},
	{input: "empty 200 answer", kind: "jsonld", path: "/empty", class: "parse"},
	{input: "redirect to another site", kind: "jsonld", path: "/offsite", class: "config"},
}

// matrixConfig writes a config with one source per row, on PostgreSQL
// when EARSHOT_TEST_POSTGRES is set (NULs are what PostgreSQL refuses)
// and on SQLite otherwise.
func matrixConfig(t testing.TB, dir, base string, smtpPort int, rows []matrixRow, extra string) (*config.Config, string) {
	t.Helper()
	db := "database:\n  path: " + filepath.Join(dir, "earshot.db") + "\n"
	driver := "sqlite"
	if os.Getenv("EARSHOT_TEST_POSTGRES") != "" {
		db = "database:\n  driver: postgres\n  dsn_env: EARSHOT_TEST_POSTGRES\n"
		driver = "postgres"
	}
	var src strings.Builder
	for i, r := range rows {
		fmt.Fprintf(&src, "      - name: s%d\n        kind: %s\n        interval: 1h\n", i, r.kind)
		if r.query != "" {
			fmt.Fprintf(&src, "        query: %q\n        api_base: %s\n", r.query, base)
		} else {
			fmt.Fprintf(&src, "        url: %s%s\n", base, r.path)
		}
	}
	yml := db + `server:
  listen: 127.0.0.1:0
scraping:
  request_delay: 1ms
  timeout: 10s
  max_retries: 1
` + extra + `smtp:
  host: 127.0.0.1
  port: ` + fmt.Sprint(smtpPort) + `
  tls: none
  from: "earshot <alerts@example.com>"
channels:
  - name: owner-email
    type: email
    to: ["owner@example.com"]
businesses:
  - name: ` + fmt.Sprintf("hostile-%d", time.Now().UnixNano()) + `
    domain: restaurant
    users:
      - {name: Olive, email: owner@example.com, role: owner}
    sources:
` + src.String()
	path := filepath.Join(dir, "earshot.yaml")
	if err := os.WriteFile(path, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse([]byte(yml), path, os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, driver
}

// TestFaultMatrix runs every hostile input through the real pipeline
// (loopback site, real scrapers, real database), twice, and prints what
// happened: the class each run recorded, and mentions parsed, stored,
// lost and duplicated. RELIABILITY.md quotes its table.
//
//	go test -run TestFaultMatrix -v ./app/
func TestFaultMatrix(t *testing.T) {
	h := newHostile(t)
	sink, err := smtpsink.Start("", "")
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	cfg, driver := matrixConfig(t, t.TempDir(), h.srv.URL, sink.Port(), matrixRows, "")
	a, err := app.New(context.Background(), cfg, app.Options{Clock: clockwork.NewRealClock()})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx := context.Background()
	first, err := a.ScrapeAll(ctx, app.ScrapeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	second, err := a.ScrapeAll(ctx, app.ScrapeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	db, err := a.Store.DB()
	if err != nil {
		t.Fatal(err)
	}
	var table strings.Builder
	fmt.Fprintf(&table, "\n| input | db | class | warning | parsed | stored | lost | duplicated |\n|---|---|---|---|---|---|---|---|\n")
	for i, row := range matrixRows {
		r1, r2 := first[i], second[i]
		t.Run(row.input, func(t *testing.T) {
			if r1.Run.ErrorClass != row.class {
				t.Errorf("class = %q (%v), want %q", r1.Run.ErrorClass, r1.Err, row.class)
			}
			if r2.Run.ErrorClass != row.class {
				t.Errorf("second run: class = %q (%v), want %q", r2.Run.ErrorClass, r2.Err, row.class)
			}
			if !strings.HasPrefix(r1.Run.Warning, row.warning) || (row.warning == "") != (r1.Run.Warning == "") {
				t.Errorf("warning = %q, want prefix %q", r1.Run.Warning, row.warning)
			}
			stored, distinct := countMentions(t, db, r1.Source.ID, driver)
			if stored < row.minStored {
				t.Errorf("%d mentions stored, want at least %d", stored, row.minStored)
			}
			lost := r1.Run.Parsed - stored
			dup := stored - distinct + r2.Run.New
			if lost != 0 || dup != 0 {
				t.Errorf("parsed %d, stored %d: %d lost, %d duplicated", r1.Run.Parsed, stored, lost, dup)
			}
			if row.class == "" && r1.Source.ConsecutiveFailures != 0 {
				t.Errorf("source counts %d failures", r1.Source.ConsecutiveFailures)
			}
			if row.class != "" && r2.Source.ConsecutiveFailures != 2 {
				t.Errorf("after two failed runs the source counts %d failures, want 2", r2.Source.ConsecutiveFailures)
			}
			checkClean(t, db, r1.Source.ID, driver)
			warn := "-"
			if r1.Run.Warning != "" {
				warn = strings.SplitN(r1.Run.Warning, ":", 2)[0]
			}
			class := r1.Run.ErrorClass
			if class == "" {
				class = "ok"
			}
			fmt.Fprintf(&table, "| %s | %s | %s | %s | %d | %d | %d | %d |\n", row.input, driver, class, warn, r1.Run.Parsed, stored, lost, dup)
		})
	}
	t.Log(table.String())
}

func countMentions(t *testing.T, db *sql.DB, sourceID int64, driver string) (rows, distinct int) {
	t.Helper()
	q := "SELECT COUNT(*), COUNT(DISTINCT external_id) FROM mentions WHERE source_id = ?"
	if driver == "postgres" {
		q = strings.Replace(q, "?", "$1", 1)
	}
	if err := db.QueryRow(q, sourceID).Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	return rows, distinct
}

// checkClean asserts that no stored string of the source's mentions
// carries a NUL, invalid UTF-8 or a bidi control.
func checkClean(t *testing.T, db *sql.DB, sourceID int64, driver string) {
	t.Helper()
	q := "SELECT external_id, url, author, title, text, language, reply FROM mentions WHERE source_id = ?"
	if driver == "postgres" {
		q = strings.Replace(q, "?", "$1", 1)
	}
	rs, err := db.Query(q, sourceID)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	for rs.Next() {
		var f [7]string
		if err := rs.Scan(&f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6]); err != nil {
			t.Fatal(err)
		}
		for _, s := range f {
			if s != textclean.Store(s) || !utf8.ValidString(s) {
				t.Errorf("stored string %q is not clean", s)
			}
		}
	}
}

// TestFaultMatrixKills kills a real `earshot serve` with SIGKILL in the
// middle of each of its first requests to the hostile site (one kill per
// request position: mid gzip bomb, mid 17 MB page, mid NUL batch...),
// then runs `earshot scrape` to completion: every mention readable is
// stored exactly once.
//
//	go test -run TestFaultMatrixKills -v ./app/
func TestFaultMatrixKills(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a dozen processes")
	}
	h := newHostile(t)
	sink, err := smtpsink.Start("", "")
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	dir := t.TempDir()
	// One process on SQLite. On PostgreSQL a run killed mid-way keeps its
	// scheduled slot (replicas must not repeat it), so the restarted serve
	// would wait an interval for it; killing replicas mid-run is what
	// TestReplicasShareTheWork covers there.
	t.Setenv("EARSHOT_TEST_POSTGRES", "")
	cfg, driver := matrixConfig(t, dir, h.srv.URL, sink.Port(), matrixRows, "")
	cli := func(args ...string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], append([]string{"-config", cfg.File}, args...)...)
		cmd.Env = append(os.Environ(), "EARSHOT_TEST_AS_CLI=1")
		return cmd
	}
	// Every source makes at least one request per run, so each position
	// up to len(matrixRows) is reached.
	kills := len(matrixRows)
	var table strings.Builder
	fmt.Fprintf(&table, "\n| kill | db | request in flight when killed |\n|---|---|---|\n")
	for k := 1; k <= kills; k++ {
		var (
			mu      sync.Mutex
			n       int
			blocked = make(chan string, 1)
			release = make(chan struct{})
		)
		hook := func(r *http.Request) {
			if r.URL.Path == "/robots.txt" {
				return
			}
			mu.Lock()
			n++
			hit := n == k
			mu.Unlock()
			if hit {
				blocked <- r.URL.Path
				<-release
			}
		}
		h.onRequest.Store(&hook)
		cmd := cli("serve")
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = io.Discard, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var path string
		select {
		case path = <-blocked:
		case <-time.After(60 * time.Second):
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("kill %d: serve never made request %d; its stderr:\n%s", k, k, stderr.String())
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		close(release)
		h.onRequest.Store(nil)
		fmt.Fprintf(&table, "| %d | %s | %s |\n", k, driver, path)
	}
	if out, err := cli("scrape").CombinedOutput(); err == nil || !strings.Contains(string(out), "sources failed") {
		t.Logf("scrape output:\n%s", out)
	}
	a, err := app.New(context.Background(), cfg, app.Options{Clock: clockwork.NewRealClock()})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	db, _ := a.Store.DB()
	fmt.Fprintf(&table, "\nAfter %d kills and one `earshot scrape`:\n\n| input | stored | expected | lost | duplicated |\n|---|---|---|---|---|\n", kills)
	for i, src := range a.Sources() {
		row := matrixRows[i]
		rows, distinct := countMentions(t, db, src.ID, driver)
		lost, dup := row.minStored-distinct, rows-distinct
		if lost != 0 || dup != 0 {
			t.Errorf("%s: %d rows, %d distinct, want %d: %d lost, %d duplicated", row.input, rows, distinct, row.minStored, lost, dup)
		}
		fmt.Fprintf(&table, "| %s | %d | %d | %d | %d |\n", row.input, distinct, row.minStored, lost, dup)
	}
	t.Log(table.String())
}

// TestGzipBombProcessMemory runs `earshot scrape` (the dry run the issue's
// probe used) as a real process against both gzip bombs and measures its
// peak memory and time: refused as too large, in seconds, in well under
// the 4.8–5.9 GB the unbounded read took.
//
//	go test -run TestGzipBombProcessMemory -v ./app/
func TestGzipBombProcessMemory(t *testing.T) {
	h := newHostile(t)
	for _, tc := range []struct{ kind, path string }{{"rss", "/feed.xml.gz"}, {"jsonld", "/bomb"}} {
		t.Run(tc.path, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "scrape", "--kind", tc.kind, "--url", h.srv.URL+tc.path, "--timeout", "60s", "--delay", "1ms")
			cmd.Env = append(os.Environ(), "EARSHOT_TEST_AS_CLI=1", "EARSHOT_TEST_PEAK_RSS=1")
			start := time.Now()
			out, err := cmd.CombinedOutput()
			took := time.Since(start)
			if err == nil || !strings.Contains(string(out), "larger than 16 MB") {
				t.Fatalf("scrape: err %v, output:\n%s", err, out)
			}
			peak, ok := peakFrom(string(out))
			if !ok {
				t.Skip("the process could not read its peak memory (no /proc)")
			}
			t.Logf("%s: refused in %s, peak RSS %d MB", tc.path, took.Round(10*time.Millisecond), peak)
			if peak > 256 {
				t.Errorf("peak RSS %d MB reading a gzip bomb; want under 256 MB", peak)
			}
		})
	}
}

// reportPeakMemory prints the process's peak resident memory (VmHWM) to
// stderr when EARSHOT_TEST_PEAK_RSS is set. The child measures itself:
// the rusage a parent gets back counts the parent's own memory, which
// the child shared between fork and exec.
func reportPeakMemory() {
	if os.Getenv("EARSHOT_TEST_PEAK_RSS") == "" {
		return
	}
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			fmt.Fprintf(os.Stderr, "\npeak-rss-kb %s\n", strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(l, "VmHWM:"), "kB")))
		}
	}
}

// peakFrom reads reportPeakMemory's line, in MB.
func peakFrom(out string) (int64, bool) {
	i := strings.LastIndex(out, "peak-rss-kb ")
	if i < 0 {
		return 0, false
	}
	var kb int64
	if _, err := fmt.Sscan(out[i+len("peak-rss-kb "):], &kb); err != nil {
		return 0, false
	}
	return kb >> 10, true
}
