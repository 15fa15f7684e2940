// Package post publishes a staff member's reply where the platform has an
// API for it: X/Twitter (a reply to the status), Mastodon (a reply to the
// status) and Google Business Profile (the review's owner reply).
// Elsewhere staff answer at the review's link and mark the task replied.
// Every poster takes an API base URL, so self-hosted instances and tests
// work the same way, and reads credentials from the environment through
// the getenv it is given; credentials never appear in errors.
package post

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/dghubble/go-twitter/twitter"
	"github.com/dghubble/oauth1"
	"github.com/earshot/earshot/models"
	"github.com/mattn/go-mastodon"
)

// Environment variables holding posting credentials.
const (
	EnvTwitterConsumerKey    = "EARSHOT_TWITTER_CONSUMER_KEY"
	EnvTwitterConsumerSecret = "EARSHOT_TWITTER_CONSUMER_SECRET"
	EnvTwitterAccessToken    = "EARSHOT_TWITTER_ACCESS_TOKEN"
	EnvTwitterAccessSecret   = "EARSHOT_TWITTER_ACCESS_SECRET"
	EnvMastodonAccessToken   = "EARSHOT_MASTODON_ACCESS_TOKEN"
	EnvGoogleAccessToken     = "EARSHOT_GOOGLE_ACCESS_TOKEN"
)

// Default API bases.
const (
	TwitterAPI = "https://api.twitter.com"
	GoogleAPI  = "https://mybusiness.googleapis.com"
)

// Errors callers test with errors.Is.
var (
	// ErrUnsupported means the source kind has no reply API.
	ErrUnsupported = errors.New("no reply API for this source kind")
	// ErrNoCredentials means an environment variable is missing.
	ErrNoCredentials = errors.New("credentials not set")
	// ErrBadTarget means the mention's ID cannot be replied to.
	ErrBadTarget = errors.New("mention cannot be replied to")
)

// Poster publishes one reply to one mention; it returns a URL or ID of
// the published reply when the platform gives one.
type Poster interface {
	Reply(ctx context.Context, m models.Mention, text string) (string, error)
}

// For returns the poster for a source kind. apiBase is the source's API
// base (empty for the platform's default).
func For(kind, apiBase string, client *http.Client, getenv func(string) string) (Poster, error) {
	if client == nil {
		client = http.DefaultClient
	}
	need := func(names ...string) (map[string]string, error) {
		out := map[string]string{}
		var missing []string
		for _, n := range names {
			v := getenv(n)
			if v == "" {
				missing = append(missing, n)
			}
			out[n] = v
		}
		if len(missing) > 0 {
			return nil, fmt.Errorf("post: replying on %s needs %s: %w", kind, strings.Join(missing, ", "), ErrNoCredentials)
		}
		return out, nil
	}
	switch kind {
	case "twitter", "x":
		env, err := need(EnvTwitterConsumerKey, EnvTwitterConsumerSecret, EnvTwitterAccessToken, EnvTwitterAccessSecret)
		if err != nil {
			return nil, err
		}
		if apiBase == "" {
			apiBase = TwitterAPI
		}
		return newTwitter(apiBase, client, env)
	case "mastodon":
		env, err := need(EnvMastodonAccessToken)
		if err != nil {
			return nil, err
		}
		if apiBase == "" {
			return nil, fmt.Errorf("post: mastodon needs the instance URL (api_base of the source): %w", ErrBadTarget)
		}
		c := mastodon.NewClient(&mastodon.Config{Server: strings.TrimRight(apiBase, "/"), AccessToken: env[EnvMastodonAccessToken]})
		c.Client = *client
		return mastodonPoster{c: c}, nil
	case "google":
		env, err := need(EnvGoogleAccessToken)
		if err != nil {
			return nil, err
		}
		if apiBase == "" {
			apiBase = GoogleAPI
		}
		return googlePoster{base: strings.TrimRight(apiBase, "/"), token: env[EnvGoogleAccessToken], client: client}, nil
	}
	return nil, fmt.Errorf("post: %s: %w", kind, ErrUnsupported)
}

