package reddit

import (
	"testing"

	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

// BenchmarkParse reports the parser's throughput (pages/s, mentions/s) on
// the real capture when present, else on the package's own test page.
func BenchmarkParse(b *testing.B) {
	scrapertest.BenchParse(b, []string{"fixtures", "reddit", "go-reddit-testdata", "subreddit", "search-posts.json"}, "testdata/listing1.json", DefaultAPIBase+"/search?q=x", Parse)
}
