// Package accuracy is the accuracy report of the analyzer: k-fold
// cross-validation of every learned part on the public datasets, with
// govader on the same items in the same run. cmd/accuracy prints it.
package accuracy

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/earshot/earshot/scrapers/twitter"
	"github.com/earshot/earshot/sentiment"
	"github.com/earshot/earshot/sentiment/internal/nlp"
	"github.com/earshot/earshot/sentiment/train"
	"github.com/jonreiter/govader"
)

// VaderRow is one line of the VADER-sets report.
type VaderRow struct {
	Set string
	// Ours is earshot's analyzer, cross-validated: the sentiment model is
	// trained without the fold being scored. Source kind "twitter" is
	// passed for tweets, as the pipeline does.
	Ours train.VaderScore
	// OursNoSource is the same without the source kind.
	OursNoSource train.VaderScore
	Govader      train.VaderScore
	// Complaint scores the complaint flag against "gold mean < 0".
	Complaint train.PRF
}

// SemRow is the SemEval report, cross-validated.
type SemRow struct {
	Ours train.SemScores
	// AnalyzerTerms is term extraction measured on the analyzer's
	// aspects (tagger plus restaurant taxonomy).
	AnalyzerTerms train.PRF
}

// Report is everything the accuracy command prints.
type Report struct {
	Folds int
	Vader []VaderRow
	Sem   SemRow
	// Complaints is the complaint tweets report (10-fold), nil when the
	// data has no complaint tweets.
	Complaints *ComplaintRow
	Took       time.Duration
}

// sourceFor is the source kind each VADER set would arrive with.
var sourceFor = map[string]string{"tweets": twitter.Kind, "movie": "", "amazon": "", "nyt": ""}

// Evaluate runs the k-fold cross-validation of every metric.
func Evaluate(ctx context.Context, d *train.Data, folds int, progress io.Writer) (*Report, error) {
	start := time.Now()
	if folds < 2 {
		return nil, fmt.Errorf("train: need at least 2 folds, got %d", folds)
	}
	lex := nlp.NewLexicon()
	pos, err := train.BuildPOS(d.AllTexts())
	if err != nil {
		return nil, fmt.Errorf("train: part-of-speech table: %w", err)
	}
	tagger := &nlp.Tagger{Words: pos}
	rep := &Report{Folds: folds}
	gv := govader.NewSentimentIntensityAnalyzer()

	// Aspect models for the VADER runs: trained on SemEval only, which
	// carries no VADER label.
	base := train.BuildBundle(lex, pos, nil, d.Restaurant, d.Laptop)
	if len(d.Complaints) > 0 {
		// the complaint flag as shipped: the complaint models learn from
		// the complaint tweets, which carry no VADER label
		train.AddComplaintModels(lex, base, d.Complaints)
	}
	for _, vs := range train.VaderSets {
		items := d.Vader[vs.Name]
		ours := make([]float64, len(items))
		noSrc := make([]float64, len(items))
		gov := make([]float64, len(items))
		flag := make([]bool, len(items))
		for i, it := range items {
			gov[i] = gv.PolarityScores(it.Text).Compound
		}
		for k := 0; k < folds; k++ {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			var sent []train.Labeled
			for _, o := range train.VaderSets {
				if o.Name == vs.Name {
					sent = append(sent, train.VaderLabeled(train.Split(d.Vader[o.Name], folds, k, false))...)
				} else {
					sent = append(sent, train.VaderLabeled(d.Vader[o.Name])...)
				}
			}
			sent = append(sent, train.SemLabeled(d.Restaurant)...)
			sent = append(sent, train.SemLabeled(d.Laptop)...)
			b := *base
			b.Sentiment = train.TrainSentiment(lex, sent)
			an, err := analyzerFor(&b)
			if err != nil {
				return nil, err
			}
			for i, it := range items {
				if i%folds != k {
					continue
				}
				r := an.Analyze(ctx, sentiment.Input{Text: it.Text, SourceKind: sourceFor[vs.Name]})
				ours[i] = r.Compound
				flag[i] = r.Complaint
				noSrc[i] = an.Analyze(ctx, sentiment.Input{Text: it.Text}).Compound
			}
			if progress != nil {
				fmt.Fprintf(progress, "vader %s fold %d/%d done\n", vs.Name, k+1, folds)
			}
		}
		tp, fp, fn := 0, 0, 0
		for i, it := range items {
			switch {
			case flag[i] && it.Mean < 0:
				tp++
			case flag[i]:
				fp++
			case it.Mean < 0:
				fn++
			}
		}
		rep.Vader = append(rep.Vader, VaderRow{Set: vs.Name, Ours: train.ScoreVader(items, ours), OursNoSource: train.ScoreVader(items, noSrc), Govader: train.ScoreVader(items, gov), Complaint: train.NewPRF(tp, fp, fn)})
	}

	// SemEval restaurants: every model that saw labels is retrained per fold.
	var agg train.SemScores
	var atp, afp, afn int
	for k := 0; k < folds; k++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		tr := train.Split(d.Restaurant, folds, k, false)
		te := train.Split(d.Restaurant, folds, k, true)
		b := train.BuildBundle(lex, pos, d.Vader, tr, d.Laptop)
		p := nlp.NewPredictor(lex, b)
		s := train.EvalSemEval(p, te, train.PredictorTerms(p))
		agg.Category = addPRF(agg.Category, s.Category, folds)
		agg.Terms = addPRF(agg.Terms, s.Terms, folds)
		agg.CatPol += s.CatPol / float64(folds)
		an, err := analyzerFor(b)
		if err != nil {
			return nil, err
		}
		tp, fp, fn := termCounts(te, func(text string) []string {
			var out []string
			for _, a := range an.Analyze(ctx, sentiment.Input{Text: text, Domain: "restaurant"}).Aspects {
				out = append(out, a.Term)
			}
			return out
		})
		atp, afp, afn = atp+tp, afp+fp, afn+fn
		if progress != nil {
			fmt.Fprintf(progress, "semeval fold %d/%d done\n", k+1, folds)
		}
	}
	_ = tagger
	rep.Sem = SemRow{Ours: agg, AnalyzerTerms: train.NewPRF(atp, afp, afn)}
	if len(d.Complaints) > 0 {
		if rep.Complaints, err = EvaluateComplaints(ctx, d.Complaints, progress); err != nil {
			return nil, err
		}
	}
	rep.Took = time.Since(start)
	return rep, nil
}

