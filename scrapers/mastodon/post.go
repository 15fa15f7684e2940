package mastodon

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	gomastodon "github.com/mattn/go-mastodon"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
)

type poster struct{ c *gomastodon.Client }

// NewPoster returns the poster that replies to a status (a public toot
// with in_reply_to_id) with the account's access token. It needs the
// instance URL (the source's api_base): replying on the wrong server
// would fail, or worse, post as someone else.
func NewPoster(o scrapers.PostOptions) (scrapers.Poster, error) {
	o = o.WithDefaults()
	env, err := scrapers.NeedEnv(o.Getenv, "post: replying on "+Kind, EnvAccessToken)
	if err != nil {
		return nil, err
	}
	if o.APIBase == "" {
		return nil, fmt.Errorf("post: mastodon needs the instance URL (api_base of the source): %w", scrapers.ErrBadTarget)
	}
	c := gomastodon.NewClient(&gomastodon.Config{Server: strings.TrimRight(o.APIBase, "/"), AccessToken: env[EnvAccessToken]})
	c.Client = *o.Client
	next := c.Client.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	c.Client.Transport = idempotent{next: next}
	return poster{c: c}, nil
}

// idempotent sends the context's idempotency key as Mastodon's
// Idempotency-Key header on POSTs: go-mastodon has no option for it, and
// with it the server answers a repeated post of the same key with the
// status it already made instead of a second one.
type idempotent struct{ next http.RoundTripper }

func (t idempotent) RoundTrip(req *http.Request) (*http.Response, error) {
	if k := scrapers.IdempotencyKey(req.Context()); k != "" && req.Method == http.MethodPost {
		req = req.Clone(req.Context())
		req.Header.Set("Idempotency-Key", k)
	}
	return t.next.RoundTrip(req)
}

// statusID is the id replies go to: Mention.PlatformID, the status's id
// on the configured server (the ActivityPub URI in ExternalID is refused
// by real servers as in_reply_to_id).
func statusID(m models.Mention) (string, error) {
	id := m.PlatformID
	if id == "" && !strings.Contains(m.ExternalID, "/") {
		id = m.ExternalID // a bare status id, as older stores kept it
	}
	if id == "" {
		return "", fmt.Errorf("post: mastodon status %q has no server id yet (stored before earshot kept it); run `earshot scrape` on its source once and retry: %w", m.ExternalID, scrapers.ErrBadTarget)
	}
	return id, nil
}

// Reply answers the status by its server id and starts with the
// author's @handle, so the customer is notified.
func (p poster) Reply(ctx context.Context, m models.Mention, text string) (string, error) {
	id, err := statusID(m)
	if err != nil {
		return "", err
	}
	if h := m.AuthorHandle; h != "" && !strings.Contains(strings.ToLower(text), strings.ToLower(h)) {
		text = h + " " + text
	}
	st, err := p.c.PostStatus(ctx, &gomastodon.Toot{Status: text, InReplyToID: gomastodon.ID(id), Visibility: "public"})
	if err != nil {
		return "", fmt.Errorf("post: reply to mastodon status %s: %w", id, refused(err))
	}
	return st.URL, nil
}

// FindReply looks among the status's replies (its context's
// descendants) for one by the posting account that answers the status
// itself: the reply an interrupted attempt published. Any such reply
// counts, whatever its text, since the customer has been answered.
func (p poster) FindReply(ctx context.Context, m models.Mention, text string) (string, bool, error) {
	id, err := statusID(m)
	if err != nil {
		return "", false, err
	}
	me, err := p.c.GetAccountCurrentUser(ctx)
	if err != nil {
		return "", false, fmt.Errorf("post: mastodon: who am I (verify_credentials): %w", err)
	}
	thread, err := p.c.GetStatusContext(ctx, gomastodon.ID(id))
	if err != nil {
		return "", false, fmt.Errorf("post: mastodon: replies to status %s: %w", id, err)
	}
	for _, st := range thread.Descendants {
		if st != nil && st.Account.ID == me.ID && fmt.Sprint(st.InReplyToID) == id {
			return st.URL, true, nil
		}
	}
	return "", false, nil
}

// refused marks a 4xx answer as ErrPostRefused: the server did not
// publish anything.
func refused(err error) error {
	var api *gomastodon.APIError
	if errors.As(err, &api) && api.StatusCode/100 == 4 {
		return fmt.Errorf("%w: %w", scrapers.ErrPostRefused, err)
	}
	return err
}
