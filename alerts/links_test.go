package alerts

import (
	"strings"
	"testing"

	"github.com/earshot/earshot/notify/slack"
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
