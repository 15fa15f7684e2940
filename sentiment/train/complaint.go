package train

import (
	"bufio"
	"fmt"
	"html"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/earshot/earshot/sentiment/internal/nlp"
)

// ComplaintItem is one tweet of the complaints dataset (X-CI, the
// re-annotated tweets of Preotiuc-Pietro et al. 2019).
type ComplaintItem struct {
	ID        string
	Complaint bool
	Severity  int // 0 none; 1 no explicit reproach, 2 disapproval, 3 accusation, 4 blame
	Domain    string
	Text      string
	// Cause is the annotated span that carries the complaint (or the
	// reason the tweet is none).
	Cause string
}

// ReadComplaints reads the dataset's TSV file: a header line, then
// id, complaint, severity, domain, text, cause. HTML entities ("&amp;")
// left by the tweet crawl are decoded.
func ReadComplaints(path string) ([]ComplaintItem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var out []ComplaintItem
	line := 0
	for sc.Scan() {
		line++
		if line == 1 && strings.HasPrefix(sc.Text(), "id\t") {
			continue
		}
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		p := strings.Split(sc.Text(), "\t")
		if len(p) < 5 {
			return nil, fmt.Errorf("train: %s line %d: want 6 tab-separated fields, got %d", path, line, len(p))
		}
		c, err1 := strconv.Atoi(p[1])
		s, err2 := strconv.Atoi(p[2])
		if err1 != nil || err2 != nil || c < 0 || c > 1 || s < 0 || s > 4 {
			return nil, fmt.Errorf("train: %s line %d: bad complaint %q or severity %q", path, line, p[1], p[2])
		}
		out = append(out, ComplaintItem{ID: p[0], Complaint: c == 1, Severity: s, Domain: p[3], Text: html.UnescapeString(p[4]), Cause: cause(p)})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("train: read %s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("train: %s: %w", path, ErrNoData)
	}
	return out, nil
}

func cause(p []string) string {
	if len(p) < 6 {
		return ""
	}
	return html.UnescapeString(strings.TrimSpace(p[5]))
}

// ComplaintFolds assigns each item a cross-validation fold, stratified by
// domain and label as the dataset's own split was: items are ordered by
// (domain, label, id) and dealt round-robin.
func ComplaintFolds(items []ComplaintItem, folds int) []int {
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		x, y := items[idx[a]], items[idx[b]]
		if x.Domain != y.Domain {
			return x.Domain < y.Domain
		}
		if x.Complaint != y.Complaint {
			return !x.Complaint
		}
		return x.ID < y.ID
	})
	out := make([]int, len(items))
	for k, i := range idx {
		out[i] = k % folds
	}
	return out
}

// Hash-space size of the complaint and severity models.
const complaintBits = 20

// Training settings of the complaint model, chosen by 10-fold
// cross-validation on the shared half of the dataset.
var complaintOpts = nlp.TrainOpts{Epochs: 12, Rate: 0.05, L2: 1e-5, Seed: 11}

// ComplaintConfig says what the complaint model learns from besides the
// complaint tweets.
type ComplaintConfig struct {
	// ReviewWeight is the weight of review sentences (SemEval) used as
	// extra examples: wholly negative sentences as complaints, wholly
	// positive ones as not; 0 leaves them out.
	ReviewWeight float64
	// CauseWeight is the weight of the annotated cause spans as extra
	// examples with their tweet's label; 0 leaves them out.
	CauseWeight float64
	// Method picks the learner: "svm" (L2 squared-hinge SVM), "nbsvm"
	// (the same on naive-Bayes-scaled features), "lr" (AdaGrad logistic
	// regression) or "ensemble" (the sum of the svm and nbsvm logits).
	Method string
	C      float64 // SVM cost
	Gain   float64 // SVM margin -> log-odds
}

// DefaultComplaintConfig is the shipped configuration.
var DefaultComplaintConfig = ComplaintConfig{ReviewWeight: 0, Method: "ensemble", C: 0.003, Gain: 2}

// complaintExample computes one text's features.
func complaintExample(lex *nlp.Lexicon, sent *nlp.Linear, sc *nlp.Scratch, text string) ([]uint64, []float64) {
	sc.Toks, sc.Sents = nlp.Tokenize(text, sc.Toks, sc.Sents)
	dense := make([]float64, nlp.ComplaintDense)
	h, _ := nlp.ComplaintInput(lex, sent, sc, 0, len(sc.Toks), math.NaN(), dense)
	return append([]uint64(nil), h...), dense
}

