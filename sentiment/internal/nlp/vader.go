package nlp

import (
	"math"
	"strings"

	"github.com/jonreiter/govader"
)

// VADER's empirically derived constants (Hutto & Gilbert 2014).
const (
	bIncr       = 0.293
	cIncr       = 0.733
	nScalar     = -0.74
	alpha       = 15.0
	butBefore   = 0.5
	butAfter    = 1.5
	epAmplify   = 0.292
	qmAmplify   = 0.18
	maxQMAmpl   = 0.96
	maxEPMarks  = 4
	neverScalar = 1.25
)

// Lexicon is the VADER word and emoji valence table with its booster and
// negation lists. It is read once from govader's embedded data.
type Lexicon struct {
	Words   map[string]float64
	Emoji   map[string]float64
	Booster map[string]float64
	Negate  map[string]bool
}

// NewLexicon builds the lexicon from govader's data. Emoji get the summed
// valence of the words of their description, as VADER does.
func NewLexicon() *Lexicon {
	sia := govader.NewSentimentIntensityAnalyzer()
	l := &Lexicon{Words: sia.Lexicon, Booster: sia.Constants.BoosterDict, Negate: map[string]bool{}, Emoji: map[string]float64{}}
	for _, w := range sia.Constants.NegateList {
		l.Negate[w] = true
		l.Negate[strings.ReplaceAll(w, "'", "’")] = true
	}
	for e, desc := range sia.EmojiDict {
		v := 0.0
		for _, w := range strings.Fields(desc) {
			v += l.Words[w]
		}
		if v != 0 {
			l.Emoji[e] = v
		}
	}
	// Emoji whose description words miss VADER's lexicon ("pouting face").
	for e, v := range map[string]float64{
		"😡": -2.5, "🤬": -3.0, "😠": -2.3, "😤": -1.5, "👎": -2.0, "🤮": -2.5, "💩": -2.0, "🙄": -1.3, "😒": -1.5,
		"😞": -1.8, "😩": -1.8, "😫": -1.8, "😢": -1.8, "😭": -2.0, "😖": -1.8, "😣": -1.5, "😔": -1.5, "😕": -1.2, "🙁": -1.5, "☹": -1.8,
		"👍": 2.0, "❤": 2.5, "😍": 3.0, "🥰": 3.0, "😊": 2.2, "🙂": 1.5, "😀": 2.0, "😃": 2.2, "😄": 2.4, "👌": 1.8, "🔥": 1.5, "💯": 2.0, "⭐": 1.5, "🤩": 3.0,
	} {
		l.Emoji[e] = v
	}
	// Words VADER lacks that review writers use for complaints and praise.
	for w, v := range map[string]float64{
		"overpriced": -1.8, "overcooked": -1.5, "undercooked": -1.6, "inedible": -2.5, "bland": -1.2,
		"stale": -1.5, "soggy": -1.4, "greasy": -1.0, "lukewarm": -1.0, "tasteless": -1.8, "rude": -2.0,
		"unprofessional": -2.0, "unhelpful": -1.8, "unresponsive": -1.8, "refund": -0.5, "scam": -2.6,
		"scammed": -2.6, "ripoff": -2.5, "rip-off": -2.5, "buggy": -1.8, "crashes": -1.8, "crashing": -1.8,
		"laggy": -1.6, "unusable": -2.4, "defective": -2.0, "broken": -1.8, "mediocre": -1.3, "dirty": -1.8,
		"filthy": -2.4, "disgusting": -2.8, "cockroach": -2.5, "roaches": -2.5, "food-poisoning": -3.0,
		"delish": 2.5, "yummy": 2.2, "tasty": 2.0, "flavorful": 2.0, "attentive": 1.8, "knowledgeable": 1.5,
		"cozy": 1.6, "crisp": 1.0, "fresh": 1.2, "reasonably": 0.8, "prompt": 1.2, "glitchy": -1.6,
	} {
		if _, ok := l.Words[w]; !ok {
			l.Words[w] = v
		}
	}
	return l
}

// Lookup returns the valence of a lower-cased word, also trying it without
// a hashtag and with stretched letters squeezed ("#awful", "sooo goood").
func (l *Lexicon) Lookup(w string) float64 {
	if v, ok := l.Words[w]; ok {
		return v
	}
	if len(w) > 1 && w[0] == '#' {
		w = w[1:]
		if v, ok := l.Words[w]; ok {
			return v
		}
	}
	run := false
	for i := 2; i < len(w); i++ {
		if w[i] == w[i-1] && w[i] == w[i-2] {
			run = true
			break
		}
	}
	if !run {
		return 0
	}
	b := make([]byte, 0, len(w))
	for i := 0; i < len(w); i++ {
		if i >= 2 && w[i] == w[i-1] && w[i] == w[i-2] {
			continue
		}
		b = append(b, w[i])
	}
	if v, ok := l.Words[string(b)]; ok {
		return v
	}
	// "goood" -> "god" would be wrong; try single letters only for runs
	c := b[:0:0]
	for i := 0; i < len(b); i++ {
		if i >= 1 && b[i] == b[i-1] {
			continue
		}
		c = append(c, b[i])
	}
	return l.Words[string(c)]
}

