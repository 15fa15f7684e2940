package appstore

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

// feedServer serves testdata/pageN.json for app 123 and the truncated
// page for app 999, like Apple's feed host.
func feedServer(t *testing.T) *httptest.Server {
	re := regexp.MustCompile(`^/([a-z]{2})/rss/customerreviews/page=(\d+)/id=(\d+)/sortby=mostrecent/json$`)
	return scrapertest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		m := re.FindStringSubmatch(r.URL.Path)
		if m == nil {
			http.NotFound(w, r)
			return
		}
		name := "page" + m[2] + ".json"
		if m[3] == "999" {
			name = "truncated.json"
		}
		if m[3] == "403" {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		scrapertest.WriteFile(w, r, filepath.Join("testdata", name))
	})
}

func TestFetch(t *testing.T) {
	srv := feedServer(t)
	scrapertest.FetchCalls(t, New, srv.URL, "", []scrapertest.Call{
		{Name: "all pages", Target: "https://apps.apple.com/nl/app/harbour-bistro/id123", Mentions: 3, Pages: 3, Golden: "all.golden.json"},
		{Name: "plain id", Target: "nl/123", Mentions: 3, Pages: 3},
		{Name: "truncated", Target: "id999", Err: scrapers.ErrParse},
		{Name: "forbidden", Target: "id403", Err: scrapers.ErrBlocked},
		{Name: "bad target", Target: "harbour bistro", Err: scrapers.ErrConfig},
	})
}

func TestStopsAtSeenPage(t *testing.T) {
	srv := feedServer(t)
	src, _ := New(scrapertest.Options())
	seen := func(id string) bool { return id == "9571111689" || id == "9571111600" }
	res, err := src.Fetch(context.Background(), scrapers.Request{Target: "id123", APIBase: srv.URL, Seen: seen})
	if err != nil {
		t.Fatal(err)
	}
	if res.Pages != 1 || len(res.Mentions) != 2 {
		t.Errorf("read %d pages, %d mentions; want 1 page (all seen) with its 2 mentions", res.Pages, len(res.Mentions))
	}
}

func TestSharedCapture(t *testing.T) {
	dir := testutil.SharedDir(t, "fixtures", "appstore", "rss-json-2023-sanderdekoning")
	ms, _ := scrapertest.ParseFile(t, filepath.Join(dir, "AppleAppStoreReviewsResponse.json"), FeedURL("", "nl", "474495017", 1), Parse)
	if len(ms) != 50 {
		t.Errorf("%d reviews, want 50", len(ms))
	}
	for _, m := range ms {
		if m.Rating == nil || m.Author == "" || m.PostedAt.IsZero() || m.ExternalID == "" {
			t.Errorf("incomplete review %+v", scrapers.ToRecord(m))
		}
	}
}

func FuzzParse(f *testing.F) {
	scrapertest.FuzzParse(f, FeedURL("", "us", "1", 1), Parse, nil)
}

func TestParseXMLFeed(t *testing.T) {
	xml, info := scrapertest.ParseFile(t, "testdata/page1.xml", "https://itunes.apple.com/nl/rss/customerreviews/page=1/id=123/sortby=mostrecent/xml", Parse)
	js, _ := scrapertest.ParseFile(t, "testdata/page1.json", FeedURL("", "nl", "123", 1), Parse)
	if len(xml) != 2 || len(js) != 2 || info.Next == "" {
		t.Fatalf("xml %d, json %d reviews, next %q", len(xml), len(js), info.Next)
	}
	for i := range xml {
		a, b := xml[i], js[i]
		if a.ExternalID != b.ExternalID || *a.Rating != *b.Rating || a.Author != b.Author || !a.PostedAt.Equal(b.PostedAt) || a.Title != b.Title {
			t.Errorf("XML and JSON forms differ:\n%+v\n%+v", scrapers.ToRecord(a), scrapers.ToRecord(b))
		}
	}
}
