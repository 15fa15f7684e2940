package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/smtpsink"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/notify"
	"github.com/earshot/earshot/store"
)

// killCycle is one run of `earshot serve` that is killed: the first
// request of the cycle numbered at is held (and every request after it
// in the cycle), the test SIGKILLs the process, then each held request
// is answered, kept or dropped in turn, as a receiver that still
// delivers what it read (the duplicate window) or one that drops a half
// finished request (what must not be lost).
type killCycle struct {
	at       int64
	n        atomic.Int64
	held     chan string // the channel of the first held request
	release  chan struct{}
	keepNext atomic.Bool
}

// hold is called by every receiver for every request; it reports whether
// the receiver keeps it.
func (c *killCycle) hold(channel string) bool {
	if c == nil {
		return true
	}
	k := c.n.Add(1)
	if k < c.at {
		return true
	}
	if k == c.at {
		c.held <- channel
	}
	<-c.release
	for {
		keep := c.keepNext.Load()
		if c.keepNext.CompareAndSwap(keep, !keep) {
			return keep
		}
	}
}

// deliveryReceiver counts what a channel's receiver got: every copy of
// every alert (by the alert number in its text) and the stable key it
// came with (Message-ID, Idempotency-Key; Slack has none).
type deliveryReceiver struct {
	mu     sync.Mutex
	copies map[int]int
	keys   map[int]map[string]bool
}

func newReceiver() *deliveryReceiver {
	return &deliveryReceiver{copies: map[int]int{}, keys: map[int]map[string]bool{}}
}

var alertNumber = regexp.MustCompile(`delivery-kill alert #(\d+)\b`)

func (r *deliveryReceiver) add(text, key string) {
	m := alertNumber.FindStringSubmatch(text)
	if m == nil {
		return // something else earshot sent (an outage warning)
	}
	n, _ := strconv.Atoi(m[1])
	r.mu.Lock()
	defer r.mu.Unlock()
	r.copies[n]++
	if r.keys[n] == nil {
		r.keys[n] = map[string]bool{}
	}
	r.keys[n][key] = true
}

// tally is one channel's row: alerts delivered at least once, copies
// beyond one (raw), copies a receiver deduplicating by the stable key
// still shows (alerts that came with more than one key, or, with no key,
// the raw copies), and alerts never delivered.
func (r *deliveryReceiver) tally(want []int, keyed bool) (delivered, twiceRaw, dupAfterDedup, lost int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, n := range want {
		c := r.copies[n]
		if c == 0 {
			lost++
			continue
		}
		delivered++
		twiceRaw += c - 1
		if keyed {
			dupAfterDedup += len(r.keys[n]) - 1
		} else {
			dupAfterDedup += c - 1
		}
	}
	return
}

