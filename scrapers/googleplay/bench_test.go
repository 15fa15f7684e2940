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

// BenchmarkParseRPC reports the throughput of reading one reviews RPC
// answer of 100 reviews (the page size Fetch asks for).
func BenchmarkParseRPC(b *testing.B) {
	body := []byte(rpcAnswer(0, RPCPageSize, "next"))
	b.SetBytes(int64(len(body)))
	n := 0
	for b.Loop() {
		ms, _, err := ParseRPC(body, "https://play.google.com/store/apps/details?id=x")
		if err != nil {
			b.Fatal(err)
		}
		n += len(ms)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "mentions/s")
}
