package yelp

import (
	"testing"

	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

// BenchmarkParse reports the parser's throughput (pages/s, mentions/s) on
// the real capture when present, else on the package's own test page.
func BenchmarkParse(b *testing.B) {
	scrapertest.BenchParse(b, []string{"fixtures", "yelp", "biz-2016-ProbonoBonobo", "yelp.com+biz+mobile-iphone-ipad-screen-repair-san-diego_2016-05-15_21_34_03.html"}, "testdata/biz", "https://www.yelp.com/biz/x", Parse)
}
