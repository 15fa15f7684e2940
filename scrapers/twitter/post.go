package twitter

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	gotwitter "github.com/dghubble/go-twitter/twitter"
	"github.com/dghubble/oauth1"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
)

// PostEnv are the user-context OAuth 1.0a keys a reply is posted with
// (an app bearer token cannot post).
var PostEnv = []string{EnvConsumerKey, EnvConsumerSecret, EnvAccessToken, EnvAccessSecret}

type poster struct{ c *gotwitter.Client }

// NewPoster returns the poster that replies to a tweet as the account
// whose keys are set: with API v1.1 (the default) through go-twitter
// (statuses/update with in_reply_to_status_id), with `api: v2` by
// POST /2/tweets with reply.in_reply_to_tweet_id.
func NewPoster(o scrapers.PostOptions) (scrapers.Poster, error) {
	o = o.WithDefaults()
	if o.API != "" && o.API != APIv1 && o.API != APIv2 {
		return nil, fmt.Errorf("post: twitter: unknown api %q (use %s or %s): %w", o.API, APIv1, APIv2, scrapers.ErrBadTarget)
	}
	env, err := scrapers.NeedEnv(o.Getenv, "post: replying on "+Kind, PostEnv...)
	if err != nil {
		return nil, err
	}
	apiBase := o.APIBase
	if apiBase == "" {
		apiBase = DefaultAPIBase
	}
	base, err := url.Parse(apiBase)
	if err != nil || base.Host == "" {
		return nil, fmt.Errorf("post: twitter API base %q is not a URL: %w", apiBase, scrapers.ErrBadTarget)
	}
	next := o.Client.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	var rt http.RoundTripper = next
	if apiBase != DefaultAPIBase {
		rt = rebase{base: base, next: next}
	}
	ctx := context.WithValue(context.Background(), oauth1.HTTPClient, &http.Client{Transport: rt})
	cfg := oauth1.NewConfig(env[EnvConsumerKey], env[EnvConsumerSecret])
	hc := cfg.Client(ctx, oauth1.NewToken(env[EnvAccessToken], env[EnvAccessSecret]))
	hc.Timeout = o.Client.Timeout
	if o.API == APIv2 {
		return posterV2{hc: hc}, nil
	}
	return poster{c: gotwitter.NewClient(hc)}, nil
}

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

func (p poster) Reply(ctx context.Context, m models.Mention, text string) (string, error) {
	id, err := strconv.ParseInt(m.ExternalID, 10, 64)
	if err != nil {
		return "", fmt.Errorf("post: twitter status id %q: %w", m.ExternalID, scrapers.ErrBadTarget)
	}
	yes := true
	st, _, err := p.c.Statuses.Update(text, &gotwitter.StatusUpdateParams{InReplyToStatusID: id, AutoPopulateReplyMetadata: &yes})
	if err != nil {
		return "", fmt.Errorf("post: reply to tweet %d: %w", id, err)
	}
	return st.IDStr, nil
}

// posterV2 replies through API v2. Its client signs with OAuth 1.0a
// user context (an app bearer token cannot post) and sends requests for
// DefaultAPIBase to the source's API base.
type posterV2 struct{ hc *http.Client }

// Reply posts text as a reply to the tweet whose id is the mention's
// PlatformID. Unlike v1.1's auto_populate_reply_metadata, v2 does not
// name the author for us, so the text starts with their @handle (unless
// it already mentions them): otherwise the customer is not notified.
func (p posterV2) Reply(ctx context.Context, m models.Mention, text string) (string, error) {
	id := m.PlatformID
	if id == "" {
		id = m.ExternalID
	}
	if !isDigits(id) {
		return "", fmt.Errorf("post: twitter tweet id %q: %w", id, scrapers.ErrBadTarget)
	}
	if h := strings.TrimPrefix(m.AuthorHandle, "@"); h != "" && !mentions(text, h) {
		text = "@" + h + " " + text
	}
	var body struct {
		Text  string `json:"text"`
		Reply struct {
			InReplyToTweetID string `json:"in_reply_to_tweet_id"`
		} `json:"reply"`
	}
	body.Text = text
	body.Reply.InReplyToTweetID = id
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, DefaultAPIBase+"/2/tweets", bytes.NewReader(b))
	if err != nil {
		return "", fmt.Errorf("post: reply to tweet %s: %w", id, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("post: reply to tweet %s: %w", id, err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 == 4 {
		return "", fmt.Errorf("post: reply to tweet %s: HTTP %d: %q: %w", id, resp.StatusCode, bytes.TrimSpace(answer[:min(len(answer), 512)]), scrapers.ErrPostRefused)
	}
	if resp.StatusCode/100 != 2 {
		return "", fmt.Errorf("post: reply to tweet %s: HTTP %d: %q", id, resp.StatusCode, bytes.TrimSpace(answer[:min(len(answer), 512)]))
	}
	var out struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(answer, &out); err != nil || out.Data.ID == "" {
		return "", fmt.Errorf("post: reply to tweet %s: the answer has no data.id (%s); check the account before retrying, the reply may be posted", id, shapeOf(answer))
	}
	return out.Data.ID, nil
}

// mentions reports whether text already names @handle (X handles are
// case-insensitive).
func mentions(text, handle string) bool {
	t, h := strings.ToLower(text), "@"+strings.ToLower(handle)
	for i := strings.Index(t, h); i >= 0; {
		end := i + len(h)
		if end == len(t) || !isHandleByte(t[end]) {
			return true
		}
		j := strings.Index(t[end:], h)
		if j < 0 {
			break
		}
		i = end + j
	}
	return false
}

func isHandleByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z'
}
