package config

import (
	"strings"
	"testing"
	"time"
)

const alertsBase = `channels:
  - {name: owner-email, type: email, to: ["owner@example.com"]}
businesses:
  - name: rosies
`

func TestAlertsDefaults(t *testing.T) {
	cfg, err := Parse([]byte(alertsBase), "earshot.yaml", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	a := cfg.Alerts
	if len(a.Deadlines) != 4 || a.Deadlines[0].MinSeverity != 5 || a.Deadlines[0].Within.D() != 30*time.Minute {
		t.Errorf("deadlines %+v", a.Deadlines)
	}
	if a.FollowUp.D() != 72*time.Hour || a.Escalation != (Escalation{Assignee: 50, Manager: 75, Owner: 100}) || a.Burst.Threshold != 3 {
		t.Errorf("defaults %+v", a)
	}
	if a.ReplyLimits["twitter"] != 280 || a.ReplyLimits["googleplay"] != 350 {
		t.Errorf("reply limits %v", a.ReplyLimits)
	}
}

func TestAlertsValidation(t *testing.T) {
	cases := []struct {
		name, yaml string
		want       []string
	}{
		{"malformed template names file, line and template line", `alerts:
  templates:
    draft: |
      Hi {{.Customer}},
      sorry about {{and .Issues}
`, []string{"earshot.yaml:7: alerts.templates.draft: malformed template: line 2 of the template"}},
		{"unknown template function", "alerts:\n  templates:\n    by_kind:\n      twitter: \"{{refund .Customer}}\"\n",
			[]string{"earshot.yaml:8: alerts.templates.by_kind.twitter", `"refund" not defined`}},
		{"route to an unknown channel", "alerts:\n  routes:\n    - {channels: [sms], min_severity: 9}\n",
			[]string{`alerts.routes[0].channels[0]: no channel named "sms"`, "alerts.routes[0].min_severity: severity 9"}},
		{"bad deadline rule", "alerts:\n  deadlines:\n    - {name: x, channel: fax, stars: [6]}\n",
			[]string{`unknown channel "fax"`, "6 stars", "needs within:"}},
		{"tiny reply limit", "alerts:\n  reply_limits: {twitter: 5}\n", []string{"alerts.reply_limits.twitter"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(alertsBase+c.yaml), "earshot.yaml", func(string) string { return "" })
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func FuzzCheckTemplate(f *testing.F) {
	for _, s := range []string{"Hi {{.Customer}}", "{{and .Issues}", "{{range .Issues}}{{.}}{{end}}", "{{template \"x\"}}", "{{define \"a\"}}{{end}}{{", "{{/* c */}}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		err := CheckTemplate("alerts.templates.draft", src)
		if err != nil && strings.Contains(err.Error(), "template: alerts.templates.draft:") {
			t.Fatalf("error not cleaned: %v", err)
		}
	})
}
