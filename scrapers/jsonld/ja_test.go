package jsonld

import (
	"testing"

	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

// TestJapanesePage: a Japanese site's own review page, with dates written
// "2026年11月3日" in JSON-LD and microdata.
func TestJapanesePage(t *testing.T) {
	scrapertest.FetchPages(t, New, []scrapertest.Page{
		{Path: "ja/reviews.html", Mentions: 2, Pages: 1},
		{Path: "ja/microdata.html", Mentions: 1, Pages: 1},
	})
}
