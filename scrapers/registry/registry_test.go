package registry

import (
	"errors"
	"sort"
	"testing"

	"github.com/earshot/earshot/scrapers"
)

func TestTable(t *testing.T) {
	names := Names()
	if !sort.StringsAreSorted(names) || len(names) != len(kinds) {
		t.Fatalf("names %v not sorted or not unique", names)
	}
	seen := map[string]bool{}
	for _, k := range Kinds() {
		if seen[k.Name] || k.Summary == "" || k.New == nil {
			t.Errorf("row %q: duplicate, or missing summary or constructor", k.Name)
		}
		seen[k.Name] = true
		src, err := New(k.Name, scrapers.Options{})
		if err != nil || src == nil {
			t.Errorf("New(%q) with default options: %v", k.Name, err)
		}
	}
	// The list of source kinds.
	for _, want := range []string{"jsonld", "trustpilot", "yelp", "tripadvisor", "amazon", "appstore", "googleplay", "google", "twitter", "mastodon", "bluesky", "hackernews", "reddit", "rss"} {
		if !seen[want] {
			t.Errorf("kind %q is not registered", want)
		}
	}
}

func TestUnknownKind(t *testing.T) {
	_, err := New("myspace", scrapers.Options{})
	if !errors.Is(err, scrapers.ErrUnknownKind) {
		t.Fatalf("error = %v, want ErrUnknownKind", err)
	}
	if _, ok := Lookup("myspace"); ok {
		t.Error("Lookup found an unknown kind")
	}
}
