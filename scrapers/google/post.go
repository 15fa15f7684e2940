package google

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
)

type poster struct {
	base, token string
	client      *http.Client
}

// NewPoster returns the poster that sets a review's owner reply with an
// access token (EnvAccessToken).
func NewPoster(o scrapers.PostOptions) (scrapers.Poster, error) {
	o = o.WithDefaults()
	env, err := scrapers.NeedEnv(o.Getenv, "post: replying on "+Kind, EnvAccessToken)
	if err != nil {
		return nil, err
	}
	base := o.APIBase
	if base == "" {
		base = DefaultAPIBase
	}
	return poster{base: strings.TrimRight(base, "/"), token: env[EnvAccessToken], client: o.Client}, nil
}

// Reply updates the review's reply: PUT {base}/v4/{reviewName}/reply.
// The mention's ExternalID is the review's resource name
// (accounts/…/locations/…/reviews/…).
func (p poster) Reply(ctx context.Context, m models.Mention, text string) (string, error) {
	name := strings.Trim(m.ExternalID, "/")
	if !strings.HasPrefix(name, "accounts/") || !strings.Contains(name, "/reviews/") {
		return "", fmt.Errorf("post: google review name %q is not accounts/…/locations/…/reviews/…: %w", m.ExternalID, scrapers.ErrBadTarget)
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
