package twitter

import (
	"testing"

	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

// BenchmarkParse reports the parser's throughput (pages/s, mentions/s) on
// the real capture when present, else on the package's own test page.
func BenchmarkParse(b *testing.B) {
	scrapertest.BenchParse(b, []string{"fixtures", "twitter_v1", "anaconda", "json", "search", "tweets.json"}, "testdata/search.json", "https://api.twitter.com/1.1/search/tweets.json", Parse)
}