// Supported reports whether replies to a source kind can be posted.
func Supported(kind string) bool {
	switch kind {
	case "twitter", "x", "mastodon", "google":
		return true
	}
	return false
}

type twitterPoster struct{ c *twitter.Client }

// rebase sends requests meant for api.twitter.com to another base URL
// (tests, compatible services).
type rebase struct {
	base *url.URL
	next http.RoundTripper
}

func (r rebase) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme = r.base.Scheme
	req.URL.Host = r.base.Host
	req.URL.Path = strings.TrimRight(r.base.Path, "/") + req.URL.Path
	req.Host = r.base.Host
	return r.next.RoundTrip(req)
}

func newTwitter(apiBase string, client *http.Client, env map[string]string) (Poster, error) {
	base, err := url.Parse(apiBase)
	if err != nil || base.Host == "" {
		return nil, fmt.Errorf("post: twitter API base %q is not a URL: %w", apiBase, ErrBadTarget)
	}
	next := client.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	var rt http.RoundTripper = next
	if apiBase != TwitterAPI {
		rt = rebase{base: base, next: next}
	}
	ctx := context.WithValue(context.Background(), oauth1.HTTPClient, &http.Client{Transport: rt})
	cfg := oauth1.NewConfig(env[EnvTwitterConsumerKey], env[EnvTwitterConsumerSecret])
	hc := cfg.Client(ctx, oauth1.NewToken(env[EnvTwitterAccessToken], env[EnvTwitterAccessSecret]))
	hc.Timeout = client.Timeout
	return twitterPoster{c: twitter.NewClient(hc)}, nil
}

func (p twitterPoster) Reply(ctx context.Context, m models.Mention, text string) (string, error) {
	id, err := strconv.ParseInt(m.ExternalID, 10, 64)
	if err != nil {
		return "", fmt.Errorf("post: twitter status id %q: %w", m.ExternalID, ErrBadTarget)
	}
	yes := true
	st, _, err := p.c.Statuses.Update(text, &twitter.StatusUpdateParams{InReplyToStatusID: id, AutoPopulateReplyMetadata: &yes})
	if err != nil {
		return "", fmt.Errorf("post: reply to tweet %d: %w", id, err)
	}
	return st.IDStr, nil
}

type mastodonPoster struct{ c *mastodon.Client }

func (p mastodonPoster) Reply(ctx context.Context, m models.Mention, text string) (string, error) {
	if m.ExternalID == "" {
		return "", fmt.Errorf("post: mastodon status without id: %w", ErrBadTarget)
	}
	st, err := p.c.PostStatus(ctx, &mastodon.Toot{Status: text, InReplyToID: mastodon.ID(m.ExternalID), Visibility: "public"})
	if err != nil {
		return "", fmt.Errorf("post: reply to mastodon status %s: %w", m.ExternalID, err)
	}
	return st.URL, nil
}

type googlePoster struct {
	base, token string
	client      *http.Client
}

// Reply updates the review's reply: PUT {base}/v4/{reviewName}/reply.
// The mention's ExternalID is the review's resource name
// (accounts/…/locations/…/reviews/…).
func (p googlePoster) Reply(ctx context.Context, m models.Mention, text string) (string, error) {
	name := strings.Trim(m.ExternalID, "/")
	if !strings.HasPrefix(name, "accounts/") || !strings.Contains(name, "/reviews/") {
		return "", fmt.Errorf("post: google review name %q is not accounts/…/locations/…/reviews/…: %w", m.ExternalID, ErrBadTarget)
	}
	body, _ := json.Marshal(map[string]string{"comment": text})
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, p.base+"/v4/"+name+"/reply", bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("post: google reply: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+p.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("post: google reply to %s: %w", name, err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return "", fmt.Errorf("post: google reply to %s: HTTP %d: %q", name, resp.StatusCode, bytes.TrimSpace(snippet))
	}
	return m.URL, nil
}
