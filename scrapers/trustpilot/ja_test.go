package trustpilot

import (
	"testing"

	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

// TestJapanesePages: a company page filtered to Japanese reviews
// (?languages=ja) keeps each review's language, and the DOM fallback
// reads Japanese cards ("2時間前" beside the machine date) too.
func TestJapanesePages(t *testing.T) {
	scrapertest.FetchPages(t, New, []scrapertest.Page{
		{Path: "ja/company?languages=ja", Mentions: 2, Pages: 1},
		{Path: "ja/dom-only", Mentions: 1, Pages: 1},
	})
}
