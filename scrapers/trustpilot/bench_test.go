package trustpilot

import (
	"testing"

	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

// BenchmarkParse reports the parser's throughput (pages/s, mentions/s) on
// the real capture when present, else on the package's own test page.
func BenchmarkParse(b *testing.B) {
	scrapertest.BenchParse(b, []string{"fixtures", "trustpilot", "trustpilot.html"}, "testdata/company", "https://www.trustpilot.com/review/bt.com", Parse)
}
