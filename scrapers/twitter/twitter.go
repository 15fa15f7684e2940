// Package twitter finds tweets that mention the business on X (Twitter).
// With `api: v1.1` (the default) it uses github.com/dghubble/go-twitter:
// the v1.1 search (search/tweets) and the account's mentions timeline.
// That library targets API v1.1, which current X plans mostly no longer
// offer; with `api: v2` the source calls the v2 recent search
// (/2/tweets/search/recent) and mentions (/2/users/:id/mentions)
// endpoints itself and reads their pages with Parse. v1.1 search needs an
// app bearer token with v1.1 access; the v1.1 mentions timeline and v2
// "@mentions" (which asks /2/users/me who the account is) need
// user-context OAuth 1.0a keys; v2 search and "@mentions:<user id>" work
// with the bearer token.
package twitter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
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
// With API v2, "@mentions:<numeric user id>" reads that account's
// mentions with the bearer token alone.
const MentionsTarget = "@mentions"

// API versions a source can ask for (config `api:`).
const (
	APIv1 = "v1.1"
	APIv2 = "v2"
)

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

// Fetch reads the target through the API version the source asks for.
// Runs are incremental through since_id (the cursor is the newest tweet
// ID).
func (s *source) Fetch(ctx context.Context, req scrapers.Request) (scrapers.Result, error) {
	res := scrapers.Result{Cursor: req.Cursor}
	target := strings.TrimSpace(req.Target)
	if target == "" {
		return res, fmt.Errorf("scrapers: twitter: empty target (a search or %s): %w", MentionsTarget, scrapers.ErrConfig)
	}
	switch req.API {
	case "", APIv1:
		return s.fetchV1(ctx, req, target)
	case APIv2:
		return s.fetchV2(ctx, req, target)
	}
	return res, fmt.Errorf("scrapers: twitter: unknown api %q (use %s or %s): %w", req.API, APIv1, APIv2, scrapers.ErrConfig)
}

// fetchV1 makes one v1.1 call through go-twitter. The answer's shape is
// checked on the raw body: go-twitter decodes an object of the wrong
// kind (a v2 page, an error document) to "no tweets" without complaint.
func (s *source) fetchV1(ctx context.Context, req scrapers.Request, target string) (scrapers.Result, error) {
	res := scrapers.Result{Cursor: req.Cursor}
	mentions := target == MentionsTarget
	hc, err := s.client(ctx, req.APIBase, mentions)
	if err != nil {
		return res, err
	}
	last := &lastBody{base: hc.Transport}
	hc.Transport = last
	client := gotwitter.NewClient(hc)
	var since int64
	if !req.Backfill {
		since, _ = strconv.ParseInt(req.Cursor, 10, 64)
	}
	var tweets []gotwitter.Tweet
	what := "search/tweets"
	if mentions {
		what = "statuses/mentions_timeline"
		tweets, _, err = client.Timelines.MentionTimeline(&gotwitter.MentionTimelineParams{Count: 200, SinceID: since, TweetMode: "extended"})
	} else {
		var sr *gotwitter.Search
		sr, _, err = client.Search.Tweets(&gotwitter.SearchTweetParams{Query: target, Count: 100, SinceID: since, ResultType: "recent", TweetMode: "extended"})
		if sr != nil {
			tweets = sr.Statuses
		}
	}
	res.Pages = 1
	if shapeErr := checkV1Shape(last.body, mentions); shapeErr != nil && (err == nil || !isTransport(err)) {
		return res, fmt.Errorf("scrapers: twitter %s: %v: %w", what, shapeErr, scrapers.ErrParse)
	}
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

// isTransport reports whether err came from the transport (a sentinel
// of ours or a *url.Error) rather than from decoding the answer.
func isTransport(err error) bool {
	var ue *url.Error
	return errors.As(err, &ue) || errors.Is(err, scrapers.ErrBlocked) || errors.Is(err, scrapers.ErrHTTP) ||
		errors.Is(err, scrapers.ErrTimeout) || errors.Is(err, scrapers.ErrConfig)
}

// checkV1Shape names what a v1.1 answer is when it is not what the call
// returns: a JSON array of tweets for the mentions timeline, an object
// with "statuses" for search.
func checkV1Shape(body []byte, mentions bool) error {
	t := strings.TrimSpace(string(body))
	if t == "" {
		return nil // nothing was read: the transport's error says why
	}
	var obj map[string]json.RawMessage
	isObj := json.Unmarshal(body, &obj) == nil
	_, hasData := obj["data"]
	_, hasMeta := obj["meta"]
	v2 := isObj && (hasData || hasMeta)
	switch {
	case mentions && strings.HasPrefix(t, "["):
		return nil
	case mentions && v2:
		return errors.New("the answer is an API v2 page (data/meta), not a v1.1 mentions timeline (a list of tweets); set api: v2 on the source")
	case mentions:
		return fmt.Errorf("the answer is not a v1.1 mentions timeline (a list of tweets) but %s", shapeOf(body))
	case isObj && obj["statuses"] != nil && strings.HasPrefix(strings.TrimSpace(string(obj["statuses"])), "["):
		return nil
	case v2:
		return errors.New("the answer is an API v2 page (data/meta), not a v1.1 search answer (statuses); set api: v2 on the source")
	}
	return fmt.Errorf("the answer is not a v1.1 search answer (an object with statuses) but %s", shapeOf(body))
}

// shapeOf names what a JSON answer is without quoting it.
func shapeOf(body []byte) string {
	t := strings.TrimSpace(string(body))
	var obj map[string]json.RawMessage
	switch {
	case t == "":
		return "an empty answer"
	case strings.HasPrefix(t, "[") && json.Valid(body):
		return "a list"
	case json.Unmarshal(body, &obj) == nil:
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if len(keys) > 5 {
			keys = append(keys[:5], "…")
		}
		return "an object with keys " + strings.Join(keys, ", ")
	case t == "null":
		return "null"
	}
	return "not valid JSON"
}

// lastBody keeps the body of the last answer for shape checks.
type lastBody struct {
	base http.RoundTripper
	body []byte
}

func (l *lastBody) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.base.RoundTrip(r)
	l.body = nil
	if err != nil || resp == nil || resp.Body == nil {
		return resp, err
	}
	b, rerr := io.ReadAll(resp.Body)
	resp.Body.Close()
	if rerr != nil {
		return nil, rerr
	}
	l.body = b
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, nil
}

