package scrapertest

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/scrapers"
)

// NewSource builds a scraper from options: the New of a scraper package.
// The helpers below take it so that every case runs on a fresh source,
// with no session or cache left over from the case before.
type NewSource func(scrapers.Options) (scrapers.Source, error)

// Page is one testdata page fetched through a review-site scraper. Every
// site package states its pages as a table of these, so what a page must
// yield (and how a failure must read) is checked the same way everywhere.
type Page struct {
	// Path is served from testdata/ (a query string is folded into the
	// file name as ServeDir does). Its name without query and extension
	// names the expected-output file: "Reviews-x.html" and "details?id=y"
	// compare with testdata/Reviews-x.golden.json and details.golden.json.
	Path string
	// Mentions is how many mentions the fetch returns, also on failure: a
	// source hands back what it read before the error, and nothing else.
	Mentions int
	// Pages is how many pages a successful fetch read.
	Pages int
	// Err is the sentinel the error must wrap; nil means success. The
	// error must also name the page, since a health report that only says
	// "blocked" does not tell the operator which of their targets it was.
	Err error
}

// FetchPages serves testdata/ and fetches each page through a fresh
// source from newSource, with the test Options. A successful page is
// compared with its expected-output file (see Page.Path).
func FetchPages(t *testing.T, newSource NewSource, pages []Page) {
	t.Helper()
	srv := ServeDir(t, "testdata")
	for _, p := range pages {
		t.Run(p.Path, func(t *testing.T) {
			src, err := newSource(Options())
			if err != nil {
				t.Fatal(err)
			}
			res, err := src.Fetch(context.Background(), scrapers.Request{Target: srv.URL + "/" + p.Path})
			checkErr(t, err, p.Err, p.Path, "")
			if p.Err != nil {
				if len(res.Mentions) != p.Mentions {
					t.Fatalf("got %d mentions with the error, want %d", len(res.Mentions), p.Mentions)
				}
				return
			}
			if len(res.Mentions) != p.Mentions || res.Pages != p.Pages {
				t.Fatalf("got %d mentions over %d pages, want %d over %d", len(res.Mentions), res.Pages, p.Mentions, p.Pages)
			}
			name, _, _ := strings.Cut(p.Path, "?")
			name = strings.TrimSuffix(name, filepath.Ext(name))
			Golden(t, filepath.Join("testdata", name+".golden.json"), srv.URL, res.Mentions)
		})
	}
}

// Call is one run of an API scraper (social networks, app stores) against
// a test server that stands in for the service.
type Call struct {
	// Name names the subtest.
	Name string
	// Target and Cursor (the one a previous run stored) go into the
	// Request; its APIBase is the test server.
	Target, Cursor string
	// Env holds the credentials the source reads; nil means none.
	Env map[string]string
	// Mentions is how many mentions the fetch returns, also on failure
	// (see Page.Mentions).
	Mentions int
	// Pages and WantCursor are what a successful run reports: the pages
	// or API calls it made and the cursor to store for the next run.
	Pages      int
	WantCursor string
	// Golden is the expected-output file under testdata/ that a
	// successful run's mentions are compared with; empty for none.
	Golden string
	// Err is the sentinel the error must wrap; nil means success.
	Err error
}

// FetchCalls runs each call through a fresh source from newSource with the
// test Options and the call's credentials, against the API at base. Errors
// must never contain secret (when not empty): they end up in logs and the
// health page, so a rejected token must not be quoted back.
func FetchCalls(t *testing.T, newSource NewSource, base, secret string, calls []Call) {
	t.Helper()
	for _, c := range calls {
		t.Run(c.Name, func(t *testing.T) {
			opts := Options()
			opts.Getenv = Env(c.Env)
			src, err := newSource(opts)
			if err != nil {
				t.Fatal(err)
			}
			res, err := src.Fetch(context.Background(), scrapers.Request{Target: c.Target, Cursor: c.Cursor, APIBase: base})
			checkErr(t, err, c.Err, "", secret)
			if c.Err != nil {
				if len(res.Mentions) != c.Mentions {
					t.Fatalf("got %d mentions with the error, want %d", len(res.Mentions), c.Mentions)
				}
				return
			}
			if len(res.Mentions) != c.Mentions || res.Pages != c.Pages || res.Cursor != c.WantCursor {
				t.Fatalf("got %d mentions over %d pages, cursor %q; want %d over %d, %q", len(res.Mentions), res.Pages, res.Cursor, c.Mentions, c.Pages, c.WantCursor)
			}
			if c.Golden != "" {
				Golden(t, filepath.Join("testdata", c.Golden), base, res.Mentions)
			}
		})
	}
}

// checkErr fails the test unless err wraps want (nil: unless err is nil),
// names name and does not contain secret (when those are not empty).
func checkErr(t *testing.T, err, want error, name, secret string) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	if !errors.Is(err, want) {
		t.Fatalf("error = %v, want %v", err, want)
	}
	if name != "" && !strings.Contains(err.Error(), name) {
		t.Errorf("error %q does not name %s", err, name)
	}
	if secret != "" && strings.Contains(err.Error(), secret) {
		t.Errorf("error leaks a credential: %v", err)
	}
}
