package nlp

import (
	"math"
	"strings"
)

// Predictor runs the learned models of a Bundle over tokens. It holds no
// mutable state: per-call buffers live in a Scratch, so one Predictor
// serves any number of goroutines.
type Predictor struct {
	Lex    *Lexicon
	Bundle *Bundle
	Tagger *Tagger
}

// NewPredictor wires a bundle to a lexicon.
func NewPredictor(lex *Lexicon, b *Bundle) *Predictor {
	return &Predictor{Lex: lex, Bundle: b, Tagger: &Tagger{Words: b.POS}}
}

// Scratch holds reusable buffers for one analysis at a time.
type Scratch struct {
	Toks   []Token
	Sents  []Span
	Vals   []float64
	H      []uint64
	H2     []uint64
	Dense  []float64
	Scores []float64
	Tags   []string
}

// NewScratch allocates buffers sized for a typical review.
func NewScratch() *Scratch {
	return &Scratch{Toks: make([]Token, 0, 64), Sents: make([]Span, 0, 8), Vals: make([]float64, 0, 64),
		H: make([]uint64, 0, 256), H2: make([]uint64, 0, 512), Dense: make([]float64, SentDense), Scores: make([]float64, 0, 4), Tags: make([]string, 0, 64)}
}

// Polarity returns the learned log-odds that toks[from:to] is positive and
// the lexicon score it was built on.
func (p *Predictor) Polarity(sc *Scratch, from, to int) (float64, Score) {
	var s Score
	sc.Vals, s = p.Lex.Valences(sc.Toks, from, to, sc.Vals)
	sc.H = Features(p.Lex, sc.Toks, from, to, s, sc.Vals, sc.H[:0], sc.Dense)
	sc.Scores = p.Bundle.Sentiment.Scores(sc.H, sc.Dense, sc.Scores)
	return sc.Scores[0], s
}

// CatPred is a predicted coarse restaurant category of a sentence.
type CatPred struct {
	Name     string
	Prob     float64
	Polarity int // PolPositive ...
}

// Category polarity classes.
const (
	PolPositive = 0
	PolNegative = 1
	PolNeutral  = 2
	PolConflict = 3
)

// PolNames maps polarity classes to SemEval's words.
var PolNames = []string{"positive", "negative", "neutral", "conflict"}

// Categories predicts the coarse categories of toks[from:to] with their
// polarity. At least one category is always returned (the most likely),
// as every sentence is about something, if only anecdotes/miscellaneous.
func (p *Predictor) Categories(sc *Scratch, from, to int, out []CatPred) []CatPred {
	out = out[:0]
	sc.H = CatFeatures(sc.Toks, from, to, sc.H[:0])
	best, bestP := "", -1.0
	for _, name := range SemEvalCategories {
		m := p.Bundle.Category[name]
		if m == nil {
			continue
		}
		sc.Scores = m.Scores(sc.H, nil, sc.Scores)
		pr := Prob(sc.Scores[0])
		th := 0.5
		if t, ok := p.Bundle.CatThresh[name]; ok {
			th = t
		}
		if pr >= th {
			out = append(out, CatPred{Name: name, Prob: pr})
		}
		if pr > bestP {
			best, bestP = name, pr
		}
	}
	if len(out) == 0 && best != "" {
		out = append(out, CatPred{Name: best, Prob: bestP})
	}
	for i := range out {
		out[i].Polarity = p.CategoryPolarity(sc, from, to, out[i].Name)
	}
	return out
}

// CategoryPolarity predicts how toks[from:to] judges one category.
func (p *Predictor) CategoryPolarity(sc *Scratch, from, to int, cat string) int {
	h, dense := CatPolInput(p.Lex, p.Bundle.Sentiment, sc, from, to, cat)
	sc.Scores = p.Bundle.CatPol.Scores(h, dense, sc.Scores)
	best := 0
	for k, v := range sc.Scores {
		if v > sc.Scores[best] {
			best = k
		}
	}
	return best
}

