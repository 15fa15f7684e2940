package fetch

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Client returns an *http.Client whose requests go through f: the
// per-host rate limit, retries with backoff and Retry-After, and error
// classification. Third-party API libraries (go-twitter, go-mastodon)
// take an *http.Client, so they get the same politeness as our own code.
//
// When base is not empty, every request's scheme and host are replaced by
// base's, and base's path is put in front of the request's, which points
// a library with a hard-coded endpoint at a self-hosted or test server.
// Errors come back wrapped in *url.Error by net/http and still match the
// scrapers sentinels with errors.Is.
func (f *Fetcher) Client(base string) (*http.Client, error) {
	var b *url.URL
	if base != "" {
		u, err := ParseTarget(base)
		if err != nil {
			return nil, err
		}
		b = u
	}
	return &http.Client{Transport: &transport{f: f, base: b}}, nil
}

type transport struct {
	f    *Fetcher
	base *url.URL
}

// RoundTrip sends req through the Fetcher (rate limit, retries) and
// returns the buffered answer as an *http.Response.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	u := *req.URL
	if t.base != nil {
		u.Scheme, u.Host = t.base.Scheme, t.base.Host
		if p := strings.TrimRight(t.base.Path, "/"); p != "" && !strings.HasPrefix(u.Path, p+"/") {
			u.Path = p + u.Path
			u.RawPath = ""
		}
	}
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	hdr := req.Header.Clone()
	resp, err := t.f.API(req.Context(), req.Method, u.String(), hdr, body)
	if err != nil {
		return nil, err
	}
	return &http.Response{
		Status:        http.StatusText(resp.Status),
		StatusCode:    resp.Status,
		Header:        resp.Header,
		Body:          io.NopCloser(bytes.NewReader(resp.Body)),
		ContentLength: int64(len(resp.Body)),
		Request:       req,
		Proto:         "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
	}, nil
}
