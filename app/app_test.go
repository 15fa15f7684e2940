package app_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/earshot/earshot/app"
	"github.com/earshot/earshot/cli"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/demo"
	"github.com/earshot/earshot/internal/smtpsink"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
	"github.com/jonboulle/clockwork"
)

// TestMain lets the test binary act as the earshot command, so the
// kill-and-restart test runs a real process without a separate build.
func TestMain(m *testing.M) {
	if os.Getenv("EARSHOT_TEST_AS_CLI") == "1" {
		code := cli.Run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
		reportPeakMemory()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

type env struct {
	dir  string
	site *demo.Site
	sink *smtpsink.Sink
	cfg  *config.Config
}

// newEnv starts the demo site and a mail sink and writes the demo config
// pointing at them.
func newEnv(t testing.TB, now func() time.Time) *env {
	t.Helper()
	e := &env{dir: t.TempDir()}
	var err error
	if e.site, err = demo.StartSite(now); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.site.Close() })
	if e.sink, err = smtpsink.Start("", ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.sink.Close() })
	yml := demo.ConfigYAML(e.dir, e.site.URL(""), e.sink.Port())
	if err := os.WriteFile(filepath.Join(e.dir, "earshot.yaml"), []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	if e.cfg, err = config.Parse([]byte(yml), filepath.Join(e.dir, "earshot.yaml"), nil); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) app(t testing.TB, clock clockwork.Clock) *app.App {
	t.Helper()
	a, err := app.New(context.Background(), e.cfg, app.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func TestRunOnceStoresAndIsIdempotent(t *testing.T) {
	e := newEnv(t, time.Now)
	a := e.app(t, clockwork.NewRealClock())
	ctx := context.Background()
	rep, err := a.RunOnce(ctx, app.ScrapeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	news := 0
	for _, r := range rep.Runs {
		if r.Err != nil {
			t.Fatalf("source %s failed: %v", r.Source.Name, r.Err)
		}
		news += r.Run.New
	}
	if news != 10 || rep.Analyze.Analyzed != 10 {
		t.Fatalf("first run: %d new, %d analyzed; want 10 and 10", news, rep.Analyze.Analyzed)
	}
	rep, err = a.RunOnce(ctx, app.ScrapeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Runs {
		if r.Run.New != 0 || r.Run.Updated != 0 {
			t.Errorf("second run of %s stored %d new, %d updated; want nothing", r.Source.Name, r.Run.New, r.Run.Updated)
		}
	}
	if rep.Analyze.Analyzed != 0 {
		t.Errorf("second run analyzed %d again", rep.Analyze.Analyzed)
	}
	// The review page's own average and count are kept per scrape, for
	// the digest and the dashboard.
	for _, src := range a.Sources() {
		if src.Name != "reviews" {
			continue
		}
		aggs, err := a.Store.AggregateRatings(ctx, src.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(aggs) != 2 || aggs[0].Rating == nil || *aggs[0].Rating != 2.9 || aggs[0].Count != 7 {
			t.Errorf("aggregate ratings of the review page = %+v, want 2.9 from 7 reviews, once per run", aggs)
		}
	}
}

func TestSchedulerRunsJobsOnInjectedClock(t *testing.T) {
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	e := newEnv(t, clock.Now)
	var hits atomic.Int64
	e.site.OnRequest(func(r *http.Request) {
		if r.URL.Path == "/reviews" {
			hits.Add(1)
		}
	})
	const job = "scrape:rosies-diner/reviews"
	finished := make(chan error, 16)
	a, err := app.New(context.Background(), e.cfg, app.Options{Clock: clock, AfterJob: func(name string, err error) {
		if name == job {
			finished <- err
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	s, err := a.NewScheduler()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, j := range s.Jobs() {
		names[j.Name()] = true
	}
	for _, want := range []string{job, "scrape:rosies-diner/social", app.JobAnalyze, app.JobDeadlines, app.JobDeliver} {
		if !names[want] {
			t.Errorf("no job named %q (have %v)", want, names)
		}
	}
	s.Start()
	defer s.Shutdown()
	wait := func(what string) {
		t.Helper()
		select {
		case err := <-finished:
			if err != nil {
				t.Fatalf("%s failed: %v", what, err)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("timed out waiting for %s", what)
		}
	}
	wait("the first scrape, at start")
	// Every job (two scrapes, analyze, deadlines, deliver) has armed its
	// next timer before the clock moves.
	if err := clock.BlockUntilContext(context.Background(), len(s.Jobs())); err != nil {
		t.Fatal(err)
	}
	if n := hits.Load(); n != 1 {
		t.Fatalf("%d scrapes before the interval elapsed, want 1", n)
	}
	clock.Advance(time.Minute)
	wait("the second scrape, one interval later")
	if n := hits.Load(); n != 2 {
		t.Errorf("%d scrapes after one interval, want 2", n)
	}
}

func TestServeHealthAndMetrics(t *testing.T) {
	e := newEnv(t, time.Now)
	a := e.app(t, clockwork.NewRealClock())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.ServeListener(ctx, ln) }()
	base := "http://" + ln.Addr().String()
	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/healthz"); code != 200 || strings.TrimSpace(body) != "ok" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	code, body := get("/metrics")
	for _, want := range []string{"earshot_tasks_open", "earshot_jobs_run_total", "earshot_mentions_stored_total"} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s (status %d)", want, code)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after shutdown", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not stop after cancel")
	}
}

func TestServeRefusesPortInUse(t *testing.T) {
	e := newEnv(t, time.Now)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	e.cfg.Server.Listen = busy.Addr().String()
	a := e.app(t, clockwork.NewRealClock())
	err = a.Serve(context.Background())
	if !errors.Is(err, app.ErrPortInUse) || !strings.Contains(err.Error(), "server.listen") {
		t.Fatalf("err = %v, want ErrPortInUse naming server.listen", err)
	}
}

func TestSecondServeOnSameSQLiteFileRefused(t *testing.T) {
	e := newEnv(t, time.Now)
	first := e.app(t, clockwork.NewRealClock())
	e.cfg.Server.Listen = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	started := make(chan struct{})
	e.site.OnRequest(func(*http.Request) {
		select {
		case <-started:
		default:
			close(started)
		}
	})
	go func() { done <- first.Serve(ctx) }()
	select {
	case <-started: // the first serve holds the lock and is scraping
	case err := <-done:
		t.Fatalf("first serve ended: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("first serve never scraped")
	}
	second := e.app(t, clockwork.NewRealClock())
	err := second.Serve(context.Background())
	if !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), fmt.Sprint(os.Getpid())) {
		t.Fatalf("second serve: err = %v, want ErrLocked naming pid %d", err, os.Getpid())
	}
	cancel()
	<-done
}

// TestKillDuringScrapeLosesNothing kills a real earshot process with
// SIGKILL while it is in the middle of a scrape, then runs it again: the
// mentions stored before are all there, the ones of the interrupted run
// arrive, and none is stored twice.
func TestKillDuringScrapeLosesNothing(t *testing.T) {
	e := newEnv(t, time.Now)
	cfgPath := filepath.Join(e.dir, "earshot.yaml")
	cliRun := func(args ...string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], append([]string{"-config", cfgPath}, args...)...)
		cmd.Env = append(os.Environ(), "EARSHOT_TEST_AS_CLI=1")
		return cmd
	}
	if out, err := cliRun("scrape").CombinedOutput(); err != nil {
		t.Fatalf("first scrape: %v\n%s", err, out)
	}
	// Two more reviews appear; the next scrape of the review page hangs
	// until the process is killed.
	e.site.AddReview(demo.Review{ID: "r-2001", Author: "Lee", Text: "Waited an hour, cold chips.", Rating: 1, Posted: time.Now()})
	e.site.AddReview(demo.Review{ID: "r-2002", Author: "Kim", Text: "Lovely staff.", Rating: 5, Posted: time.Now()})
	inFlight := make(chan struct{})
	release := make(chan struct{})
	e.site.OnRequest(func(r *http.Request) {
		if r.URL.Path == "/reviews" {
			close(inFlight)
			<-release
		}
	})
	cmd := cliRun("serve")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-inFlight:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("serve never requested the review page")
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	e.site.OnRequest(nil)
	close(release)

	if out, err := cliRun("scrape").CombinedOutput(); err != nil {
		t.Fatalf("scrape after the kill: %v\n%s", err, out)
	}
	st, err := store.Open(context.Background(), store.Options{Path: e.cfg.Database.Path})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	counts, err := st.MentionCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, c := range counts {
		got[c.Source] = c.Mentions
	}
	if got["reviews"] != 9 || got["social"] != 3 {
		t.Fatalf("after kill and restart: %v; want reviews 9 (7 + 2 new), social 3", got)
	}
}

// TestBrokenSourceAlertsOwnerOnce: a source that fails broken_after (3)
// runs in a row is reported to the owner once, with the reason; further
// failures of the same outage send nothing more.
func TestBrokenSourceAlertsOwnerOnce(t *testing.T) {
	e := newEnv(t, time.Now)
	yml := demo.ConfigYAML(e.dir, e.site.URL(""), e.sink.Port()) + `      - name: gone
        kind: jsonld
        url: ` + e.site.URL("/no-such-page") + `
        interval: 1m
`
	cfg, err := config.Parse([]byte(yml), "earshot.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	e.cfg = cfg
	a := e.app(t, clockwork.NewRealClock())
	ctx := context.Background()
	brokenMails := func() (n int, body string) {
		for _, m := range e.sink.Messages() {
			if strings.Contains(string(m.Data), "no-such-page") {
				n++
				body = string(m.Data)
			}
		}
		return n, body
	}
	for run := 1; run <= 4; run++ {
		rep, err := a.RunOnce(ctx, app.ScrapeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var gone app.RunReport
		for _, r := range rep.Runs {
			if r.Source.Name == "gone" {
				gone = r
			}
		}
		if gone.Err == nil || gone.Run.ErrorClass != "http" || gone.Source.ConsecutiveFailures != run {
			t.Fatalf("run %d: err %v, class %q, failures %d", run, gone.Err, gone.Run.ErrorClass, gone.Source.ConsecutiveFailures)
		}
		n, body := brokenMails()
		want := 0
		if run >= 3 {
			want = 1
		}
		if n != want {
			t.Fatalf("after failure %d: %d broken-source emails, want %d", run, n, want)
		}
		if n == 1 && !strings.Contains(body, "404") {
			t.Errorf("the broken-source email does not say why (404):\n%s", body)
		}
	}
}

// TestQuietSourceAlertsOwnerOnce: the review page brings a new review
// every day for a week, then nothing while every run still succeeds.
// Past four times its usual gap and a week, the owner hears once that the
// source is quiet, in words that say so (not "0 runs in a row failed"),
// with the command that shows what earshot reads there; a new review ends
// the quiet spell, and the next spell is told again.
func TestQuietSourceAlertsOwnerOnce(t *testing.T) {
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	e := newEnv(t, clock.Now)
	a := e.app(t, clock)
	ctx := context.Background()
	quietMails := func() (n int, subject, text string) {
		for _, m := range e.sink.Messages() {
			sub, body := mailText(t, m)
			if strings.Contains(sub, "quiet") || strings.Contains(sub, "is not working") {
				n++
				subject, text = sub, body
			}
		}
		return n, subject, text
	}
	reviews := func() models.Source {
		for _, s := range a.Sources() {
			if s.Name == "reviews" {
				src, err := a.Store.Source(ctx, s.ID)
				if err != nil {
					t.Fatal(err)
				}
				return src
			}
		}
		t.Fatal("no reviews source")
		return models.Source{}
	}
	run := func() {
		t.Helper()
		rep, err := a.RunOnce(ctx, app.ScrapeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rep.Runs {
			if r.Err != nil {
				t.Fatalf("%s: %v", r.Source.Name, r.Err)
			}
		}
	}
	run()
	for day := 1; day <= 6; day++ {
		clock.Advance(24 * time.Hour)
		e.site.AddReview(demo.Review{ID: fmt.Sprintf("r-30%02d", day), Author: fmt.Sprintf("Guest %d", day), Text: "Lovely pancakes and friendly staff.", Rating: 5, Posted: clock.Now()})
		run()
	}
	lastReview := clock.Now()
	src := reviews()
	for _, step := range []struct {
		days      int
		wantMails int
	}{{3, 0}, {4, 0}, {1, 1}, {2, 1}, {5, 1}} {
		clock.Advance(time.Duration(step.days) * 24 * time.Hour)
		run()
		n, subject, text := quietMails()
		if n != step.wantMails {
			t.Fatalf("%s: %d quiet-source emails, want %d\n%s", clock.Now().Format("Jan 2"), n, step.wantMails, text)
		}
		if n == 0 {
			continue
		}
		if !strings.Contains(subject, "source reviews ("+src.Kind+") has gone quiet") {
			t.Errorf("subject %q does not say the source is quiet", subject)
		}
		flat := strings.Join(strings.Fields(text), " ")
		for _, want := range []string{
			"No new mention from reviews (" + src.Kind + ")",
			// In the business's zone (the demo diner is in London).
			"since " + lastReview.In(london(t)).Format("Mon 2 Jan 2006 15:04 MST"),
			"usually one every 1 day.",
			"the listing may have moved or its layout changed",
			"`earshot scrape --kind " + src.Kind + " --url " + src.Target,
		} {
			if !strings.Contains(flat, want) {
				t.Errorf("the quiet-source email lacks %q:\n%s", want, text)
			}
		}
		for _, wrong := range []string{"runs in a row failed", "is not working"} {
			if strings.Contains(flat, wrong) || strings.Contains(subject, wrong) {
				t.Errorf("the quiet-source email says %q:\n%s\n%s", wrong, subject, text)
			}
		}
	}
	if src := reviews(); src.QuietSince == nil || src.QuietAlertedAt == nil {
		t.Fatalf("quiet state not on the source: %+v", src)
	}
	e.site.AddReview(demo.Review{ID: "r-3100", Author: "Back", Text: "Still great.", Rating: 5, Posted: clock.Now()})
	run()
	if src := reviews(); src.QuietSince != nil || src.QuietAlertedAt != nil {
		t.Fatalf("a new review did not end the quiet spell: %+v", src)
	}
	clock.Advance(8 * 24 * time.Hour)
	run()
	if n, _, text := quietMails(); n != 2 {
		t.Fatalf("a second quiet spell: %d quiet-source emails in all, want 2\n%s", n, text)
	}
}

func london(t *testing.T) *time.Location {
	t.Helper()
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	return l
}