// CatPolInput computes the features of the category polarity model: the
// sentence's words crossed with the category, the sentence's sentiment,
// and the sentiment of the clauses that hold the category's cue words.
// The returned slices live in sc.
func CatPolInput(lex *Lexicon, sent *Linear, sc *Scratch, from, to int, cat string) ([]uint64, []float64) {
	var s Score
	sc.Vals, s = lex.Valences(sc.Toks, from, to, sc.Vals)
	sc.H = Features(lex, sc.Toks, from, to, s, sc.Vals, sc.H[:0], sc.Dense)
	sc.Scores = sent.Scores(sc.H, sc.Dense, sc.Scores)
	z := sc.Scores[0]
	// clauses holding the category's cue words
	clauseSum, found := 0.0, 0.0
	cz := 0.0
	for i := from; i < to; i++ {
		w := sc.Toks[i].Lower
		c, ok := SeedCategories[w]
		if !ok && len(w) > 3 && w[len(w)-1] == 's' {
			c, ok = SeedCategories[w[:len(w)-1]]
		}
		if !ok || c != cat {
			continue
		}
		lo, hi := ClauseAround(sc.Toks, from, to, i, i+1)
		var cs Score
		sc.Vals, cs = lex.Valences(sc.Toks, lo, hi, sc.Vals)
		clauseSum += cs.Sum
		if found == 0 {
			h2 := Features(lex, sc.Toks, lo, hi, cs, sc.Vals, sc.H2[:0], sc.Dense[:SentDense])
			sc.Scores = sent.Scores(h2, sc.Dense[:SentDense], sc.Scores)
			cz = sc.Scores[0]
			// restore the sentence's dense features
			sc.Vals, s = lex.Valences(sc.Toks, from, to, sc.Vals)
			sc.H2 = Features(lex, sc.Toks, from, to, s, sc.Vals, h2[:0], sc.Dense)
		}
		found = 1
	}
	sc.Dense = CatPolDense(sc.Dense, z)
	sc.Dense = append(sc.Dense, Normalize(clauseSum), found, cz/4)
	sc.H = CatFeatures(sc.Toks, from, to, sc.H)
	sc.H2 = Cross(sc.H, cat, sc.H2[:0])
	d := sc.Dense
	sc.Dense = sc.Dense[:SentDense]
	return sc.H2, d
}

// ClauseAround widens the token range [i, j) to its clause: up to commas,
// semicolons and contrast words.
func ClauseAround(toks []Token, from, to, i, j int) (int, int) {
	lo := i
	for lo > from {
		p := &toks[lo-1]
		if clauseWord(p.Lower) || strings.ContainsAny(p.PunctAfter, ",;:") {
			break
		}
		lo--
	}
	hi := j
	for hi < to {
		if clauseWord(toks[hi].Lower) {
			break
		}
		hi++
		if strings.ContainsAny(toks[hi-1].PunctAfter, ",;:") {
			break
		}
	}
	return lo, hi
}

func clauseWord(w string) bool {
	switch w {
	case "but", "however", "although", "though", "while", "whereas", "yet", "except", "and":
		return true
	}
	return false
}

// CatPolDenseN is the number of dense features of the category polarity model.
const CatPolDenseN = SentDense + 6

// CatPolDense extends the sentiment dense features with the sentiment
// model's verdict z on the same text.
func CatPolDense(d []float64, z float64) []float64 {
	d = d[:SentDense]
	return append(d, z/4, math.Tanh(z), b2f(math.Abs(z) < 1))
}

// Terms returns the aspect-term token spans [from, to) of a sentence found
// by the BIO tagger.
func (p *Predictor) Terms(sc *Scratch, from, to int, out [][2]int) [][2]int {
	out = out[:0]
	sc.Tags = sc.Tags[:0]
	for i := from; i < to; i++ {
		sc.Tags = append(sc.Tags, p.Tagger.Tag(sc.Toks, i))
	}
	prev := TagO
	start := -1
	for i := from; i < to; i++ {
		sc.H = TermFeatures(sc.Toks, sc.Tags, from, to, i, prev, sc.H[:0])
		sc.Scores = p.Bundle.Terms.Scores(sc.H, nil, sc.Scores)
		lab := TagO
		for k, v := range sc.Scores {
			if v > sc.Scores[lab] {
				lab = k
			}
		}
		if lab == TagI && prev == TagO {
			lab = TagB
		}
		switch lab {
		case TagB:
			if start >= 0 {
				out = append(out, [2]int{start, i})
			}
			start = i
		case TagO:
			if start >= 0 {
				out = append(out, [2]int{start, i})
				start = -1
			}
		}
		// a term never crosses punctuation
		if start >= 0 && sc.Toks[i].PunctAfter != "" && sc.Toks[i].PunctAfter != "-" {
			out = append(out, [2]int{start, i + 1})
			start = -1
			lab = TagO
		}
		prev = lab
	}
	if start >= 0 {
		out = append(out, [2]int{start, to})
	}
	return out
}
