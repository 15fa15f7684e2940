package nlp

import (
	"math"
	"strings"
)

// SentDense is the number of dense sentiment features.
const SentDense = 9

// Features appends the hashed features of toks[from:to] to h and fills
// dense (len SentDense) from the lexicon score. Words inside a negation
// scope (after "not", "never", "n't" until punctuation) are distinct
// features, so "not good" does not count as "good".
func Features(lex *Lexicon, toks []Token, from, to int, s Score, vals []float64, h []uint64, dense []float64) []uint64 {
	neg := 0
	prev := "<s>"
	after := false
	afterSum := 0.0
	capsN := 0
	ep := 0
	for i := from; i < to; i++ {
		t := &toks[i]
		lw := t.Lower
		kind := byte('u')
		if neg > 0 {
			kind = 'n'
			neg--
		}
		if after {
			afterSum += vals[i-from]
		}
		h = append(h, Hash(kind, lw, ""))
		h = append(h, Hash('b', prev, lw))
		if t.Caps {
			capsN++
		}
		if lex.Negated(lw) || lw == "no" {
			neg = 3
		}
		if IsContrast(lw) {
			after = true
			neg = 0
		}
		if t.PunctAfter != "" {
			if strings.ContainsAny(t.PunctAfter, ".,;:!?") {
				neg = 0
			}
			ep += strings.Count(t.PunctAfter, "!")
		}
		prev = lw
	}
	h = append(h, Hash('b', prev, "</s>"))
	dense[0] = s.Compound
	dense[1] = math.Tanh(s.Pos / 4)
	dense[2] = math.Tanh(s.Neg / 4)
	dense[3] = Normalize(afterSum)
	dense[4] = b2f(ep > 0)
	dense[5] = b2f(capsN > 0)
	dense[6] = b2f(s.Hits == 0)
	dense[7] = math.Tanh(float64(to-from) / 20)
	dense[8] = s.Compound * s.Compound * sign(s.Compound)
	return h
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// TermLabels of the BIO aspect-term tagger.
const (
	TagO = 0
	TagB = 1
	TagI = 2
)

// Tagger assigns Penn part-of-speech tags from a word table distilled from
// prose's averaged-perceptron tagger, with suffix rules for unseen words.
// prose's own tagger costs about 220 µs per review snippet, more than the
// whole per-mention budget, so the analyzer uses this distilled table.
type Tagger struct {
	Words map[string]string
}

// Tag returns the part-of-speech tag of toks[i].
func (t *Tagger) Tag(toks []Token, i int) string {
	tk := &toks[i]
	if tag, ok := t.Words[tk.Lower]; ok {
		return tag
	}
	w := tk.Lower
	switch {
	case tk.Emoji:
		return "SYM"
	case len(w) > 0 && w[0] >= '0' && w[0] <= '9':
		return "CD"
	case strings.HasSuffix(w, "ly"):
		return "RB"
	case strings.HasSuffix(w, "ing"):
		return "VBG"
	case strings.HasSuffix(w, "ed"):
		return "VBN"
	case strings.HasSuffix(w, "ous") || strings.HasSuffix(w, "ful") || strings.HasSuffix(w, "ive") || strings.HasSuffix(w, "able") || strings.HasSuffix(w, "ible") || strings.HasSuffix(w, "less"):
		return "JJ"
	case i > 0 && tk.Text != "" && tk.Text[0] >= 'A' && tk.Text[0] <= 'Z':
		return "NNP"
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		return "NNS"
	}
	return "NN"
}

// TermFeatures appends the hashed features of token i for the BIO term
// tagger. tags holds the part-of-speech tags of the sentence's tokens and
// prevLabel the label given to token i-1.
func TermFeatures(toks []Token, tags []string, from, to, i int, prevLabel int, h []uint64) []uint64 {
	w := toks[i].Lower
	word := func(j int) string {
		if j < from {
			return "<s>"
		}
		if j >= to {
			return "</s>"
		}
		return toks[j].Lower
	}
	tag := func(j int) string {
		if j < from {
			return "<s>"
		}
		if j >= to {
			return "</s>"
		}
		return tags[j-from]
	}
	suf := w
	if len(suf) > 3 {
		suf = suf[len(suf)-3:]
	}
	pl := string(rune('0' + prevLabel))
	h = append(h,
		Hash('w', w, ""),
		Hash('s', suf, ""),
		Hash('t', tag(i), ""),
		Hash('p', tag(i-1), tag(i)),
		Hash('q', tag(i), tag(i+1)),
		Hash('r', tag(i-1), tag(i)+" "+tag(i+1)),
		Hash('l', pl, ""),
		Hash('m', pl, tag(i)),
		Hash('x', pl, w),
		Hash('y', word(i-1), w),
		Hash('z', w, word(i+1)),
		Hash('a', word(i-1), ""),
		Hash('c', word(i+1), ""),
		Hash('d', word(i-2), ""),
		Hash('e', word(i+2), ""),
		Hash('f', tag(i-2), tag(i-1)),
		Hash('g', tag(i+1), tag(i+2)),
	)
	if toks[i].Caps {
		h = append(h, Hash('C', "", ""))
	}
	return h
}

// CatFeatures appends the features of a sentence for the category and
// category-polarity classifiers: words, bigrams and word pairs within a
// short window, which catch "waited ... table" style evidence.
func CatFeatures(toks []Token, from, to int, h []uint64) []uint64 {
	prev := "<s>"
	for i := from; i < to; i++ {
		lw := toks[i].Lower
		h = append(h, Hash('U', lw, ""), Hash('B', prev, lw))
		if len(lw) >= 4 {
			n := min(len(lw), 5)
			h = append(h, Hash('S', lw[:n], ""))
		}
		switch {
		case lw == "" || toks[i].Emoji:
		case lw[0] == '$' || lw == "dollars" || lw == "bucks" || lw == "dollar":
			h = append(h, Hash('M', "money", ""))
		case lw[0] >= '0' && lw[0] <= '9':
			h = append(h, Hash('M', "number", ""))
		}
		if c, ok := SeedCategories[lw]; ok {
			h = append(h, Hash('K', c, ""))
		} else if len(lw) > 3 && lw[len(lw)-1] == 's' {
			if c, ok := SeedCategories[lw[:len(lw)-1]]; ok {
				h = append(h, Hash('K', c, ""))
			}
		}
		prev = lw
	}
	return h
}

// SeedCategories are hand-picked cue words of the coarse restaurant
// categories. They give the learned classifier prior knowledge for words
// too rare in the training sentences to be learned.
var SeedCategories = func() map[string]string {
	m := map[string]string{}
	for cat, words := range map[string]string{
		"food":     "food dish meal pizza burger pasta steak sushi salad soup dessert bread fries chicken fish taste tasty flavor portion menu appetizer entree sauce cheese rice noodle seafood brunch breakfast lunch dinner cake sandwich taco curry dumpling ramen pork beef lamb shrimp lobster salmon tuna egg bagel wing special starter delicious bland fresh cooked spicy crispy greasy dry juicy tender yummy drink wine beer cocktail coffee tea dessert chef cuisine roll crust",
		"service":  "service waiter waitress waitstaff server host hostess manager bartender staff attentive rude friendly polite prompt slow waited wait ignored seated reservation owner busboy courteous helpful inattentive",
		"price":    "price priced pricey expensive cheap inexpensive affordable overpriced value worth bill cost costs money bargain deal reasonable reasonably economical dollar paid pay charge spent tip budget",
		"ambience": "ambience ambiance atmosphere decor decoration music loud noisy quiet romantic cozy cosy intimate crowded space spacious cramped seating view lighting interior setting vibe room place design furniture trendy cute chic elegant dark candle patio garden noise",
	} {
		for _, w := range strings.Fields(words) {
			m[w] = cat
		}
	}
	return m
}()

// Cross maps features into a per-class space (for the category polarity
// model, where "cold" means something else for food and for service).
func Cross(h []uint64, cls string, out []uint64) []uint64 {
	c := Hash('X', cls, "")
	for _, x := range h {
		out = append(out, x, (x^c)*1099511628211)
	}
	return out
}
