// Package httpsend posts JSON for the Slack and webhook notifiers and
// classifies the answer: 5xx, 429 and network errors are worth retrying,
// other 4xx are not (the URL or the payload is wrong).
package httpsend

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// Post sends body to rawURL with the headers given. It never puts the URL
// in errors beyond its host: webhook URLs are credentials.
func Post(ctx context.Context, client *http.Client, rawURL string, body []byte, headers map[string]string) (bool, error) {
	host := "(invalid URL)"
	if u, err := url.Parse(rawURL); err == nil {
		host = u.Host
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(body))
	if err != nil {
		return false, fmt.Errorf("post to %s: %w", host, redact(err, rawURL))
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return true, fmt.Errorf("post to %s: %w", host, redact(err, rawURL))
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return false, nil
	}
	retry := resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusRequestTimeout
	return retry, fmt.Errorf("post to %s: HTTP %d: %q", host, resp.StatusCode, bytes.TrimSpace(snippet))
}

// redact strips the URL (which may hold a token) from url.Error messages.
func redact(err error, rawURL string) error {
	if ue, ok := err.(*url.Error); ok {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}
