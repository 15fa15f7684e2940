package mastodon

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

// TestSharedCassettes runs the real client against recorded answers of a
// Mastodon server: one #hoot post, one mention notification, and a search
// that found accounts but no posts.
func TestSharedCassettes(t *testing.T) {
	dir := testutil.SharedDir(t, "fixtures", "mastodon", "Mastodon.py-cassettes")
	tests := []struct {
		cassette string
		target   string
		wantN    int
	}{
		{cassette: "test_hashtag_tl.yaml", target: "#hoot", wantN: 1},
		{cassette: "test_notifications_mentions_only.yaml", target: MentionsTarget, wantN: 1},
		{cassette: "test_search.yaml", target: "mastodonpy_test", wantN: 0},
	}
	for _, tc := range tests {
		t.Run(tc.cassette, func(t *testing.T) {
			srv := scrapertest.Replay(t, filepath.Join(dir, tc.cassette))
			opts := scrapertest.Options()
			opts.Getenv = scrapertest.Env(map[string]string{EnvAccessToken: "token"})
			src, _ := New(opts)
			res, err := src.Fetch(context.Background(), scrapers.Request{Target: tc.target, APIBase: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Mentions) != tc.wantN {
				t.Fatalf("%d mentions, want %d", len(res.Mentions), tc.wantN)
			}
			for _, m := range res.Mentions {
				if m.Author == "" || m.Text == "" || m.PostedAt.IsZero() || !strings.HasPrefix(m.URL, "http://localhost:3000/@") ||
					m.PlatformID == "" || !strings.HasPrefix(m.AuthorHandle, "@") {
					t.Errorf("incomplete mention %+v", scrapers.ToRecord(m))
				}
			}
		})
	}
	t.Run("public timeline as a status list", func(t *testing.T) {
		srv := scrapertest.Replay(t, filepath.Join(dir, "test_public_tl_anonymous.yaml"))
		resp, err := http.Get(srv.URL + "/api/v1/timelines/public")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		ms, _, err := Parse(body, srv.URL)
		if err != nil || len(ms) != 8 {
			t.Fatalf("%d statuses (%v), want 8", len(ms), err)
		}
	})
}
