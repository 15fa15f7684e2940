package amazon

import (
	"testing"

	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

// BenchmarkParse reports the parser's throughput (pages/s, mentions/s) on
// the real capture when present, else on the package's own test page.
func BenchmarkParse(b *testing.B) {
	scrapertest.BenchParse(b, []string{"fixtures", "amazon", "it-2019-christian-fei", "product-reviews-B07747FR44-1.html"}, "testdata/reviews", "https://www.amazon.it/product-reviews/B07747FR44", Parse)
}
