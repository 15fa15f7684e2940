package twitter

import (
	"context"
	"path/filepath"
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
