// Package post publishes a staff member's reply where the platform has an
// API for it. It holds no list of platforms: each kind with a reply API
// has its poster next to its scraper (scrapers/twitter/post.go,
// scrapers/mastodon/post.go, scrapers/google/post.go) and names it in its
// scrapers/registry row; this package looks the row up. Elsewhere staff
// answer at the review's link and mark the task replied. Every poster
// takes an API base URL, so self-hosted instances and tests work the same
// way, and reads credentials through the getenv it is given; credentials
// never appear in errors.
package post

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/registry"
)

// Poster publishes one reply to one mention; it returns a URL or ID of
// the published reply when the platform gives one.
type Poster = scrapers.Poster

// Errors callers test with errors.Is.
var (
	// ErrUnsupported means the source kind has no reply API.
	ErrUnsupported = errors.New("no reply API for this source kind")
	// ErrNoCredentials means an environment variable is missing.
	ErrNoCredentials = scrapers.ErrNoCredentials
	// ErrBadTarget means the mention's ID cannot be replied to.
	ErrBadTarget = scrapers.ErrBadTarget
)

// ForSource returns the poster for src's kind, API base and API version
// (`api: v2` makes twitter reply through API v2).
func ForSource(src models.Source, client *http.Client, getenv func(string) string) (Poster, error) {
	k, ok := registry.Resolve(src.Kind)
	if !ok || !k.Postable() {
		return nil, fmt.Errorf("post: %s: %w", src.Kind, ErrUnsupported)
	}
	return k.Post(scrapers.PostOptions{APIBase: src.APIBase, API: src.API, Client: client, Getenv: getenv})
}

// Supported reports whether replies to a source kind can be posted.
func Supported(kind string) bool {
	k, ok := registry.Resolve(kind)
	return ok && k.Postable()
}
