package dryrun

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/scrapers/internal/scrapertest"
	"github.com/earshot/earshot/scrapers/registry"
)

// localWeb serves, on one loopback server, what each kind's site or API
// answers, from the kinds' own testdata folders.
func localWeb(t *testing.T) *httptest.Server {
	routes := map[string]string{
		"/jsonld/page":                        "../jsonld/testdata/graph.html",
		"/trustpilot/review/harbour":          "../trustpilot/testdata/company",
		"/yelp/biz/harbour":                   "../yelp/testdata/embedded",
		"/amazon/product-reviews/B0":          "../amazon/testdata/reviews",
		"/tripadvisor/Reviews-harbour.html":   "../tripadvisor/testdata/Reviews-harbour.html",
		"/googleplay/store/apps/details":      "../googleplay/testdata/details_id=com.harbour.app",
		"/rss/feed":                           "../rss/testdata/blog.rss",
		"/api/v1/search_by_date":              "../hackernews/testdata/page1.json",
		"/xrpc/app.bsky.feed.searchPosts":     "../bluesky/testdata/search2.json",
		"/search.rss":                         "../reddit/testdata/search.rss",
		"/api/v1/timelines/tag/HarbourBistro": "../mastodon/testdata/hashtag.json",
		"/1.1/search/tweets.json":             "../twitter/testdata/search.json",
		"/v4/accounts/1/locations/2/reviews":  "../google/testdata/reviews2.json",
		"/us/rss/customerreviews/page=1/id=123/sortby=mostrecent/json": "../appstore/testdata/page2.json",
	}
	return scrapertest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/xrpc/com.atproto.server.createSession" {
			w.Write([]byte(`{"accessJwt":"jwt"}`))
			return
		}
		file, ok := routes[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		b, err := os.ReadFile(filepath.FromSlash(file))
		if err != nil {
			t.Errorf("route %s: %v", r.URL.Path, err)
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	})
}

// TestEveryKindAgainstLocalServer is `earshot scrape --kind K` for every
// registered kind, against local servers only.
func TestEveryKindAgainstLocalServer(t *testing.T) {
	srv := localWeb(t)
	u := srv.URL
	cases := map[string]Config{
		"jsonld":      {Target: u + "/jsonld/page"},
		"trustpilot":  {Target: u + "/trustpilot/review/harbour"},
		"yelp":        {Target: u + "/yelp/biz/harbour"},
		"amazon":      {Target: u + "/amazon/product-reviews/B0"},
		"tripadvisor": {Target: u + "/tripadvisor/Reviews-harbour.html"},
		"googleplay":  {Target: u + "/googleplay/store/apps/details?id=com.harbour.app"},
		"rss":         {Target: u + "/rss/feed"},
		"appstore":    {Target: "id123", APIBase: u},
		"hackernews":  {Target: "harbour bistro", APIBase: u},
		"bluesky":     {Target: "harbour bistro", APIBase: u},
		"reddit":      {Target: "harbour bistro", APIBase: u},
		"mastodon":    {Target: "#HarbourBistro", APIBase: u},
		"twitter":     {Target: "harbour bistro", APIBase: u},
		"google":      {Target: "accounts/1/locations/2", APIBase: u},
	}
	env := scrapertest.Env(map[string]string{
		"EARSHOT_BLUESKY_IDENTIFIER": "me", "EARSHOT_BLUESKY_APP_PASSWORD": "pw",
		"EARSHOT_TWITTER_BEARER_TOKEN": "t", "EARSHOT_GOOGLE_ACCESS_TOKEN": "g",
	})
	for _, kind := range registry.Names() {
		t.Run(kind, func(t *testing.T) {
			cfg, ok := cases[kind]
			if !ok {
				t.Fatalf("kind %s has no local dry-run case: add one", kind)
			}
			cfg.Kind, cfg.Format, cfg.MaxPages = kind, FormatJSONL, 1
			opts := scrapertest.Options()
			opts.Getenv = env
			var out bytes.Buffer
			if _, err := Run(context.Background(), cfg, opts, &out); err != nil {
				t.Fatalf("dry run: %v", err)
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if out.Len() == 0 {
				t.Fatal("no mentions printed")
			}
			for _, l := range lines {
				var rec struct {
					Source     string `json:"source"`
					ExternalID string `json:"external_id"`
					URL        string `json:"url"`
				}
				if err := json.Unmarshal([]byte(l), &rec); err != nil {
					t.Fatalf("not JSON: %s", l)
				}
				if rec.Source != kind || rec.ExternalID == "" || rec.URL == "" {
					t.Errorf("incomplete record %s", l)
				}
			}
		})
	}
}
