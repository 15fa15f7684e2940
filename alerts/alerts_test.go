package alerts

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

func TestComplaintOpensTaskAndOwnerGetsEmail(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	m := f.process(complaint{id: "r1", author: "Dana Scully", rating: rating(1), severity: 3,
		text: "Waited an hour and the food was cold.", issues: []string{"service/slow service", "food/cold food"}})
	task := f.task(m.ID)
	if task.State != models.TaskOpen || task.Kind != models.TaskApology || task.Assignee != "Sam" || task.Channel != ChannelReview {
		t.Errorf("task = %+v", task)
	}
	if want := time.Date(2026, 10, 30, 14, 0, 0, 0, time.UTC); !task.DueAt.Equal(want) {
		t.Errorf("due %s, want 24 business hours later %s", task.DueAt, want)
	}
	for _, want := range []string{"Hi Dana", "the slow service and the cold food", "get in touch"} {
		if !strings.Contains(task.Draft, want) {
			t.Errorf("draft lacks %q: %s", want, task.Draft)
		}
	}
	if task.Link != m.URL {
		t.Errorf("link %q, want %q", task.Link, m.URL)
	}
	f.clock.Advance(5 * time.Second)
	if n := f.deliver(); n != 1 {
		t.Fatalf("delivered %d, want 1", n)
	}
	mails := f.mails()
	if len(mails) != 1 || mails[0].To != "owner@example.com" {
		t.Fatalf("mails = %+v", mails)
	}
	for _, want := range []string{"Rosie's Diner", "1★ review", "Dana Scully", "the slow service"} {
		if !strings.Contains(mails[0].Subject, want) {
			t.Errorf("subject %q lacks %q", mails[0].Subject, want)
		}
	}
	raw := mails[0].Raw
	for _, want := range []string{"multipart/alternative", "text/plain", "text/html", "earshot tasks ack"} {
		if !strings.Contains(raw, want) {
			t.Errorf("message lacks %q", want)
		}
	}
	ns := f.notifications("alert")
	if len(ns) != 1 || ns[0].State != models.NotificationSent || ns[0].SentAt == nil || ns[0].MentionStoredAt == nil {
		t.Fatalf("notification = %+v", ns)
	}
	if got := ns[0].SentAt.Sub(*ns[0].MentionStoredAt); got != 5*time.Second {
		t.Errorf("mention-to-alert latency %s, want 5s", got)
	}
	if got := f.metric("earshot_notifications_sent_total"); got != 1 {
		t.Errorf("sent metric %v, want 1", got)
	}
	if got := f.metric("earshot_mention_to_alert_seconds"); got != 1 {
		t.Errorf("latency histogram has %v observations, want 1", got)
	}
	if got := f.metric("earshot_tasks_opened_total"); got != 1 {
		t.Errorf("tasks opened metric %v, want 1", got)
	}
	if n := f.deliver(); n != 0 || len(f.sink.Messages()) != 1 {
		t.Errorf("a second Deliver sent %d more", n)
	}
}

func TestSameMentionProcessedTwiceOpensOneTask(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	c := complaint{id: "r1", author: "Dana", rating: rating(2), severity: 2, text: "Rude staff.", issues: []string{"staff/rude staff"}}
	m := f.process(c)
	// The pipeline runs again on the same stored mention (a rerun, or a
	// second replica that lost the SaveAnalysis race but still calls in).
	for range 2 {
		a := c.analysis(m)
		if err := f.st.Tx(f.ctx, func(tx *store.Store) error { return f.al.OnAnalysis(f.ctx, tx, m, a) }); err != nil {
			t.Fatal(err)
		}
	}
	// And the scraper sees the same review again.
	if res, err := f.st.SaveMentions(f.ctx, f.src["trustpilot"], []models.Mention{c.mention()}); err != nil || res.New != 0 {
		t.Fatalf("resave: %+v %v", res, err)
	}
	if ts := f.tasks(); len(ts) != 1 {
		t.Fatalf("%d tasks, want 1", len(ts))
	}
	if ns := f.notifications("alert"); len(ns) != 1 {
		t.Fatalf("%d alerts queued, want 1", len(ns))
	}
	f.deliver()
	f.deliver()
	if n := len(f.sink.Messages()); n != 1 {
		t.Fatalf("%d emails, want 1", n)
	}
}

func TestNotAComplaintOpensNothing(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	f.process(complaint{id: "r1", author: "Pat", rating: rating(5), text: "Lovely!", notBad: true})
	if ts := f.tasks(); len(ts) != 0 {
		t.Fatalf("%d tasks for praise", len(ts))
	}
	if ns := f.notifications(""); len(ns) != 0 {
		t.Fatalf("%d notifications for praise", len(ns))
	}
}

func TestMalformedTemplateRejectedWithLine(t *testing.T) {
	cases := []struct {
		name, yaml, want string
	}{
		{"unclosed action", "alerts:\n  templates:\n    draft: \"Hi {{.Customer\"\n", "earshot.yaml:"},
		{"unknown field", "alerts:\n  templates:\n    social: \"Hi {{.Nmae}}\"\n", "Nmae"},
		{"unknown function", "alerts:\n  templates:\n    by_kind:\n      twitter: \"{{shout .Customer}}\"\n", "shout"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, fixtureOpts{})
			_, err := parseWith(f, c.yaml)
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "alerts.templates") {
				t.Errorf("error %q should name the key, its line and %q", err, c.want)
			}
			line := f.cfg.Line("alerts")
			_ = line
			if !strings.Contains(err.Error(), "earshot.yaml:") {
				t.Errorf("error %q has no file:line", err)
			}
		})
	}
}

// parseWith parses the fixture's config with extra YAML appended and
// builds an Alerter from it, returning the first error.
func parseWith(f *fixture, extra string) (*Alerter, error) {
	cfg, err := configWith(f, extra)
	if err != nil {
		return nil, err
	}
	return New(cfg, f.st, Options{Clock: f.clock})
}

func TestTemplateFieldErrorCaughtByNew(t *testing.T) {
	// A template that parses but names a missing field passes `config
	// check`'s syntax check; New runs it on a sample and refuses.
	f := newFixture(t, fixtureOpts{})
	cfg, err := configWith(f, "alerts:\n  templates:\n    draft: \"Hi {{.Customer}}, {{.Compensation}}\"\n")
	if err != nil {
		t.Fatalf("config should parse: %v", err)
	}
	_, err = New(cfg, f.st, Options{Clock: f.clock})
	if !errors.Is(err, ErrTemplate) || !strings.Contains(err.Error(), "earshot.yaml:") || !strings.Contains(err.Error(), "Compensation") {
		t.Fatalf("got %v", err)
	}
}

func TestSecondAlerterSharesMetrics(t *testing.T) {
	// `earshot serve` and a reload may build the Alerter twice on one
	// registry: the second shares the collectors instead of failing.
	f := newFixture(t, fixtureOpts{})
	second := f.newAlerter()
	f.al = second
	f.process(complaint{id: "r1", author: "Dana", rating: rating(1), severity: 3, text: "Cold."})
	f.deliver()
	if got := f.metric("earshot_notifications_sent_total"); got != 1 {
		t.Fatalf("sent metric %v through the second Alerter, want 1", got)
	}
}
