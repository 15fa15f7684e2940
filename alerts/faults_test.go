package alerts

import (
	"encoding/json"
	"fmt"
	"github.com/earshot/earshot/notify"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/smtpsink"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/notify/webhook"
	"github.com/earshot/earshot/store"
	"github.com/jonboulle/clockwork"
)

func TestSMTPServerDownThenBack(t *testing.T) {
	// Reserve a port, then leave it closed: the mail server is down.
	probe, err := smtpsink.Start("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	port := probe.Port()
	probe.Close()
	f := newFixture(t, fixtureOpts{noStart: true, port: port})
	f.process(complaint{id: "r1", author: "Dana", rating: rating(1), severity: 3, text: "Cold food.", issues: []string{"food/cold food"}})

	for i := range 3 {
		if n := f.deliver(); n != 0 {
			t.Fatalf("attempt %d: delivered %d with the server down", i+1, n)
		}
		n := f.notifications("alert")[0]
		if n.State != models.NotificationPending || n.Attempts != i+1 || n.LastError == "" {
			t.Fatalf("after attempt %d: %+v", i+1, n)
		}
		// Backoff: 15s, 30s, 60s. Nothing is retried early.
		wait := notify.Backoff(f.cfg.Alerts.Retry, i+1)
		f.clock.Advance(wait - time.Second)
		if n := f.deliver(); n != 0 {
			t.Fatalf("retried before the backoff of %s", wait)
		}
		f.clock.Advance(time.Second)
	}
	sink, err := smtpsink.Start(fmt.Sprintf("127.0.0.1:%d", port), "")
	if err != nil {
		t.Fatalf("restart SMTP server on port %d: %v", port, err)
	}
	defer sink.Close()
	f.sink = sink
	if n := f.deliver(); n != 1 {
		t.Fatalf("delivered %d once the server is back, want 1", n)
	}
	f.clock.Advance(time.Hour)
	f.deliver()
	if got := len(sink.Messages()); got != 1 {
		t.Fatalf("%d emails arrived, want exactly 1", got)
	}
	n := f.notifications("alert")[0]
	if n.State != models.NotificationSent || n.Attempts != 4 {
		t.Errorf("notification %+v", n)
	}
}

func TestRetriesGiveUpAfterMaxAttempts(t *testing.T) {
	probe, err := smtpsink.Start("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	port := probe.Port()
	probe.Close()
	f := newFixture(t, fixtureOpts{noStart: true, port: port, extra: "alerts:\n  retry: {max_attempts: 3, backoff: 1s}\n"})
	f.process(complaint{id: "r1", author: "Dana", rating: rating(1), severity: 3, text: "Cold food."})
	for range 5 {
		f.deliver()
		f.clock.Advance(time.Minute)
	}
	n := f.notifications("alert")[0]
	if n.State != models.NotificationFailed || n.Attempts != 3 || !strings.Contains(n.LastError, fmt.Sprint(port)) {
		t.Fatalf("notification %+v, want failed after 3 attempts with the server named", n)
	}
}

func TestWebhook500Then200(t *testing.T) {
	var mu sync.Mutex
	var calls []*http.Request
	var bodies [][]byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		calls = append(calls, r)
		bodies = append(bodies, body)
		first := len(calls) == 1
		mu.Unlock()
		if first {
			http.Error(w, "database on fire", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	f := newFixture(t, fixtureOpts{extra: `  - {name: crm, type: webhook, url_env: CRM_URL, secret_env: CRM_SECRET}
alerts:
  channels: [crm]
`, env: map[string]string{"CRM_URL": srv.URL + "/hook?token=s3cret", "CRM_SECRET": "k3y"}})
	f.process(complaint{id: "r1", author: "Dana", rating: rating(1), severity: 3, text: "Cold food.", issues: []string{"food/cold food"}})

	if n := f.deliver(); n != 0 {
		t.Fatalf("delivered %d on a 500", n)
	}
	n := f.notifications("alert")[0]
	if !strings.Contains(n.LastError, "HTTP 500") || strings.Contains(n.LastError, "s3cret") {
		t.Errorf("last error %q should say HTTP 500 and never the URL's token", n.LastError)
	}
	f.clock.Advance(notify.Backoff(f.cfg.Alerts.Retry, 1))
	if n := f.deliver(); n != 1 {
		t.Fatalf("delivered %d after the 200, want 1", n)
	}
	f.clock.Advance(time.Hour)
	f.deliver()
	if len(calls) != 2 {
		t.Fatalf("%d requests, want 2", len(calls))
	}
	if calls[0].Header.Get(webhook.IdempotencyHeader) == "" || calls[0].Header.Get(webhook.IdempotencyHeader) != calls[1].Header.Get(webhook.IdempotencyHeader) {
		t.Errorf("retry must carry the same Idempotency-Key")
	}
	ts := calls[1].Header.Get(webhook.TimestampHeader)
	if !webhook.Verify([]byte("k3y"), ts, bodies[1], calls[1].Header.Get(webhook.SignatureHeader)) {
		t.Errorf("signature does not verify")
	}
	if webhook.Verify([]byte("other"), ts, bodies[1], calls[1].Header.Get(webhook.SignatureHeader)) {
		t.Errorf("signature verifies with the wrong key")
	}
	var env webhook.Envelope
	if err := json.Unmarshal(bodies[1], &env); err != nil {
		t.Fatal(err)
	}
	var data alertData
	if err := json.Unmarshal(env.Data, &data); err != nil || data.Text != "Cold food." || data.Business != "rosies" || data.Severity != 3 {
		t.Errorf("payload data %+v (%v)", data, err)
	}
}

// crashHelperEnv makes the test binary play the earshot process that
// gets killed (see TestMain).
const crashHelperEnv = "EARSHOT_ALERTS_CRASH_HELPER"

// crashChild stores a complaint with its task and alert in the database
// in dir, then SIGKILLs its own process before any delivery.
func crashChild(dir string) {
	f := newFixture(childTB{dir: dir}, fixtureOpts{noSMTP: true, dbPath: filepath.Join(dir, "earshot.db"), clock: clockwork.NewFakeClockAt(start)})
	f.process(complaint{id: "r1", author: "Dana", rating: rating(1), severity: 3, text: "Cold food.", issues: []string{"food/cold food"}})
	syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {} // never reached
}

// childTB fails the child process loudly; the parent test sees the exit
// status instead of SIGKILL and fails.
type childTB struct{ dir string }

func (childTB) Helper()           {}
func (childTB) Fatal(args ...any) { fmt.Fprintln(os.Stderr, args...); os.Exit(3) }
func (childTB) Fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(3)
}
func (c childTB) TempDir() string { return c.dir }
func (childTB) Cleanup(func())    {}

func TestKilledBetweenTaskAndSend(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashHelperEnv+"="+dir)
	err := cmd.Run()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child should die of SIGKILL, got %v", err)
	}
	// Restart: a new process opens the same database and delivers.
	f := newFixture(t, fixtureOpts{dbPath: filepath.Join(dir, "earshot.db")})
	if ts := f.tasks(); len(ts) != 1 {
		t.Fatalf("%d tasks after the crash, want 1", len(ts))
	}
	if n := f.deliver(); n != 1 {
		t.Fatalf("delivered %d after restart, want 1", n)
	}
	// The pipeline reruns after the restart: still one task, one email.
	m, err := f.st.Mention(f.ctx, f.tasks()[0].MentionID)
	if err != nil {
		t.Fatal(err)
	}
	c := complaint{id: "r1", author: "Dana", rating: rating(1), severity: 3, text: "Cold food."}
	a := c.analysis(m)
	if err := f.st.Tx(f.ctx, func(tx *store.Store) error { return f.al.OnAnalysis(f.ctx, tx, m, a) }); err != nil {
		t.Fatal(err)
	}
	f.deliver()
	if ts := f.tasks(); len(ts) != 1 {
		t.Fatalf("%d tasks after rerun, want 1", len(ts))
	}
	if got := len(f.sink.Messages()); got != 1 {
		t.Fatalf("%d emails, want 1", got)
	}
}

func TestHostileReviewTextIsEscaped(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	author := "Eve\r\nBcc: victim@example.com\r\nX-Evil: 1"
	text := `<script>alert("x")</script><img src=x onerror=alert(1)> <!channel> [click](javascript:alert(1))`
	f.process(complaint{id: "r1", author: author, rating: rating(1), severity: 3, text: text, issues: []string{"food/cold <b>food</b>"}})
	f.deliver()
	mails := f.mails()
	if len(mails) != 1 {
		t.Fatalf("%d mails", len(mails))
	}
	m := f.sink.Messages()[0]
	if len(m.To) != 1 || m.To[0] != "owner@example.com" {
		t.Fatalf("envelope recipients %v: the author's name added a recipient", m.To)
	}
	h, err := m.Header()
	if err != nil {
		t.Fatal(err)
	}
	if h.Get("Bcc") != "" || h.Get("X-Evil") != "" {
		t.Fatalf("header injected: Bcc=%q X-Evil=%q", h.Get("Bcc"), h.Get("X-Evil"))
	}
	if !strings.Contains(mails[0].Subject, "Eve Bcc: victim@example.com X-Evil: 1") {
		t.Errorf("subject %q should keep the name flattened on one line", mails[0].Subject)
	}
	html := htmlPart(t, mails[0].Raw)
	for _, bad := range []string{"<script>", "<img", "<b>food"} {
		if strings.Contains(html, bad) {
			t.Errorf("HTML part contains %q unescaped", bad)
		}
	}
	if !strings.Contains(html, "&lt;script&gt;") {
		t.Errorf("HTML part should show the script tag as text")
	}
	task := f.tasks()[0]
	if strings.ContainsAny(task.Draft, "\r\n") && strings.Contains(task.Draft, "Bcc") {
		t.Errorf("draft carries the author's line breaks: %q", task.Draft)
	}
}

// htmlPart decodes the quoted-printable HTML part of a raw message.
func htmlPart(t *testing.T, raw string) string {
	t.Helper()
	i := strings.Index(raw, "Content-Type: text/html")
	if i < 0 {
		t.Fatalf("no HTML part")
	}
	part := raw[i:]
	if j := strings.Index(part, "\n--"); j > 0 {
		part = part[:j]
	}
	out, err := io.ReadAll(qpReader(part))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestSourceBrokenOncePerOutage(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	src := f.src["trustpilot"]
	for range 3 {
		fin := f.clock.Now()
		var err error
		src, err = f.st.RecordRun(f.ctx, models.SourceRun{SourceID: src.ID, StartedAt: fin, FinishedAt: &fin,
			ErrorClass: models.ErrorClassBlocked, Error: "HTTP 403 with a captcha page"}, "")
		if err != nil {
			t.Fatal(err)
		}
	}
	for range 2 { // the pipeline calls once per outage; be safe anyway
		if err := f.st.Tx(f.ctx, func(tx *store.Store) error { return f.al.OnSourceBroken(f.ctx, tx, src) }); err != nil {
			t.Fatal(err)
		}
	}
	f.deliver()
	mails := f.mails()
	if len(mails) != 1 {
		t.Fatalf("%d mails, want 1", len(mails))
	}
	body := mails[0].Raw
	for _, want := range []string{"trustpilot", "blocked", "3 runs in a row", "captcha", "What to do", "user_agent"} {
		if !strings.Contains(strings.ReplaceAll(body, "=\r\n", ""), want) && !strings.Contains(mails[0].Subject, want) {
			t.Errorf("source-broken mail lacks %q", want)
		}
	}
}

func TestDigestNotificationThroughOutbox(t *testing.T) {
	// The digest queues Kind "digest" on Channel "email" (a channel type,
	// not a configured name) with inline charts; Deliver sends it once.
	f := newFixture(t, fixtureOpts{})
	n := models.Notification{BusinessID: f.biz.ID, Kind: "digest", Channel: "email", Recipient: "owner@example.com",
		Subject: "Your week", Body: "Quiet week.", HTMLBody: `<img src="cid:chart">`,
		InlineImages:   []models.InlineImage{{ContentID: "chart", ContentType: "image/png", Data: []byte("\x89PNG\r\n\x1a\nfake")}},
		IdempotencyKey: "digest:rosies:2026-W44:owner@example.com"}
	for range 2 {
		m := n
		if _, err := f.st.EnqueueNotification(f.ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.deliver(); got != 1 {
		t.Fatalf("delivered %d, want 1", got)
	}
	f.deliver()
	mails := f.mails()
	if len(mails) != 1 || mails[0].To != "owner@example.com" || !strings.Contains(mails[0].Raw, "Content-Id: <chart>") {
		t.Fatalf("mails %+v", mails)
	}
	if f.metric("earshot_mention_to_alert_seconds") != 0 {
		t.Errorf("a digest is not an alert: no latency sample expected")
	}
}
