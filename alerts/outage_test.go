package alerts

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/smtpsink"
	"github.com/earshot/earshot/models"
)

// slackRecorder is a Slack incoming-webhook stand-in that keeps what it
// was sent.
type slackRecorder struct {
	mu     sync.Mutex
	bodies []string
}

func (s *slackRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.bodies = append(s.bodies, string(b))
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func (s *slackRecorder) count(sub string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, b := range s.bodies {
		if strings.Contains(b, sub) {
			n++
		}
	}
	return n
}

// TestLongOutageNeverLosesAnAlert: the mail server is down for eight
// days. The alert keeps being retried (the old cap of 12 attempts, about
// 2.5 hours, gave up for good), the team's Slack hears once that email is
// failing, and again once when the alert is finally given up; `earshot
// outbox retry` then sends it when the server is back.
func TestLongOutageNeverLosesAnAlert(t *testing.T) {
	probe, err := smtpsink.Start("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	port := probe.Port()
	probe.Close()
	slack := &slackRecorder{}
	srv := httptest.NewServer(slack)
	defer srv.Close()
	f := newFixture(t, fixtureOpts{noStart: true, port: port,
		extra: "  - {name: team, type: slack, url_env: TEAM_SLACK}\n", env: map[string]string{"TEAM_SLACK": srv.URL}})
	f.process(complaint{id: "r1", author: "Dana", rating: rating(1), severity: 3, text: "Cold food."})
	alert := func() models.Notification {
		t.Helper()
		var mail []models.Notification
		for _, n := range f.notifications("alert") {
			if n.Channel != "team" { // the Slack copy goes through
				mail = append(mail, n)
			}
		}
		if len(mail) != 1 {
			t.Fatalf("%d email alerts queued, want 1", len(mail))
		}
		return mail[0]
	}
	// Three hours of outage: well past the old 12 attempts.
	for range 36 {
		f.deliver()
		f.clock.Advance(5 * time.Minute)
	}
	if n := alert(); n.State != models.NotificationPending || n.Attempts < 12 {
		t.Fatalf("after 3 hours: %s after %d attempts, want still pending past 12 attempts", n.State, n.Attempts)
	}
	if got := slack.count("failed since"); got != 1 {
		t.Fatalf("Slack heard %d times that email is failing, want once per outage", got)
	}
	// Eight days: given up, and said so on Slack.
	for range 8 * 24 * 2 {
		f.deliver()
		f.clock.Advance(30 * time.Minute)
	}
	if n := alert(); n.State != models.NotificationFailed {
		t.Fatalf("after 8 days: %s, want failed once give_up_after passed", n.State)
	}
	if got := slack.count("stopped trying"); got != 1 {
		t.Fatalf("Slack heard %d times that an alert was given up, want 1", got)
	}
	if got := slack.count("failed since"); got != 1 {
		t.Fatalf("Slack heard %d times that email is failing, want still once", got)
	}
	backlog, err := f.st.OutboxBacklog(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, b := range backlog {
		failed += b.Failed
	}
	if failed != 1 {
		t.Fatalf("backlog %+v, want the given-up alert counted as failed", backlog)
	}
	// The server is back; the operator resends what was given up.
	sink, err := smtpsink.Start("127.0.0.1:"+itoa(int64(port)), "")
	if err != nil {
		t.Skipf("port %d was taken meanwhile: %v", port, err)
	}
	defer sink.Close()
	n, err := f.st.RetryFailedNotifications(f.ctx, nil, f.clock.Now())
	if err != nil || n != 1 {
		t.Fatalf("retry requeued %d (%v), want 1", n, err)
	}
	f.deliver()
	if got := len(sink.Messages()); got != 1 {
		t.Fatalf("%d emails after the retry, want exactly 1", got)
	}
	if n := alert(); n.State != models.NotificationSent {
		t.Fatalf("after the retry: %s, want sent", n.State)
	}
}
