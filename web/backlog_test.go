package web_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/web"
)

// TestSourcesPageShowsOutboxBacklog puts notifications in the outbox that
// a failing channel could not deliver and checks the sources page an owner
// opens: per channel what waits, what fails and since when, what was
// given up on, the oldest waiting, a "channel down" warning past
// warn_after and the hint to `earshot outbox retry`; every string from the
// outbox (a channel name, a receiver's error) escaped.
func TestSourcesPageShowsOutboxBacklog(t *testing.T) {
	f := newFixture(t, "")
	ctx := context.Background()
	st := f.app.Store
	const evilChannel = `<script>alert("chan")</script>`
	const evilError = `550 <img src=x onerror=alert(1)>`
	enqueue := func(channel, key string, attempts int) int64 {
		n := models.Notification{Kind: models.NotificationKind("complaint"), Channel: channel, Recipient: "owner@example.com",
			Subject: "s", Body: "b", IdempotencyKey: key, Attempts: attempts, NextAttemptAt: time.Now().Add(time.Hour)}
		if ok, err := st.EnqueueNotification(ctx, &n); err != nil || !ok {
			t.Fatalf("enqueue %s: %v %v", key, ok, err)
		}
		return n.ID
	}
	failing := enqueue(evilChannel, "backlog-test-1", 2)
	if err := st.MarkNotificationRetry(ctx, failing, time.Now().Add(time.Hour), evilError); err != nil {
		t.Fatal(err)
	}
	gaveUp := enqueue(evilChannel, "backlog-test-2", 9)
	if err := st.MarkNotificationFailed(ctx, gaveUp, evilError); err != nil {
		t.Fatal(err)
	}
	enqueue("quiet-slack", "backlog-test-3", 0)

	// The page as served an hour later: the channel has been failing for
	// longer than warn_after (30m).
	clock := clockwork.NewFakeClockAt(time.Now().Add(time.Hour))
	h, err := web.New(web.Options{Store: st, Tasks: f.app.Tasks, Clock: clock, ChannelWarnAfter: 30 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	later := &fixture{app: f.app, srv: srv}
	owner := later.login(t, "olive", testPassword)

	page := func(t *testing.T) string {
		t.Helper()
		code, body := getWith(t, owner, srv.URL+"/sources")
		if code != 200 {
			t.Fatalf("/sources = %d", code)
		}
		i := strings.Index(body, "Notifications waiting")
		if i < 0 {
			t.Fatalf("/sources has no backlog section:\n%s", body)
		}
		return body[i:]
	}
	for _, tc := range []struct {
		name       string
		before     func(t *testing.T)
		want, dont []string
	}{
		{"a failing channel and a given-up notification", func(*testing.T) {},
			[]string{`&lt;script&gt;alert(&#34;chan&#34;)&lt;/script&gt;`, "&lt;img src=x onerror=alert(1)&gt;", "Channel down", "quiet-slack",
				"1 given up on", "earshot outbox retry", "earshot outbox list", "since "},
			[]string{evilChannel, "<img src=x", "Nothing waiting"}},
		{"after `earshot outbox retry`", func(t *testing.T) {
			if n, err := st.RetryFailedNotifications(ctx, nil, time.Now()); err != nil || n != 1 {
				t.Fatalf("retry: %d %v", n, err)
			}
		}, []string{"Channel down", "quiet-slack", "earshot outbox list"}, []string{"given up on", "earshot outbox retry"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.before(t)
			body := page(t)
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("backlog section lacks %q:\n%s", w, body)
				}
			}
			for _, d := range tc.dont {
				if strings.Contains(body, d) {
					t.Errorf("backlog section contains %q:\n%s", d, body)
				}
			}
			if n := strings.Count(body, "Channel down"); n != 1 {
				t.Errorf("%d channel-down warnings, want 1 (only the failing channel)", n)
			}
		})
	}
}