// TestDeliveryKillMatrix enqueues alerts for an email channel (a real
// SMTP server), a Slack channel and a webhook channel (loopback
// receivers), and runs `earshot serve` (the test binary as the command)
// that delivers them, SIGKILLing it while a receiver holds a request, 42
// times (EARSHOT_DELIVERY_KILLS for more), then lets one last serve
// finish. Per channel it counts delivered, delivered twice (raw),
// duplicates left after deduplicating by the stable key and lost. It
// asserts nothing is lost on any channel and no duplicate survives the
// key on email (Message-ID) and webhook (Idempotency-Key); Slack has no
// key, so its raw duplicates are its duplicates, at most one per request
// in flight at a kill. RELIABILITY.md quotes its table.
//
//	go test -run TestDeliveryKillMatrix -v ./app/
//	EARSHOT_DELIVERY_KILLS=100 go test -run TestDeliveryKillMatrix -v -timeout 30m ./app/
func TestDeliveryKillMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("starts dozens of processes")
	}
	t.Setenv("EARSHOT_TEST_POSTGRES", "") // SQLite: see TestFaultMatrixKills on scheduled slots
	kills := 42
	if v := os.Getenv("EARSHOT_DELIVERY_KILLS"); v != "" {
		var err error
		if kills, err = strconv.Atoi(v); err != nil || kills < 1 {
			t.Fatalf("EARSHOT_DELIVERY_KILLS=%q: want a positive number", v)
		}
	}
	perChannel := 50 + 5*kills // enough that every cycle has work left
	var cycle atomic.Pointer[killCycle]

	mail, slack, hook := newReceiver(), newReceiver(), newReceiver()
	sink, err := smtpsink.Start("", "")
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	sink.BeforeAccept = func(m smtpsink.Message) bool {
		keep := cycle.Load().hold("email")
		if keep {
			h, err := m.Header()
			if err == nil {
				mail.add(h.Get("Subject"), h.Get("Message-Id"))
			}
		}
		return keep
	}
	receiver := func(channel string, r *deliveryReceiver, key func(*http.Request, []byte) (text, key string)) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if req.URL.Path == "/feed.xml" {
				w.Header().Set("Content-Type", "application/rss+xml")
				io.WriteString(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>http://example.com/</link><description>d</description></channel></rss>`)
				return
			}
			if req.URL.Path == "/robots.txt" {
				http.NotFound(w, req)
				return
			}
			body, _ := io.ReadAll(req.Body)
			if !cycle.Load().hold(channel) {
				http.Error(w, "dropped by the test", http.StatusServiceUnavailable)
				return
			}
			text, k := key(req, body)
			r.add(text, k)
			w.WriteHeader(http.StatusOK)
		}))
	}
	slackSrv := receiver("slack", slack, func(_ *http.Request, b []byte) (string, string) {
		var p struct{ Text string }
		json.Unmarshal(b, &p)
		return p.Text, ""
	})
	defer slackSrv.Close()
	hookSrv := receiver("webhook", hook, func(req *http.Request, b []byte) (string, string) {
		var p struct{ Subject string }
		json.Unmarshal(b, &p)
		return p.Subject, req.Header.Get("Idempotency-Key")
	})
	defer hookSrv.Close()

	dir := t.TempDir()
	t.Setenv("EARSHOT_TEST_SLACK_URL", slackSrv.URL+"/slack")
	t.Setenv("EARSHOT_TEST_WEBHOOK_URL", hookSrv.URL+"/hook")
	yml := `database:
  path: ` + filepath.Join(dir, "earshot.db") + `
server:
  listen: 127.0.0.1:0
scraping:
  request_delay: 1ms
  timeout: 5s
schedule:
  deliver: 100ms
smtp:
  host: 127.0.0.1
  port: ` + fmt.Sprint(sink.Port()) + `
  tls: none
  from: "earshot <alerts@example.com>"
alerts:
  retry:
    lease: 1s
    backoff: 100ms
    max_backoff: 200ms
channels:
  - {name: owner-email, type: email, to: ["owner@example.com"]}
  - {name: team-slack, type: slack, url_env: EARSHOT_TEST_SLACK_URL}
  - {name: crm, type: webhook, url_env: EARSHOT_TEST_WEBHOOK_URL}
businesses:
  - name: deliveries
    domain: restaurant
    users:
      - {name: Olive, email: owner@example.com, role: owner}
    sources:
      - {name: feed, kind: rss, url: "` + slackSrv.URL + `/feed.xml", interval: 1h}
`
	cfgPath := filepath.Join(dir, "earshot.yaml")
	if err := os.WriteFile(cfgPath, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse([]byte(yml), cfgPath, os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{Driver: cfg.Database.Driver, Path: cfg.Database.Path})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	channels := []struct {
		name, label string
		r           *deliveryReceiver
		keyed       bool
		want        []int
	}{
		{"owner-email", "email (SMTP, Message-ID)", mail, true, nil},
		{"team-slack", "Slack (no key)", slack, false, nil},
		{"crm", "webhook (Idempotency-Key)", hook, true, nil},
	}
	// Round robin, so the outbox's order (due time, then id) alternates
	// the channels and the kills land on all three.
	num := 0
	for j := 0; j < perChannel; j++ {
		for i := range channels {
			num++
			text := fmt.Sprintf("delivery-kill alert #%d", num)
			n := models.Notification{Kind: notify.KindAlert, Channel: channels[i].name, Recipient: "owner@example.com",
				Subject: text, Body: text + "\n", IdempotencyKey: fmt.Sprintf("delivery-kill:%d", num)}
			if _, err := st.EnqueueNotification(ctx, &n); err != nil {
				t.Fatal(err)
			}
			channels[i].want = append(channels[i].want, num)
		}
	}

	serve := func() (*exec.Cmd, *strings.Builder) {
		cmd := exec.Command(os.Args[0], "-config", cfgPath, "serve")
		cmd.Env = append(os.Environ(), "EARSHOT_TEST_AS_CLI=1")
		var stderr strings.Builder
		cmd.Stdout, cmd.Stderr = io.Discard, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, &stderr
	}
	heldOn := map[string]int{}
	start := time.Now()
	for k := 1; k <= kills; k++ {
		c := &killCycle{at: int64(1 + (k*7)%5), held: make(chan string, 1), release: make(chan struct{})}
		c.keepNext.Store(k%2 == 1)
		cycle.Store(c)
		cmd, stderr := serve()
		select {
		case ch := <-c.held:
			heldOn[ch]++
		case <-time.After(60 * time.Second):
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("kill %d: serve never made request %d; its stderr:\n%s", k, c.at, stderr.String())
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		cycle.Store(nil)
		close(c.release)
	}
	killed := time.Since(start)

	// One last serve delivers what is left (after the dead processes'
	// leases run out).
	cmd, stderr := serve()
	deadline := time.Now().Add(90 * time.Second)
	for {
		pending, err := st.Notifications(ctx, store.NotificationFilter{State: models.NotificationPending})
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) == 0 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("%d notifications still pending after the last serve; its stderr:\n%s", len(pending), stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()

	var table strings.Builder
	fmt.Fprintf(&table, "\n%d kills (requests held at the kill: email %d, Slack %d, webhook %d), %d alerts, %s of kills\n\n",
		kills, heldOn["email"], heldOn["slack"], heldOn["webhook"], num, killed.Round(time.Second))
	fmt.Fprintf(&table, "| channel | alerts | delivered | delivered twice (raw) | duplicates after dedup by key | lost |\n|---|---|---|---|---|---|\n")
	for _, ch := range channels {
		delivered, twice, dup, lost := ch.r.tally(ch.want, ch.keyed)
		fmt.Fprintf(&table, "| %s | %d | %d | %d | %d | %d |\n", ch.label, len(ch.want), delivered, twice, dup, lost)
		if lost != 0 {
			t.Errorf("%s: %d of %d alerts lost", ch.label, lost, len(ch.want))
		}
		if ch.keyed && dup != 0 {
			t.Errorf("%s: %d duplicates survive deduplication by the stable key", ch.label, dup)
		}
		if !ch.keyed && dup > 4*kills {
			t.Errorf("%s: %d duplicates, more than the 4 requests in flight at each of %d kills", ch.label, dup, kills)
		}
	}
	failed, err := st.Notifications(ctx, store.NotificationFilter{State: models.NotificationFailed})
	if err != nil {
		t.Fatal(err)
	}
	if len(failed) != 0 {
		t.Errorf("%d notifications given up on", len(failed))
	}
	t.Log(table.String())
}
