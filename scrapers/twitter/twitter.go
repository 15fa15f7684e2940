// Package twitter finds tweets that mention the business on X (Twitter)
// with github.com/dghubble/go-twitter: the v1.1 search (search/tweets)
// and the account's mentions timeline. The library targets API v1.1 and
// is deprecated upstream; it stays behind scrapers.Source so it can be
// replaced without touching the pipeline. v1.1 search needs an app
// bearer token with v1.1 access (Basic tier or above today); the mentions
// timeline needs user-context OAuth 1.0a keys.
package twitter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	gotwitter "github.com/dghubble/go-twitter/twitter"
	"github.com/dghubble/oauth1"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/extract"
	"github.com/earshot/earshot/scrapers/fetch"
)

// Kind is this source's name in configs and on the command line.
const Kind = "twitter"

// Environment variables holding the credentials. Search uses the bearer
// token, or the OAuth 1.0a keys when no bearer token is set; the mentions
// timeline needs the four OAuth 1.0a values.
const (
	EnvBearerToken    = "EARSHOT_TWITTER_BEARER_TOKEN"
	EnvConsumerKey    = "EARSHOT_TWITTER_CONSUMER_KEY"
	EnvConsumerSecret = "EARSHOT_TWITTER_CONSUMER_SECRET"
	EnvAccessToken    = "EARSHOT_TWITTER_ACCESS_TOKEN"
	EnvAccessSecret   = "EARSHOT_TWITTER_ACCESS_SECRET"
)

// MentionsTarget selects the authenticated account's mentions timeline.
const MentionsTarget = "@mentions"

type source struct {
	f      *fetch.Fetcher
	getenv func(string) string
}

// New returns the twitter source; its target is a search query or
// "@mentions".
func New(opts scrapers.Options) (scrapers.Source, error) {
	opts = opts.WithDefaults()
	return &source{f: fetch.New(Kind, opts), getenv: opts.Getenv}, nil
}

// Fetch makes one API call; runs are incremental through since_id (the
// cursor is the newest tweet ID).
func (s *source) Fetch(ctx context.Context, req scrapers.Request) (scrapers.Result, error) {
	res := scrapers.Result{Cursor: req.Cursor}
	target := strings.TrimSpace(req.Target)
	if target == "" {
		return res, fmt.Errorf("scrapers: twitter: empty target (a search or %s): %w", MentionsTarget, scrapers.ErrConfig)
	}
	hc, err := s.client(ctx, req.APIBase, target == MentionsTarget)
	if err != nil {
		return res, err
	}
	client := gotwitter.NewClient(hc)
	var since int64
	if !req.Backfill {
		since, _ = strconv.ParseInt(req.Cursor, 10, 64)
	}
	var tweets []gotwitter.Tweet
	if target == MentionsTarget {
		tweets, _, err = client.Timelines.MentionTimeline(&gotwitter.MentionTimelineParams{Count: 200, SinceID: since, TweetMode: "extended"})
	} else {
		var sr *gotwitter.Search
		sr, _, err = client.Search.Tweets(&gotwitter.SearchTweetParams{Query: target, Count: 100, SinceID: since, ResultType: "recent", TweetMode: "extended"})
		if sr != nil {
			tweets = sr.Statuses
		}
	}
	res.Pages = 1
	if err != nil {
		return res, classify(err)
	}
	res.Mentions = FromTweets(tweets)
	for _, t := range tweets {
		if id, _ := strconv.ParseInt(t.IDStr, 10, 64); id > since {
			since = id
			res.Cursor = t.IDStr
		}
	}
	if req.Progress != nil {
		req.Progress(res.Pages, len(res.Mentions))
	}
	return res, nil
}

