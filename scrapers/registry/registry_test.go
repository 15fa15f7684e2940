package registry

import (
	"errors"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
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
		t.Run(k.Name, func(t *testing.T) {
			if seen[k.Name] || k.Summary == "" || k.New == nil {
				t.Errorf("duplicate, or missing summary or constructor")
			}
			seen[k.Name] = true
			if k.Channel != Review && k.Channel != Social {
				t.Errorf("channel %q is neither review nor social", k.Channel)
			}
			if k.Text != Prose && k.Text != Post {
				t.Errorf("text %q is neither prose nor post", k.Text)
			}
			src, err := New(k.Name, scrapers.Options{})
			if err != nil || src == nil {
				t.Errorf("New(%q) with default options: %v", k.Name, err)
			}
			for _, a := range append([]string{strings.ToUpper(k.Name)}, k.Aliases...) {
				if got, ok := Resolve(a); !ok || got.Name != k.Name {
					t.Errorf("Resolve(%q) finds %q", a, got.Name)
				}
				// A config naming an alias or a capitalised kind is
				// refused: its source and mentions would carry two names.
				if _, ok := Lookup(a); ok {
					t.Errorf("Lookup(%q) accepts a name that is not the kind's", a)
				}
			}
		})
	}
	// The list of source kinds.
	for _, want := range []string{"jsonld", "trustpilot", "yelp", "tripadvisor", "amazon", "appstore", "googleplay", "google", "twitter", "mastodon", "bluesky", "hackernews", "reddit", "rss"} {
		if !seen[want] {
			t.Errorf("kind %q is not registered", want)
		}
	}
}

// TestFacts pins what the table says about each kind, so changing one is
// a decision someone makes here, not a side effect.
func TestFacts(t *testing.T) {
	var social, posts, postable []string
	for _, k := range Kinds() {
		if k.Social() {
			social = append(social, k.Name)
		}
		if k.Text == Post {
			posts = append(posts, k.Name)
		}
		if k.Postable() {
			postable = append(postable, k.Name)
		}
	}
	cases := []struct {
		fact      string
		got, want []string
	}{
		// An RSS or Google Alerts item is a public mention of the business
		// on a web page, with no stars: it follows the social deadline
		// rules and is configured with a feed URL...
		{"social channel", social, []string{"bluesky", "hackernews", "mastodon", "reddit", "rss", "twitter"}},
		// ...but its text is a headline and an article snippet, written as
		// prose, so sentiment does not read it as a chat post.
		{"short-post text", posts, []string{"bluesky", "hackernews", "mastodon", "reddit", "twitter"}},
		{"reply API", postable, []string{"google", "mastodon", "twitter"}},
	}
	for _, c := range cases {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s: %v, want %v", c.fact, c.got, c.want)
		}
	}
	limits := map[string]int{"google": 4096, "googleplay": 350, "mastodon": 500, "twitter": 280, "x": 280}
	if got := ReplyLimits(); !maps.Equal(got, limits) {
		t.Errorf("reply limits %v, want %v", got, limits)
	}
}

// A kind's variables carry its own prefix, and a poster asks only for
// variables its row lists (so `earshot sources kinds` tells the whole
// story), naming them when they are missing.
func TestEnv(t *testing.T) {
	envName := regexp.MustCompile(`EARSHOT_[A-Z0-9_]+`)
	for _, k := range Kinds() {
		t.Run(k.Name, func(t *testing.T) {
			prefix := "EARSHOT_" + strings.ToUpper(k.Name) + "_"
			for _, e := range k.Env {
				if !strings.HasPrefix(e, prefix) {
					t.Errorf("variable %s does not start with %s", e, prefix)
				}
			}
			if !k.Postable() {
				return
			}
			if k.ReplyLimit <= 0 {
				t.Error("a kind that posts replies needs the platform's reply limit")
			}
			_, err := k.Post(scrapers.PostOptions{APIBase: "http://127.0.0.1:1", Getenv: func(string) string { return "" }})
			if !errors.Is(err, scrapers.ErrNoCredentials) {
				t.Fatalf("poster without credentials: %v, want ErrNoCredentials", err)
			}
			named := envName.FindAllString(err.Error(), -1)
			if len(named) == 0 {
				t.Errorf("error names no variable: %v", err)
			}
			for _, n := range named {
				if !slices.Contains(k.Env, n) {
					t.Errorf("poster needs %s, which the row's Env does not list", n)
				}
			}
		})
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
