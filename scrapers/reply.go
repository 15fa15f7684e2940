package scrapers

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/earshot/earshot/models"
)

// Poster publishes one reply to one mention on the platform it came from;
// it returns a URL or ID of the published reply when the platform gives
// one. A kind with a reply API implements it next to its Source (for
// example scrapers/mastodon/post.go) and names its constructor in its
// registry row; tasks/post is the only caller.
type Poster interface {
	Reply(ctx context.Context, m models.Mention, text string) (string, error)
}

// ReplyFinder is a Poster that can look on the platform for a reply it
// published, so that after a crash mid-post (the platform may have
// published the reply, earshot never recorded it) the retry records the
// reply it finds instead of publishing a second one. It reports the
// reply's URL or ID and whether one was found. Kinds whose API cannot
// answer (X on the free tier) do not implement it.
type ReplyFinder interface {
	FindReply(ctx context.Context, m models.Mention, text string) (ref string, found bool, err error)
}

type idempotencyKey struct{}

// WithIdempotencyKey returns ctx carrying the key a Poster sends as the
// platform's idempotency key (Mastodon's Idempotency-Key header). It is
// request-scoped, like a request id, so the Poster interface stays one
// method for kinds whose API has no such thing.
func WithIdempotencyKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, idempotencyKey{}, key)
}

// IdempotencyKey is the key WithIdempotencyKey put in ctx, or "".
func IdempotencyKey(ctx context.Context) string {
	k, _ := ctx.Value(idempotencyKey{}).(string)
	return k
}

// PostOptions are what a Poster constructor gets.
type PostOptions struct {
	// APIBase is the source's API base; empty means the platform's
	// public API (some kinds, such as Mastodon, need one).
	APIBase string
	// API is the source's API version (config `api:`) for kinds that
	// speak several, such as "v2" for twitter; empty means the default.
	API string
	// Client sends the requests; nil means http.DefaultClient.
	Client *http.Client
	// Getenv reads the credentials; nil means os.Getenv. Credentials never
	// appear in errors.
	Getenv func(string) string
}

// WithDefaults fills the zero fields.
func (o PostOptions) WithDefaults() PostOptions {
	if o.Client == nil {
		o.Client = http.DefaultClient
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	return o
}

// NeedEnv reads the named credentials. When any is unset it returns an
// error naming every missing variable (never a value), wrapping
// ErrNoCredentials.
func NeedEnv(getenv func(string) string, what string, names ...string) (map[string]string, error) {
	out := make(map[string]string, len(names))
	var missing []string
	for _, n := range names {
		v := getenv(n)
		if v == "" {
			missing = append(missing, n)
		}
		out[n] = v
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s needs %s: %w", what, strings.Join(missing, ", "), ErrNoCredentials)
	}
	return out, nil
}
