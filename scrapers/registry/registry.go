// Package registry is the one table of source kinds. A row carries
// everything earshot knows about a kind: how to build its scraper, which
// policy channel its mentions follow, how sentiment should read its text,
// the longest reply it accepts, how to post a reply, and the environment
// variables it reads. Adding a site means adding a sub-package under
// scrapers/ (a Source, and a Poster if the platform has a reply API) and
// one row here; nothing registers itself in init(), and no other package
// keeps a list of kinds.
//
// sentiment and config read this table too. That is safe because the
// kind sub-packages depend only on models, scrapers and scrapers/...
// helpers; a scraper must never import sentiment, config or alerts.
package registry

import (
	"fmt"
	"slices"
	"sort"
	"strings"

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

// Channel is the kind of place a mention comes from, which decides how
// it is configured and which deadline rules apply to complaints.
type Channel string

const (
	// Review kinds read a review page (or API) of the business: each
	// mention is a review with stars, and the target is the page URL.
	Review Channel = "review"
	// Social kinds find public mentions of the business: posts, comments,
	// and web pages (news, blogs, Google Alerts) found through a feed. The
	// target is a search query or a feed URL, and a mention has no stars.
	Social Channel = "social"
)

// Text is how a kind's mentions are written, which decides how sentiment
// weighs the lexicon (emoticons, slang, shouting) against the learned
// model. It is a separate fact from Channel: an RSS item is a social
// mention (no stars, found by a search) but reads like prose.
type Text string

const (
	// Prose is reviews and articles: sentences, where the learned model
	// leads.
	Prose Text = "prose"
	// Post is short public posts and comments, where the lexicon's reading
	// of emoji, emoticons and chat words is the stronger signal.
	Post Text = "post"
)

// Kind is one row of the table: everything about one source kind.
type Kind struct {
	// Name is the kind in configs, on the command line and in stored
	// mentions; it is the sub-package's Kind constant.
	Name string
	// Aliases are other names users type for the kind (x for twitter);
	// Resolve accepts them, configs and stored mentions never carry them.
	Aliases []string
	Channel Channel
	Text    Text
	// ReplyLimit is the longest reply the platform accepts, in
	// characters; 0 means no known limit. alerts.reply_limits in the
	// config overrides it.
	ReplyLimit int
	// Env names the environment variables the kind reads (scraper and
	// poster); the names are declared in the kind's own package.
	Env []string
	// Summary is shown by `earshot sources kinds` and in errors.
	Summary string
	// New builds the scraper.
	New func(scrapers.Options) (scrapers.Source, error)
	// Post builds the reply poster; nil means the platform has no reply
	// API, and staff answer at the mention's link.
	Post func(scrapers.PostOptions) (scrapers.Poster, error)
}

// Social reports whether the kind is on the social channel.
func (k Kind) Social() bool { return k.Channel == Social }

// Postable reports whether earshot can post replies for the kind.
func (k Kind) Postable() bool { return k.Post != nil }

// kinds is the table. Keep it sorted by name.
var kinds = []Kind{
	{Name: amazon.Kind, Channel: Review, Text: Prose, New: amazon.New,
		Summary: "Amazon product-reviews pages, any marketplace; stars from the markup, dates in the site's language"},
	{Name: appstore.Kind, Channel: Review, Text: Prose, New: appstore.New,
		Summary: "iOS app reviews from Apple's customer-reviews feed, all pages; target is the App Store URL or id"},
	{Name: bluesky.Kind, Channel: Social, Text: Post, New: bluesky.New,
		Env:     []string{bluesky.EnvIdentifier, bluesky.EnvAppPassword},
		Summary: "Bluesky posts matching a search"},
	{Name: google.Kind, Channel: Review, Text: Prose, ReplyLimit: 4096, New: google.New, Post: google.NewPoster,
		Env:     []string{google.EnvClientID, google.EnvClientSecret, google.EnvRefreshToken, google.EnvAccessToken},
		Summary: "reviews of your own locations via the Google Business Profile API; target accounts/<id>/locations/<id> (OAuth refresh token, or an access token; replies need the access token)"},
	{Name: googleplay.Kind, Channel: Review, Text: Prose, ReplyLimit: 350, New: googleplay.New,
		Summary: "Android app reviews embedded in the Google Play app page, with developer replies"},
	{Name: hackernews.Kind, Channel: Social, Text: Post, New: hackernews.New,
		Summary: "Hacker News stories and comments matching a search (Algolia API)"},
	{Name: jsonld.Kind, Channel: Review, Text: Prose, New: jsonld.New,
		Summary: "any page with schema.org Review / AggregateRating in JSON-LD or microdata"},
	{Name: mastodon.Kind, Channel: Social, Text: Post, ReplyLimit: 500, New: mastodon.New, Post: mastodon.NewPoster,
		Env:     []string{mastodon.EnvAccessToken},
		Summary: "Mastodon search, #hashtag timeline or @mentions (the token is needed for search, mentions and replies)"},
	{Name: reddit.Kind, Channel: Social, Text: Post, New: reddit.New,
		Env:     []string{reddit.EnvClientID, reddit.EnvClientSecret},
		Summary: "Reddit posts and comments matching a search (OAuth when the client ID and secret are set, else the public RSS feed)"},
	{Name: rss.Kind, Channel: Social, Text: Prose, New: rss.New,
		Summary: "any RSS, Atom or JSON feed (Google Alerts, blogs, subreddit feeds); target is the feed URL"},
	{Name: tripadvisor.Kind, Channel: Review, Text: Prose, New: tripadvisor.New,
		Summary: "TripAdvisor review pages (markup, embedded or GraphQL JSON), with owner responses and pagination"},
	{Name: trustpilot.Kind, Channel: Review, Text: Prose, New: trustpilot.New,
		Summary: "Trustpilot company page, with owner replies and pagination"},
	{Name: twitter.Kind, Aliases: []string{"x"}, Channel: Social, Text: Post, ReplyLimit: 280, New: twitter.New, Post: twitter.NewPoster,
		Env:     []string{twitter.EnvBearerToken, twitter.EnvConsumerKey, twitter.EnvConsumerSecret, twitter.EnvAccessToken, twitter.EnvAccessSecret},
		Summary: "X/Twitter v1.1 search or @mentions via go-twitter (bearer token, or OAuth 1.0a keys, which @mentions and replies need)"},
	{Name: yelp.Kind, Channel: Review, Text: Prose, New: yelp.New,
		Summary: "Yelp business page (embedded JSON or microdata), with owner replies and pagination"},
}

// New builds the scraper for kind.
func New(kind string, opts scrapers.Options) (scrapers.Source, error) {
	k, ok := Lookup(kind)
	if !ok {
		return nil, fmt.Errorf("scrapers: %q (known kinds: %v): %w", kind, Names(), scrapers.ErrUnknownKind)
	}
	return k.New(opts.WithDefaults())
}

// Lookup returns the table row for kind, by its exact name: the name a
// config source, a stored source and a stored mention carry.
func Lookup(kind string) (Kind, bool) {
	for _, k := range kinds {
		if k.Name == kind {
			return k, true
		}
	}
	return Kind{}, false
}

// Resolve is Lookup for what people type (`earshot analyze --source X`):
// it also accepts an alias, in any case. Configs stay strict, so a source
// and its mentions always carry the same name.
func Resolve(kind string) (Kind, bool) {
	kind = strings.ToLower(strings.TrimSpace(kind))
	for _, k := range kinds {
		if k.Name == kind || slices.Contains(k.Aliases, kind) {
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
// `earshot sources kinds` and the README.
func Kinds() []Kind {
	out := append([]Kind(nil), kinds...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// ReplyLimits maps every kind (and alias) with a known reply limit to it;
// config starts alerts.reply_limits from it.
func ReplyLimits() map[string]int {
	out := map[string]int{}
	for _, k := range kinds {
		if k.ReplyLimit <= 0 {
			continue
		}
		for _, n := range append([]string{k.Name}, k.Aliases...) {
			out[n] = k.ReplyLimit
		}
	}
	return out
}
