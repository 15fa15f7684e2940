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

func (p poster) Reply(ctx context.Context, m models.Mention, text string) (string, error) {
	if m.ExternalID == "" {
		return "", fmt.Errorf("post: mastodon status without id: %w", scrapers.ErrBadTarget)
	}
	st, err := p.c.PostStatus(ctx, &gomastodon.Toot{Status: text, InReplyToID: gomastodon.ID(m.ExternalID), Visibility: "public"})
	if err != nil {
		return "", fmt.Errorf("post: reply to mastodon status %s: %w", m.ExternalID, err)
	}
	return st.URL, nil
}
