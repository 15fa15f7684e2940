package amazon

import (
	"testing"

	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

// TestJapanesePage: an Amazon.co.jp review page ("5つ星のうち1.0",
// "2026年11月3日に日本でレビュー済み") reads like any other marketplace,
// including a review whose star icon has no class, only its text.
func TestJapanesePage(t *testing.T) {
	scrapertest.FetchPages(t, New, []scrapertest.Page{{Path: "ja-reviews", Mentions: 2, Pages: 1}})
}
