package hackernews

import (
	"testing"

	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

// BenchmarkParse reports the parser's throughput (pages/s, mentions/s) on
// the real capture when present, else on the package's own test page.
func BenchmarkParse(b *testing.B) {
	scrapertest.BenchParse(b, []string{"fixtures", "hackernews", "algolia-2017-SiukAlator", "search_by_date.json"}, "testdata/page0.json", SearchURL("", "nodejs", 0, 0), Parse)
}
