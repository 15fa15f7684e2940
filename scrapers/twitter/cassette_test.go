package twitter

import (
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

// TestSharedCassettes replays tweepy's recordings of the real v1.1 API
// (search/tweets for "tweepy": 15 tweets, 6 of them retweets; an empty
// mentions timeline)
// through the real go-twitter client.
func TestSharedCassettes(t *testing.T) {
	dir := testutil.SharedDir(t, "fixtures", "twitter_tweepy_cassettes")
	tests := []struct {
		cassette string
		target   string
		wantN    int
	}{
		{cassette: "testsearchtweets.json", target: "tweepy", wantN: 15},
		{cassette: "testmentionstimeline.json", target: MentionsTarget, wantN: 0},
	}
	for _, tc := range tests {
		t.Run(tc.cassette, func(t *testing.T) {
			srv := scrapertest.Replay(t, filepath.Join(dir, tc.cassette))
			opts := scrapertest.Options()
			opts.Getenv = scrapertest.Env(map[string]string{EnvConsumerKey: "ck", EnvConsumerSecret: "cs", EnvAccessToken: "at", EnvAccessSecret: "as"})
			src, _ := New(opts)
			res, err := src.Fetch(context.Background(), scrapers.Request{Target: tc.target, APIBase: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			ids := map[string]bool{}
			for _, m := range res.Mentions {
				ids[m.ExternalID] = true
				if m.Author == "" || m.Text == "" || m.PostedAt.IsZero() {
					t.Errorf("incomplete tweet %+v", scrapers.ToRecord(m))
				}
			}
			// 6 of the 15 are retweets, read as their (distinct) originals.
			if len(res.Mentions) != tc.wantN || len(ids) != tc.wantN {
				t.Errorf("%d tweets (%d distinct), want %d", len(res.Mentions), len(ids), tc.wantN)
			}
		})
	}
}

// TestSharedV2Cassettes replays tweepy's recordings of the real v2 API
// (recent search for "Tweepy", mentions of user 783214) through the v2
// path; the same mentions answer served where v1.1 expects its timeline
// is a parse error that names the shape.
func TestSharedV2Cassettes(t *testing.T) {
	dir := testutil.SharedDir(t, "fixtures", "twitter_tweepy_cassettes")
	bearer := scrapertest.Env(map[string]string{EnvBearerToken: "bearer", EnvConsumerKey: "ck", EnvConsumerSecret: "cs", EnvAccessToken: "at", EnvAccessSecret: "as"})
	for _, tc := range []struct{ cassette, target string }{
		{"test_client_search_recent_tweets.yaml", "Tweepy"},
		{"test_client_get_users_mentions.yaml", MentionsTarget + ":783214"},
	} {
		t.Run(tc.cassette, func(t *testing.T) {
			srv := scrapertest.Replay(t, filepath.Join(dir, tc.cassette))
			opts := scrapertest.Options()
			opts.Getenv = bearer
			src, _ := New(opts)
			// The replay answers every page with the same recording: one page.
			res, err := src.Fetch(context.Background(), scrapers.Request{Target: tc.target, APIBase: srv.URL, API: APIv2, MaxPages: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Mentions) == 0 || res.Cursor == "" {
				t.Fatalf("%d tweets, cursor %q", len(res.Mentions), res.Cursor)
			}
			for _, m := range res.Mentions {
				if m.Text == "" || m.PlatformID == "" { // tweepy asked for no tweet.fields: no dates or authors
					t.Errorf("incomplete tweet %+v", scrapers.ToRecord(m))
				}
			}
		})
	}
	t.Run("v2 mentions served as v1.1 @mentions", func(t *testing.T) {
		rec := scrapertest.Replay(t, filepath.Join(dir, "test_client_get_users_mentions.yaml"))
		resp, err := http.Get(rec.URL + "/2/users/783214/mentions")
		if err != nil {
			t.Fatal(err)
		}
		v2, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		srv := scrapertest.Serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write(v2) })
		opts := scrapertest.Options()
		opts.Getenv = bearer
		src, _ := New(opts)
		res, err := src.Fetch(context.Background(), scrapers.Request{Target: MentionsTarget, APIBase: srv.URL})
		if !errors.Is(err, scrapers.ErrParse) || !strings.Contains(err.Error(), "API v2 page") {
			t.Fatalf("error = %v (%d tweets), want a parse error naming the v2 shape", err, len(res.Mentions))
		}
	})
}
