package sentiment

import (
	"context"
	"math"
	"testing"
	"unicode/utf8"

	"github.com/earshot/earshot/models"
)

var validLabels = map[string]bool{models.LabelPositive: true, models.LabelNegative: true, models.LabelNeutral: true, models.LabelMixed: true}
var validPolarities = map[string]bool{models.PolarityPositive: true, models.PolarityNegative: true, models.PolarityNeutral: true}

// FuzzAnalyze feeds arbitrary text, titles and ratings: the analyzer must
// not panic (Analyze would turn a panic into an "internal error" reason,
// which this test rejects) and its output must stay in range.
func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{"", "Great food!", "not bad :)", "😡😡", "\xff\xfe", "Das ist nicht gut.", "waited 45 minutes. never again!!!",
		"BUT but However,,,", "a\n\nb\n\n", "e.g. 3.5 stars... ok?", ":-( :'( </3", "料理が冷たい", "#awesome sooooo goooood", "—–-", "/s"} {
		f.Add(s, "", 3.0, "restaurant")
	}
	f.Add("They charged me twice", "Scam", 1.0, "retail")
	f.Add("x", "y", math.NaN(), "")
	f.Add("crash", "", -7.0, "software")
	a := analyzer(f)
	f.Fuzz(func(t *testing.T, text, title string, rating float64, domain string) {
		got := a.Analyze(context.Background(), Input{Text: text, Title: title, Rating: &rating, Domain: domain, AuthorReach: 12345})
		if hasReason(got, "internal error") {
			t.Fatalf("panic inside Analyze: %q", got.Reasons)
		}
		if got.Compound < -1 || got.Compound > 1 || math.IsNaN(got.Compound) {
			t.Fatalf("compound %v out of [-1, 1]", got.Compound)
		}
		if got.ComplaintScore < 0 || got.ComplaintScore > 1 || got.Severity < 0 || got.Severity > 5 {
			t.Fatalf("score %v / severity %d out of range", got.ComplaintScore, got.Severity)
		}
		if !validLabels[got.Label] {
			t.Fatalf("label %q", got.Label)
		}
		if !got.Complaint && got.Severity != 0 {
			t.Fatalf("severity %d without a complaint", got.Severity)
		}
		for _, x := range got.Aspects {
			if !validPolarities[x.Polarity] || x.Category == "" || x.Term == "" {
				t.Fatalf("bad aspect %+v", x)
			}
			if utf8.ValidString(text) && utf8.ValidString(title) && !utf8.ValidString(x.Term) {
				t.Fatalf("aspect term %q is not valid UTF-8", x.Term)
			}
		}
	})
}
