package accuracy

import (
	"context"
	"testing"
)

// TestLanguageTargets holds the analyzer to issue 11's targets on the
// Japanese test split and the short-mention detection set.
func TestLanguageTargets(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the Japanese dictionary")
	}
	rep, err := EvaluateLanguages(context.Background(), "../ja/testdata", "../lang/testdata/short.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Japanese.N < 300 {
		t.Errorf("Japanese test split has %d sentences, want >= 300", rep.Japanese.N)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"3-class accuracy", rep.Japanese.Accuracy, 0.80},
		{"negative F1", rep.Japanese.Negative.F1, 0.75},
		{"complaint recall on negative", rep.ComplaintRecall, 0.75},
		{"short-mention detection", float64(rep.Short.Correct) / float64(rep.Short.N), 0.98},
	} {
		if c.got < c.want {
			t.Errorf("%s = %.3f, want >= %.2f", c.name, c.got, c.want)
		}
	}
	if rep.Short.EnglishMissed > 0 {
		t.Errorf("%d English mentions misdetected: %q", rep.Short.EnglishMissed, rep.Short.Misses)
	}
	if rep.ComplaintFP > 0.1 {
		t.Errorf("complaint flag on %.0f%% of positive sentences", 100*rep.ComplaintFP)
	}
}
