package notify_test

import (
	"strings"
	"testing"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/notify"
)

// Each channel type checks its own settings; the problems name the file
// and line of the key, as config.Parse does for everything else.
func TestCheckChannels(t *testing.T) {
	cases := []struct {
		name string
		yaml string
		env  map[string]string
		want []string // substrings; nil means valid
	}{
		{"bad channel type", `
channels:
  - name: x
    type: pager
businesses: [{name: a}]
`, nil, []string{"bad.yaml:4", "unknown channel type", "email, slack, webhook or console"}},
		{"missing type", `
channels:
  - name: x
businesses: [{name: a}]
`, nil, []string{"bad.yaml:3", "a channel needs type"}},
		{"email without addresses", `
channels:
  - name: owners
    type: email
businesses: [{name: a}]
`, nil, []string{"bad.yaml:3", "needs `to:`"}},
		{"email with a bad address", `
channels:
  - name: owners
    type: email
    to: [not-an-address]
businesses: [{name: a}]
`, nil, []string{"bad.yaml:5", "channels[0].to[0]", "not an email address"}},
		{"slack without url_env", `
channels:
  - name: team
    type: slack
businesses: [{name: a}]
`, nil, []string{"needs url_env"}},
		{"valid", `
channels:
  - name: hook
    type: webhook
    url_env: HOOK_URL
  - name: owners
    type: email
    to: [rosie@example.com]
  - name: term
    type: console
businesses: [{name: a}]
`, map[string]string{"HOOK_URL": "https://hooks.example/x"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := config.Parse([]byte(c.yaml), "bad.yaml", func(k string) string { return c.env[k] })
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			err = notify.CheckChannels(cfg)
			if c.want == nil {
				if err != nil {
					t.Fatalf("valid config: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}