// TrainComplaint fits the complaint model on the complaint tweets and,
// per cfg, review sentences. sent is the sentiment model whose verdict is
// one of the features.
func TrainComplaint(lex *nlp.Lexicon, sent *nlp.Linear, items []ComplaintItem, reviews []Labeled, cfg ComplaintConfig) *nlp.Linear {
	sc := nlp.NewScratch()
	ex := make([]nlp.Example, 0, len(items)+len(reviews))
	for _, it := range items {
		h, d := complaintExample(lex, sent, sc, it.Text)
		ex = append(ex, nlp.Example{H: h, Dense: d, Y: b2i(it.Complaint)})
		if cfg.CauseWeight > 0 && it.Cause != "" && it.Cause != it.Text {
			h, d := complaintExample(lex, sent, sc, it.Cause)
			ex = append(ex, nlp.Example{H: h, Dense: d, Y: b2i(it.Complaint), Weight: cfg.CauseWeight})
		}
	}
	if cfg.ReviewWeight > 0 {
		for _, r := range reviews {
			h, d := complaintExample(lex, sent, sc, r.Text)
			ex = append(ex, nlp.Example{H: h, Dense: d, Y: b2i(!r.Pos), Weight: cfg.ReviewWeight})
		}
	}
	return fitBinary(ex, cfg)
}

// fitBinary trains a binary model on examples with the configured learner.
func fitBinary(ex []nlp.Example, cfg ComplaintConfig) *nlp.Linear {
	if cfg.Method == "lr" || cfg.Method == "" {
		m := nlp.NewLinear(1, complaintBits, nlp.ComplaintDense)
		m.Train(ex, complaintOpts)
		return m
	}
	s := newSparseSet(ex, nlp.ComplaintDense)
	y := make([]int, len(ex))
	wt := make([]float64, len(ex))
	for i, e := range ex {
		y[i] = e.Y
		wt[i] = e.Weight
	}
	switch cfg.Method {
	case "svm":
		w := trainSVM(s, y, nil, wt, cfg.C, 50, 1)
		return s.toLinear(w, nil, cfg.Gain, complaintBits)
	case "nbsvm":
		r := s.nbRatios(y, 1)
		w := trainSVM(s, y, r, wt, cfg.C, 50, 1)
		return s.toLinear(w, r, cfg.Gain, complaintBits)
	}
	// ensemble: half the logits of each
	w1 := trainSVM(s, y, nil, wt, cfg.C, 50, 1)
	r := s.nbRatios(y, 1)
	w2 := trainSVM(s, y, r, wt, cfg.C, 50, 1)
	m := s.toLinear(w1, nil, cfg.Gain/2, complaintBits)
	m2 := s.toLinear(w2, r, cfg.Gain/2, complaintBits)
	for i := range m.W {
		m.W[i] += m2.W[i]
	}
	for i := range m.DW {
		m.DW[i] += m2.DW[i]
	}
	m.B[0] += m2.B[0]
	return m
}

// ComplaintThreshold is the shipped complaint probability threshold,
// chosen on the 10-fold cross-validation of the analyzer.
const ComplaintThreshold = 0.5

// AddComplaintModels trains the complaint and severity models on the
// complaint tweets (with the bundle's sentiment model as a feature) and
// adds them to b.
func AddComplaintModels(lex *nlp.Lexicon, b *nlp.Bundle, items []ComplaintItem) {
	b.Complaint = nlp.PackComplaint(TrainComplaint(lex, b.Sentiment, items, nil, DefaultComplaintConfig),
		TrainSeverity(lex, b.Sentiment, items, DefaultComplaintConfig))
	b.ComplaintThreshold = ComplaintThreshold
}

// TrainSeverity fits the severity model on the complaints: one binary
// model per threshold ("at least disapproval", "at least accusation",
// "blame"), whose probabilities sum to the expected level above 1.
func TrainSeverity(lex *nlp.Lexicon, sent *nlp.Linear, items []ComplaintItem, cfg ComplaintConfig) *nlp.Linear {
	sc := nlp.NewScratch()
	var rows []nlp.Example
	for _, it := range items {
		if !it.Complaint || it.Severity < 1 {
			continue
		}
		h, d := complaintExample(lex, sent, sc, it.Text)
		rows = append(rows, nlp.Example{H: h, Dense: d, Y: it.Severity})
	}
	return trainOrdinal(rows, cfg)
}

