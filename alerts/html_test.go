package alerts

import (
	"strings"
	"testing"
)

var urgentTitled = complaint{id: "r9", author: "Priya", rating: rating(1), severity: 5, title: "Allergic reaction",
	text: "We told the waiter about the nut allergy.\nThe dessert had nuts.", issues: []string{"health and safety/allergic reaction"},
	nouns: []string{"service/waiter", "food/dessert"}}

// The review's title is a line of its own above the text, not run into
// it ("Allergic reaction We told…"), and a severity 5 complaint says
// URGENT in the body too, where the owner reads, not only in the subject.
func TestAlertShowsTitleAndUrgency(t *testing.T) {
	cases := []struct {
		name       string
		c          complaint
		wantBanner bool
	}{
		{"severity 5 with a title", urgentTitled, true},
		{"severity 4", complaint{id: "r8", author: "Sam", rating: rating(2), severity: 4, title: "Slow", text: "Waited an hour.", issues: []string{"service/wait"}}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, fixtureOpts{})
			f.process(c.c)
			n := f.notifications("alert")[0]
			html := strings.Join(strings.Fields(n.HTMLBody), " ")
			title := ">" + c.c.title + "</h4>"
			if !strings.Contains(html, title) {
				t.Errorf("HTML has no heading of its own for the title %q:\n%s", c.c.title, n.HTMLBody)
			}
			if q := html[strings.Index(html, "<blockquote"):]; strings.Contains(q[:strings.Index(q, "</blockquote>")], c.c.title) {
				t.Errorf("the title runs into the quoted text:\n%s", n.HTMLBody)
			}
			if !strings.Contains(n.Body, "> "+c.c.title+"\n> ") {
				t.Errorf("text part does not put the title on its own line:\n%s", n.Body)
			}
			banner := strings.Contains(html, "URGENT") && strings.Contains(n.Body, "URGENT")
			if banner != c.wantBanner {
				t.Errorf("URGENT in the body: %v, want %v\n%s\n%s", banner, c.wantBanner, n.Body, n.HTMLBody)
			}
			if c.wantBanner && !strings.Contains(html, `<p style="background:#c33;color:#fff;font-weight:bold;padding:8px 12px;margin:0 0 12px">URGENT`) {
				t.Errorf("the URGENT banner is not the visible red box above the lead:\n%s", n.HTMLBody)
			}
			if strings.Contains(n.Subject, "URGENT") != c.wantBanner {
				t.Errorf("subject %q", n.Subject)
			}
		})
	}
}