func addPRF(a, b train.PRF, n int) train.PRF {
	return train.PRF{P: a.P + b.P/float64(n), R: a.R + b.R/float64(n), F1: a.F1 + b.F1/float64(n)}
}

func termCounts(test []train.SemSentence, terms func(string) []string) (tp, fp, fn int) {
	for _, s := range test {
		gold := map[string]int{}
		for _, t := range s.Terms {
			gold[strings.ToLower(strings.TrimSpace(t.Term))]++
		}
		for _, t := range terms(s.Text) {
			t = strings.ToLower(t)
			if gold[t] > 0 {
				gold[t]--
				tp++
			} else {
				fp++
			}
		}
		for _, v := range gold {
			fn += v
		}
	}
	return tp, fp, fn
}

func analyzerFor(b *nlp.Bundle) (*sentiment.Analyzer, error) {
	data, err := b.MarshalLevel(gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	return sentiment.New(sentiment.Options{Model: data})
}

// Targets are the acceptance thresholds of GitHub issue 4.
var Targets = map[string]float64{
	"tweets": 0.96, "movie": 0.61, "amazon": 0.63, "nyt": 0.55,
	"amazon-neg": 0.65, "movie-neg": 0.60,
	"category": 0.80, "catpol": 0.80, "terms": 0.65,
}

// Print writes the report as a plain-text table.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "earshot sentiment accuracy (%d-fold cross-validation; govader on the same items in the same run)\n\n", r.Folds)
	fmt.Fprintf(w, "VADER human-rated sets: F1 over positive+negative (paper protocol) / negative-class F1\n")
	fmt.Fprintf(w, "%-8s %6s  %-17s %-17s %-17s %-10s\n", "set", "n", "earshot", "earshot(no src)", "govader", "target")
	for _, row := range r.Vader {
		tgt := fmt.Sprintf("%.2f", Targets[row.Set])
		if t, ok := Targets[row.Set+"-neg"]; ok {
			tgt += fmt.Sprintf(" / %.2f", t)
		}
		fmt.Fprintf(w, "%-8s %6d  %.3f / %.3f    %.3f / %.3f    %.3f / %.3f    %s\n", row.Set, row.Ours.N,
			row.Ours.Overall.F1, row.Ours.Negative.F1, row.OursNoSource.Overall.F1, row.OursNoSource.Negative.F1,
			row.Govader.Overall.F1, row.Govader.Negative.F1, tgt)
	}
	fmt.Fprintf(w, "\nComplaint flag vs gold negative (mean rating < 0), no star ratings: precision / recall / F1\n(tweets pass source kind twitter: a negative tweet is not a complaint unless the complaint model says so)\n")
	for _, row := range r.Vader {
		fmt.Fprintf(w, "%-8s %.3f / %.3f / %.3f\n", row.Set, row.Complaint.P, row.Complaint.R, row.Complaint.F1)
	}
	s := r.Sem
	fmt.Fprintf(w, "\nSemEval-2014 Task 4 restaurants (train file, cross-validated; govader has no aspect model)\n")
	fmt.Fprintf(w, "%-34s %-8s %-8s %s\n", "metric", "earshot", "govader", "target (baseline / best)")
	fmt.Fprintf(w, "%-34s %.3f    %-8s %.2f (0.63 / 0.886)\n", "aspect category detection F1", s.Ours.Category.F1, "n/a", Targets["category"])
	fmt.Fprintf(w, "%-34s %.3f    %-8s %.2f (0.65 / 0.829)\n", "aspect category polarity accuracy", s.Ours.CatPol, "n/a", Targets["catpol"])
	fmt.Fprintf(w, "%-34s %.3f    %-8s %.2f (0.47 / 0.84)\n", "aspect term extraction F1 (tagger)", s.Ours.Terms.F1, "n/a", Targets["terms"])
	fmt.Fprintf(w, "%-34s %.3f    %-8s %.2f\n", "aspect term F1 (full analyzer)", s.AnalyzerTerms.F1, "n/a", Targets["terms"])
	if r.Complaints != nil {
		fmt.Fprintln(w)
		r.Complaints.PrintComplaints(w)
	}
	fmt.Fprintf(w, "\ntook %s\n", r.Took.Round(time.Second))
}
