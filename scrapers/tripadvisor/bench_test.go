package tripadvisor

import (
	"testing"

	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

// BenchmarkParse reports the parser's throughput (pages/s, mentions/s) on
// the real capture when present, else on the package's own test page.
func BenchmarkParse(b *testing.B) {
	scrapertest.BenchParse(b, []string{"fixtures", "tripadvisor", "attraction-2019-ribicnejc", "reviews-www.tripadvisor.com.html"}, "testdata/Reviews-harbour.html", "https://www.tripadvisor.com/Attraction_Review-g1-d2-Reviews.html", Parse)
}
