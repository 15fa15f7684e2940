package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/config"
)

const valid = `
database:
  path: /tmp/e.db
smtp:
  host: smtp.example.com
  username: alerts
  password_env: TEST_SMTP_PASSWORD
channels:
  - name: owner
    type: email
    to: [owner@example.com]
businesses:
  - name: rosies-diner
    domain: restaurant
    time_zone: Europe/London
    sources:
      - name: site
        kind: jsonld
        url: https://example.com/reviews
        interval: 15m
      - kind: mastodon
        query: rosies
`

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestParseValid(t *testing.T) {
	cfg, err := config.Parse([]byte(valid), "earshot.yaml", env(map[string]string{"TEST_SMTP_PASSWORD": "hunter2"}))
	if err != nil {
		t.Fatal(err)
	}
	b := cfg.Businesses[0]
	if b.Sources[0].Interval.D() != 15*time.Minute {
		t.Errorf("interval = %v", b.Sources[0].Interval.D())
	}
	if b.Sources[1].Name != "mastodon" || b.Sources[1].Interval.D() != config.DefaultSourceInterval {
		t.Errorf("defaults not applied to second source: %+v", b.Sources[1])
	}
	if cfg.SMTP.Password.Value() != "hunter2" || cfg.SMTP.TLS != "starttls" || cfg.SMTP.Port != 587 {
		t.Errorf("smtp = %+v", cfg.SMTP)
	}
	if b.Location().String() != "Europe/London" {
		t.Errorf("location = %v", b.Location())
	}
}

