package hackernews

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

// server stands in for Algolia's HN search and records each request.
func server(t *testing.T) (*httptest.Server, func() []*url.URL) {
	return scrapertest.ServeRecorded(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/search_by_date" {
			http.NotFound(w, r)
			return
		}
		q := r.URL.Query()
		if q.Get("query") == "nothing" {
			w.Write([]byte(`{"hits":[],"nbHits":0,"page":0,"nbPages":0,"hitsPerPage":50}`))
			return
		}
		if q.Get("query") == "broken" {
			w.Write([]byte(`{"hits":[{"objectID":"1",`))
			return
		}
		scrapertest.WriteFile(w, r, filepath.Join("testdata", "page"+q.Get("page")+".json"))
	})
}

func TestFetch(t *testing.T) {
	srv, _ := server(t)
	scrapertest.FetchCalls(t, New, srv.URL, "", []scrapertest.Call{
		{Name: "first run", Target: "harbour bistro", Mentions: 3, Pages: 2, WantCursor: "1795168800", Golden: "search.golden.json"},
		{Name: "incremental", Target: "harbour bistro", Cursor: "1794000000", Mentions: 3, Pages: 2, WantCursor: "1795168800"},
		{Name: "no hits", Target: "nothing", Cursor: "5", Mentions: 0, Pages: 1, WantCursor: "5"},
		{Name: "truncated answer", Target: "broken", Err: scrapers.ErrParse},
		{Name: "empty query", Target: " ", Err: scrapers.ErrConfig},
	})
}

// TestSinceCursor checks that a run asks only for hits newer than its
// cursor, from the first request on.
func TestSinceCursor(t *testing.T) {
	srv, requests := server(t)
	tests := []struct {
		target, cursor, wantFilter string
	}{
		{target: "harbour bistro", wantFilter: ""},
		{target: "harbour bistro", cursor: "1794000000", wantFilter: "created_at_i>1794000000"},
		{target: "nothing", cursor: "5", wantFilter: "created_at_i>5"},
	}
	for _, tc := range tests {
		src, _ := New(scrapertest.Options())
		first := len(requests())
		if _, err := src.Fetch(context.Background(), scrapers.Request{Target: tc.target, Cursor: tc.cursor, APIBase: srv.URL}); err != nil {
			t.Fatal(err)
		}
		if got := requests()[first].Query().Get("numericFilters"); got != tc.wantFilter {
			t.Errorf("cursor %q: numericFilters = %q, want %q", tc.cursor, got, tc.wantFilter)
		}
	}
}

func TestSharedCapture(t *testing.T) {
	dir := testutil.SharedDir(t, "fixtures", "hackernews", "algolia-2017-SiukAlator")
	ms, info := scrapertest.ParseFile(t, filepath.Join(dir, "search_by_date.json"), SearchURL("", "nodejs", 0, 0), Parse)
	if len(ms) != 20 || info.Next == "" {
		t.Errorf("%d hits (next %q), want 20 and a next page", len(ms), info.Next)
	}
	for _, m := range ms {
		if m.Author == "" || m.PostedAt.IsZero() || (m.Text == "" && m.Title == "") {
			t.Errorf("incomplete hit %+v", scrapers.ToRecord(m))
		}
	}
}

func FuzzParse(f *testing.F) {
	scrapertest.FuzzParse(f, SearchURL("", "x", 0, 0), Parse, nil)
}

// TestThreadOfComments: a comment is in its story's thread, so the task
// page can show the rest of the discussion around a complaint.
func TestThreadOfComments(t *testing.T) {
	for _, c := range []struct{ name, body, want string }{
		{"comment", `{"hits":[{"objectID":"4102","author":"a","comment_text":"bad","story_id":4100,"created_at_i":1795168800}],"page":0,"nbPages":1}`, "story:4100"},
		{"story", `{"hits":[{"objectID":"4100","author":"b","title":"Ask HN","created_at_i":1795168800}],"page":0,"nbPages":1}`, "story:4100"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ms, _, err := Parse([]byte(c.body), "https://hn.algolia.com/api/v1/search_by_date?query=x")
			if err != nil || len(ms) != 1 || ms[0].ThreadID != c.want {
				t.Fatalf("Parse = %+v, %v; want thread %s", ms, err, c.want)
			}
		})
	}
}
