package alerts

import (
	"errors"
	"fmt"
	"github.com/earshot/earshot/tasks"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
	"github.com/jonboulle/clockwork"
)

// recipientsOf lists who got mail of a kind, in order.
func (f *fixture) recipientsOf(kind string) []string {
	var out []string
	for _, n := range f.notifications(kind) {
		out = append(out, n.Recipient)
	}
	return out
}

func TestEscalationReachesAssigneeManagerOwnerOnce(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	// A social complaint: one hour to answer.
	m := f.process(complaint{source: "mastodon", id: "109", author: "@dana@example.social", severity: 2, text: "Cold coffee again @rosies"})
	task := f.task(m.ID)
	if want := start.Add(time.Hour); !task.DueAt.Equal(want) {
		t.Fatalf("due %s, want %s", task.DueAt, want)
	}
	steps := []struct {
		advance time.Duration
		want    []string
	}{
		{29 * time.Minute, nil},
		{time.Minute, []string{"sam@example.com"}},                                              // 50%
		{14 * time.Minute, []string{"sam@example.com"}},                                         // 74%
		{time.Minute, []string{"sam@example.com", "max@example.com"}},                           // 75%
		{15 * time.Minute, []string{"sam@example.com", "max@example.com", "owner@example.com"}}, // 100%
		{3 * time.Hour, []string{"sam@example.com", "max@example.com", "owner@example.com"}},    // never twice
	}
	elapsed := time.Duration(0)
	for _, s := range steps {
		f.clock.Advance(s.advance)
		elapsed += s.advance
		f.checkDeadlines()
		f.checkDeadlines()
		if got := f.recipientsOf("reminder"); strings.Join(got, ",") != strings.Join(s.want, ",") {
			t.Fatalf("after %s: reminders to %v, want %v", elapsed, got, s.want)
		}
	}
	f.deliver()
	toOwner := 0
	for _, m := range f.mails() {
		if m.To == "owner@example.com" && strings.Contains(m.Subject, "Overdue") {
			toOwner++
		}
	}
	if toOwner != 1 {
		t.Errorf("%d overdue mails to the owner, want 1", toOwner)
	}
	ev, _ := f.st.TaskEvents(f.ctx, task.ID)
	if n := countEvents(ev, "escalated"); n != 3 {
		t.Errorf("%d escalation events, want 3", n)
	}
}

func countEvents(ev []models.TaskEvent, action string) int {
	n := 0
	for _, e := range ev {
		if e.Action == action {
			n++
		}
	}
	return n
}

func TestClockJumpPastSeveralStepsSendsOnlyTheLast(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	f.process(complaint{source: "mastodon", id: "109", author: "@dana", severity: 2, text: "Cold coffee"})
	f.clock.Advance(2 * time.Hour) // the machine slept
	f.checkDeadlines()
	if got := f.recipientsOf("reminder"); len(got) != 1 || got[0] != "owner@example.com" {
		t.Fatalf("reminders %v, want only the owner's", got)
	}
}

func TestEscalationAcrossDaylightSavingChange(t *testing.T) {
	// New York goes back from EDT to EST at 02:00 on Sunday 1 November
	// 2026. A severity-5 complaint at 01:50 EDT is due 30 real minutes
	// later, which the wall clock shows as 01:20 EST.
	ny, _ := time.LoadLocation("America/New_York")
	opened := time.Date(2026, 11, 1, 1, 50, 0, 0, ny) // first 01:50 (EDT)
	clock := clockwork.NewFakeClockAt(opened)
	f := newFixture(t, fixtureOpts{clock: clock})
	m := f.process(complaint{id: "r9", author: "Kim", rating: rating(1), severity: 5, text: "Found glass in my salad.", issues: []string{"food/glass"}})
	task := f.task(m.ID)
	due := task.DueAt.In(ny)
	if due.Format("15:04 MST") != "01:20 EST" || task.DueAt.Sub(opened) != 30*time.Minute {
		t.Fatalf("due %s, want 01:20 EST, 30 minutes after opening", due)
	}
	clock.Advance(15 * time.Minute) // 02:05 EDT would not exist: it is 01:05 EST
	f.checkDeadlines()
	clock.Advance(8 * time.Minute)
	f.checkDeadlines()
	clock.Advance(6 * time.Minute) // 01:19 EST
	f.checkDeadlines()
	if got := f.recipientsOf("reminder"); strings.Join(got, ",") != "sam@example.com,max@example.com" {
		t.Fatalf("before the deadline: reminders %v", got)
	}
	clock.Advance(time.Minute)
	f.checkDeadlines()
	if got := f.recipientsOf("reminder"); len(got) != 3 || got[2] != "owner@example.com" {
		t.Fatalf("at the deadline: reminders %v, want the owner's third", got)
	}
	views, err := f.svc.List(f.ctx, clock.Now().Add(time.Hour), tasks.ListOptions{Overdue: true})
	if err != nil || len(views) != 1 || views[0].Remaining != "overdue by 1 hour" {
		t.Fatalf("overdue list %+v %v", views, err)
	}
}

