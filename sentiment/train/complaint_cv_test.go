package train

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/sentiment/internal/nlp"
)

// TestComplaintCVReport prints the model-only 10-fold cross-validation of
// the complaint and severity models at a range of thresholds: the quick
// harness used to choose features and settings (a few seconds). Set
// EARSHOT_COMPLAINT_CV=1 to run it; METHOD, C, GAIN, DS, REVIEW_W and
// CAUSE_W override the configuration, DUMP=file writes the errors.
func TestComplaintCVReport(t *testing.T) {
	if os.Getenv("EARSHOT_COMPLAINT_CV") == "" {
		t.Skip("set EARSHOT_COMPLAINT_CV=1 to run the complaint cross-validation")
	}
	dir := testutil.SharedDir(t, "datasets")
	items, err := ReadComplaints(filepath.Join(dir, "complaints", "train.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join("..", "model.bin"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := nlp.Unmarshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultComplaintConfig
	envF := func(name string, x *float64) {
		if v := os.Getenv(name); v != "" {
			if _, err := fmt.Sscan(v, x); err != nil {
				t.Fatalf("%s=%q: %v", name, v, err)
			}
		}
	}
	envF("REVIEW_W", &cfg.ReviewWeight)
	envF("CAUSE_W", &cfg.CauseWeight)
	envF("C", &cfg.C)
	envF("GAIN", &cfg.Gain)
	envF("DS", &DenseScale)
	if m := os.Getenv("METHOD"); m != "" {
		cfg.Method = m
	}
	reviews := append(SemLabeled(d.Restaurant), SemLabeled(d.Laptop)...)
	prob, sev := ComplaintProbs(nlp.NewLexicon(), b.Sentiment, items, reviews, 10, cfg)
	if path := os.Getenv("DUMP"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		for i, it := range items {
			if (prob[i] >= ComplaintThreshold) != it.Complaint {
				fmt.Fprintf(f, "%v\t%.2f\t%s\t%d\t%s\n", it.Complaint, prob[i], it.Domain, it.Severity, it.Text)
			}
		}
		f.Close()
	}
	for _, th := range []float64{0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6} {
		flag := make([]bool, len(items))
		for i := range items {
			flag[i] = prob[i] >= th
		}
		r := ScoreComplaints(items, flag, sev)
		t.Logf("th %.2f: complaint P/R/F1 %.3f/%.3f/%.3f macro-F1 %.3f random flagged %.3f spearman(model) %.3f", th, r.Complaint.P, r.Complaint.R, r.Complaint.F1, r.MacroF1, r.RandomFlagged, r.Spearman)
	}
}
