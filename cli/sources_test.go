package cli_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/earshot/earshot/scrapers/registry"
)

// `earshot sources kinds` prints the registry: every kind with its
// channel, and under it what a user must know (aliases, replies, the
// variables to set).
func TestSourcesKinds(t *testing.T) {
	r := run(t, nil, "sources", "kinds")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, k := range registry.Kinds() {
		head := fmt.Sprintf("%-12s %-7s %s", k.Name, k.Channel, k.Summary)
		i := strings.Index(r.stdout, head+"\n")
		if i < 0 {
			t.Errorf("no line %q in\n%s", head, r.stdout)
			continue
		}
		rest, _, _ := strings.Cut(r.stdout[i+len(head)+1:], "\n")
		detail := ""
		if strings.HasPrefix(rest, strings.Repeat(" ", 21)) {
			detail = rest
		}
		for _, e := range k.Env {
			if !strings.Contains(detail, e) {
				t.Errorf("%s: variable %s not listed (%q)", k.Name, e, detail)
			}
		}
		if got := strings.Contains(detail, "--post"); got != k.Postable() {
			t.Errorf("%s: says replies can be posted = %v, row says %v", k.Name, got, k.Postable())
		}
	}
	for _, want := range []string{"rss          social", "trustpilot   review", "also called x", "replies up to 280 characters"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}
