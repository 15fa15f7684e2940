package jsonld

import (
	"bytes"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/extract"
	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

func TestFetchTestdata(t *testing.T) {
	scrapertest.FetchPages(t, New, []scrapertest.Page{
		{Path: "graph.html", Mentions: 5, Pages: 2},
		{Path: "microdata.html", Mentions: 2, Pages: 1},
		{Path: "empty.html", Mentions: 0, Pages: 1},
		{Path: "truncated.html", Err: scrapers.ErrParse},
		{Path: "count-only.html", Mentions: 0, Pages: 1}, // an AggregateRating alone is no parse error
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
		wantRating  float64 // the maintainers' expected "ratings" (0: not checked)
		wantErr     bool
	}{
		{file: "schemaorg/recipe-scrapers/bakewithzoha.com/bakewithzoha_1.testhtml", wantReviews: 12, wantCount: 13, wantRating: 4.6},
		{file: "schemaorg/recipe-scrapers/gimmesomeoven.com/gimmesomeoven_1.testhtml", wantReviews: 17, wantCount: 17, wantRating: 5},
		{file: "schemaorg/recipe-scrapers/littlespicejar.com/littlespicejar.testhtml", wantReviews: 5, wantCount: 42, wantRating: 5}, // microdata only
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
			if tc.wantCount != 0 {
				if a := info.Aggregate; a == nil || a.Count != tc.wantCount {
					t.Errorf("aggregate = %+v, want a count of %d", a, tc.wantCount)
				} else if tc.wantRating != 0 && (a.Rating == nil || math.Abs(*a.Rating-tc.wantRating) > 0.05) {
					t.Errorf("aggregate rating = %v, want %v", a.Rating, tc.wantRating)
				}
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

// A page with only an AggregateRating yields its average and count (for
// the digest) and no reviews, without an error.
func TestAggregateOnly(t *testing.T) {
	for _, tc := range []struct {
		name, page string
		rating     float64
		count      int
	}{
		{"json-ld", `<script type="application/ld+json">{"@type":"Restaurant","name":"R","aggregateRating":{"@type":"AggregateRating","ratingValue":"8.6","bestRating":"10","reviewCount":"1,204"}}</script>`, 4.3, 1204},
		{"microdata", `<div itemscope itemtype="https://schema.org/LocalBusiness"><div itemprop="aggregateRating" itemscope itemtype="https://schema.org/AggregateRating"><span itemprop="ratingValue">4.2</span> from <span itemprop="ratingCount">57</span></div></div>`, 4.2, 57},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ms, info, err := Parse([]byte(tc.page), "https://example.com/r")
			if err != nil || len(ms) != 0 || info.Count != 0 {
				t.Fatalf("%d reviews, count %d, err %v; want none, no error", len(ms), info.Count, err)
			}
			a := info.Aggregate
			if a == nil || a.Rating == nil || math.Abs(*a.Rating-tc.rating) > 0.001 || a.Count != tc.count {
				t.Fatalf("aggregate = %+v, want %.1f from %d", a, tc.rating, tc.count)
			}
		})
	}
}

// A review without an id of its own hashes the page's path only: the same
// review read from the site on another host, port or query string keeps
// its id (`earshot demo -dir X` run twice must not store it twice).
func TestHashIDIgnoresHostPortQuery(t *testing.T) {
	page := []byte(`<script type="application/ld+json">{"@type":"Review","@id":"http://127.0.0.1:41001/reviews#r-1","author":"Ana","datePublished":"2026-01-02","reviewRating":{"ratingValue":1}}</script>
<script type="application/ld+json">{"@type":"Review","author":"Bo","datePublished":"2026-01-03","reviewRating":{"ratingValue":5}}</script>`)
	var ids [][]string
	for _, u := range []string{"http://127.0.0.1:41001/reviews", "http://127.0.0.1:52002/reviews?utm_source=mail", "http://localhost:63003/reviews/"} {
		p := bytes.ReplaceAll(page, []byte("http://127.0.0.1:41001"), []byte(strings.TrimSuffix(strings.Split(u, "/reviews")[0], "/")))
		ms, _, err := Parse(p, u)
		if err != nil || len(ms) != 2 {
			t.Fatalf("%s: %d reviews, %v", u, len(ms), err)
		}
		ids = append(ids, []string{ms[0].ExternalID, ms[1].ExternalID})
	}
	for i := 1; i < len(ids); i++ {
		if ids[i][0] != ids[0][0] || ids[i][1] != ids[0][1] {
			t.Errorf("ids changed with the host, port or query: %v vs %v", ids[0], ids[i])
		}
	}
	if ids[0][0] != "/reviews#r-1" {
		t.Errorf("site id = %q, want the URL's path and fragment", ids[0][0])
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

// Microdata reviews inside cards carrying the site's own review id get
// that id, not a hash of author and date.
func TestMicrodataSiteIDs(t *testing.T) {
	page := []byte(`<div class="list">
<div class="review-container" data-reviewid="634012345"><div itemprop="review" itemscope itemtype="http://schema.org/Review"><meta itemprop="author" content="Ana"><meta itemprop="datePublished" content="2026-01-02"><p itemprop="description">Cold soup</p></div></div>
<div itemprop="review" itemscope itemtype="http://schema.org/Review" data-review-id="Xy_9-z"><meta itemprop="author" content="Bo"><meta itemprop="datePublished" content="2026-01-02"><p itemprop="description">Fine</p></div>
<div itemprop="review" itemscope itemtype="http://schema.org/Review"><meta itemprop="author" content="Cy"><meta itemprop="datePublished" content="2026-01-02"><p itemprop="description">No id</p></div>
</div>`)
	ms, _, err := Parse(page, "https://example.com/biz")
	if err != nil || len(ms) != 3 {
		t.Fatalf("%d reviews, %v", len(ms), err)
	}
	if ms[0].ExternalID != "634012345" || ms[1].ExternalID != "Xy_9-z" || !strings.HasPrefix(ms[2].ExternalID, "h-") {
		t.Errorf("ids = %q, %q, %q; want the cards' data-reviewid, data-review-id, then a hash", ms[0].ExternalID, ms[1].ExternalID, ms[2].ExternalID)
	}
}

// Each id that changed with the host-independent form carries the id the
// earlier version stored, so the store re-keys instead of duplicating.
func TestLegacyIDs(t *testing.T) {
	const pageURL = "https://example.com/reviews?page=2"
	page := []byte(`<script type="application/ld+json">[{"@type":"Review","@id":"https://example.com/reviews#r-1","author":"Ana","datePublished":"2026-01-02"},
{"@type":"Review","author":"Bo","datePublished":"2026-01-03"},
{"@type":"Review","identifier":"r-3","author":"Cy","datePublished":"2026-01-04"}]</script>`)
	ms, _, err := Parse(page, pageURL)
	if err != nil || len(ms) != 3 {
		t.Fatalf("%d reviews, %v", len(ms), err)
	}
	want := [][]string{{"https://example.com/reviews#r-1"}, {extract.HashID(pageURL, "Bo", "2026-01-03")}, nil}
	for i, m := range ms {
		if strings.Join(m.LegacyIDs, ",") != strings.Join(want[i], ",") {
			t.Errorf("review %d (%s): legacy ids %v, want %v", i, m.ExternalID, m.LegacyIDs, want[i])
		}
	}
}
