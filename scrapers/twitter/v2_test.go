package twitter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

// v2Page is one v2 page of tweets with ids ids, written by user 7 (kim),
// with the next_token next ("" on the last page).
func v2Page(ids []int, next string) string {
	var data []string
	for _, id := range ids {
		data = append(data, fmt.Sprintf(`{"id":"%d","text":"@HarbourBistro tweet %d","author_id":"7","created_at":"2026-11-21T08:00:00.000Z","lang":"en","edit_history_tweet_ids":["%d"]}`, id, id, id))
	}
	meta := fmt.Sprintf(`"result_count":%d`, len(ids))
	if len(ids) > 0 {
		meta += fmt.Sprintf(`,"newest_id":"%d","oldest_id":"%d"`, ids[0], ids[len(ids)-1])
	}
	if next != "" {
		meta += `,"next_token":"` + next + `"`
	}
	if len(ids) == 0 {
		return `{"meta":{` + meta + `}}`
	}
	return `{"data":[` + strings.Join(data, ",") + `],"includes":{"users":[{"id":"7","username":"kim","public_metrics":{"followers_count":77}}]},"meta":{` + meta + `}}`
}

// v2Server serves tweets 106 down to 101, two per page, on the recent
// search and on user 42's mentions; /2/users/me says the OAuth user is 42.
func v2Server(t *testing.T) (string, func() []string) {
	pages := map[string]string{
		"":   v2Page([]int{106, 105}, "p2"),
		"p2": v2Page([]int{104, 103}, "p3"),
		"p3": v2Page([]int{102, 101}, ""),
	}
	srv, reqs := scrapertest.ServeRecorded(t, func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		if auth != "Bearer bearer-s3cr3t" && !strings.HasPrefix(auth, "OAuth ") {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		q := r.URL.Query()
		switch r.URL.Path {
		case "/2/users/me":
			if !strings.HasPrefix(auth, "OAuth ") {
				w.WriteHeader(http.StatusForbidden)
				return
			}
			w.Write([]byte(`{"data":{"id":"42","name":"Harbour","username":"HarbourBistro"}}`))
		case "/2/tweets/search/recent":
			switch q.Get("query") {
			case "nothing":
				w.Write([]byte(v2Page(nil, "")))
				return
			case "v1 answer":
				w.Write([]byte(`{"statuses":[],"search_metadata":{}}`))
				return
			case "list":
				w.Write([]byte(`[]`))
				return
			}
			if q.Get("expansions") == "" || q.Get("since_id") == "104" && q.Get("next_token") == "" {
				w.Write([]byte(v2Page([]int{106, 105}, "")))
				return
			}
			w.Write([]byte(pages[q.Get("next_token")]))
		case "/2/users/42/mentions":
			w.Write([]byte(pages[q.Get("pagination_token")]))
		case "/1.1/statuses/mentions_timeline.json":
			// A v2 mentions page where v1.1 expects a list of tweets.
			w.Write([]byte(pages[""]))
		case "/1.1/search/tweets.json":
			w.Write([]byte(pages[""]))
		default:
			http.NotFound(w, r)
		}
	})
	return srv.URL, func() []string {
		var out []string
		for _, u := range reqs() {
			out = append(out, u.RequestURI())
		}
		return out
	}
}

