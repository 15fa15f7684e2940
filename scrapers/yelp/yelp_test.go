package yelp

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/extract"
	"github.com/earshot/earshot/scrapers/fetch"
	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

func TestFetchTestdata(t *testing.T) {
	scrapertest.FetchPages(t, New, []scrapertest.Page{
		{Path: "biz", Mentions: 3, Pages: 2},
		{Path: "embedded", Mentions: 2, Pages: 1},
		{Path: "cards", Mentions: 2, Pages: 1},
		{Path: "empty", Mentions: 0, Pages: 1},
		{Path: "truncated", Err: scrapers.ErrParse},
		{Path: "count-only", Err: scrapers.ErrParse},
		{Path: "blocked-ip", Err: scrapers.ErrBlocked},
		{Path: "blocked-captcha", Err: scrapers.ErrBlocked},
	})
}

func TestSharedCaptures(t *testing.T) {
	dir := testutil.SharedDir(t, "fixtures", "yelp")
	f := fetch.New(Kind, scrapertest.Options())
	tests := []struct {
		glob        string
		wantReviews int
		wantCount   int
		wantErr     error
	}{
		{glob: "biz-2016-*/*.html", wantReviews: 20, wantCount: 359},
		{glob: "legacy-2008-fizx-parsley/yelp.html", wantReviews: 40},
		{glob: "blocked-datadome-2026/*.html", wantErr: scrapers.ErrBlocked},
		{glob: "blocked-503-2016-*/*.html", wantErr: scrapers.ErrBlocked},
	}
	for _, tc := range tests {
		t.Run(tc.glob, func(t *testing.T) {
			files, _ := filepath.Glob(filepath.Join(dir, tc.glob))
			if len(files) != 1 {
				t.Fatalf("capture %s not found", tc.glob)
			}
			body := scrapertest.ReadFile(t, files[0])
			ms, info, err := f.ParsePage(body, "https://www.yelp.com/biz/x", Parse)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("error = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) != tc.wantReviews || info.Count != tc.wantCount || (tc.wantCount > 0 && info.Next == "") {
				t.Errorf("%d reviews, count %d, next %q; want %d and %d and a next page", len(ms), info.Count, info.Next, tc.wantReviews, tc.wantCount)
			}
			for _, m := range ms {
				if m.Rating == nil || m.Author == "" || m.PostedAt.IsZero() || m.Text == "" || len(m.ExternalID) < 10 {
					t.Errorf("incomplete review %+v", scrapers.ToRecord(m))
				}
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	scrapertest.FuzzParse(f, "https://www.yelp.com/biz/x", Parse, nil)
}

// TestShared2008AgainstExpected compares the 2008 page with the expected
// output its original project (parsley) keeps beside it: same 40 reviews,
// authors, dates and texts.
func TestShared2008AgainstExpected(t *testing.T) {
	dir := testutil.SharedDir(t, "fixtures", "yelp", "legacy-2008-fizx-parsley")
	page := scrapertest.ReadFile(t, filepath.Join(dir, "yelp.html"))
	raw := scrapertest.ReadFile(t, filepath.Join(dir, "yelp.json"))
	var want struct {
		Reviews []struct {
			Date    string `json:"date"`
			User    string `json:"user_name"`
			Comment string `json:"comment"`
		} `json:"reviews"`
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	ms, _, err := Parse(page, "https://www.yelp.com/biz/nicks-crispy-tacos-san-francisco")
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != len(want.Reviews) {
		t.Fatalf("%d reviews, want %d", len(ms), len(want.Reviews))
	}
	for i, w := range want.Reviews {
		m := ms[i]
		words := strings.Fields(w.Comment)
		if m.Author != w.User || !strings.HasSuffix(w.Date, m.PostedAt.Format("01/02/2006")) || len(words) == 0 || !strings.HasPrefix(m.Text, words[0]) || m.Rating == nil {
			t.Errorf("review %d: got %s %s %q, want %s %s %q", i, m.Author, m.PostedAt.Format("01/02/2006"), extract.Truncate(m.Text, 40), w.User, w.Date, extract.Truncate(w.Comment, 40))
		}
	}
}
