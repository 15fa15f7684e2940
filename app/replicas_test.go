package app_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
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

	"github.com/earshot/earshot/internal/smtpsink"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

// The replica test's shape: 200 sources spread over 10 loopback sites
// (hosts), scraped every 3s by three `earshot serve` processes.
const (
	repHosts    = 10
	repPerHost  = 20
	repSources  = repHosts * repPerHost
	repInterval = 3 * time.Second
	repDelay    = 50 * time.Millisecond
	repRounds   = 3
)

// reviewSite serves one JSON-LD review page per source. Each round adds
// one review to every page; a third of them are complaints. It records
// when every page was requested, and which round each
// page last showed.
type reviewSite struct {
	round   atomic.Int64
	mu      sync.Mutex
	fetches map[string][]time.Time // page path -> request times
	shown   map[string]int64       // page path -> last round served
	servers []*httptest.Server
}

func isComplaint(src, round int) bool { return (src+round)%3 == 0 }

func newReviewSite(t *testing.T) *reviewSite {
	s := &reviewSite{fetches: map[string][]time.Time{}, shown: map[string]int64{}}
	s.round.Store(1)
	for range repHosts {
		srv := httptest.NewServer(http.HandlerFunc(s.serve))
		t.Cleanup(srv.Close)
		s.servers = append(s.servers, srv)
	}
	return s
}

func (s *reviewSite) pageURL(src int) string {
	return fmt.Sprintf("%s/p/%d", s.servers[src%repHosts].URL, src)
}

func (s *reviewSite) serve(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	var src int
	if _, err := fmt.Sscanf(r.URL.Path, "/p/%d", &src); err != nil {
		http.NotFound(w, r)
		return
	}
	round := s.round.Load()
	s.mu.Lock()
	s.fetches[r.URL.Path] = append(s.fetches[r.URL.Path], now)
	s.shown[r.URL.Path] = max(s.shown[r.URL.Path], round)
	s.mu.Unlock()
	base := "http://" + r.Host + r.URL.Path
	var reviews []string
	for k := 1; k <= int(round); k++ {
		body, stars, title := "Best pancakes in town! Friendly waitstaff and great coffee.", 5, "Lovely"
		if isComplaint(src, k) {
			body, stars, title = "We waited 45 minutes for our mains and the food arrived cold. Our waiter was rude when we asked about it. Never again.", 1, "Cold food and a long wait"
		}
		reviews = append(reviews, fmt.Sprintf(`{"@type":"Review","@id":"%[1]s#r-%[2]d","url":"%[1]s#r-%[2]d",
 "author":{"@type":"Person","name":"Guest %[3]d-%[2]d"},"datePublished":"%[4]s","name":"%[5]s",
 "reviewBody":"%[6]s (visit %[3]d-%[2]d)","reviewRating":{"@type":"Rating","ratingValue":"%[7]d","bestRating":"5"}}`,
			base, k, src, now.UTC().Format("2006-01-02"), title, body, stars))
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, `<!doctype html><html><head><title>Reviews %d</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Restaurant","name":"Place %d","review":[%s]}</script>
</head><body><h1>Reviews</h1></body></html>`, src, src, strings.Join(reviews, ","))
}

// pagesShowing counts the pages that have served round r or later.
func (s *reviewSite) pagesShowing(r int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, got := range s.shown {
		if got >= r {
			n++
		}
	}
	return n
}

func replicaConfig(site *reviewSite, smtpPort int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `database:
  driver: postgres
  dsn_env: EARSHOT_DATABASE_DSN
server:
  listen: 127.0.0.1:0
scraping:
  user_agent: "earshot-replica-test/1.0"
  request_delay: %s
  timeout: 5s
  max_retries: 0
  ignore_robots: true
  min_interval: 1s
schedule:
  analyze: 2s
  deadlines: 5s
  deliver: 1s
  lock_ttl: 3s
smtp:
  host: 127.0.0.1
  port: %d
  tls: none
  from: "earshot <alerts@example.com>"
alerts:
  max_per_recipient_per_hour: 100000
  burst: {threshold: 100000}
  retry: {lease: 4s, backoff: 1s}
channels:
  - name: owner-email
    type: email
    to: ["owner@example.com"]
businesses:
`, repDelay, smtpPort)
	for bz := 0; bz < repSources/10; bz++ {
		fmt.Fprintf(&b, "  - name: biz-%02d\n    domain: restaurant\n    sources:\n", bz)
		for i := 0; i < 10; i++ {
			src := bz*10 + i
			fmt.Fprintf(&b, "      - {name: s%03d, kind: jsonld, url: %q, interval: %s}\n", src, site.pageURL(src), repInterval)
		}
	}
	return b.String()
}

