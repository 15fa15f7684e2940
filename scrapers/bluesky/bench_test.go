package bluesky

import (
	"testing"

	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

// BenchmarkParse reports the parser's throughput (pages/s, mentions/s) on
// the real capture when present, else on the package's own test page.
func BenchmarkParse(b *testing.B) {
	scrapertest.BenchParse(b, []string{"fixtures", "bluesky", "bskyr-httptest2-2023", "app.bsky.feed.searchPosts-5d343d.json"}, "testdata/search1.json", DefaultAPIBase+"/xrpc/app.bsky.feed.searchPosts?q=x", Parse)
}
