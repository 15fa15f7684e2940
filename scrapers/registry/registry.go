// Package registry builds scrapers from the one explicit table of source
// kinds. Adding a site means adding a sub-package under scrapers/ and one
// row here; nothing registers itself in init().
package registry

import (
	"fmt"
	"sort"

	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/amazon"
	"github.com/earshot/earshot/scrapers/appstore"
	"github.com/earshot/earshot/scrapers/bluesky"
	"github.com/earshot/earshot/scrapers/google"
	"github.com/earshot/earshot/scrapers/googleplay"
	"github.com/earshot/earshot/scrapers/hackernews"
	"github.com/earshot/earshot/scrapers/jsonld"
	"github.com/earshot/earshot/scrapers/mastodon"
	"github.com/earshot/earshot/scrapers/reddit"
	"github.com/earshot/earshot/scrapers/rss"
	"github.com/earshot/earshot/scrapers/tripadvisor"
	"github.com/earshot/earshot/scrapers/trustpilot"
	"github.com/earshot/earshot/scrapers/twitter"
	"github.com/earshot/earshot/scrapers/yelp"
)

// Kind describes one source kind.
type Kind struct {
	Name string
	// Social kinds take a query (Target) and an optional APIBase; review
	// kinds take a page URL.
	Social bool
	// Summary is shown by `earshot sources kinds` and in errors.
	Summary string
	New     func(scrapers.Options) (scrapers.Source, error)
}

// kinds is the table. Keep it sorted by name.
var kinds = []Kind{
	{Name: amazon.Kind, Summary: "Amazon product-reviews pages, any marketplace; stars from the markup, dates in the site's language", New: amazon.New},
	{Name: appstore.Kind, Summary: "iOS app reviews from Apple's customer-reviews feed, all pages; target is the App Store URL or id", New: appstore.New},
	{Name: bluesky.Kind, Social: true, Summary: "Bluesky posts matching a search (needs EARSHOT_BLUESKY_IDENTIFIER, EARSHOT_BLUESKY_APP_PASSWORD)", New: bluesky.New},
	{Name: google.Kind, Summary: "reviews of your own locations via the Google Business Profile API; target accounts/<id>/locations/<id> (needs EARSHOT_GOOGLE_* OAuth)", New: google.New},
	{Name: googleplay.Kind, Summary: "Android app reviews embedded in the Google Play app page, with developer replies", New: googleplay.New},
	{Name: hackernews.Kind, Social: true, Summary: "Hacker News stories and comments matching a search (Algolia API)", New: hackernews.New},
	{Name: jsonld.Kind, Summary: "any page with schema.org Review / AggregateRating in JSON-LD or microdata", New: jsonld.New},
	{Name: mastodon.Kind, Social: true, Summary: "Mastodon search, #hashtag timeline or @mentions (EARSHOT_MASTODON_ACCESS_TOKEN for search and mentions)", New: mastodon.New},
	{Name: reddit.Kind, Social: true, Summary: "Reddit posts and comments matching a search (OAuth with EARSHOT_REDDIT_CLIENT_ID/SECRET, else the public RSS feed)", New: reddit.New},
	{Name: rss.Kind, Social: true, Summary: "any RSS, Atom or JSON feed (Google Alerts, blogs, subreddit feeds); target is the feed URL", New: rss.New},
	{Name: tripadvisor.Kind, Summary: "TripAdvisor review pages (markup, embedded or GraphQL JSON), with owner responses and pagination", New: tripadvisor.New},
	{Name: trustpilot.Kind, Summary: "Trustpilot company page, with owner replies and pagination", New: trustpilot.New},
	{Name: twitter.Kind, Social: true, Summary: "X/Twitter v1.1 search or @mentions via go-twitter (EARSHOT_TWITTER_BEARER_TOKEN or OAuth 1.0a keys)", New: twitter.New},
	{Name: yelp.Kind, Summary: "Yelp business page (embedded JSON or microdata), with owner replies and pagination", New: yelp.New},
}

// New builds the scraper for kind.
func New(kind string, opts scrapers.Options) (scrapers.Source, error) {
	for _, k := range kinds {
		if k.Name == kind {
			return k.New(opts.WithDefaults())
		}
	}
	return nil, fmt.Errorf("scrapers: %q (known kinds: %v): %w", kind, Names(), scrapers.ErrUnknownKind)
}

// Lookup returns the table row for kind.
func Lookup(kind string) (Kind, bool) {
	for _, k := range kinds {
		if k.Name == kind {
			return k, true
		}
	}
	return Kind{}, false
}

// Names lists the known kinds, sorted.
func Names() []string {
	out := make([]string, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, k.Name)
	}
	sort.Strings(out)
	return out
}

// Kinds returns the table, sorted by name, for listings such as
// `earshot scrape -h` and the README.
func Kinds() []Kind {
	out := append([]Kind(nil), kinds...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
