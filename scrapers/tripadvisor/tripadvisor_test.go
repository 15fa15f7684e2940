package tripadvisor

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

func TestFetchTestdata(t *testing.T) {
	scrapertest.FetchPages(t, New, []scrapertest.Page{
		{Path: "Reviews-harbour.html", Mentions: 3, Pages: 2},
		{Path: "graphql.json", Mentions: 2, Pages: 1},
		{Path: "cards-2021.html", Mentions: 1, Pages: 1},
		{Path: "empty.html", Mentions: 0, Pages: 1},
		{Path: "graphql-truncated.json", Err: scrapers.ErrParse},
		{Path: "changed-layout.html", Err: scrapers.ErrParse},
		{Path: "blocked.html", Err: scrapers.ErrBlocked},
	})
}

func TestSharedCaptures(t *testing.T) {
	dir := testutil.SharedDir(t, "fixtures", "tripadvisor")
	t.Run("attraction page 2019", func(t *testing.T) {
		ms, info := scrapertest.ParseFile(t, filepath.Join(dir, "attraction-2019-ribicnejc", "reviews-www.tripadvisor.com.html"), "https://www.tripadvisor.com/Attraction_Review-g644300-d7289577-Reviews.html", Parse)
		if len(ms) != 10 || info.Count != 34 || info.Next == "" {
			t.Errorf("%d reviews, count %d, next %q; want 10, 34 and a next page", len(ms), info.Count, info.Next)
		}
		if a := info.Aggregate; a == nil || a.Rating == nil || a.Count == 0 {
			t.Errorf("aggregate = %+v, want the place's JSON-LD average and count", a)
		} else {
			t.Logf("aggregate %.1f from %d", *a.Rating, a.Count)
		}
		for _, m := range ms {
			if m.Rating == nil || m.Author == "" || m.PostedAt.IsZero() || m.Text == "" || m.Title == "" {
				t.Errorf("incomplete review %+v", scrapers.ToRecord(m))
			}
		}
	})
	t.Run("truncated graphql answer", func(t *testing.T) {
		body := scrapertest.ReadFile(t, filepath.Join(dir, "graphql-2026-marklipkovich", "response.json"))
		if _, _, err := Parse(body, "https://www.tripadvisor.com/data/graphql/ids"); !errors.Is(err, scrapers.ErrParse) {
			t.Fatalf("error = %v, want ErrParse", err)
		}
	})
}

func FuzzParse(f *testing.F) {
	scrapertest.FuzzParse(f, "https://www.tripadvisor.com/Reviews-x.html", Parse, nil)
}