// DefaultAPIBase is the X API; tests and compatible services override it
// with the source's api_base.
const DefaultAPIBase = "https://api.twitter.com"

// v2Fields asks v2 for what Parse reads: authors, their reach, edit
// history and the originals of retweets.
var v2Fields = url.Values{
	"tweet.fields": {"created_at,lang,author_id,edit_history_tweet_ids,referenced_tweets"},
	"expansions":   {"author_id,referenced_tweets.id"},
	"user.fields":  {"username,public_metrics"},
	"max_results":  {"100"},
}

// fetchV2 reads v2 recent search or mentions page by page, following
// meta.next_token, until a page of known tweets, the last page, or the
// page limit.
func (s *source) fetchV2(ctx context.Context, req scrapers.Request, target string) (scrapers.Result, error) {
	res := scrapers.Result{Cursor: req.Cursor}
	userID, mentions := "", false
	if target == MentionsTarget || strings.HasPrefix(target, MentionsTarget+":") {
		mentions = true
		userID = strings.TrimPrefix(strings.TrimPrefix(target, MentionsTarget), ":")
		if userID != "" && !isDigits(userID) {
			return res, fmt.Errorf("scrapers: twitter: %s:<id> needs the numeric user id, not %q: %w", MentionsTarget, userID, scrapers.ErrConfig)
		}
	}
	hc, err := s.client(ctx, req.APIBase, mentions && userID == "")
	if err != nil {
		return res, err
	}
	if mentions && userID == "" {
		if userID, err = s.me(hc); err != nil {
			return res, err
		}
	}
	q := url.Values{}
	for k, v := range v2Fields {
		q[k] = v
	}
	endpoint, pageParam := DefaultAPIBase+"/2/tweets/search/recent", "next_token"
	if mentions {
		endpoint, pageParam = DefaultAPIBase+"/2/users/"+userID+"/mentions", "pagination_token"
	} else {
		q.Set("query", target)
	}
	if !req.Backfill && isDigits(req.Cursor) {
		q.Set("since_id", req.Cursor)
	}
	maxPages := req.MaxPages
	if maxPages <= 0 {
		maxPages = scrapers.DefaultMaxPages
	}
	newest := req.Cursor
	for res.Pages < maxPages {
		pageURL := endpoint + "?" + q.Encode()
		body, err := get(hc, pageURL)
		res.Pages++
		if err != nil {
			return res, classify(err)
		}
		meta, err := v2Meta(body)
		if err != nil {
			return res, fmt.Errorf("scrapers: twitter %s: %v: %w", endpoint, err, scrapers.ErrParse)
		}
		var ms []models.Mention
		if meta.ResultCount > 0 || meta.hasData {
			if ms, _, err = Parse(body, pageURL); err != nil {
				return res, err
			}
		}
		res.Mentions = append(res.Mentions, ms...)
		if newerTweetID(meta.NewestID, newest) {
			newest = meta.NewestID
		}
		if req.Progress != nil {
			req.Progress(res.Pages, len(res.Mentions))
		}
		if meta.NextToken == "" || len(ms) == 0 || (!req.Backfill && allSeen(ms, req.Seen)) {
			break
		}
		q.Set(pageParam, meta.NextToken)
	}
	res.Cursor = newest
	return res, nil
}