// buildEarshot compiles the command once for this test.
func buildEarshot(t *testing.T, ctx context.Context) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "earshot")
	cmd := exec.CommandContext(ctx, "go", "build", "-ldflags=-s -w", "-o", bin, "./cmd/earshot")
	cmd.Dir = testutil.RepoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

type replicaProc struct {
	name string
	addr string
	cmd  *exec.Cmd
	log  *os.File
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, once done
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func startReplica(t *testing.T, bin, cfgPath, dsn, name string) *replicaProc {
	t.Helper()
	r := &replicaProc{name: name, addr: freeAddr(t), done: make(chan struct{})}
	var err error
	if r.log, err = os.Create(filepath.Join(filepath.Dir(cfgPath), name+".log")); err != nil {
		t.Fatal(err)
	}
	r.cmd = exec.Command(bin, "serve", "-config", cfgPath, "-listen", r.addr)
	r.cmd.Env = append(os.Environ(), "EARSHOT_DATABASE_DSN="+dsn, "EARSHOT_REPLICA="+name)
	r.cmd.Stdout, r.cmd.Stderr = r.log, r.log
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.err = r.cmd.Wait(); close(r.done) }()
	t.Cleanup(func() {
		_ = r.cmd.Process.Kill()
		<-r.done
		r.log.Close()
		if t.Failed() {
			if b, err := os.ReadFile(r.log.Name()); err == nil {
				t.Logf("--- log of %s (last 16kB) ---\n%s", name, tail(b, 16384))
			}
		}
	})
	return r
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// get fetches a path of a replica's HTTP server.
func (r *replicaProc) get(ctx context.Context, path string) (int, string, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+r.addr+path, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// waitFor polls cond until it holds or ctx ends; what describes the
// condition in the failure message.
func waitFor(t *testing.T, ctx context.Context, what string, cond func() (bool, string)) {
	t.Helper()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, state := cond()
		if ok {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s (%s)", what, state)
		case <-tick.C:
		}
	}
}

// TestReplicasShareTheWork is issue 14's acceptance test: three real
// `earshot serve` processes on one PostgreSQL watch 200 sources on 10
// loopback sites every 3s. Over several intervals every page is fetched
// once per interval (never by two replicas for one run), no site is hit
// faster than request_delay by all replicas together, each complaint
// opens one task and sends one alert email, and after one replica is
// killed with SIGKILL mid-run the other two carry on without losing or
// doubling anything; they then drain cleanly on SIGTERM.
func TestReplicasShareTheWork(t *testing.T) {
	dsn := testutil.FreshPostgres(t)
	if testing.Short() {
		t.Skip("starts three processes for ~30s")
	}
	// Bounds: the build, the start (three processes loading the
	// analyzer at once, one migrating), then the run itself. On an idle
	// two-core machine the start takes a few seconds and the run about
	// 20s; the bounds leave room for a machine shared with other builds.
	bctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin := buildEarshot(t, bctx)
	site := newReviewSite(t)
	sink, err := smtpsink.Start("", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "earshot.yaml")
	if err := os.WriteFile(cfgPath, []byte(replicaConfig(site, sink.Port())), 0o644); err != nil {
		t.Fatal(err)
	}

	// Three replicas start at once on a database with no schema yet:
	// goose's session lock makes one of them migrate.
	start := time.Now()
	sctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	reps := []*replicaProc{
		startReplica(t, bin, cfgPath, dsn, "r1"),
		startReplica(t, bin, cfgPath, dsn, "r2"),
		startReplica(t, bin, cfgPath, dsn, "r3"),
	}
	for _, r := range reps {
		for {
			select {
			case <-r.done:
				t.Fatalf("%s exited while starting: %v", r.name, r.err)
			default:
			}
			if code, _, _ := r.get(sctx, "/readyz"); code == http.StatusOK {
				break
			}
			if sctx.Err() != nil {
				// Show where it is stuck: Go prints every goroutine's
				// stack on SIGQUIT (into the log printed below).
				_ = r.cmd.Process.Signal(syscall.SIGQUIT)
				<-r.done
				t.Fatalf("%s not ready within 90s of starting", r.name)
			}
			time.Sleep(100 * time.Millisecond) // polling, bounded by sctx
		}
	}
	t.Logf("three replicas ready in %s", time.Since(start).Round(time.Millisecond))
	readyAt := time.Now()
	// The run itself, once all three are up, is bounded to 150s (it takes about 20s on an idle two-core machine; the whole suite runs beside it in CI).
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()

	allShow := func(round int64) func() (bool, string) {
		return func() (bool, string) {
			n := site.pagesShowing(round)
			return n == repSources, fmt.Sprintf("%d of %d pages fetched at round %d", n, repSources, round)
		}
	}
	waitFor(t, ctx, "round 1 read from every page", allShow(1))
	site.round.Store(2)
	// Kill r3 mid-run: while the round-2 scrapes are under way.
	waitFor(t, ctx, "round 2 under way", func() (bool, string) {
		n := site.pagesShowing(2)
		return n >= repSources/4, fmt.Sprint(n, " pages at round 2")
	})
	if err := reps[2].cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-reps[2].done
	killedAt := time.Now()
	waitFor(t, ctx, "round 2 read from every page after the kill", allShow(2))
	site.round.Store(3)
	waitFor(t, ctx, "round 3 read from every page", allShow(3))
	t.Logf("round 3 read %s after the kill", time.Since(killedAt).Round(time.Millisecond))

	// Every complaint of every round has its task and its alert.
	wantComplaints := map[string]bool{}
	for src := 0; src < repSources; src++ {
		for k := 1; k <= repRounds; k++ {
			if isComplaint(src, k) {
				// A site id that is a URL on the page's own host is stored as
				// its path, so a moved host or port keeps the same id.
				wantComplaints[fmt.Sprintf("/p/%d#r-%d", src, k)] = true
			}
		}
	}
	st, err := store.Open(ctx, store.Options{Driver: "postgres", DSN: dsn, NoMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	waitFor(t, ctx, "every complaint's alert delivered", func() (bool, string) {
		ns, err := st.Notifications(ctx, store.NotificationFilter{Kind: "alert"})
		if err != nil {
			return false, err.Error()
		}
		sent := 0
		for _, n := range ns {
			if n.State == models.NotificationSent {
				sent++
			}
		}
		detail := ""
		if sent < len(wantComplaints) {
			withAlert := map[int64]bool{}
			for _, n := range ns {
				if n.TaskID != nil {
					withAlert[*n.TaskID] = true
				}
			}
			ts, _ := st.Tasks(ctx, store.TaskFilter{})
			for _, tk := range ts {
				if !withAlert[tk.ID] {
					detail += fmt.Sprintf("; task %d (%s, %s, mention %d) has no alert", tk.ID, tk.Kind, tk.State, tk.MentionID)
				}
			}
			detail += fmt.Sprintf("; %d tasks", len(ts))
		}
		return sent >= len(wantComplaints), fmt.Sprintf("%d alerts sent of %d complaints (%d queued)%s", sent, len(wantComplaints), len(ns), detail)
	})

	// Stop the survivors with SIGTERM: they drain and exit 0.
	stopAt := time.Now()
	for _, r := range reps[:2] {
		code, body, _ := r.get(ctx, "/metrics")
		if code != http.StatusOK {
			t.Fatalf("%s /metrics: %d", r.name, code)
		}
		if n := metricValue(body, `earshot_jobs_run_total{job="scrape",replica="`+r.name+`"}`); n == 0 {
			t.Errorf("%s ran no scrape job: the work was not spread (metrics:\n%s)", r.name, grepLines(body, "earshot_jobs_run_total"))
		}
		if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range reps[:2] {
		select {
		case <-r.done:
			if r.err != nil {
				t.Errorf("%s did not exit cleanly on SIGTERM: %v", r.name, r.err)
			}
		case <-ctx.Done():
			t.Fatalf("%s did not stop within the test's deadline after SIGTERM", r.name)
		}
	}

	// Tasks: exactly one per complaint, none for praise.
	tasks, err := st.Tasks(ctx, store.TaskFilter{})
	if err != nil {
		t.Fatal(err)
	}
	perMention := map[int64]int{}
	for _, tk := range tasks {
		perMention[tk.MentionID]++
	}
	db, err := st.DB()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.QueryContext(ctx, "SELECT id, external_id FROM mentions")
	if err != nil {
		t.Fatal(err)
	}
	stored := 0
	for rows.Next() {
		var id int64
		var ext string
		if err := rows.Scan(&id, &ext); err != nil {
			t.Fatal(err)
		}
		stored++
		n := perMention[id]
		if wantComplaints[ext] && n != 1 {
			t.Errorf("complaint %s has %d tasks, want 1", ext, n)
		}
		if !wantComplaints[ext] && n != 0 {
			t.Errorf("praise %s has %d tasks, want 0", ext, n)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if stored != repSources*repRounds {
		t.Errorf("%d mentions stored, want %d (one per review)", stored, repSources*repRounds)
	}

	// Alerts: one notification per complaint task, and the mail server
	// got each exactly once. SIGKILL can strike between the mail server
	// accepting a message and the outbox recording it; that message is
	// sent again with the same Message-ID. At most one such in-flight
	// message is allowed, and only from the killed replica's lease.
	ns, err := st.Notifications(ctx, store.NotificationFilter{Kind: "alert"})
	if err != nil {
		t.Fatal(err)
	}
	perTask := map[int64]int{}
	keys := map[string]bool{}
	for _, n := range ns {
		if n.TaskID != nil {
			perTask[*n.TaskID]++
		}
		// Receivers see the notification's own key (Message-ID,
		// X-Earshot-Idempotency-Key), not the outbox's dedup key.
		keys[n.ReceiverKey()] = true
		if n.State != models.NotificationSent {
			t.Errorf("alert %s is %s (%s)", n.IdempotencyKey, n.State, n.LastError)
		}
	}
	for _, tk := range tasks {
		if perTask[tk.ID] != 1 {
			t.Errorf("task %d has %d alerts, want 1", tk.ID, perTask[tk.ID])
		}
	}
	got := map[string]int{}
	for _, m := range sink.Messages() {
		h, err := m.Header()
		if err != nil {
			t.Fatal(err)
		}
		got[h.Get("X-Earshot-Idempotency-Key")]++
	}
	doubled := 0
	for k := range keys {
		switch n := got[k]; {
		case n == 0:
			t.Errorf("alert %s never reached the mail server", k)
		case n == 2:
			doubled++
		case n > 2:
			t.Errorf("alert %s reached the mail server %d times", k, n)
		}
	}
	if doubled > 1 {
		t.Errorf("%d alerts reached the mail server twice; only the one in flight when r3 died may", doubled)
	}

	// Scheduling: every page was fetched once per interval. Each run is
	// one grid slot of its job, run by one replica; how long a run takes
	// to reach the site varies (database and host queues), so the check
	// counts fetches in the window rather than timing each: at most one
	// per interval (plus one for a run straddling each end), where three
	// replicas each running every job would fetch three times as often;
	// and at least half the slots overall, the killed replica's jobs
	// included, since the others took them over.
	site.mu.Lock()
	defer site.mu.Unlock()
	window := stopAt.Sub(readyAt)
	slots := int(window / repInterval)
	total := 0
	for path, at := range site.fetches {
		n := 0
		for _, f := range at {
			if !f.Before(readyAt) && f.Before(stopAt) {
				n++
			}
		}
		total += n
		if n > slots+2 {
			t.Errorf("%s fetched %d times in %s: more than once per %s", path, n, window.Round(time.Millisecond), repInterval)
		}
	}
	if min := repSources * slots / 2; total < min {
		t.Errorf("%d fetches of %d pages in %s (%d intervals), want at least %d: work stopped", total, repSources, window.Round(time.Millisecond), slots, min)
	}
	t.Logf("%d fetches of %d pages in %s (%.2f per page and interval)", total, repSources, window.Round(time.Millisecond), float64(total)/(float64(repSources)*window.Seconds()/repInterval.Seconds()))
	t.Logf("%d pages, %d alerts, %d doubled by the kill; whole run %s", len(site.fetches), len(keys), doubled, time.Since(start).Round(time.Millisecond))
}

// metricValue reads one sample of the Prometheus text format.
func metricValue(body, series string) float64 {
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), series+" "); ok {
			var v float64
			fmt.Sscan(rest, &v)
			return v
		}
	}
	return 0
}

func grepLines(body, prefix string) string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
