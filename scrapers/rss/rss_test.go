package rss

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

func TestFetchTestdata(t *testing.T) {
	scrapertest.FetchPages(t, New, []scrapertest.Page{
		{Path: "alerts.atom", Mentions: 2, Pages: 1},
		{Path: "blog.rss", Mentions: 2, Pages: 1},
		{Path: "empty.rss", Mentions: 0, Pages: 1},
		{Path: "truncated.rss", Err: scrapers.ErrParse},
		{Path: "notafeed.html", Err: scrapers.ErrParse},
		{Path: "blocked.html", Err: scrapers.ErrBlocked},
		{Path: "gone.rss", Err: scrapers.ErrHTTP},
	})
}

// TestSharedCaptures reads the real Reddit Atom entry capture.
func TestSharedCaptures(t *testing.T) {
	dir := testutil.SharedDir(t, "fixtures", "reddit", "johncosch-2017")
	body := scrapertest.ReadFile(t, filepath.Join(dir, "reddit.xml"))
	// The capture is a single <entry>: wrap it in a feed as Reddit serves it.
	feed := `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">` + string(body) + `</feed>`
	if strings.Contains(string(body), "<feed") {
		feed = string(body)
	}
	ms, _, err := Parse([]byte(feed), "https://www.reddit.com/r/x/.rss")
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].Author == "" || ms[0].URL == "" || ms[0].PostedAt.IsZero() {
		t.Fatalf("want one complete entry, got %+v", ms)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","content_html":"<b>x</b>"}]}`))
	scrapertest.FuzzParse(f, "https://example.com/feed", Parse, func(t *testing.T, m models.Mention) {
		if m.ExternalID == "" {
			t.Error("empty external id")
		}
	})
}
