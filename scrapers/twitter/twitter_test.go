package twitter

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

func server(t *testing.T) *httptest.Server {
	return scrapertest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		serve := func(name string) { scrapertest.WriteFile(w, r, filepath.Join("testdata", name)) }
		auth := r.Header.Get("Authorization")
		switch r.URL.Path {
		case "/1.1/search/tweets.json":
			if auth != "Bearer bearer-s3cr3t" && !strings.HasPrefix(auth, "OAuth ") {
				w.WriteHeader(http.StatusUnauthorized)
				w.Write([]byte(`{"errors":[{"code":89,"message":"Invalid or expired token."}]}`))
				return
			}
			if r.URL.Query().Get("tweet_mode") != "extended" {
				http.Error(w, "want extended mode", http.StatusBadRequest)
				return
			}
			switch r.URL.Query().Get("q") {
			case "broken":
				w.Write([]byte(`{"statuses":[{"id_str":"1","full_text":"cut`))
				return
			case "nothing":
				w.Write([]byte(`{"statuses":[],"search_metadata":{"count":100}}`))
				return
			}
			serve("search.json")
		case "/1.1/statuses/mentions_timeline.json":
			if !strings.HasPrefix(auth, "OAuth ") || !strings.Contains(auth, `oauth_token="at-1"`) {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			serve("mentions.json")
		default:
			http.NotFound(w, r)
		}
	})
}

func TestFetch(t *testing.T) {
	srv := server(t)
	bearer := map[string]string{EnvBearerToken: "bearer-s3cr3t"}
	oauth := map[string]string{EnvConsumerKey: "ck", EnvConsumerSecret: "cs", EnvAccessToken: "at-1", EnvAccessSecret: "as"}
	scrapertest.FetchCalls(t, New, srv.URL, "s3cr3t", []scrapertest.Call{
		{Name: "search with bearer", Target: "harbour bistro", Env: bearer, Mentions: 2, Pages: 1, WantCursor: "1860000000000000003", Golden: "search.golden.json"},
		{Name: "search with oauth1", Target: "harbour bistro", Env: oauth, Mentions: 2, Pages: 1, WantCursor: "1860000000000000003"},
		{Name: "mentions", Target: MentionsTarget, Env: oauth, Mentions: 1, Pages: 1, WantCursor: "1860000000000000010", Golden: "mentions.golden.json"},
		{Name: "no tweets", Target: "nothing", Env: bearer, Mentions: 0, Pages: 1},
		{Name: "truncated answer", Target: "broken", Env: bearer, Err: scrapers.ErrParse},
		{Name: "mentions without oauth1", Target: MentionsTarget, Env: bearer, Err: scrapers.ErrConfig},
		{Name: "no credentials", Target: "harbour", Err: scrapers.ErrConfig},
		{Name: "rejected token", Target: "harbour", Env: map[string]string{EnvBearerToken: "wrong-s3cr3t"}, Err: scrapers.ErrConfig},
	})
}

func TestSharedCaptures(t *testing.T) {
	dir := testutil.SharedDir(t, "fixtures", "twitter_v1")
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*search*.json"))
	files = append(files, filepath.Join(dir, "anaconda", "json", "search", "tweets.json"))
	for _, p := range files {
		t.Run(filepath.Base(filepath.Dir(p))+"/"+filepath.Base(p), func(t *testing.T) {
			ms, _ := scrapertest.ParseFile(t, p, "https://api.twitter.com/1.1/search/tweets.json", Parse)
			if len(ms) == 0 {
				t.Fatal("no tweets read")
			}
			for _, m := range ms {
				if m.Author == "" || m.PostedAt.IsZero() || m.Text == "" {
					t.Errorf("incomplete tweet %+v", scrapers.ToRecord(m))
				}
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	scrapertest.FuzzParse(f, "https://api.twitter.com/1.1/search/tweets.json", Parse, nil)
}

// TestSharedV2Pages reads twarc's archived v2 pages (one page per line,
// with an extra "__twarc" key).
func TestSharedV2Pages(t *testing.T) {
	dir := testutil.SharedDir(t, "fixtures", "twitter_v2", "twarc-csv-test-data")
	tests := []struct {
		file       string
		wantN      int
		wantEdited bool
	}{
		{file: "two_tweets.jsonl", wantN: 1},
		{file: "edited.jsonl", wantEdited: true},
		{file: "brexit.jsonl"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			body := scrapertest.ReadFile(t, filepath.Join(dir, tc.file))
			lines := strings.Split(strings.TrimSpace(string(body)), "\n")
			total, edited := 0, false
			for _, l := range lines {
				ms, _, err := Parse([]byte(l), "https://api.twitter.com/2/tweets/search/recent")
				if err != nil {
					t.Fatal(err)
				}
				total += len(ms)
				for _, m := range ms {
					if m.Author == "" || m.PostedAt.IsZero() || m.ExternalID == "" {
						t.Errorf("incomplete tweet %+v", scrapers.ToRecord(m))
					}
					edited = edited || m.EditedAt != nil
				}
			}
			if (tc.wantN != 0 && total != tc.wantN) || total == 0 || edited != tc.wantEdited {
				t.Errorf("%d tweets (edited %v), want %d (edited %v)", total, edited, tc.wantN, tc.wantEdited)
			}
		})
	}
}