// Score is the lexicon verdict on a token range.
type Score struct {
	Sum      float64 // summed valence after all rules
	Pos, Neg float64 // summed positive / negative valences (Neg <= 0)
	Hits     int     // tokens with a lexicon valence
	Neutral  int     // tokens without one
	Compound float64 // VADER's normalised compound in [-1, 1]
}

// Negated reports whether a lower-cased word negates what follows it.
func (l *Lexicon) Negated(w string) bool {
	return l.Negate[w] || strings.Contains(w, "n't") || strings.Contains(w, "n’t")
}

// IsContrast reports whether a token turns the sentence around ("but",
// "however"): what follows weighs more than what precedes.
func IsContrast(w string) bool {
	return w == "but" || w == "however"
}

// Valences fills vals[i-from] with the rule-adjusted valence of each token
// of toks[from:to] and returns the range's Score. capDiff should be true
// when the text mixes capitalised and lower-case words (shouting stands out).
func (l *Lexicon) Valences(toks []Token, from, to int, vals []float64) ([]float64, Score) {
	vals = vals[:0]
	capDiff := false
	nc, nl := 0, 0
	for i := from; i < to; i++ {
		if toks[i].Caps {
			nc++
		} else if !toks[i].Emoji {
			nl++
		}
	}
	capDiff = nc > 0 && nl > 0
	butAt := -1
	for i := from; i < to; i++ {
		lw := toks[i].Lower
		v := 0.0
		switch {
		case toks[i].Emoji:
			v = l.Emoji[lw]
		case l.Booster[lw] != 0:
		case lw == "kind" && i+1 < to && toks[i+1].Lower == "of":
		default:
			v = l.Lookup(lw)
			if lw == "no" && i+1 < to && l.Words[toks[i+1].Lower] != 0 {
				v = 0
			}
			if v == 0 {
				break
			}
			if toks[i].Caps && capDiff {
				if v > 0 {
					v += cIncr
				} else {
					v -= cIncr
				}
			}
			for s := 0; s < 3; s++ {
				j := i - s - 1
				if j < from {
					break
				}
				// a clause boundary stops boosters and negation
				if toks[j].PunctAfter != "" && strings.ContainsAny(toks[j].PunctAfter, ".!?;") {
					break
				}
				pw := toks[j].Lower
				if _, ok := l.Words[pw]; !ok {
					if b := l.Booster[pw]; b != 0 {
						sc := b
						if v < 0 {
							sc = -sc
						}
						if toks[j].Caps && capDiff {
							if v > 0 {
								sc += cIncr
							} else {
								sc -= cIncr
							}
						}
						switch s {
						case 1:
							sc *= 0.95
						case 2:
							sc *= 0.9
						}
						v += sc
					}
				}
				if (l.Negated(pw) || (pw == "no" && s == 0)) && !IsEmoticon(toks[i].Text) && !commaBetween(toks, j, i) {
					if pw == "never" && s > 0 && (toks[i-1].Lower == "so" || toks[i-1].Lower == "this") {
						v *= neverScalar
					} else if !(pw == "without" && i > 0 && toks[i-1].Lower == "doubt") {
						v *= nScalar
					}
					break
				}
			}
			if i-from >= 1 && toks[i-1].Lower == "least" && !(i-from >= 2 && (toks[i-2].Lower == "at" || toks[i-2].Lower == "very")) {
				v *= nScalar
			}
		}
		if butAt < 0 && IsContrast(lw) {
			butAt = i - from
		}
		vals = append(vals, v)
	}
	if butAt >= 0 {
		for k := range vals {
			if k < butAt {
				vals[k] *= butBefore
			} else if k > butAt {
				vals[k] *= butAfter
			}
		}
	}
	var s Score
	for _, v := range vals {
		s.Sum += v
		switch {
		case v > 0:
			s.Pos += v + 1
			s.Hits++
		case v < 0:
			s.Neg += v - 1
			s.Hits++
		default:
			s.Neutral++
		}
	}
	// punctuation emphasis
	ep, qm := 0, 0
	for i := from; i < to; i++ {
		p := toks[i].PunctAfter
		ep += strings.Count(p, "!")
		qm += strings.Count(p, "?")
	}
	if ep > maxEPMarks {
		ep = maxEPMarks
	}
	emph := float64(ep) * epAmplify
	if qm > 1 {
		if qm <= 3 {
			emph += float64(qm) * qmAmplify
		} else {
			emph += maxQMAmpl
		}
	}
	if s.Sum > 0 {
		s.Sum += emph
	} else if s.Sum < 0 {
		s.Sum -= emph
	}
	s.Compound = Normalize(s.Sum)
	return vals, s
}

// Normalize maps an unbounded valence sum into (-1, 1) as VADER does.
func Normalize(x float64) float64 {
	n := x / math.Sqrt(x*x+alpha)
	if n < -1 {
		return -1
	}
	if n > 1 {
		return 1
	}
	return n
}

// commaBetween reports a comma after any token in [j, i): negation does not
// reach across it ("Nope, still clueless").
func commaBetween(toks []Token, j, i int) bool {
	for k := j; k < i; k++ {
		if strings.Contains(toks[k].PunctAfter, ",") {
			return true
		}
	}
	return false
}
