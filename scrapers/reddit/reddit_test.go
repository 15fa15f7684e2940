package reddit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

func redditServer(t *testing.T) *httptest.Server {
	return scrapertest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		serve := func(name string) { scrapertest.WriteFile(w, r, filepath.Join("testdata", name)) }
		switch r.URL.Path {
		case "/api/v1/access_token":
			id, secret, ok := r.BasicAuth()
			if !ok || id != "app-id" || secret != "app-s3cr3t" || r.FormValue("grant_type") != "client_credentials" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.Write([]byte(`{"access_token":"tok-1","token_type":"bearer","expires_in":86400}`))
		case "/search":
			if r.Header.Get("Authorization") != "Bearer tok-1" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			switch r.URL.Query().Get("q") {
			case "broken":
				w.Write([]byte(`{"kind":"Listing","data":{"children":[{"kind":"t3","data":{"name":"t3_x","title":"cut`))
				return
			case "nothing":
				w.Write([]byte(`{"kind":"Listing","data":{"after":null,"children":[]}}`))
				return
			}
			if r.URL.Query().Get("after") == "t1_c2" {
				serve("listing2.json")
				return
			}
			serve("listing1.json")
		case "/search.rss":
			serve("search.rss")
		default:
			http.NotFound(w, r)
		}
	})
}

func TestFetch(t *testing.T) {
	srv := redditServer(t)
	oauth := map[string]string{EnvClientID: "app-id", EnvClientSecret: "app-s3cr3t"}
	scrapertest.FetchCalls(t, New, srv.URL, "s3cr3t", []scrapertest.Call{
		{Name: "no results", Target: "nothing", Env: oauth, Mentions: 0, Pages: 2},
		{Name: "truncated answer", Target: "broken", Env: oauth, Err: scrapers.ErrParse},
		{Name: "oauth", Target: "harbour bistro", Env: oauth, Mentions: 3, Pages: 3, Golden: "oauth.golden.json"},
		{Name: "public feed without credentials", Target: "harbour bistro", Mentions: 1, Pages: 1, Golden: "rss.golden.json"},
		{Name: "wrong secret", Target: "harbour bistro", Env: map[string]string{EnvClientID: "app-id", EnvClientSecret: "nope-s3cr3t"}, Err: scrapers.ErrConfig},
	})
}

func TestSharedCaptures(t *testing.T) {
	dir := testutil.SharedDir(t, "fixtures", "reddit", "go-reddit-testdata")
	tests := []struct {
		file  string
		wantN int
	}{
		{file: "subreddit/search-posts.json", wantN: 2},
		{file: "user/comments.json", wantN: 1},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			ms, _ := scrapertest.ParseFile(t, filepath.Join(dir, tc.file), DefaultAPIBase+"/search?q=x", Parse)
			if len(ms) != tc.wantN {
				t.Errorf("%d mentions, want %d", len(ms), tc.wantN)
			}
			for _, m := range ms {
				if m.Author == "" || m.PostedAt.IsZero() || m.URL == "" {
					t.Errorf("incomplete %+v", scrapers.ToRecord(m))
				}
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	scrapertest.FuzzParse(f, DefaultAPIBase+"/search?q=x", Parse, nil)
}

// A mistyped api_base is a config error naming the base, with or without
// credentials; it used to panic inside the token request.
func TestBadAPIBase(t *testing.T) {
	oauth := map[string]string{EnvClientID: "app-id", EnvClientSecret: "app-s3cr3t"}
	for _, base := range []string{"http://[::1", "://no-scheme", "ftp://example.com", "localhost:8080", "http://"} {
		for _, env := range []map[string]string{nil, oauth} {
			t.Run(fmt.Sprintf("%s creds=%v", base, env != nil), func(t *testing.T) {
				src, err := New(scrapers.Options{Getenv: func(k string) string { return env[k] }})
				if err != nil {
					t.Fatal(err)
				}
				_, err = src.Fetch(context.Background(), scrapers.Request{Target: "harbour bistro", APIBase: base})
				if !errors.Is(err, scrapers.ErrConfig) || !strings.Contains(err.Error(), base) {
					t.Fatalf("error = %v, want ErrConfig naming %q", err, base)
				}
				if strings.Contains(err.Error(), "s3cr3t") {
					t.Fatalf("error leaks the secret: %v", err)
				}
			})
		}
	}
}
