package twitter

import (
	"context"
	"fmt"
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

// NewPoster returns the poster that replies to a tweet (statuses/update
// with in_reply_to_status_id) as the account whose keys are set.
func NewPoster(o scrapers.PostOptions) (scrapers.Poster, error) {
	o = o.WithDefaults()
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
