package tripadvisor

import (
	"testing"

	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

// TestJapanesePages: Tripadvisor's Japanese pages (tripadvisor.jp) in
// both layouts, with dates as "2026年11月2日に投稿しました" and replies
// "2026年11月4日に返信しました".
func TestJapanesePages(t *testing.T) {
	scrapertest.FetchPages(t, New, []scrapertest.Page{
		{Path: "ja/Reviews-harbour.html", Mentions: 2, Pages: 1},
		{Path: "ja/cards-2021.html", Mentions: 1, Pages: 1},
	})
}
