package appstore

import (
	"net/http"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

// TestJapaneseStorefront: an app's page on the JP storefront reads the
// JP feed (/jp/rss/...), with Japanese titles, text and names intact.
func TestJapaneseStorefront(t *testing.T) {
	re := regexp.MustCompile(`^/jp/rss/customerreviews/page=(\d+)/id=555/sortby=mostrecent/json$`)
	srv := scrapertest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		m := re.FindStringSubmatch(r.URL.Path)
		switch {
		case m == nil:
			http.NotFound(w, r) // another storefront: the test fails on a 404
		case m[1] == "1":
			scrapertest.WriteFile(w, r, filepath.Join("testdata", "jp-page1.json"))
		default:
			scrapertest.WriteFile(w, r, filepath.Join("testdata", "page3.json"))
		}
	})
	scrapertest.FetchCalls(t, New, srv.URL, "", []scrapertest.Call{
		{Name: "jp storefront", Target: "https://apps.apple.com/jp/app/%E3%83%8F%E3%83%BC%E3%83%90%E3%83%BC/id555", Mentions: 2, Pages: 2, Golden: "jp.golden.json"},
	})
}
