package jsonld

import (
	"testing"

	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

// BenchmarkParse reports the parser's throughput (pages/s, mentions/s) on
// the real capture when present, else on the package's own test page.
func BenchmarkParse(b *testing.B) {
	scrapertest.BenchParse(b, []string{"fixtures", "schemaorg", "recipe-scrapers", "bakewithzoha.com", "bakewithzoha_1.testhtml"}, "testdata/graph.html", "https://bakewithzoha.com/molten-lava-chocolate-mug-cake/", Parse)
}
