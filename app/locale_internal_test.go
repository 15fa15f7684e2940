package app

import (
	"testing"

	"github.com/earshot/earshot/config"
)

// TestWantsJapanese: the Japanese dictionary is preloaded for a ja
// business or a source on a Japanese storefront, and not otherwise.
func TestWantsJapanese(t *testing.T) {
	for _, c := range []struct {
		name   string
		locale string
		url    string
		want   bool
	}{
		{"english business, english page", "en", "https://www.amazon.com/product-reviews/B0TEST", false},
		{"ja business", "ja", "https://example.com/reviews", true},
		{"amazon.co.jp", "en", "https://www.amazon.co.jp/product-reviews/B0TEST", true},
		{"app store jp", "en", "https://apps.apple.com/jp/app/id123", true},
		{"google play hl=ja", "en", "https://play.google.com/store/apps/details?id=x&hl=ja&gl=JP", true},
		{"trustpilot ja", "en", "https://ja.trustpilot.com/review/example.com", true},
		{"tripadvisor.jp", "en", "https://www.tripadvisor.jp/Restaurant_Review-g1-d2.html", true},
		{"app store us", "en", "https://apps.apple.com/us/app/id123", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := &config.Config{Businesses: []config.Business{{Name: "b", Locale: c.locale, Sources: []config.Source{{Name: "s", Kind: "jsonld", URL: c.url}}}}}
			if got := wantsJapanese(cfg); got != c.want {
				t.Errorf("wantsJapanese = %v, want %v", got, c.want)
			}
		})
	}
}
