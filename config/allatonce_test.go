package config_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/earshot/earshot/config"
)

// fourteen problems of every stage: unknown keys (strict decoding), values
// of the wrong type, malformed durations and semantic checks. Before,
// `config check` showed them in five runs, one stage at a time.
const fourteen = `database:
  driver: mysql
scraping:
  max_retries: lots
  request_delay: soon
  timout: 5s
schedule:
  analyze: 0s
businesses:
  - name: Rosies Diner
    domain: bakery
    time_zone: Mars/Olympus
    keywords: 12
    colour: red
    business_hours: {days: [mon, funday], open: "9am"}
    users:
      - {name: Sam, role: chef}
    sources:
      - kind: jsonld
        url: ftp://example.com
        interval: 1s
      - kind: trustpilt
        url: https://www.trustpilot.com/review/example.com
`

func TestEveryProblemInOnePass(t *testing.T) {
	_, err := config.Parse([]byte(fourteen), "earshot.yaml", nil)
	var errs config.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("err = %v", err)
	}
	want := []struct {
		line int
		has  string
	}{
		{2, `unknown driver "mysql"`},
		{4, "`lots` is text, but a number is expected here; write digits only"},
		{5, `"soon" is not a duration`},
		{6, `unknown key "timout"; did you mean "timeout"?`},
		{8, "0 is not an interval"},
		{10, `"Rosies Diner" is not a valid name`},
		{11, `unknown domain "bakery"`},
		{12, `unknown time zone "Mars/Olympus"`},
		{13, `expected a list (lines starting with "- "), found the value "12"`},
		{14, `unknown key "colour"`},
		{15, `unknown day "funday"`},
		{15, `"9am" is not a time of day`},
		{17, `unknown role "chef"`},
		{20, `"ftp://example.com" is not an http(s) URL`},
		{21, "interval 1s is too short"},
		{22, `unknown kind "trustpilt"; did you mean "trustpilot"?`},
	}
	got := err.Error()
	for _, w := range want {
		if !strings.Contains(got, fmt.Sprintf("earshot.yaml:%d: ", w.line)) || !strings.Contains(got, w.has) {
			t.Errorf("missing line %d %q in:\n%s", w.line, w.has, got)
		}
	}
	for i := 1; i < len(errs); i++ {
		if errs[i].Line < errs[i-1].Line {
			t.Errorf("not in file order: line %d after %d", errs[i].Line, errs[i-1].Line)
		}
	}
	if len(errs) != len(want) {
		t.Errorf("%d problems, want %d:\n%s", len(errs), len(want), got)
	}
}

func TestSyntaxErrorAtItsLine(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		line int
		hint string
	}{
		{"key out of line in a list item", "businesses:\n  - name: a\n    domain: restaurant\n    sources: []\n    keywords: [a]\n   handles: ['@a']\n", 6, "indentation"},
		{"key indented too far", "database:\n  path: x.db\nbusinesses:\n  - name: a\n    domain: restaurant\n     keywords: [a]\n", 6, "indentation"},
		{"tab", "database:\n  path: x.db\nbusinesses:\n  - name: a\n\tdomain: retail\n", 5, "tabs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse([]byte(tt.yaml), "e.yaml", nil)
			var errs config.Errors
			if !errors.As(err, &errs) || len(errs) != 1 {
				t.Fatalf("err = %v", err)
			}
			if errs[0].Line != tt.line || !strings.Contains(errs[0].Msg, tt.hint) {
				t.Errorf("got %v; want line %d with a hint about %s", errs[0], tt.line, tt.hint)
			}
		})
	}
}

func TestExplicitZero(t *testing.T) {
	base := "businesses: [{name: a}]\n"
	t.Run("max_retries 0 means no retries", func(t *testing.T) {
		cfg, err := config.Parse([]byte("scraping: {max_retries: 0}\n"+base), "e.yaml", nil)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Scraping.MaxRetries != 0 {
			t.Errorf("max_retries = %d, want 0", cfg.Scraping.MaxRetries)
		}
	})
	t.Run("max_retries left out is the default", func(t *testing.T) {
		cfg, err := config.Parse([]byte(base), "e.yaml", nil)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Scraping.MaxRetries != config.DefaultMaxRetries {
			t.Errorf("max_retries = %d, want %d", cfg.Scraping.MaxRetries, config.DefaultMaxRetries)
		}
	})
	t.Run("escalation step 0 disables only that step", func(t *testing.T) {
		cfg, err := config.Parse([]byte("alerts: {escalation: {assignee: 0}}\n"+base), "e.yaml", nil)
		if err != nil {
			t.Fatal(err)
		}
		if e := cfg.Alerts.Escalation; e.Assignee != 0 || e.Manager != 75 || e.Owner != 100 {
			t.Errorf("escalation = %+v", e)
		}
	})
	for _, tt := range []struct{ yaml, want string }{
		{"scraping: {request_delay: 0}\n", "scraping.request_delay: 0 would send requests"},
		{"scraping: {request_delay: 0s}\n", "back to back"},
		{"scraping: {timeout: 0s}\n", "hang"},
		{"scraping: {max_retries: -1}\n", "use 0 for none"},
		{"alerts: {retry: {give_up_after: 0}}\n", "give up on a notification at its first failure"},
		{"businesses: [{name: a, sources: [{kind: rss, url: 'http://h/f', interval: 0s}]}]\n", "0 is not an interval"},
	} {
		t.Run(tt.yaml, func(t *testing.T) {
			y := tt.yaml
			if !strings.HasPrefix(y, "businesses") {
				y += base
			}
			_, err := config.Parse([]byte(y), "e.yaml", nil)
			if err == nil || !strings.Contains(err.Error(), "e.yaml:1: ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v; want e.yaml:1 and %q", err, tt.want)
			}
		})
	}
}

// The README's taxonomy example adds a "vet" domain; a business must be
// able to use it.
func TestCustomTaxonomyDomain(t *testing.T) {
	y := `sentiment:
  taxonomies:
    vet:
      pets: [dog, cat, puppy]
      appointments: [appointment, waiting room]
businesses:
  - name: paws
    domain: vet
  - name: other
    domain: vets
`
	_, err := config.Parse([]byte(y), "e.yaml", nil)
	if err == nil || strings.Contains(err.Error(), `"vet"`) || !strings.Contains(err.Error(), `e.yaml:10: businesses[1].domain: unknown domain "vets"`) || !strings.Contains(err.Error(), "vet, or add it under sentiment.taxonomies") {
		t.Fatalf("err = %v", err)
	}
	cfg, err := config.Parse([]byte(strings.Split(y, "  - name: other")[0]), "e.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Businesses[0].Domain != "vet" {
		t.Errorf("domain = %q", cfg.Businesses[0].Domain)
	}
}