// me asks who the user-context credentials belong to.
func (s *source) me(hc *http.Client) (string, error) {
	body, err := get(hc, DefaultAPIBase+"/2/users/me")
	if err != nil {
		return "", classify(err)
	}
	var me struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &me); err != nil || !isDigits(me.Data.ID) {
		return "", fmt.Errorf("scrapers: twitter /2/users/me: the answer names no user id (%s): %w", shapeOf(body), scrapers.ErrParse)
	}
	return me.Data.ID, nil
}

func get(hc *http.Client, u string) ([]byte, error) {
	resp, err := hc.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("HTTP %d: %w", resp.StatusCode, scrapers.ErrHTTP)
	}
	return b, nil
}

type v2PageMeta struct {
	ResultCount int    `json:"result_count"`
	NewestID    string `json:"newest_id"`
	NextToken   string `json:"next_token"`
	hasData     bool
}

// v2Meta checks that body is a v2 page (an object with data or meta) and
// returns its meta; anything else is named in the error.
func v2Meta(body []byte) (v2PageMeta, error) {
	var page map[string]json.RawMessage
	if err := json.Unmarshal(body, &page); err != nil {
		return v2PageMeta{}, fmt.Errorf("the answer is not a v2 page but %s", shapeOf(body))
	}
	data, hasData := page["data"]
	rawMeta, hasMeta := page["meta"]
	if !hasData && !hasMeta {
		if _, v1 := page["statuses"]; v1 {
			return v2PageMeta{}, errors.New("the answer is a v1.1 search answer (statuses), not a v2 page; set api: v1.1 on the source")
		}
		if _, e := page["errors"]; e {
			return v2PageMeta{}, errors.New("the answer holds only errors, no data or meta")
		}
		return v2PageMeta{}, fmt.Errorf("the answer is not a v2 page (no data or meta) but %s", shapeOf(body))
	}
	var m v2PageMeta
	if hasMeta {
		if err := json.Unmarshal(rawMeta, &m); err != nil {
			return m, fmt.Errorf("the page's meta is not an object: %v", err)
		}
	}
	m.hasData = hasData && strings.TrimSpace(string(data)) != "null" && strings.TrimSpace(string(data)) != "[]"
	return m, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// newerTweetID compares tweet ids (decimal strings).
func newerTweetID(id, than string) bool {
	if !isDigits(id) {
		return false
	}
	if !isDigits(than) || len(id) != len(than) {
		return !isDigits(than) || len(id) > len(than)
	}
	return id > than
}

func allSeen(ms []models.Mention, seen func(string) bool) bool {
	if seen == nil || len(ms) == 0 {
		return false
	}
	for _, m := range ms {
		if !seen(m.ExternalID) {
			return false
		}
	}
	return true
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
		m.PlatformID = t.IDStr
		if t.User != nil {
			m.Author = t.User.ScreenName
			m.AuthorReach = int64(t.User.FollowersCount)
			if m.Author != "" {
				m.AuthorHandle = "@" + m.Author
			}
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
		// A reply goes to the tweet's latest version.
		m := models.Mention{SourceKind: Kind, ExternalID: id, PlatformID: t.ID, Text: extract.HTMLText(t.Text)}
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
			if m.Author != "" {
				m.AuthorHandle = "@" + m.Author
			}
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
