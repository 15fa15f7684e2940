package train

import (
	"strings"

	"github.com/earshot/earshot/sentiment/internal/nlp"
	"github.com/jdkato/prose/v2"
)

// Hash-space sizes of the models (bits).
const (
	sentBits   = 20
	catBits    = 18
	catPolBits = 20
	termBits   = 20
)

// BuildPOS tags every text once with prose's averaged-perceptron tagger
// (model loaded once) and keeps each word's most frequent tag.
func BuildPOS(texts []string) (map[string]string, error) {
	model := prose.ModelFromData("earshot")
	counts := map[string]map[string]int{}
	for _, t := range texts {
		doc, err := prose.NewDocument(t, prose.UsingModel(model), prose.WithSegmentation(false), prose.WithExtraction(false))
		if err != nil {
			return nil, err
		}
		for _, tok := range doc.Tokens() {
			w := strings.ToLower(tok.Text)
			if counts[w] == nil {
				counts[w] = map[string]int{}
			}
			counts[w][tok.Tag]++
		}
	}
	out := make(map[string]string, len(counts))
	for w, c := range counts {
		best, bn := "", 0
		for tag, n := range c {
			if n > bn || n == bn && tag < best {
				best, bn = tag, n
			}
		}
		out[w] = best
	}
	return out, nil
}

// Labeled is a text with a binary polarity label.
type Labeled struct {
	Text   string
	Pos    bool
	Weight float64
}

// VaderLabeled turns VADER items into labelled texts (sign of the mean).
func VaderLabeled(items []VaderItem) []Labeled {
	out := make([]Labeled, 0, len(items))
	for _, it := range items {
		if it.Mean == 0 {
			continue
		}
		out = append(out, Labeled{Text: it.Text, Pos: it.Mean > 0})
	}
	return out
}

// SemLabeled keeps the SemEval sentences whose annotations agree on one
// polarity, as extra review-domain sentiment data.
func SemLabeled(ss []SemSentence) []Labeled {
	var out []Labeled
	for _, s := range ss {
		pos, neg := 0, 0
		for _, t := range s.Terms {
			switch t.Polarity {
			case "positive":
				pos++
			case "negative":
				neg++
			}
		}
		for _, c := range s.Cats {
			switch c.Polarity {
			case "positive":
				pos++
			case "negative":
				neg++
			}
		}
		if pos > 0 && neg == 0 {
			out = append(out, Labeled{Text: s.Text, Pos: true})
		} else if neg > 0 && pos == 0 {
			out = append(out, Labeled{Text: s.Text, Pos: false})
		}
	}
	return out
}

// Training settings of the sentiment model, chosen by cross-validation.
const (
	sentEpochs = 10
	sentRate   = 0.05
	sentL2     = 1e-4
)

// TrainSentiment fits the text polarity model.
func TrainSentiment(lex *nlp.Lexicon, data []Labeled) *nlp.Linear {
	sc := nlp.NewScratch()
	ex := make([]nlp.Example, 0, len(data))
	for _, d := range data {
		sc.Toks, sc.Sents = nlp.Tokenize(d.Text, sc.Toks, sc.Sents)
		var s nlp.Score
		sc.Vals, s = lex.Valences(sc.Toks, 0, len(sc.Toks), sc.Vals)
		h := nlp.Features(lex, sc.Toks, 0, len(sc.Toks), s, sc.Vals, nil, sc.Dense)
		y := 0
		if d.Pos {
			y = 1
		}
		ex = append(ex, nlp.Example{H: h, Dense: append([]float64(nil), sc.Dense...), Y: y, Weight: d.Weight})
	}
	m := nlp.NewLinear(1, sentBits, nlp.SentDense)
	m.Train(ex, nlp.TrainOpts{Epochs: sentEpochs, Rate: sentRate, L2: sentL2, Seed: 1})
	return m
}

// Training settings of the category models, chosen by cross-validation
// on the SemEval training file.
const (
	catPolEpochs = 20
	catPolRate   = 0.02
	catPolL2     = 1e-5
	catEpochs    = 10
	catRate      = 0.1
)

// catThresholds are the probabilities above which a category is predicted:
// the rarer categories need less, as their probabilities run low.
func catThresholds() map[string]float64 {
	return map[string]float64{"food": 0.4, "service": 0.3, "price": 0.25, "ambience": 0.25, "anecdotes/miscellaneous": 0.45}
}

// TrainCategories fits one binary model per coarse restaurant category.
func TrainCategories(ss []SemSentence) map[string]*nlp.Linear {
	sc := nlp.NewScratch()
	type row struct {
		h    []uint64
		cats map[string]bool
	}
	rows := make([]row, 0, len(ss))
	for _, s := range ss {
		sc.Toks, sc.Sents = nlp.Tokenize(s.Text, sc.Toks, sc.Sents)
		r := row{h: nlp.CatFeatures(sc.Toks, 0, len(sc.Toks), nil), cats: map[string]bool{}}
		for _, c := range s.Cats {
			r.cats[c.Category] = true
		}
		rows = append(rows, r)
	}
	out := map[string]*nlp.Linear{}
	for ci, name := range nlp.SemEvalCategories {
		ex := make([]nlp.Example, len(rows))
		for i, r := range rows {
			y := 0
			if r.cats[name] {
				y = 1
			}
			ex[i] = nlp.Example{H: r.h, Y: y}
		}
		m := nlp.NewLinear(1, catBits, 0)
		m.Train(ex, nlp.TrainOpts{Epochs: catEpochs, Rate: catRate, L2: 1e-5, Seed: uint64(ci + 2)})
		out[name] = m
	}
	return out
}