func TestReplyFollowUpResolve(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	m := f.process(complaint{id: "r1", author: "Dana", rating: rating(2), severity: 3, text: "Rude waiter.", issues: []string{"staff/rude waiter"}})
	task := f.task(m.ID)

	if _, err := f.svc.Ack(f.ctx, task.ID, "Sam"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Ack(f.ctx, task.ID, "Sam"); !errors.Is(err, tasks.ErrBadTransition) {
		t.Fatalf("second ack: %v, want ErrBadTransition", err)
	}
	f.clock.Advance(2 * time.Hour)
	got, err := f.svc.Reply(f.ctx, task.ID, tasks.ReplyOptions{Actor: "Sam", Text: "Sorry Dana, we have spoken to the team."})
	if err != nil {
		t.Fatal(err)
	}
	if got.State != models.TaskReplied || got.RepliedAt == nil || got.FollowUpAt == nil || !got.FollowUpAt.Equal(f.clock.Now().Add(72*time.Hour)) {
		t.Fatalf("after reply: %+v", got)
	}
	// The reply deadline is kept for the digest's "answered in time".
	if task.DueAt.IsZero() || !got.DueAt.Equal(task.DueAt) {
		t.Fatalf("reply deadline %v after reply, want the original %v", got.DueAt, task.DueAt)
	}
	f.clock.Advance(72*time.Hour - time.Minute)
	f.checkDeadlines()
	if got, _ := f.st.Task(f.ctx, task.ID); got.State != models.TaskReplied {
		t.Fatalf("follow-up came early: %s", got.State)
	}
	if n := len(f.notifications("reminder")); n != 0 {
		t.Fatalf("%d reminders for an answered task", n)
	}
	f.clock.Advance(time.Minute)
	f.checkDeadlines()
	f.checkDeadlines()
	if got, _ := f.st.Task(f.ctx, task.ID); got.State != models.TaskFollowUpDue {
		t.Fatalf("state %s, want follow_up_due", got.State)
	}
	if got := f.recipientsOf("follow_up"); len(got) != 1 || got[0] != "sam@example.com" {
		t.Fatalf("follow-up reminders %v", got)
	}
	if _, err := f.svc.Resolve(f.ctx, task.ID, "Sam", "customer confirmed"); err != nil {
		t.Fatal(err)
	}
	d, err := f.svc.Show(f.ctx, f.clock.Now(), task.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range d.Events {
		actions = append(actions, e.Actor+":"+e.Action)
	}
	if want := "earshot:opened,Sam:ack,Sam:replied,earshot:follow_up_due,Sam:resolve"; strings.Join(actions, ",") != want {
		t.Errorf("history %v, want %s", actions, want)
	}
	if _, err := f.svc.Resolve(f.ctx, task.ID, "Sam", ""); !errors.Is(err, tasks.ErrBadTransition) {
		t.Errorf("resolving twice: %v", err)
	}
}

func TestReplySpottedByScraperMarksTaskReplied(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	c := complaint{id: "r1", author: "Dana", rating: rating(1), severity: 3, text: "Cold food."}
	m := f.process(c)
	scraped := c.mention()
	scraped.Reply = "So sorry Dana — Rosie"
	res, err := f.st.SaveMentions(f.ctx, f.src["trustpilot"], []models.Mention{scraped})
	if err != nil || len(res.Replied) != 1 {
		t.Fatalf("save: %+v %v", res, err)
	}
	if err := f.st.Tx(f.ctx, func(tx *store.Store) error { return f.al.OnReplies(f.ctx, tx, res.Replied) }); err != nil {
		t.Fatal(err)
	}
	task := f.task(m.ID)
	if task.State != models.TaskReplied || task.ReplyText != "So sorry Dana — Rosie" {
		t.Fatalf("task %+v", task)
	}
	f.clock.Advance(2 * time.Hour)
	f.checkDeadlines()
	if n := len(f.notifications("reminder")); n != 0 {
		t.Errorf("%d reminders after the reply", n)
	}
}

func TestTaskReopens(t *testing.T) {
	cases := []struct {
		name       string
		second     complaint
		wantReopen bool
	}{
		{"review edited to a lower rating", complaint{id: "r1", author: "Dana", rating: rating(1), severity: 3, text: "Update: still cold, worse."}, true},
		{"review edited to a higher rating", complaint{id: "r1", author: "Dana", rating: rating(4), severity: 1, text: "Update: they fixed it."}, false},
		{"same author complains again", complaint{id: "r2", author: "Dana", rating: rating(2), severity: 3, text: "Came back, cold again."}, true},
		{"another author complains", complaint{id: "r3", author: "Lee", rating: rating(2), severity: 3, text: "Cold food."}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, fixtureOpts{})
			m := f.process(complaint{id: "r1", author: "Dana", rating: rating(3), severity: 2, text: "Food was a bit cold.", issues: []string{"food/cold food"}})
			task := f.task(m.ID)
			if _, err := f.svc.Reply(f.ctx, task.ID, tasks.ReplyOptions{Actor: "Sam"}); err != nil {
				t.Fatal(err)
			}
			f.clock.Advance(24 * time.Hour)
			m2 := f.process(c.second)
			got, _ := f.st.Task(f.ctx, task.ID)
			reopened := got.State == models.TaskOpen
			if reopened != c.wantReopen {
				t.Fatalf("task state %s, reopen=%v, want %v", got.State, reopened, c.wantReopen)
			}
			if reopened {
				if got.MentionID != m2.ID || !got.OpenedAt.Equal(f.clock.Now()) || got.Escalation != 0 || !got.DueAt.After(f.clock.Now()) {
					t.Errorf("reopened task %+v should point at mention %d with a fresh deadline", got, m2.ID)
				}
				if n := len(f.notifications("reopened")); n != 1 {
					t.Errorf("%d reopen alerts, want 1", n)
				}
				if n := len(f.tasks()); n != 1 {
					t.Errorf("%d tasks, want the one reopened", n)
				}
				// Processing the same mention again does not reopen twice.
				f.analyse(m2, c.second)
				if n := len(f.notifications("reopened")); n != 1 {
					t.Errorf("%d reopen alerts after a rerun, want 1", n)
				}
			}
		})
	}
}

