package jsonld

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
		{Path: "graph.html", Mentions: 5, Pages: 2},
		{Path: "microdata.html", Mentions: 2, Pages: 1},
		{Path: "empty.html", Mentions: 0, Pages: 1},
		{Path: "truncated.html", Err: scrapers.ErrParse},
		{Path: "count-only.html", Err: scrapers.ErrParse},
		{Path: "blocked.html", Err: scrapers.ErrBlocked},
		{Path: "missing.html", Err: scrapers.ErrHTTP},
	})
}

// TestSharedCaptures parses real pages and checks the counts a person can
// verify by reading them.
func TestSharedCaptures(t *testing.T) {
	dir := testutil.SharedDir(t, "fixtures")
	tests := []struct {
		file        string
		wantReviews int
		wantCount   int
		wantErr     bool
	}{
		{file: "schemaorg/recipe-scrapers/bakewithzoha.com/bakewithzoha_1.testhtml", wantReviews: 12, wantCount: 13},
		{file: "schemaorg/recipe-scrapers/gimmesomeoven.com/gimmesomeoven_1.testhtml", wantReviews: 17, wantCount: 17},
		{file: "schemaorg/recipe-scrapers/littlespicejar.com/littlespicejar.testhtml", wantReviews: 5, wantCount: 42}, // microdata only
		{file: "schemaorg/extruct/CreativeWork.001.html", wantReviews: 2},
		{file: "schemaorg/extruct/product.html", wantReviews: 0, wantCount: 89},
		{file: "schemaorg/extruct/LocalBusiness.002.html", wantReviews: 0, wantCount: 250},
		{file: "capterra_getapp_softwareadvice/johncosch-2017/getapp.html", wantReviews: 1}, // microdata fragment
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			ms, info := scrapertest.ParseFile(t, filepath.Join(dir, tc.file), "https://example.com/page", Parse)
			if len(ms) != tc.wantReviews {
				t.Errorf("%d reviews, want %d", len(ms), tc.wantReviews)
			}
			if tc.wantCount != 0 && info.Count != tc.wantCount {
				t.Errorf("count = %d, want %d", info.Count, tc.wantCount)
			}
			ids := map[string]bool{}
			for _, m := range ms {
				if m.Rating == nil || m.Author == "" || m.PostedAt.IsZero() || ids[m.ExternalID] {
					t.Errorf("incomplete or duplicate review: %+v", scrapers.ToRecord(m))
				}
				ids[m.ExternalID] = true
			}
		})
	}
}

func TestIDsStableAcrossEdits(t *testing.T) {
	page := func(body string) []byte {
		return []byte(`<script type="application/ld+json">{"@type":"Review","author":"Ana","datePublished":"2026-01-02","reviewBody":"` + body + `","reviewRating":{"ratingValue":5}}</script>`)
	}
	a, _, _ := Parse(page("Great"), "https://example.com/r")
	b, _, _ := Parse(page("Terrible, changed my mind"), "https://example.com/r")
	if len(a) != 1 || len(b) != 1 || a[0].ExternalID != b[0].ExternalID {
		t.Fatalf("an edited review changed its ID: %v vs %v", a, b)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`<script type="application/ld+json">[[[[[[[[{"@type":"Review"}]]]]]]]]</script>`))
	f.Add([]byte(`<div itemscope itemtype="Review"><div itemprop="reviewRating" itemscope><i itemprop="ratingValue">NaN</i></div></div>`))
	scrapertest.FuzzParse(f, "https://example.com/p", Parse, func(t *testing.T, m models.Mention) {
		if m.Rating != nil && (*m.Rating < 0 || *m.Rating > 5) {
			t.Errorf("rating %v out of range", *m.Rating)
		}
		if m.ExternalID == "" {
			t.Error("empty external id")
		}
	})
}
