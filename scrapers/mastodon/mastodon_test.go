package mastodon

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

func server(t *testing.T) (*httptest.Server, func() []*url.URL) {
	return scrapertest.ServeRecorded(t, func(w http.ResponseWriter, r *http.Request) {
		authed := r.Header.Get("Authorization") == "Bearer tok-s3cr3t"
		serve := func(name string) { scrapertest.WriteFile(w, r, filepath.Join("testdata", name)) }
		switch r.URL.Path {
		case "/api/v1/timelines/tag/HarbourBistro":
			serve("hashtag.json")
		case "/api/v1/timelines/tag/quiet":
			w.Write([]byte(`[]`))
		case "/api/v1/timelines/tag/silent":
			// 200 with nothing: a broken answer, never "0 posts".
		case "/api/v1/timelines/tag/broken":
			w.Write([]byte(`[{"id":"1","content":`))
		case "/api/v2/search":
			if !authed {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			serve("search.json")
		case "/api/v1/notifications":
			if !authed {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			serve("notifications.json")
		default:
			http.NotFound(w, r)
		}
	})
}

func TestFetch(t *testing.T) {
	srv, requests := server(t)
	withToken := map[string]string{EnvAccessToken: "tok-s3cr3t"}
	scrapertest.FetchCalls(t, New, srv.URL, "s3cr3t", []scrapertest.Call{
		{Name: "hashtag", Target: "#HarbourBistro", Mentions: 2, Pages: 1, WantCursor: "113000000000000002", Golden: "hashtag.golden.json"},
		{Name: "search", Target: "harbour bistro", Env: withToken, Mentions: 1, Pages: 1, WantCursor: "113000000000000006", Golden: "search.golden.json"},
		{Name: "mentions", Target: MentionsTarget, Env: withToken, Mentions: 1, Pages: 1, WantCursor: "notification:77", Golden: "mentions.golden.json"},
		{Name: "empty hashtag", Target: "#quiet", Cursor: "7", Mentions: 0, Pages: 1, WantCursor: "7"},
		{Name: "search without token", Target: "harbour bistro", Err: scrapers.ErrConfig},
		{Name: "bad token", Target: "harbour bistro", Env: map[string]string{EnvAccessToken: "nope-s3cr3t"}, Err: scrapers.ErrConfig},
		{Name: "truncated answer", Target: "#broken", Err: scrapers.ErrParse},
		{Name: "empty 200 answer", Target: "#silent", Err: scrapers.ErrParse},
	})
	t.Run("incremental hashtag sends since_id", func(t *testing.T) {
		src, _ := New(scrapertest.Options())
		if _, err := src.Fetch(context.Background(), scrapers.Request{Target: "#HarbourBistro", APIBase: srv.URL, Cursor: "113000000000000001"}); err != nil {
			t.Fatal(err)
		}
		reqs := requests()
		if last := reqs[len(reqs)-1].RequestURI(); !contains(last, "since_id=113000000000000001") {
			t.Errorf("request %q lacks since_id", last)
		}
	})
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func FuzzParse(f *testing.F) {
	scrapertest.FuzzParse(f, "https://social.example/api/v1/timelines/tag/x", Parse, nil)
}
