package cli_test

import (
	"strings"
	"testing"
)

// Usage errors exit 2, as `earshot -h` and the README say, and name the
// mistake; nothing is fetched.
func TestUsageErrorsExit2(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"misspelt kind", []string{"scrape", "--kind", "trustpilt", "--url", "https://www.trustpilot.com/review/example.com"}, `did you mean "trustpilot"`},
		{"missing url", []string{"scrape", "--kind", "trustpilot"}, "needs --url"},
		{"missing query", []string{"scrape", "--kind", "hackernews"}, "needs --query"},
		{"unknown format", []string{"scrape", "--kind", "rss", "--url", "http://127.0.0.1:1/feed", "--format", "csv"}, `--format "csv": use table or jsonl`},
		{"log format", []string{"-log-format", "xml", "version"}, `-log-format "xml": use text or json`},
		{"analyze bad flag", []string{"analyze", "--nope", "text"}, "flag provided but not defined"},
		{"analyze bad rating", []string{"analyze", "--rating", "7", "text"}, "not a star rating"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, nil, tt.args...)
			if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", r.code, r.stderr, tt.want)
			}
		})
	}
}

func TestAnalyzeHelpHasNoNaN(t *testing.T) {
	r := run(t, nil, "analyze", "-h")
	if r.code != 0 || strings.Contains(r.stderr, "NaN") || !strings.Contains(r.stderr, "-rating") {
		t.Errorf("exit %d, help:\n%s", r.code, r.stderr)
	}
}

func TestAnalyzeRatingStillWorks(t *testing.T) {
	r := run(t, nil, "analyze", "--rating", "1", "the food was cold")
	if r.code != 0 || !strings.Contains(r.stdout, "rating 1/5") {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
}