func TestSecretsNeverShown(t *testing.T) {
	cfg, err := config.Parse([]byte(valid), "earshot.yaml", env(map[string]string{"TEST_SMTP_PASSWORD": "hunter2"}))
	if err != nil {
		t.Fatal(err)
	}
	out, err := cfg.Show()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "hunter2") {
		t.Fatalf("config show leaks the password:\n%s", out)
	}
	if !strings.Contains(string(out), "password_env: TEST_SMTP_PASSWORD") {
		t.Errorf("config show should name the variable:\n%s", out)
	}
	for _, s := range []string{cfg.SMTP.Password.String(), cfg.SMTP.Password.GoString()} {
		if strings.Contains(s, "hunter2") {
			t.Errorf("secret formats as %q", s)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		env  map[string]string
		want []string // substrings of the error, including "file:line"
	}{
		{"unknown key with suggestion", `
businesses:
  - name: a
    sources:
      - kind: jsonld
        url: https://example.com
        intervl: 5m
`, nil, []string{"bad.yaml:7:", `unknown key "intervl"`, `did you mean "interval"`}},
		{"bad interval", `
businesses:
  - name: a
    sources:
      - kind: jsonld
        url: https://example.com
        interval: 5 minutes
`, nil, []string{"bad.yaml:7", `"5 minutes" is not a duration`, "15m"}},
		{"interval too short", `
businesses:
  - name: a
    sources:
      - kind: jsonld
        url: https://example.com
        interval: 1s
`, nil, []string{"bad.yaml:7", "too short"}},
		{"missing target", `
businesses:
  - name: a
    sources:
      - kind: trustpilot
`, nil, []string{"bad.yaml:5", "needs url:"}},
		{"missing kind", `
businesses:
  - name: a
    sources:
      - url: https://example.com
`, nil, []string{"bad.yaml:5", "needs kind:"}},
		{"api on a kind without versions", `
businesses:
  - name: a
    sources:
      - kind: mastodon
        query: a
        api: v2
`, nil, []string{"bad.yaml:7", "only kind twitter"}},
		{"unknown twitter api", `
businesses:
  - name: a
    sources:
      - kind: twitter
        query: a
        api: v3
`, nil, []string{"bad.yaml:7", `unknown twitter API "v3"`, "v1.1 or v2"}},
		{"appstore url that is neither URL nor id", `
businesses:
  - name: a
    sources:
      - kind: appstore
        url: id12
`, nil, []string{"bad.yaml:6", "not an http(s) URL"}},
		{"no businesses", `database: {path: x.db}`, nil, []string{"no businesses configured"}},
		{"bad time zone", `
businesses:
  - name: a
    time_zone: Mars/Olympus
`, nil, []string{"bad.yaml:4", "unknown time zone"}},
		{"database dsn variable unset", `
database:
  dsn_env: NOPE_NOT_SET
businesses: [{name: a}]
`, nil, []string{"bad.yaml:3", "NOPE_NOT_SET", "not set"}},
		{"secret written inline", `
smtp:
  password_env: "hunter2!"
businesses: [{name: a}]
`, nil, []string{"bad.yaml:3", "not an environment variable name"}},
		{"wrong type", `
businesses:
  - name: a
    keywords: 12
`, nil, []string{"bad.yaml:4"}},
		{"list expected", `
businesses:
  name: a
`, nil, []string{"bad.yaml:3", "expected a list"}},
		{"invalid yaml", "businesses:\n  - name: a\n   bad indent: [\n", nil, []string{"bad.yaml:"}},
		{"empty file", "", nil, []string{"empty"}},
		{"duplicate business", `
businesses:
  - name: a
  - name: a
`, nil, []string{"bad.yaml:4", "configured twice"}},
		{"bad redirect policy", `
scraping:
  follow_redirects: anywhere
businesses: [{name: a}]
`, nil, []string{"bad.yaml:3", "scraping.follow_redirects", `"anywhere"`, "site", "any"}},
		{"metrics_public not a bool", `
server:
  metrics_public: sometimes
businesses: [{name: a}]
`, nil, []string{"bad.yaml:3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse([]byte(tt.yaml), "bad.yaml", env(tt.env))
			if err == nil {
				t.Fatalf("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// The README documents App Store targets as an id; url: must accept
// them, and twitter's api: version must reach the source.
func TestTargetsAsDocumented(t *testing.T) {
	cfg, err := config.Parse([]byte(`
businesses:
  - name: a
    sources:
      - {name: ios, kind: appstore, url: id12345}
      - {name: ios-gb, kind: appstore, url: gb/id12345}
      - {name: x, kind: twitter, query: rosies, api: v2}
`), "ok.yaml", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Businesses[0].Sources[2].API; got != "v2" {
		t.Errorf("api = %q, want v2", got)
	}
}

func TestAllProblemsReportedTogether(t *testing.T) {
	_, err := config.Parse([]byte(`
businesses:
  - name: a
    colour: red
    sources:
      - kind: jsonld
        urll: x
`), "c.yaml", nil)
	var errs config.Errors
	if !errors.As(err, &errs) || len(errs) != 3 {
		t.Fatalf("want 3 errors, got %v", err)
	}
	// Unknown keys and the missing url: come in one run, in file order.
	if errs[0].Line != 4 || errs[1].Line != 6 || errs[2].Line != 7 {
		t.Errorf("lines = %d, %d, %d; want 4, 6, 7", errs[0].Line, errs[1].Line, errs[2].Line)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := config.Load(filepath.Join(t.TempDir(), "nope.yaml"), nil)
	if !errors.Is(err, config.ErrNotFound) || !strings.Contains(err.Error(), "earshot init") {
		t.Fatalf("err = %v", err)
	}
}

func TestExampleIsValid(t *testing.T) {
	path := filepath.Join(t.TempDir(), "earshot.yaml")
	if err := os.WriteFile(path, config.Example(), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, nil)
	if err != nil {
		t.Fatalf("the example written by earshot init does not load: %v", err)
	}
	if len(cfg.Businesses) != 1 || len(cfg.Businesses[0].Sources) != 4 {
		t.Errorf("example = %+v", cfg.Businesses)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(valid))
	f.Add(config.Example())
	f.Add([]byte("businesses: [{name: a, sources: [{kind: x, url: 'http://h', interval: 1h}]}]"))
	f.Add([]byte("a: &x [*x]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := config.Parse(data, "fuzz.yaml", func(string) string { return "v" })
		if err == nil && len(cfg.Businesses) == 0 {
			t.Fatalf("accepted a config without businesses")
		}
	})
}

// Secrets needed only to send (SMTP password, Slack and webhook URLs,
// the webhook key) or to serve the inbox do not stop a config from
// loading: read-only commands work without them. RequireSecrets, which
// sending commands call, names every unset variable with its line.
func TestSendSecretsRequiredOnlyOnDemand(t *testing.T) {
	y := `
smtp:
  password_env: NOPE_SMTP
channels:
  - {name: team, type: slack, url_env: NOPE_SLACK}
  - {name: crm, type: webhook, url_env: NOPE_HOOK, secret_env: NOPE_HOOK_KEY}
businesses: [{name: a}]
`
	cfg, err := config.Parse([]byte(y), "e.yaml", env(nil))
	if err != nil {
		t.Fatalf("a config whose send secrets are unset must load: %v", err)
	}
	err = cfg.RequireSecrets()
	for _, w := range []string{"e.yaml:3: smtp.password_env: environment variable NOPE_SMTP", "e.yaml:5: channels[0].url_env: environment variable NOPE_SLACK", "NOPE_HOOK ", "NOPE_HOOK_KEY"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("RequireSecrets = %v; want %q", err, w)
		}
	}
	if len(cfg.MissingSecrets()) != 4 {
		t.Errorf("MissingSecrets = %v", cfg.MissingSecrets())
	}
	set := map[string]string{"NOPE_SMTP": "p", "NOPE_SLACK": "https://hooks.example/x", "NOPE_HOOK": "https://crm.example/h", "NOPE_HOOK_KEY": "k"}
	cfg, err = config.Parse([]byte(y), "e.yaml", env(set))
	if err != nil || cfg.RequireSecrets() != nil {
		t.Errorf("all set: %v, %v", err, cfg.RequireSecrets())
	}
}