func polClass(p string) int {
	switch p {
	case "positive":
		return nlp.PolPositive
	case "negative":
		return nlp.PolNegative
	case "conflict":
		return nlp.PolConflict
	}
	return nlp.PolNeutral
}

// TrainCatPol fits the (sentence, category) -> polarity model.
func TrainCatPol(lex *nlp.Lexicon, sent *nlp.Linear, ss []SemSentence) *nlp.Linear {
	m := nlp.NewLinear(4, catPolBits, nlp.CatPolDenseN)
	m.Train(catPolExamples(lex, sent, ss), nlp.TrainOpts{Epochs: catPolEpochs, Rate: catPolRate, L2: catPolL2, Seed: 9})
	return m
}

func catPolExamples(lex *nlp.Lexicon, sent *nlp.Linear, ss []SemSentence) []nlp.Example {
	sc := nlp.NewScratch()
	var ex []nlp.Example
	for _, s := range ss {
		sc.Toks, sc.Sents = nlp.Tokenize(s.Text, sc.Toks, sc.Sents)
		for _, c := range s.Cats {
			h, dense := nlp.CatPolInput(lex, sent, sc, 0, len(sc.Toks), c.Category)
			ex = append(ex, nlp.Example{H: append([]uint64(nil), h...), Dense: append([]float64(nil), dense...), Y: polClass(c.Polarity)})
		}
	}
	return ex
}

// termLabels maps SemEval character offsets onto tokens as B/I/O labels.
func termLabels(toks []nlp.Token, terms []SemTerm) []int {
	lab := make([]int, len(toks))
	for _, t := range terms {
		first := true
		for i, tk := range toks {
			if tk.End <= t.From || tk.Start >= t.To {
				continue
			}
			if first {
				lab[i] = nlp.TagB
				first = false
			} else {
				lab[i] = nlp.TagI
			}
		}
	}
	return lab
}

// TrainTerms fits the BIO aspect-term tagger.
func TrainTerms(tagger *nlp.Tagger, ss []SemSentence) *nlp.Linear {
	sc := nlp.NewScratch()
	var ex []nlp.Example
	for _, s := range ss {
		sc.Toks, sc.Sents = nlp.Tokenize(s.Text, sc.Toks, sc.Sents)
		lab := termLabels(sc.Toks, s.Terms)
		tags := make([]string, len(sc.Toks))
		for i := range sc.Toks {
			tags[i] = tagger.Tag(sc.Toks, i)
		}
		prev := nlp.TagO
		for i := range sc.Toks {
			h := nlp.TermFeatures(sc.Toks, tags, 0, len(sc.Toks), i, prev, nil)
			ex = append(ex, nlp.Example{H: h, Y: lab[i]})
			prev = lab[i]
		}
	}
	m := nlp.NewLinear(3, termBits, 0)
	m.Train(ex, nlp.TrainOpts{Epochs: 8, Rate: 0.1, L2: 1e-6, Seed: 5})
	return m
}

// AllTexts lists every text of the data, for the part-of-speech table.
func (d *Data) AllTexts() []string {
	var out []string
	for _, s := range VaderSets {
		for _, it := range d.Vader[s.Name] {
			out = append(out, it.Text)
		}
	}
	for _, s := range d.Restaurant {
		out = append(out, s.Text)
	}
	for _, s := range d.Laptop {
		out = append(out, s.Text)
	}
	return out
}

// Split selects the items of fold k (keep == true) or all others.
func Split[T any](items []T, folds, k int, keep bool) []T {
	var out []T
	for i, it := range items {
		if (i%folds == k) == keep {
			out = append(out, it)
		}
	}
	return out
}

// BuildBundle trains every model on the given data.
func BuildBundle(lex *nlp.Lexicon, pos map[string]string, vader map[string][]VaderItem, rest, laptop []SemSentence) *nlp.Bundle {
	var sent []Labeled
	for _, s := range VaderSets {
		sent = append(sent, VaderLabeled(vader[s.Name])...)
	}
	sent = append(sent, SemLabeled(rest)...)
	sent = append(sent, SemLabeled(laptop)...)
	tagger := &nlp.Tagger{Words: pos}
	sm := TrainSentiment(lex, sent)
	return &nlp.Bundle{
		Version:   ModelVersion,
		Sentiment: sm,
		Category:  TrainCategories(rest),
		CatPol:    TrainCatPol(lex, sm, rest),
		Terms:     TrainTerms(tagger, append(append([]SemSentence(nil), rest...), laptop...)),
		POS:       pos,
		CatThresh: catThresholds(),
	}
}

// ModelVersion names the shipped model in every Analysis.
const ModelVersion = "earshot-sentiment/2"