// client builds the authenticated HTTP client: every request goes through
// the fetch layer (rate limit, retries) and, with an API base, to that
// server instead of api.twitter.com.
func (s *source) client(ctx context.Context, base string, userContext bool) (*http.Client, error) {
	hc, err := s.f.Client(base)
	if err != nil {
		return nil, fmt.Errorf("scrapers: twitter: api base: %w", err)
	}
	hc.Transport = ctxTransport{ctx: ctx, base: hc.Transport}
	ck, cs, at, as := s.getenv(EnvConsumerKey), s.getenv(EnvConsumerSecret), s.getenv(EnvAccessToken), s.getenv(EnvAccessSecret)
	bearer := s.getenv(EnvBearerToken)
	switch {
	case ck != "" && cs != "" && at != "" && as != "" && (userContext || bearer == ""):
		octx := context.WithValue(ctx, oauth1.HTTPClient, hc)
		return oauth1.NewConfig(ck, cs).Client(octx, oauth1.NewToken(at, as)), nil
	case userContext:
		return nil, fmt.Errorf("scrapers: twitter: %s needs %s, %s, %s and %s: %w", MentionsTarget, EnvConsumerKey, EnvConsumerSecret, EnvAccessToken, EnvAccessSecret, scrapers.ErrConfig)
	case bearer != "":
		hc.Transport = bearerTransport{token: bearer, base: hc.Transport}
		return hc, nil
	default:
		return nil, fmt.Errorf("scrapers: twitter: set %s (or the four OAuth 1.0a variables): %w", EnvBearerToken, scrapers.ErrConfig)
	}
}

type ctxTransport struct {
	ctx  context.Context
	base http.RoundTripper
}

// RoundTrip attaches the run's context, which go-twitter does not pass.
func (t ctxTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return t.base.RoundTrip(r.WithContext(t.ctx))
}

type bearerTransport struct {
	token string
	base  http.RoundTripper
}

// RoundTrip adds the app-only bearer token (credentials stay in headers,
// out of URLs and errors).
func (t bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+t.token)
	return t.base.RoundTrip(r)
}

// classify keeps our sentinels and calls undecodable answers parse
// failures; the error text never includes credentials (they travel in
// headers only).
func classify(err error) error {
	for _, s := range []error{scrapers.ErrBlocked, scrapers.ErrHTTP, scrapers.ErrTimeout, scrapers.ErrConfig} {
		if errors.Is(err, s) {
			return fmt.Errorf("scrapers: twitter: %w", err)
		}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("scrapers: twitter: %w", err)
	}
	return fmt.Errorf("scrapers: twitter: answer could not be read: %v: %w", err, scrapers.ErrParse)
}

// Parse reads a search/tweets answer ({"statuses": [...]}) or a timeline
// (a JSON array of tweets).
func Parse(body []byte, pageURL string) ([]models.Mention, fetch.PageInfo, error) {
	var info fetch.PageInfo
	trim := strings.TrimSpace(string(body))
	var tweets []gotwitter.Tweet
	if strings.HasPrefix(trim, "[") {
		if err := json.Unmarshal(body, &tweets); err != nil {
			return nil, info, fmt.Errorf("scrapers: twitter %s: timeline is not valid JSON: %v: %w", pageURL, err, scrapers.ErrParse)
		}
	} else if ms, ok, err := parseV2(body, pageURL); ok {
		return ms, info, err
	} else {
		var sr struct {
			Statuses *[]gotwitter.Tweet `json:"statuses"`
			Results  *[]gotwitter.Tweet `json:"results"` // premium search
		}
		if err := json.Unmarshal(body, &sr); err != nil || (sr.Statuses == nil && sr.Results == nil) {
			return nil, info, fmt.Errorf("scrapers: twitter %s: not a search answer (no statuses): %w", pageURL, scrapers.ErrParse)
		}
		if sr.Statuses != nil {
			tweets = *sr.Statuses
		} else {
			tweets = *sr.Results
		}
	}
	return FromTweets(tweets), info, nil
}

// FromTweets converts tweets; a retweet is read as the original tweet,
// with the full text of extended tweets.
func FromTweets(tweets []gotwitter.Tweet) []models.Mention {
	seen := map[string]bool{}
	var ms []models.Mention
	for i := range tweets {
		t := &tweets[i]
		if t.RetweetedStatus != nil {
			t = t.RetweetedStatus
		}
		if t.IDStr == "" || seen[t.IDStr] {
			continue
		}
		seen[t.IDStr] = true
		text := t.FullText
		if t.ExtendedTweet != nil && t.ExtendedTweet.FullText != "" {
			text = t.ExtendedTweet.FullText
		}
		if text == "" {
			text = t.Text
		}
		m := models.Mention{SourceKind: Kind, ExternalID: t.IDStr, Text: extract.HTMLText(text), Language: t.Lang}
		if t.User != nil {
			m.Author = t.User.ScreenName
			m.AuthorReach = int64(t.User.FollowersCount)
		}
		if m.Author != "" {
			m.URL = "https://twitter.com/" + url.PathEscape(m.Author) + "/status/" + t.IDStr
		} else {
			m.URL = "https://twitter.com/i/web/status/" + t.IDStr
		}
		if ts, ok := extract.Time(t.CreatedAt); ok {
			m.PostedAt = ts
		}
		if m.Language == "und" {
			m.Language = ""
		}
		ms = append(ms, m)
	}
	return ms
}

