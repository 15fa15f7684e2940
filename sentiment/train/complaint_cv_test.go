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
// the complaint and severity models (set EARSHOT_COMPLAINT_CV=1).
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
	lex := nlp.NewLexicon()
	reviews := append(SemLabeled(d.Restaurant), SemLabeled(d.Laptop)...)
	cfg := DefaultComplaintConfig
	if w := os.Getenv("REVIEW_W"); w != "" {
		var x float64
		for _, c := range w {
			_ = c
		}
		if _, err := fmtSscan(w, &x); err == nil {
			cfg.ReviewWeight = x
		}
	}
	envF := func(name string, x *float64) {
		if v := os.Getenv(name); v != "" {
			fmtSscan(v, x)
		}
	}
	envF("C", &cfg.C)
	envF("DS", &DenseScale)
	envF("CAUSE_W", &cfg.CauseWeight)
	envF("GAIN", &cfg.Gain)
	if m := os.Getenv("METHOD"); m != "" {
		cfg.Method = m
	}
	envF("RATE", &complaintOpts.Rate)
	envF("L2", &complaintOpts.L2)
	ep := float64(complaintOpts.Epochs)
	envF("EPOCHS", &ep)
	complaintOpts.Epochs = int(ep)
	prob, sev := ComplaintProbs(lex, b.Sentiment, items, reviews, 10, cfg)
	dumpErrors(t, items, prob, 0.5)
	for _, th := range []float64{0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6} {
		flag := make([]bool, len(items))
		for i := range items {
			flag[i] = prob[i] >= th
		}
		r := ScoreComplaints(items, flag, sev)
		t.Logf("th %.2f: complaint P/R/F1 %.3f/%.3f/%.3f macro-F1 %.3f random flagged %.3f spearman(model) %.3f", th, r.Complaint.P, r.Complaint.R, r.Complaint.F1, r.MacroF1, r.RandomFlagged, r.Spearman)
	}
}

func fmtSscan(s string, x *float64) (int, error) { return fmt.Sscan(s, x) }

func dumpErrors(t *testing.T, items []ComplaintItem, prob []float64, th float64) {
	if os.Getenv("DUMP") == "" {
		return
	}
	f, _ := os.Create(os.Getenv("DUMP"))
	defer f.Close()
	for i, it := range items {
		if (prob[i] >= th) != it.Complaint {
			fmt.Fprintf(f, "%v\t%.2f\t%s\t%d\t%s\n", it.Complaint, prob[i], it.Domain, it.Severity, it.Text)
		}
	}
}
