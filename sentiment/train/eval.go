package train

import (
	"strings"

	"github.com/earshot/earshot/sentiment/internal/nlp"
)

// PRF holds precision, recall and F1.
type PRF struct{ P, R, F1 float64 }

// NewPRF computes precision, recall and F1 from counts.
func NewPRF(tp, fp, fn int) PRF { return prf(tp, fp, fn) }

func prf(tp, fp, fn int) PRF {
	var r PRF
	if tp+fp > 0 {
		r.P = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		r.R = float64(tp) / float64(tp+fn)
	}
	if r.P+r.R > 0 {
		r.F1 = 2 * r.P * r.R / (r.P + r.R)
	}
	return r
}

// VaderScore is the paper's protocol on one set: gold = sign of the mean,
// |compound| < 0.05 is a neutral prediction (no answer), precision, recall
// and F1 over the positive and negative classes together (Overall), and
// for the negative class alone (Negative).
type VaderScore struct {
	Overall, Negative PRF
	N                 int
}

// ScoreVader applies the protocol to compounds aligned with items.
func ScoreVader(items []VaderItem, compound []float64) VaderScore {
	tp, fp, fn := 0, 0, 0
	ntp, nfp, nfn := 0, 0, 0
	for i, it := range items {
		gold := 0
		if it.Mean > 0 {
			gold = 1
		} else if it.Mean < 0 {
			gold = -1
		}
		pred := 0
		if compound[i] >= 0.05 {
			pred = 1
		} else if compound[i] <= -0.05 {
			pred = -1
		}
		if pred != 0 {
			if pred == gold {
				tp++
			} else {
				fp++
			}
		}
		if gold != 0 && pred != gold {
			fn++
		}
		if pred == -1 && gold == -1 {
			ntp++
		}
		if pred == -1 && gold != -1 {
			nfp++
		}
		if gold == -1 && pred != -1 {
			nfn++
		}
	}
	return VaderScore{Overall: prf(tp, fp, fn), Negative: prf(ntp, nfp, nfn), N: len(items)}
}

// SemScores are the SemEval-2014 Task 4 restaurant metrics.
type SemScores struct {
	Category PRF     // aspect category detection
	CatPol   float64 // accuracy of the polarity of gold categories
	Terms    PRF     // aspect term extraction, exact match
}

// EvalSemEval measures a predictor on held-out sentences. terms extracts
// the aspect terms of a sentence text (so the analyzer's own extraction,
// taxonomy included, can be measured).
func EvalSemEval(p *nlp.Predictor, test []SemSentence, terms func(string) []string) SemScores {
	sc := nlp.NewScratch()
	ctp, cfp, cfn := 0, 0, 0
	polOK, polN := 0, 0
	ttp, tfp, tfn := 0, 0, 0
	var cats []nlp.CatPred
	for _, s := range test {
		sc.Toks, sc.Sents = nlp.Tokenize(s.Text, sc.Toks, sc.Sents)
		n := len(sc.Toks)
		cats = p.Categories(sc, 0, n, cats)
		pred := map[string]bool{}
		for _, c := range cats {
			pred[c.Name] = true
		}
		for _, g := range s.Cats {
			if pred[g.Category] {
				ctp++
				delete(pred, g.Category)
			} else {
				cfn++
			}
			polN++
			if p.CategoryPolarity(sc, 0, n, g.Category) == polClass(g.Polarity) {
				polOK++
			}
		}
		cfp += len(pred)
		// terms: multiset match on lower-cased strings
		gold := map[string]int{}
		for _, t := range s.Terms {
			gold[strings.ToLower(strings.TrimSpace(t.Term))]++
		}
		for _, t := range terms(s.Text) {
			t = strings.ToLower(t)
			if gold[t] > 0 {
				gold[t]--
				ttp++
			} else {
				tfp++
			}
		}
		for _, v := range gold {
			tfn += v
		}
	}
	r := SemScores{Category: prf(ctp, cfp, cfn), Terms: prf(ttp, tfp, tfn)}
	if polN > 0 {
		r.CatPol = float64(polOK) / float64(polN)
	}
	return r
}

// PredictorTerms extracts terms with the BIO tagger alone.
func PredictorTerms(p *nlp.Predictor) func(string) []string {
	sc := nlp.NewScratch()
	var spans [][2]int
	return func(text string) []string {
		sc.Toks, sc.Sents = nlp.Tokenize(text, sc.Toks, sc.Sents)
		spans = p.Terms(sc, 0, len(sc.Toks), spans)
		var out []string
		for _, sp := range spans {
			out = append(out, text[sc.Toks[sp[0]].Start:sc.Toks[sp[1]-1].End])
		}
		return out
	}
}
