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
			if tc.wantCount > 0 && (info.Aggregate == nil || info.Aggregate.Count != tc.wantCount || info.Aggregate.Rating == nil) {
				t.Errorf("aggregate = %+v, want an average from %d reviews", info.Aggregate, tc.wantCount)
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

// A long owner reply is printed cut at "…" with the full text hidden
// behind "Read more": the reply stored is the full one, in both markups.
func TestOwnerReplyFullText(t *testing.T) {
	const full = "Ana, this is not our standard at all and I am sorry. Please call me on 555-0100 so we can make it right, and ask for Jo."
	reply := `<div class="biz-owner-reply clearfix"><div class="biz-owner-reply-header"><strong>Comment from Jo K.</strong> <span class="biz-owner-reply-date">11/3/2026</span></div>
<span class="js-content-toggleable">Ana, this is not our standard at all and I am sorry. Please call me…</span>
<span class="js-content-toggleable hidden">` + full + `</span><a class="read-more js-expander-link">Read more</a></div>`
	pages := map[string]string{
		"microdata": `<ul><li><div class="review" data-review-id="Yx1" itemprop="review" itemscope itemtype="http://schema.org/Review"><meta itemprop="author" content="Ana">
<div itemprop="reviewRating" itemscope itemtype="http://schema.org/Rating"><meta itemprop="ratingValue" content="1.0"></div><meta itemprop="datePublished" content="2026-11-01"><p itemprop="description">Cold fish.</p>` + reply + `</div></li></ul>`,
		"cards": `<ul><li><div class="review review--with-sidebar" data-review-id="Yx2"><a class="user-display-name">Ana</a><div class="review-content"><div class="biz-rating"><div class="i-stars i-stars--regular-1" title="1.0 star rating"></div><span class="rating-qualifier">11/1/2026</span></div><p lang="en">Cold fish.</p></div>` + reply + `</div></li></ul>`,
	}
	for name, page := range pages {
		t.Run(name, func(t *testing.T) {
			ms, _, err := Parse([]byte(page), "https://www.yelp.com/biz/harbour")
			if err != nil || len(ms) != 1 {
				t.Fatalf("%d reviews, %v", len(ms), err)
			}
			if ms[0].Reply != full || ms[0].ReplyAt == nil {
				t.Errorf("reply = %q (at %v), want the full hidden text", ms[0].Reply, ms[0].ReplyAt)
			}
		})
	}
}
