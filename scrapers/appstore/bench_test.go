package appstore

import (
	"testing"

	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

// BenchmarkParse reports the parser's throughput (pages/s, mentions/s) on
// the real capture when present, else on the package's own test page.
func BenchmarkParse(b *testing.B) {
	scrapertest.BenchParse(b, []string{"fixtures", "appstore", "rss-json-2023-sanderdekoning", "AppleAppStoreReviewsResponse.json"}, "testdata/page1.json", FeedURL("", "nl", "474495017", 1), Parse)
}
