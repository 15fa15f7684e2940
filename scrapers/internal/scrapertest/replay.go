package scrapertest

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// cassette is the part of a VCR recording (vcrpy, Mastodon.py, tweepy)
// that Replay needs: each request's method and URI, and the body answered.
type cassette struct {
	Interactions []struct {
		Request struct {
			Method string `json:"method" yaml:"method"`
			URI    string `json:"uri" yaml:"uri"`
		} `json:"request" yaml:"request"`
		Response struct {
			Body struct {
				String string `json:"string" yaml:"string"`
			} `json:"body" yaml:"body"`
		} `json:"response" yaml:"response"`
	} `json:"interactions" yaml:"interactions"`
}

// Replay serves the answers of a VCR cassette (YAML, or JSON when the
// file ends in .json) matched on method and path, query ignored, as JSON.
// It lets the real client run against what a real server once answered,
// whatever host the recording was made against; anything not recorded is
// a 404. The server closes when the test ends.
func Replay(t testing.TB, file string) *httptest.Server {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var c cassette
	if filepath.Ext(file) == ".json" {
		err = json.Unmarshal(b, &c)
	} else {
		err = yaml.Unmarshal(b, &c)
	}
	if err != nil {
		t.Fatalf("cassette %s: %v", file, err)
	}
	bodies := map[string]string{}
	for _, it := range c.Interactions {
		u, err := url.Parse(it.Request.URI)
		if err != nil {
			t.Fatalf("cassette %s: %v", file, err)
		}
		body := it.Response.Body.String
		// tweepy's v2 recordings keep the gzip-encoded body (!!binary).
		if strings.HasPrefix(body, "\x1f\x8b") {
			zr, err := gzip.NewReader(strings.NewReader(body))
			if err != nil {
				t.Fatalf("cassette %s: %v", file, err)
			}
			plain, err := io.ReadAll(zr)
			if err != nil {
				t.Fatalf("cassette %s: %v", file, err)
			}
			body = string(plain)
		}
		bodies[it.Request.Method+" "+u.Path] = body
	}
	return Serve(t, func(w http.ResponseWriter, r *http.Request) {
		body, ok := bodies[r.Method+" "+r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(body))
	})
}
