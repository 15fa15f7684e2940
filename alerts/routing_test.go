package alerts

import (
	"slices"
	"strings"
	"testing"
)

func TestRoutingByBusinessSourceAndSeverity(t *testing.T) {
	f := newFixture(t, fixtureOpts{extra: `  - {name: team, type: console}
  - {name: social-desk, type: console}
alerts:
  routes:
    - {businesses: [rosies], min_severity: 4, channels: [owner-email, team]}
    - {sources: [mastodon, x], channels: [social-desk]}
`})
	cases := []struct {
		name string
		c    complaint
		want []string // channel|recipient
	}{
		{"severe review: owner and team", complaint{id: "r1", author: "A", rating: rating(1), severity: 4, text: "x"},
			[]string{"owner-email|owner@example.com", "team|"}},
		{"mild review: no route matches, nobody is paged", complaint{id: "r2", author: "B", rating: rating(2), severity: 2, text: "x"},
			nil},
		{"mild social post: the social desk", complaint{source: "mastodon", id: "m1", author: "@c", severity: 2, text: "x"},
			[]string{"social-desk|"}},
		{"severe social post: every matching route", complaint{source: "x", id: "9", author: "@d", severity: 5, text: "x"},
			[]string{"owner-email|owner@example.com", "social-desk|", "team|"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := f.process(c.c)
			task := f.task(m.ID)
			var got []string
			for _, n := range f.notifications("alert") {
				if n.TaskID != nil && *n.TaskID == task.ID {
					got = append(got, n.Channel+"|"+n.Recipient)
				}
			}
			slices.Sort(got)
			if strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Errorf("told %v, want %v", got, c.want)
			}
		})
	}
}

func TestDefaultRoutingWithoutRoutes(t *testing.T) {
	f := newFixture(t, fixtureOpts{extra: `  - {name: team, type: console}
alerts:
  channels: [team]
`})
	m := f.process(complaint{id: "r1", author: "A", rating: rating(1), severity: 3, text: "x"})
	ns := f.notifications("alert")
	if len(ns) != 1 || ns[0].Channel != "team" || *ns[0].TaskID != f.task(m.ID).ID {
		t.Fatalf("alerts %+v, want one to alerts.channels", ns)
	}
	if n := f.deliver(); n != 1 {
		t.Fatalf("console delivered %d", n)
	}
}
