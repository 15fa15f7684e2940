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
	base, tokenURL string
	getenv         func(string) string
	client         *http.Client
}

// NewPoster returns the poster that sets a review's owner reply. It gets
// its access token exactly as the scraper does (accessToken): refreshed
// with EnvClientID, EnvClientSecret and EnvRefreshToken, or the static
// EnvAccessToken for trying it out.
func NewPoster(o scrapers.PostOptions) (scrapers.Poster, error) {
	o = o.WithDefaults()
	if o.Getenv(EnvAccessToken) == "" {
		if _, err := scrapers.NeedEnv(o.Getenv, "post: replying on "+Kind+" (or set "+EnvAccessToken+")", EnvClientID, EnvClientSecret, EnvRefreshToken); err != nil {
			return nil, err
		}
	}
	base, tokenURL := endpoints(o.APIBase)
	return poster{base: base, tokenURL: tokenURL, getenv: o.Getenv, client: o.Client}, nil
}

// Reply updates the review's reply: PUT {base}/v4/{reviewName}/reply.
// The review's resource name (accounts/…/locations/…/reviews/…) is the
// mention's PlatformID, stored by the scraper; mentions stored before
// that carry it as their ExternalID when the API gave the full name.
func (p poster) Reply(ctx context.Context, m models.Mention, text string) (string, error) {
	name, err := reviewNameOf(m)
	if err != nil {
		return "", err
	}
	token, err := accessToken(ctx, p.client, p.getenv, p.tokenURL)
	if err != nil {
		return "", fmt.Errorf("post: google reply to %s: %w", name, err)
	}
	body, _ := json.Marshal(map[string]string{"comment": text})
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, p.base+"/v4/"+name+"/reply", bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("post: google reply: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("post: google reply to %s: %w", name, err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 == 4 {
		return "", fmt.Errorf("post: google reply to %s: HTTP %d: %q: %w", name, resp.StatusCode, bytes.TrimSpace(snippet), scrapers.ErrPostRefused)
	}
	if resp.StatusCode/100 != 2 {
		return "", fmt.Errorf("post: google reply to %s: HTTP %d: %q", name, resp.StatusCode, bytes.TrimSpace(snippet))
	}
	return m.URL, nil
}

// FindReply reads the review (GET {base}/v4/{reviewName}) and reports
// whether its owner reply already has this text. The reply is one field
// of the review that a PUT replaces, so Google never shows two; this
// check only spares a second PUT and records the reply as found.
func (p poster) FindReply(ctx context.Context, m models.Mention, text string) (string, bool, error) {
	name, err := reviewNameOf(m)
	if err != nil {
		return "", false, err
	}
	token, err := accessToken(ctx, p.client, p.getenv, p.tokenURL)
	if err != nil {
		return "", false, fmt.Errorf("post: google review %s: %w", name, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.base+"/v4/"+name, nil)
	if err != nil {
		return "", false, fmt.Errorf("post: google review: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := p.client.Do(req)
	if err != nil {
		return "", false, fmt.Errorf("post: google review %s: %w", name, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return "", false, fmt.Errorf("post: google review %s: HTTP %d: %q", name, resp.StatusCode, bytes.TrimSpace(body[:min(len(body), 512)]))
	}
	var review struct {
		ReviewReply *struct {
			Comment string `json:"comment"`
		} `json:"reviewReply"`
	}
	if err := json.Unmarshal(body, &review); err != nil {
		return "", false, fmt.Errorf("post: google review %s: %w", name, err)
	}
	if review.ReviewReply != nil && strings.TrimSpace(review.ReviewReply.Comment) == strings.TrimSpace(text) {
		return m.URL, true, nil
	}
	return "", false, nil
}

// reviewNameOf is the review's resource name (accounts/…/locations/…/
// reviews/…): the mention's PlatformID, stored by the scraper; mentions
// stored before that carry it as their ExternalID when the API gave the
// full name.
func reviewNameOf(m models.Mention) (string, error) {
	name := strings.Trim(m.PlatformID, "/")
	if !reviewName.MatchString(name) {
		name = strings.Trim(m.ExternalID, "/")
	}
	if !reviewName.MatchString(name) {
		return "", fmt.Errorf("post: google review name %q is not accounts/…/locations/…/reviews/…: %w", m.ExternalID, scrapers.ErrBadTarget)
	}
	return name, nil
}
