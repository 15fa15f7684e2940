package alerts

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/notify/slack"
	"github.com/earshot/earshot/onetap"
)

// TestAlertLinksPerRecipient: each email of a complaint alert carries
// one-tap links for its own recipient only when the recipient is a known
// person of the business; a Slack channel (many readers, no one person)
// gets the task link and no one-tap link; and scraped text never reaches
// a link.
func TestAlertLinksPerRecipient(t *testing.T) {
	f := newFixture(t, fixtureOpts{
		extra: "  - {name: team, type: slack, url_env: TEAM_SLACK}\n" +
			"  - {name: shared, type: email, to: [\"inbox@example.com\"]}\n",
		env: map[string]string{"TEAM_SLACK": "http://127.0.0.1:1/hook"}})
	f.process(complaint{id: "r1", author: `"><a href="https://evil.example/t/x">`, rating: rating(1), severity: 3,
		text: "Cold food. https://evil.example/tasks/1", issues: []string{"food/cold food"}})
	byChannel, html := map[string]string{}, map[string]string{}
	for _, n := range f.notifications("alert") {
		byChannel[n.Channel+"|"+n.Recipient] = n.Body + "\n" + n.HTMLBody
		html[n.Channel+"|"+n.Recipient] = n.HTMLBody
		if n.Channel == "team" {
			p, err := slack.Payload(n)
			if err != nil {
				t.Fatal(err)
			}
			byChannel["slack payload"] = string(p)
		}
	}
	owner, shared, team := byChannel["owner-email|owner@example.com"], byChannel["shared|inbox@example.com"], byChannel["slack payload"]
	for _, c := range []struct {
		name, body string
		taps       bool
	}{{"owner's email", owner, true}, {"shared mailbox", shared, false}, {"slack", team, false}} {
		t.Run(c.name, func(t *testing.T) {
			if c.body == "" {
				t.Fatalf("no alert for %s: %v", c.name, byChannel)
			}
			if !strings.Contains(c.body, "https://earshot.example/tasks/1") {
				t.Errorf("no task link:\n%s", c.body)
			}
			if got := strings.Contains(c.body, "https://earshot.example/t/"); got != c.taps {
				t.Errorf("one-tap links present %v, want %v:\n%s", got, c.taps, c.body)
			}
		})
	}
	for who, h := range html {
		if strings.Contains(h, `href="https://evil.example`) {
			t.Errorf("scraped text became a link in the HTML to %s:\n%s", who, h)
		}
	}
	if strings.Count(owner, "https://earshot.example/t/") != 4 {
		t.Errorf("the owner's email has %d one-tap links, want 2 in the text part and 2 in the HTML part", strings.Count(owner, "https://earshot.example/t/"))
	}
}

// TestReminderOneTapPerRecipient: an escalation reminder to a person of
// the business carries one signed Acknowledge link naming that person
// (the alert's "Assign to me" is left out: the task has its assignee);
// any address that is nobody's would get the task link only.
func TestReminderOneTapPerRecipient(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	f.process(complaint{id: "r1", author: "Dana", rating: rating(1), severity: 3, text: "Cold food.", issues: []string{"food/cold food"}})
	// Past the deadline: every step is due, the highest (the owner) is sent.
	f.clock.Advance(72 * time.Hour)
	f.checkDeadlines()
	people := map[string]string{"owner@example.com": "Rosie", "max@example.com": "Max", "sam@example.com": "Sam"}
	signer, err := onetap.New(f.ctx, f.st, f.cfg.Server.BaseURL, f.clock)
	if err != nil {
		t.Fatal(err)
	}
	reminders := f.notifications("reminder")
	if len(reminders) == 0 {
		t.Fatal("no reminder sent")
	}
	tapped := 0
	for _, n := range reminders {
		t.Run(n.Channel+"|"+n.Recipient, func(t *testing.T) {
			links := regexp.MustCompile(`https://earshot\.example/t/([A-Za-z0-9_.-]+)`).FindAllStringSubmatch(n.Body, -1)
			if !strings.Contains(n.Body, "https://earshot.example/tasks/1") {
				t.Errorf("no task link:\n%s", n.Body)
			}
			if strings.Contains(n.Body, "Assign to me") {
				t.Errorf("a reminder offers Assign to me:\n%s", n.Body)
			}
			user, person := people[n.Recipient]
			if !person {
				if len(links) != 0 {
					t.Errorf("%s is nobody's address but got one-tap links:\n%s", n.Recipient, n.Body)
				}
				return
			}
			if len(links) != 1 || !strings.Contains(n.Body, "Acknowledge: https://earshot.example/t/") {
				t.Fatalf("want one Acknowledge link, got %d:\n%s", len(links), n.Body)
			}
			c, err := signer.Parse(links[0][1])
			if err != nil {
				t.Fatalf("the link does not verify: %v", err)
			}
			if c.Action != onetap.Ack || c.TaskID != 1 || c.User != user {
				t.Errorf("link claims %+v, want ack of task 1 by %s", c, user)
			}
			if !strings.Contains(n.HTMLBody, `href="https://earshot.example/t/`) {
				t.Errorf("the HTML part has no Acknowledge button:\n%s", n.HTMLBody)
			}
			tapped++
		})
	}
	if tapped == 0 {
		t.Errorf("no reminder went to a person of the business: %d reminders", len(reminders))
	}
}