func TestRepeatBeforeAnswer(t *testing.T) {
	cases := []struct {
		name       string
		severity   int
		wantAlerts int
		wantRaised bool
	}{
		{"same or milder: folded into the open task, no new alert", 2, 1, false},
		{"more severe: severity raised, deadline pulled in, alerted again", 5, 2, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, fixtureOpts{})
			m := f.process(complaint{source: "x", id: "1", author: "@lee", severity: 2, text: "Cold food @rosies"})
			before := f.task(m.ID)
			f.clock.Advance(10 * time.Minute)
			f.process(complaint{source: "x", id: "2", author: "@lee", severity: c.severity, text: "Still cold. Calling my lawyer."})
			if n := len(f.tasks()); n != 1 {
				t.Fatalf("%d tasks, want 1", n)
			}
			after, _ := f.st.Task(f.ctx, before.ID)
			if n := len(f.notifications("alert")); n != c.wantAlerts {
				t.Errorf("%d alerts, want %d", n, c.wantAlerts)
			}
			raised := after.Severity == c.severity && after.DueAt.Before(before.DueAt)
			if raised != c.wantRaised {
				t.Errorf("task severity %d due %s (was %d due %s)", after.Severity, after.DueAt, before.Severity, before.DueAt)
			}
		})
	}
}

