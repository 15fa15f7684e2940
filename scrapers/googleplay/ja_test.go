package googleplay

import (
	"testing"

	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

// TestJapaneseStorefront: the app page in the JP storefront (hl=ja,
// gl=JP) and the older Japanese review HTML ("2016年5月8日",
// "5つ星のうち2つ星で評価しました") read with their replies.
func TestJapaneseStorefront(t *testing.T) {
	scrapertest.FetchPages(t, New, []scrapertest.Page{
		{Path: "ja/details?id=com.harbour.app&hl=ja&gl=JP", Mentions: 2, Pages: 2}, // the app page, then an empty reviews RPC answer
		{Path: "ja/legacy", Mentions: 1, Pages: 1},
	})
}
