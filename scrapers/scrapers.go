// Package scrapers defines how earshot collects mentions: every site or
// social network is a Source in its own sub-package (scrapers/trustpilot,
// scrapers/rss, ...) and scrapers/registry builds them from one explicit
// table. This package holds only what they share: the request and result
// types, the options every scraper honours (politeness, retries), the
// Poster contract of kinds with a reply API (reply.go), and the sentinel
// errors that become a source's health.
package scrapers

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/earshot/earshot/models"
)

// Request describes one run of one configured source.
type Request struct {
	// Target is the page URL for review sites and the search query (or
	// feed URL) for social kinds.
	Target string
	// APIBase overrides the API endpoint of social kinds, for self-hosted
	// or compatible services and for tests; empty means the public API.
	APIBase string
	// API selects the API version of kinds that speak several (twitter:
	// "v1.1", the default, or "v2"); empty means the kind's default.
	API string
	// Cursor is what the previous run returned in Result.Cursor.
	Cursor string
	// Seen reports whether a mention with this external ID is already
	// stored. Scrapers stop paginating once a page holds only seen
	// mentions, so a regular run costs one or two requests. Nil means
	// nothing is stored yet.
	Seen func(externalID string) bool
	// Backfill asks for history: keep paginating past seen mentions, up to
	// MaxPages.
	Backfill bool
	// MaxPages bounds pagination; 0 means the scraper's default.
	MaxPages int
	// Progress, when set, is called after each page (for a progress bar).
	Progress func(pages, mentions int)
}

// Result is what one run collected. Mentions carry SourceKind, ExternalID,
// URL, Author, Rating, Title, Text, Language, PostedAt, EditedAt, Reply,
// ReplyAt and AuthorReach; the pipeline fills the IDs.
type Result struct {
	Mentions []models.Mention
	// Cursor is stored and handed back on the next run.
	Cursor string
	// Pages counts the pages or API calls made.
	Pages int
	// Warnings note what the run missed without failing, such as a page
	// cut at fetch.MaxBody; they are recorded on the run and shown by
	// `earshot sources`.
	Warnings []string
	// Aggregate is the site's own average rating and review count when a
	// page showed them (Rating and Count set; the pipeline stores it).
	Aggregate *models.AggregateRating
}

// Source fetches mentions from one site or network. A Source returns the
// mentions it did read even when it also returns an error (a later page
// failed), so nothing collected is thrown away.
type Source interface {
	Fetch(ctx context.Context, req Request) (Result, error)
}

// Options are the settings every scraper honours. They come from the
// config file's `scraping:` section.
type Options struct {
	// UserAgent identifies earshot to the sites it reads.
	UserAgent string
	// RequestDelay is the minimum gap between two requests to one domain
	// (politeness); default one second.
	RequestDelay time.Duration
	// Timeout bounds each request.
	Timeout time.Duration
	// IgnoreRobots disables robots.txt checks; off by default.
	IgnoreRobots bool
	// FollowAnyRedirect follows redirects to other sites; by default only
	// redirects within the configured URL's registrable domain are
	// followed (scraping.follow_redirects: site).
	FollowAnyRedirect bool
	// AllowPrivateNetworks lets any request reach loopback, private and
	// link-local addresses; by default only a configured URL that itself
	// names such a host may.
	AllowPrivateNetworks bool
	// MaxRetries bounds retries on timeouts, 429 and 5xx; zero means the
	// default, a negative value means no retries.
	MaxRetries int
	// HTTPClient is used for every request when set (tests, proxies).
	HTTPClient *http.Client
	// Getenv reads credentials (API tokens) from the environment; nil
	// means os.Getenv. Credentials never come from the config file.
	Getenv func(string) string
	Logger *slog.Logger
	// Clock paces politeness delays and retry backoff; tests inject a fake
	// clock so no test sleeps. Nil means the real clock.
	Clock clockwork.Clock
	// HostSlots, when set, spaces requests to one host across every
	// process that shares it (replicas on one PostgreSQL), on top of the
	// in-process spacing: RequestDelay then holds for all replicas
	// together. Nil means this process alone reads these sites.
	HostSlots HostSlots
}

// HostSlots hands out request slots to a host shared by several
// processes: each call reserves the next slot, at least delay after the
// previous one, and returns when it starts.
type HostSlots interface {
	ReserveHostSlot(ctx context.Context, host string, now time.Time, delay time.Duration) (time.Time, error)
}

// Defaults for Options fields left zero.
const (
	DefaultUserAgent    = "earshot/0.1 (+https://github.com/earshot/earshot; review monitor)"
	DefaultRequestDelay = time.Second
	DefaultTimeout      = 20 * time.Second
	DefaultMaxRetries   = 3
	DefaultMaxPages     = 10
)

// WithDefaults returns o with zero fields set to their defaults.
func (o Options) WithDefaults() Options {
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.RequestDelay == 0 {
		o.RequestDelay = DefaultRequestDelay
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxRetries == 0 {
		o.MaxRetries = DefaultMaxRetries
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Clock == nil {
		o.Clock = clockwork.NewRealClock()
	}
	return o
}