func TestBurstBecomesOneIncident(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	var ids []int64
	for i, who := range []string{"Ann", "Ben", "Cat", "Dan", "Eve"} {
		m := f.process(complaint{id: "s" + who, author: who, rating: rating(2), severity: 3,
			text: "Service was so slow.", issues: []string{"service/slow service"}})
		ids = append(ids, f.task(m.ID).ID)
		f.clock.Advance(10 * time.Minute)
		if i == 0 {
			f.deliver() // the first alert goes out at once
		}
	}
	f.deliver()
	mails := f.mails()
	if len(mails) != 2 {
		var subj []string
		for _, m := range mails {
			subj = append(subj, m.Subject)
		}
		t.Fatalf("%d mails, want Ann's alert (sent at once) then 1 incident: %q", len(mails), subj)
	}
	var inc mailSeen
	for _, m := range mails {
		if strings.Contains(m.Subject, "incident") {
			inc = m
		}
	}
	if !strings.Contains(inc.Subject, "5 complaints about slow service") {
		t.Fatalf("no incident mail for 5 complaints among %d mails (got %q)", len(mails), inc.Subject)
	}
	body := htmlPart(t, inc.Raw)
	for _, id := range ids {
		if !strings.Contains(body, "Task "+itoa(id)) {
			t.Errorf("incident mail does not list task %d", id)
		}
	}
	for _, task := range f.tasks() {
		if task.IncidentID == nil || *task.IncidentID != ids[0] {
			t.Errorf("task %d incident %v, want %d", task.ID, task.IncidentID, ids[0])
		}
	}
	// After the window, the same issue starts afresh.
	f.clock.Advance(2 * time.Hour)
	f.process(complaint{id: "sFay", author: "Fay", rating: rating(2), severity: 3, text: "Slow.", issues: []string{"service/slow service"}})
	f.deliver()
	if n := len(f.mails()); n != 3 || !strings.Contains(f.mails()[2].Subject, "Fay") {
		t.Errorf("after the window: %d mails, want a plain alert about Fay", n)
	}
}

func TestBurstInOneScrapeIsOneEmail(t *testing.T) {
	// The threshold is 3: 5 complaints are one round, 10 cross three
	// rounds while the first incident alert still waits in the outbox.
	for _, who := range [][]string{
		{"Ann", "Ben", "Cat", "Dan", "Eve"},
		{"Ann", "Ben", "Cat", "Dan", "Eve", "Fay", "Gus", "Hal", "Ivy", "Jon"},
	} {
		t.Run(fmt.Sprintf("%d complaints", len(who)), func(t *testing.T) {
			f := newFixture(t, fixtureOpts{})
			for _, w := range who {
				f.process(complaint{id: "s" + w, author: w, rating: rating(2), severity: 3,
					text: "Service was so slow.", issues: []string{"service/slow service"}})
			}
			f.deliver()
			mails := f.mails()
			if len(mails) != 1 || !strings.Contains(mails[0].Subject, fmt.Sprintf("%d complaints", len(who))) {
				var subj []string
				for _, m := range mails {
					subj = append(subj, m.Subject)
				}
				t.Fatalf("%d mails %q, want one incident listing %d", len(mails), subj, len(who))
			}
			for _, w := range who {
				if !strings.Contains(htmlPart(t, mails[0].Raw), w) {
					t.Errorf("incident mail does not name %s", w)
				}
			}
		})
	}
}

func TestPerRecipientLimit(t *testing.T) {
	f := newFixture(t, fixtureOpts{extra: "alerts:\n  max_per_recipient_per_hour: 3\n"})
	for i, who := range []string{"Ann", "Ben", "Cat", "Dan", "Eve", "Fay"} {
		f.process(complaint{id: "l" + who, author: who, rating: rating(1), severity: 3,
			text: "Bad.", issues: []string{"topic/issue " + itoa(int64(i))}})
	}
	f.deliver()
	mails := f.mails()
	if len(mails) != 4 {
		t.Fatalf("%d mails, want 3 alerts and 1 note", len(mails))
	}
	notes := 0
	for _, m := range mails {
		if strings.Contains(m.Subject, "rest wait for the digest") {
			notes++
		}
	}
	if notes != 1 {
		t.Errorf("%d notes pointing to the digest, want 1", notes)
	}
	if n := len(f.tasks()); n != 6 {
		t.Errorf("%d tasks: every complaint must still be a task", n)
	}
	f.clock.Advance(61 * time.Minute)
	f.process(complaint{id: "lGus", author: "Gus", rating: rating(1), severity: 3, text: "Bad.", issues: []string{"topic/other"}})
	f.deliver()
	if n := len(f.mails()); n != 5 {
		t.Errorf("after an hour alerts flow again: %d mails, want 5", n)
	}
}

func itoa(n int64) string { return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(n)) }

func fmtInt(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
