package trustpilot

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
		{Path: "company", Mentions: 3, Pages: 2}, // the teaser card is skipped
		{Path: "truncated-with-dom", Mentions: 1, Pages: 1},
		{Path: "empty", Mentions: 0, Pages: 1},
		{Path: "truncated", Err: scrapers.ErrParse},
		{Path: "changed-layout", Err: scrapers.ErrParse},
		{Path: "blocked", Err: scrapers.ErrBlocked},
	})
}

// TestLayersAgree checks that the JSON-LD and DOM fallbacks give the same
// IDs as __NEXT_DATA__, so a fallback after a layout change does not make
// every stored review look new.
func TestLayersAgree(t *testing.T) {
	body := scrapertest.ReadFile(t, "testdata/company")
	full, _, _ := Parse(body, "https://www.trustpilot.com/review/harbourbistro.example")
	noNext := strings.Replace(string(body), `id="__NEXT_DATA__"`, `id="gone"`, 1)
	ld, _, _ := Parse([]byte(noNext), "https://www.trustpilot.com/review/harbourbistro.example")
	noLD := strings.Replace(noNext, `application/ld+json`, `text/plain`, 1)
	dom, _, _ := Parse([]byte(noLD), "https://www.trustpilot.com/review/harbourbistro.example")
	for name, ms := range map[string]int{"json-ld": len(ld), "dom": len(dom)} {
		if ms != 1 {
			t.Errorf("%s fallback read %d reviews, want 1", name, ms)
		}
	}
	if len(ld) == 1 && len(dom) == 1 && (ld[0].ExternalID != full[0].ExternalID || dom[0].ExternalID != full[0].ExternalID || *dom[0].Rating != *full[0].Rating) {
		t.Errorf("IDs differ: next %s, json-ld %s, dom %s", full[0].ExternalID, ld[0].ExternalID, dom[0].ExternalID)
	}
}

func TestSharedCaptures(t *testing.T) {
	dir := testutil.SharedDir(t, "fixtures", "trustpilot")
	tests := []struct {
		file        string
		wantReviews int
		wantReplies int
		wantNext    bool
	}{
		{file: "trustpilot.html", wantReviews: 20, wantReplies: 12, wantNext: true},
		{file: "legacy-2016-fragment-johncosch/trustpilot.html", wantReviews: 1},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			ms, info := scrapertest.ParseFile(t, filepath.Join(dir, tc.file), "https://www.trustpilot.com/review/bt.com?date=last6months", Parse)
			replies := 0
			for _, m := range ms {
				if m.Reply != "" {
					replies++
				}
				if m.Rating == nil || m.ExternalID == "" || m.PostedAt.IsZero() || m.Text == "" {
					t.Errorf("incomplete review %+v", scrapers.ToRecord(m))
				}
			}
			if len(ms) != tc.wantReviews || replies != tc.wantReplies {
				t.Errorf("%d reviews, %d replies; want %d and %d", len(ms), replies, tc.wantReviews, tc.wantReplies)
			}
			if (info.Next != "") != tc.wantNext {
				t.Errorf("next = %q", info.Next)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	scrapertest.FuzzParse(f, "https://www.trustpilot.com/review/x.example", Parse, func(t *testing.T, m models.Mention) {
		if m.Rating != nil && (*m.Rating < 0 || *m.Rating > 5) {
			t.Errorf("rating %v", *m.Rating)
		}
	})
}