// v2 shapes, for answers of the v2 search and mention endpoints (and
// archives of them), read by Parse alongside v1.1.
type v2Tweet struct {
	ID                  string   `json:"id"`
	Text                string   `json:"text"`
	AuthorID            string   `json:"author_id"`
	CreatedAt           string   `json:"created_at"`
	Lang                string   `json:"lang"`
	EditHistoryTweetIDs []string `json:"edit_history_tweet_ids"`
	ReferencedTweets    []struct {
		Type string `json:"type"`
		ID   string `json:"id"`
	} `json:"referenced_tweets"`
}

type v2User struct {
	ID            string `json:"id"`
	Username      string `json:"username"`
	PublicMetrics struct {
		FollowersCount int64 `json:"followers_count"`
	} `json:"public_metrics"`
}

// parseV2 reads a v2 page ({"data": [...], "includes": {...}}). ok is
// false when body is not one, so Parse tries v1.1.
func parseV2(body []byte, pageURL string) ([]models.Mention, bool, error) {
	var page struct {
		Data     json.RawMessage `json:"data"`
		Includes struct {
			Users  []v2User  `json:"users"`
			Tweets []v2Tweet `json:"tweets"`
		} `json:"includes"`
	}
	if err := json.Unmarshal(body, &page); err != nil || len(page.Data) == 0 {
		return nil, false, nil
	}
	var tweets []v2Tweet
	if d := strings.TrimSpace(string(page.Data)); strings.HasPrefix(d, "{") {
		var t v2Tweet
		if err := json.Unmarshal(page.Data, &t); err != nil {
			return nil, true, fmt.Errorf("scrapers: twitter %s: v2 data: %v: %w", pageURL, err, scrapers.ErrParse)
		}
		tweets = []v2Tweet{t}
	} else if err := json.Unmarshal(page.Data, &tweets); err != nil {
		return nil, true, fmt.Errorf("scrapers: twitter %s: v2 data: %v: %w", pageURL, err, scrapers.ErrParse)
	}
	users := map[string]v2User{}
	for _, u := range page.Includes.Users {
		users[u.ID] = u
	}
	included := map[string]v2Tweet{}
	for _, t := range page.Includes.Tweets {
		included[t.ID] = t
	}
	seen := map[string]bool{}
	var ms []models.Mention
	for _, t := range tweets {
		for _, r := range t.ReferencedTweets {
			if orig, ok := included[r.ID]; ok && r.Type == "retweeted" {
				t = orig
			}
		}
		// An edited tweet gets a new id per version; the first id of its
		// edit history is stable, so the edit updates the stored mention.
		id := t.ID
		if len(t.EditHistoryTweetIDs) > 0 {
			id = t.EditHistoryTweetIDs[0]
		}
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		m := models.Mention{SourceKind: Kind, ExternalID: id, Text: extract.HTMLText(t.Text)}
		if len(t.Lang) == 2 {
			m.Language = t.Lang
		}
		if ts, ok := extract.Time(t.CreatedAt); ok {
			m.PostedAt = ts
			if len(t.EditHistoryTweetIDs) > 1 {
				e := ts
				m.EditedAt = &e
			}
		}
		if u, ok := users[t.AuthorID]; ok {
			m.Author = u.Username
			m.AuthorReach = u.PublicMetrics.FollowersCount
		}
		if m.Author != "" {
			m.URL = "https://twitter.com/" + url.PathEscape(m.Author) + "/status/" + t.ID
		} else {
			m.URL = "https://twitter.com/i/web/status/" + t.ID
		}
		ms = append(ms, m)
	}
	return ms, true, nil
}
