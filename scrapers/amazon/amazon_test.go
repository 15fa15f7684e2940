package amazon

import (
	"path/filepath"
	"testing"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

func TestFetchTestdata(t *testing.T) {
	scrapertest.FetchPages(t, New, []scrapertest.Page{
		{Path: "reviews", Mentions: 3, Pages: 2},
		{Path: "empty", Mentions: 0, Pages: 1},
		{Path: "blocked-datadome", Err: scrapers.ErrBlocked},
		{Path: "robot-check", Err: scrapers.ErrBlocked},
		{Path: "changed-layout", Err: scrapers.ErrParse},
	})
}

func TestSharedCapture(t *testing.T) {
	dir := testutil.SharedDir(t, "fixtures", "amazon", "it-2019-christian-fei")
	ms, info := scrapertest.ParseFile(t, filepath.Join(dir, "product-reviews-B07747FR44-1.html"), "https://www.amazon.it/product-reviews/B07747FR44", Parse)
	if len(ms) != 10 || info.Count != 2132 || info.Next == "" {
		t.Errorf("%d reviews, count %d, next %q; want 10, 2132 and a next page", len(ms), info.Count, info.Next)
	}
	for _, m := range ms {
		if m.Rating == nil || m.Author == "" || m.PostedAt.IsZero() || m.Text == "" || m.Title == "" {
			t.Errorf("incomplete review %+v", scrapers.ToRecord(m))
		}
	}
}

func FuzzParse(f *testing.F) {
	scrapertest.FuzzParse(f, "https://www.amazon.com/product-reviews/B0", Parse, func(t *testing.T, m models.Mention) {
		if m.Rating != nil && (*m.Rating < 1 || *m.Rating > 5) {
			t.Errorf("rating %v", *m.Rating)
		}
	})
}