func TestFetchV2(t *testing.T) {
	base, requests := v2Server(t)
	bearer := map[string]string{EnvBearerToken: "bearer-s3cr3t"}
	oauth := map[string]string{EnvConsumerKey: "ck", EnvConsumerSecret: "cs", EnvAccessToken: "at-1", EnvAccessSecret: "as"}
	tests := []struct {
		name      string
		target    string
		env       map[string]string
		cursor    string
		maxPages  int
		seen      func(string) bool
		wantN     int
		wantPages int
		wantCur   string
		wantReq   string // the last request contains this
		err       error
		errSays   string
	}{
		{name: "recent search, all pages", target: "harbour bistro", env: bearer, wantN: 6, wantPages: 3, wantCur: "106", wantReq: "next_token=p3"},
		{name: "bounded by pages", target: "harbour bistro", env: bearer, maxPages: 2, wantN: 4, wantPages: 2, wantCur: "106"},
		{name: "stops at known tweets", target: "harbour bistro", env: bearer, seen: func(id string) bool { return id <= "104" }, wantN: 4, wantPages: 2, wantCur: "106"},
		{name: "incremental", target: "harbour bistro", env: bearer, cursor: "104", wantN: 2, wantPages: 1, wantCur: "106", wantReq: "since_id=104"},
		{name: "empty search keeps the cursor", target: "nothing", env: bearer, cursor: "99", wantN: 0, wantPages: 1, wantCur: "99"},
		{name: "mentions of the OAuth user", target: MentionsTarget, env: oauth, wantN: 6, wantPages: 3, wantCur: "106", wantReq: "/2/users/42/mentions?"},
		{name: "mentions by user id with the bearer token", target: MentionsTarget + ":42", env: bearer, wantN: 6, wantPages: 3, wantCur: "106", wantReq: "pagination_token=p3"},
		{name: "mentions of the app need a user", target: MentionsTarget, env: bearer, err: scrapers.ErrConfig},
		{name: "mentions id must be numeric", target: MentionsTarget + ":HarbourBistro", env: bearer, err: scrapers.ErrConfig},
		{name: "v1.1 answer on v2", target: "v1 answer", env: bearer, err: scrapers.ErrParse, errSays: "v1.1 search answer"},
		{name: "list on v2", target: "list", env: bearer, err: scrapers.ErrParse, errSays: "not a v2 page"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := scrapertest.Options()
			opts.Getenv = scrapertest.Env(tt.env)
			src, _ := New(opts)
			res, err := src.Fetch(context.Background(), scrapers.Request{Target: tt.target, APIBase: base, API: APIv2, Cursor: tt.cursor, MaxPages: tt.maxPages, Seen: tt.seen})
			if tt.err != nil {
				if !errors.Is(err, tt.err) || !strings.Contains(fmt.Sprint(err), tt.errSays) || strings.Contains(fmt.Sprint(err), "s3cr3t") {
					t.Fatalf("error = %v, want %v saying %q", err, tt.err, tt.errSays)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Mentions) != tt.wantN || res.Pages != tt.wantPages || res.Cursor != tt.wantCur {
				t.Fatalf("%d tweets over %d pages, cursor %q; want %d over %d, %q", len(res.Mentions), res.Pages, res.Cursor, tt.wantN, tt.wantPages, tt.wantCur)
			}
			reqs := requests()
			if last := reqs[len(reqs)-1]; !strings.Contains(last, tt.wantReq) {
				t.Errorf("last request %s lacks %s", last, tt.wantReq)
			}
			for _, m := range res.Mentions {
				if m.AuthorHandle != "@kim" || m.PlatformID != m.ExternalID || m.Author != "kim" {
					t.Errorf("tweet %s: handle %q, platform id %q", m.ExternalID, m.AuthorHandle, m.PlatformID)
				}
			}
		})
	}
}

// v1.1 with an answer of the wrong shape is a parse error that names the
// shape, never "0 mentions".
func TestV1WrongShape(t *testing.T) {
	base, _ := v2Server(t)
	oauth := map[string]string{EnvConsumerKey: "ck", EnvConsumerSecret: "cs", EnvAccessToken: "at-1", EnvAccessSecret: "as"}
	for _, tc := range []struct{ target, says string }{
		{MentionsTarget, "API v2 page (data/meta), not a v1.1 mentions timeline"},
		{"harbour", "API v2 page (data/meta), not a v1.1 search answer"},
	} {
		t.Run(tc.target, func(t *testing.T) {
			opts := scrapertest.Options()
			opts.Getenv = scrapertest.Env(oauth)
			src, _ := New(opts)
			res, err := src.Fetch(context.Background(), scrapers.Request{Target: tc.target, APIBase: base})
			if !errors.Is(err, scrapers.ErrParse) || !strings.Contains(err.Error(), tc.says) || !strings.Contains(err.Error(), "api: v2") {
				t.Fatalf("error = %v (%d tweets), want a parse error saying %q", err, len(res.Mentions), tc.says)
			}
		})
	}
	t.Run("unknown api", func(t *testing.T) {
		src, _ := New(scrapertest.Options())
		if _, err := src.Fetch(context.Background(), scrapers.Request{Target: "x", APIBase: base, API: "v3"}); !errors.Is(err, scrapers.ErrConfig) {
			t.Fatalf("error = %v, want a config error", err)
		}
	})
}
