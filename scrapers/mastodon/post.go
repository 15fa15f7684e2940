package mastodon

import (
	"context"
	"fmt"
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
	return poster{c: c}, nil
}

// Reply answers the status by its id on the configured server
// (Mention.PlatformID; the ActivityPub URI in ExternalID is refused by
// real servers as in_reply_to_id) and starts with the author's @handle,
// so the customer is notified.
func (p poster) Reply(ctx context.Context, m models.Mention, text string) (string, error) {
	id := m.PlatformID
	if id == "" && !strings.Contains(m.ExternalID, "/") {
		id = m.ExternalID // a bare status id, as older stores kept it
	}
	if id == "" {
		return "", fmt.Errorf("post: mastodon status %q has no server id yet (stored before earshot kept it); run `earshot scrape` on its source once and retry: %w", m.ExternalID, scrapers.ErrBadTarget)
	}
	if h := m.AuthorHandle; h != "" && !strings.Contains(strings.ToLower(text), strings.ToLower(h)) {
		text = h + " " + text
	}
	st, err := p.c.PostStatus(ctx, &gomastodon.Toot{Status: text, InReplyToID: gomastodon.ID(id), Visibility: "public"})
	if err != nil {
		return "", fmt.Errorf("post: reply to mastodon status %s: %w", id, err)
	}
	return st.URL, nil
}
