package googleplay

import (
	"path/filepath"
	"testing"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

func TestFetchTestdata(t *testing.T) {
	scrapertest.FetchPages(t, New, []scrapertest.Page{
		{Path: "details?id=com.harbour.app", Mentions: 3, Pages: 2}, // 2 embedded, 1 more from the reviews RPC
		{Path: "legacy", Mentions: 1, Pages: 1},
		{Path: "truncated", Err: scrapers.ErrParse},
		{Path: "empty", Mentions: 0, Pages: 1},
		{Path: "blocked", Err: scrapers.ErrBlocked},
	})
}

func TestSharedCaptures(t *testing.T) {
	dir := testutil.SharedDir(t, "fixtures", "google_play")
	tests := []struct {
		file          string
		wantReviews   int
		minReplies    int
		wantAggregate bool // the page's JSON-LD aggregateRating
	}{
		{file: "app-page-2019-JoMingyu/com.instagram.igtv.html", wantReviews: 40, wantAggregate: true},
		{file: "legacy-html-2015-kansou/google_play_review.html", wantReviews: 40, minReplies: 7},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			ms, info := scrapertest.ParseFile(t, filepath.Join(dir, tc.file), "https://play.google.com/store/apps/details?id=x", Parse)
			if a := info.Aggregate; tc.wantAggregate && (a == nil || a.Rating == nil || a.Count == 0) {
				t.Errorf("aggregate = %+v, want the app's average and count", a)
			}
			replies := 0
			for _, m := range ms {
				if m.Reply != "" {
					replies++
				}
				if m.Rating == nil || m.Author == "" || m.PostedAt.IsZero() || m.Text == "" {
					t.Errorf("incomplete review %+v", scrapers.ToRecord(m))
				}
			}
			if len(ms) != tc.wantReviews || replies < tc.minReplies {
				t.Errorf("%d reviews, %d replies; want %d and at least %d", len(ms), replies, tc.wantReviews, tc.minReplies)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	scrapertest.FuzzParse(f, "https://play.google.com/store/apps/details?id=x", Parse, nil)
}
