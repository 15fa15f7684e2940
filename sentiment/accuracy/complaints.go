package accuracy

import (
	"context"
	"fmt"
	"io"
	"math"

	"github.com/earshot/earshot/sentiment"
	"github.com/earshot/earshot/sentiment/internal/nlp"
	"github.com/earshot/earshot/sentiment/train"
	"github.com/jonreiter/govader"
)

// ComplaintFolds is the cross-validation of the complaint report: 10
// folds, as in the papers that built and used the dataset.
const ComplaintFolds = 10

// ComplaintRow is the complaint report on the shared half of the
// complaint tweets.
type ComplaintRow struct {
	N, Complaints int
	// Ours is the full analyzer (model, cues, overrides) as the pipeline
	// runs it on a tweet (source kind twitter), with the complaint and
	// severity models trained without the scored fold.
	Ours train.ComplaintCV
	// Model is the complaint model alone at its threshold, and the
	// severity model's expected level on every gold complaint.
	Model train.ComplaintCV
	// Govader calls a tweet a complaint when its compound is <= -0.05.
	Govader train.ComplaintCV
	// SevZero is the share of gold complaints the analyzer gives
	// severity 0 (not flagged).
	SevZero float64
	// RepliesFlagged is the share of random replies called complaints.
	RepliesFlagged float64
	// SpearmanFlagged is the analyzer's severity against the annotated
	// level on the gold complaints it flags: how well it ranks what it
	// sends to the owner.
	SpearmanFlagged float64
	// SpearmanAll is the analyzer's severity scored for every mention
	// (Analyzer.Severity: the level a mention would have as a complaint,
	// flagged or not) against the annotated level on every gold
	// complaint.
	SpearmanAll float64
}

// EvaluateComplaints cross-validates the complaint and severity models
// on the complaint tweets. The rest of the embedded model (sentiment,
// aspects) is kept: it never saw these tweets.
func EvaluateComplaints(ctx context.Context, items []train.ComplaintItem, progress io.Writer) (*ComplaintRow, error) {
	base, err := nlp.Unmarshal(sentiment.EmbeddedModel())
	if err != nil {
		return nil, err
	}
	lex := nlp.NewLexicon()
	fold := train.ComplaintFolds(items, ComplaintFolds)
	flag := make([]bool, len(items))
	sev := make([]float64, len(items))
	anySev := make([]float64, len(items))
	mflag := make([]bool, len(items))
	msev := make([]float64, len(items))
	for k := 0; k < ComplaintFolds; k++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var tr []train.ComplaintItem
		for i, it := range items {
			if fold[i] != k {
				tr = append(tr, it)
			}
		}
		b := *base
		train.AddComplaintModels(lex, &b, tr)
		an, err := analyzerFor(&b)
		if err != nil {
			return nil, err
		}
		p := nlp.NewPredictor(lex, &b)
		sc := nlp.NewScratch()
		for i, it := range items {
			if fold[i] != k {
				continue
			}
			r := an.Analyze(ctx, sentiment.Input{Text: it.Text, SourceKind: "twitter"})
			flag[i], sev[i] = r.Complaint, float64(r.Severity)
			if it.Complaint {
				anySev[i] = float64(an.Severity(ctx, sentiment.Input{Text: it.Text, SourceKind: "twitter"}))
			}
			sc.Toks, sc.Sents = nlp.Tokenize(it.Text, sc.Toks, sc.Sents)
			v, _ := p.Complaint(sc, math.NaN())
			mflag[i], msev[i] = v.Prob >= b.ComplaintThreshold, v.Severity
		}
		if progress != nil {
			fmt.Fprintf(progress, "complaints fold %d/%d done\n", k+1, ComplaintFolds)
		}
	}
	gv := govader.NewSentimentIntensityAnalyzer()
	gflag := make([]bool, len(items))
	gsev := make([]float64, len(items))
	for i, it := range items {
		c := gv.PolarityScores(it.Text).Compound
		gflag[i] = c <= -0.05
		gsev[i] = -c
	}
	row := &ComplaintRow{N: len(items), Ours: train.ScoreComplaints(items, flag, sev),
		Model: train.ScoreComplaints(items, mflag, msev), Govader: train.ScoreComplaints(items, gflag, gsev)}
	zero, replies, rf := 0, 0, 0
	var gs, ps, ga, pa []float64
	for i, it := range items {
		if it.Complaint {
			ga = append(ga, float64(it.Severity))
			pa = append(pa, anySev[i])
		}
		if it.Complaint && flag[i] {
			gs = append(gs, float64(it.Severity))
			ps = append(ps, sev[i])
		}
		if it.Complaint {
			row.Complaints++
			if sev[i] == 0 {
				zero++
			}
		}
		if it.Domain == "random_reply" {
			replies++
			if flag[i] {
				rf++
			}
		}
	}
	row.SpearmanFlagged = train.Spearman(gs, ps)
	row.SpearmanAll = train.Spearman(ga, pa)
	if row.Complaints > 0 {
		row.SevZero = float64(zero) / float64(row.Complaints)
	}
	if replies > 0 {
		row.RepliesFlagged = float64(rf) / float64(replies)
	}
	return row, nil
}

// ComplaintTargets are the acceptance thresholds of GitHub issue 10.
var ComplaintTargets = struct{ MacroF1, RandomFlagged, Spearman float64 }{0.85, 0.10, 0.45}

// PrintComplaints writes the complaint report.
func (r *ComplaintRow) PrintComplaints(w io.Writer) {
	fmt.Fprintf(w, "Complaint tweets (X-CI, shared half: %d tweets, %d complaints; %d-fold cross-validation)\n", r.N, r.Complaints, ComplaintFolds)
	fmt.Fprintf(w, "%-22s %-21s %-9s %-13s %-9s\n", "", "complaint P / R / F1", "macro-F1", "random tweets", "severity")
	fmt.Fprintf(w, "%-22s %-21s %-9s %-13s %-9s\n", "", "", "", "flagged", "Spearman")
	line := func(name string, c train.ComplaintCV) {
		fmt.Fprintf(w, "%-22s %.3f / %.3f / %.3f %-9.3f %-13.3f %.3f\n", name, c.Complaint.P, c.Complaint.R, c.Complaint.F1, c.MacroF1, c.RandomFlagged, c.Spearman)
	}
	line("earshot analyzer", r.Ours)
	line("complaint model alone", r.Model)
	line("govader (≤ -0.05)", r.Govader)
	fmt.Fprintf(w, "%-22s %-21s %-9.2f %-13.2f %.2f\n", "target", "", ComplaintTargets.MacroF1, ComplaintTargets.RandomFlagged, ComplaintTargets.Spearman)
	fmt.Fprintf(w, "published (whole set): macro-F1 0.79 logistic regression (Preotiuc-Pietro et al. 2019), 0.87 / 0.882 transformers (Jin & Aletras 2020 / 2021)\n")
	fmt.Fprintf(w, "analyzer: severity Spearman on the gold complaints it flags %.3f; random replies flagged %.3f; gold complaints with severity 0 %.3f\n", r.SpearmanFlagged, r.RepliesFlagged, r.SevZero)
	fmt.Fprintf(w, "analyzer: severity Spearman on every gold complaint, severity scored whether flagged or not (Analyzer.Severity) %.3f\n", r.SpearmanAll)
	fmt.Fprintf(w, "(severity Spearman: analyzer severity 0-5 on gold complaints, unflagged = 0; model = expected level; govader = -compound)\n")
}
