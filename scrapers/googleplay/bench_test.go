package googleplay

import (
	"testing"

	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

// BenchmarkParse reports the parser's throughput (pages/s, mentions/s) on
// the real capture when present, else on the package's own test page.
func BenchmarkParse(b *testing.B) {
	scrapertest.BenchParse(b, []string{"fixtures", "google_play", "app-page-2019-JoMingyu", "com.instagram.igtv.html"}, "testdata/details_id=com.harbour.app", "https://play.google.com/store/apps/details?id=x", Parse)
}