// trainOrdinal trains the K=3 cumulative model packed in one Linear: column
// k is the binary model "level > k+1".
func trainOrdinal(rows []nlp.Example, cfg ComplaintConfig) *nlp.Linear {
	out := nlp.NewLinear(nlp.SeverityLevels-1, complaintBits, nlp.ComplaintDense)
	for k := 0; k < nlp.SeverityLevels-1; k++ {
		ex := make([]nlp.Example, len(rows))
		for i, r := range rows {
			ex[i] = nlp.Example{H: r.H, Dense: r.Dense, Y: b2i(r.Y > k+1)}
		}
		out.SetColumn(k, fitBinary(ex, cfg))
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ComplaintCV is the model-only cross-validation of the complaint and
// severity models (no analyzer rules): the quick check used to choose
// features and settings.
type ComplaintCV struct {
	Complaint, NotComplaint PRF
	MacroF1                 float64
	RandomFlagged           float64 // share of random tweets called complaints
	Spearman                float64 // expected severity vs gold, on gold complaints
}

// ComplaintProbs returns, for every item, the cross-validated complaint
// probability and expected severity level (1..4), each from models trained
// without the item's fold.
func ComplaintProbs(lex *nlp.Lexicon, sent *nlp.Linear, items []ComplaintItem, reviews []Labeled, folds int, cfg ComplaintConfig) (prob, sev []float64) {
	fold := ComplaintFolds(items, folds)
	prob = make([]float64, len(items))
	sev = make([]float64, len(items))
	sc := nlp.NewScratch()
	for k := 0; k < folds; k++ {
		var tr []ComplaintItem
		for i, it := range items {
			if fold[i] != k {
				tr = append(tr, it)
			}
		}
		cm := TrainComplaint(lex, sent, tr, reviews, cfg)
		sm := TrainSeverity(lex, sent, tr, cfg)
		var scores []float64
		for i, it := range items {
			if fold[i] != k {
				continue
			}
			h, d := complaintExample(lex, sent, sc, it.Text)
			scores = cm.Scores(h, d, scores)
			prob[i] = nlp.Prob(scores[0])
			scores = sm.Scores(h, d, scores)
			sev[i] = nlp.ExpectedSeverity(scores)
		}
	}
	return prob, sev
}

// ScoreComplaints computes the report's metrics from flags and severities
// aligned with items.
func ScoreComplaints(items []ComplaintItem, flag []bool, sev []float64) ComplaintCV {
	tp, fp, fn, tn := 0, 0, 0, 0
	rnd, rndF := 0, 0
	var gs, ps []float64
	for i, it := range items {
		switch {
		case flag[i] && it.Complaint:
			tp++
		case flag[i]:
			fp++
		case it.Complaint:
			fn++
		default:
			tn++
		}
		if it.Domain == "random_tweet" {
			rnd++
			if flag[i] {
				rndF++
			}
		}
		if it.Complaint {
			gs = append(gs, float64(it.Severity))
			ps = append(ps, sev[i])
		}
	}
	r := ComplaintCV{Complaint: prf(tp, fp, fn), NotComplaint: prf(tn, fn, fp), Spearman: Spearman(gs, ps)}
	r.MacroF1 = (r.Complaint.F1 + r.NotComplaint.F1) / 2
	if rnd > 0 {
		r.RandomFlagged = float64(rndF) / float64(rnd)
	}
	return r
}

// Spearman is the rank correlation of x and y, ties given average ranks.
func Spearman(x, y []float64) float64 {
	if len(x) != len(y) || len(x) < 2 {
		return 0
	}
	rx, ry := ranks(x), ranks(y)
	return pearson(rx, ry)
}

func ranks(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	r := make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && x[idx[j+1]] == x[idx[i]] {
			j++
		}
		avg := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = avg
		}
		i = j + 1
	}
	return r
}

func pearson(x, y []float64) float64 {
	n := float64(len(x))
	mx, my := 0.0, 0.0
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= n
	my /= n
	sxy, sxx, syy := 0.0, 0.0, 0.0
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return 0
	}
	return sxy / math.Sqrt(sxx*syy)
}
