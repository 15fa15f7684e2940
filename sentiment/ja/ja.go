// Package ja reads Japanese reviews and posts: the tone (a polarity
// lexicon with negation, polite forms, intensifiers and contrast), the
// cues of a complaint (二度と行きません, 待たされた, 返金, 対応が悪い), the
// grave ones (食中毒, 異物, 虫, 弁護士, 詐欺) and the issues named in the
// reviewer's own words (料理が冷めていた, 30分待ち).
//
// Words are found with the morphological analyzer kagome and its IPA
// dictionary, so conjugated and polite forms (美味しくなかったです,
// 行きません) reduce to their dictionary form before the lexicon is read.
// The dictionary is large (about 90 MB of heap once loaded, a few
// seconds to load): it is loaded once per process, on first use, and
// shared by every Analyzer.
package ja

import (
	"math"
	"strings"
	"sync"

	"github.com/ikawaha/kagome-dict/ipa"
	"github.com/ikawaha/kagome/v2/tokenizer"
	"golang.org/x/text/unicode/norm"

	"github.com/earshot/earshot/sentiment/internal/verdict"
)

var shared = sync.OnceValues(func() (*tokenizer.Tokenizer, error) {
	return tokenizer.New(ipa.Dict(), tokenizer.OmitBosEos())
})

// Analyzer reads Japanese text. It is safe for concurrent use.
type Analyzer struct {
	tok   *tokenizer.Tokenizer
	packs map[string]*pack
}

// New returns an Analyzer; the first call in a process loads the
// dictionary.
func New() (*Analyzer, error) {
	t, err := shared()
	if err != nil {
		return nil, err
	}
	return &Analyzer{tok: t, packs: packs}, nil
}

// token is one morpheme.
type token struct {
	surf, base, pos, pos1 string
	start, end            int // bytes in the normalised text
}

// MaxRunes bounds the text read per mention.
const MaxRunes = 5000

// Analyze reads one text for a business of the given taxonomy domain
// (restaurant, hospitality, retail, software, general).
func (a *Analyzer) Analyze(text, domain string) verdict.Result {
	text = norm.NFKC.String(text)
	if n := 0; len(text) > MaxRunes {
		for i := range text {
			if n == MaxRunes {
				text = text[:i]
				break
			}
			n++
		}
	}
	toks := a.tokens(text)
	var r verdict.Result
	sents := sentences(toks)
	total := 0.0
	strongPos, strongNeg := false, false
	clauseScore := make([]float64, len(toks)) // score of the clause holding each token
	for _, s := range sents {
		sum := scoreSentence(toks, s, clauseScore, &r)
		if sum >= 1.5 {
			strongPos = true
		}
		if sum <= -1.5 {
			strongNeg = true
		}
		total += sum
	}
	for _, p := range phrases {
		if strings.Contains(text, p.text) {
			total += p.v
			if p.v > 0 {
				r.Pos++
			} else {
				r.Neg++
			}
		}
	}
	cues, issues := a.cues(text, toks)
	r.Cues = cues
	severe := false
	for _, c := range cues {
		severe = severe || c.Kind != verdict.Complaint && c.Kind != verdict.Repeat
	}
	if total == 0 && (len(issues) > 0 || severe) {
		total = -1 // a named problem with no opinion word is still a problem
	}
	r.Compound = math.Round(total/math.Sqrt(total*total+4)*1000) / 1000
	r.Mixed = strongPos && strongNeg && math.Abs(r.Compound) < 0.6
	pk := a.packs[domain]
	if pk == nil {
		pk = a.packs["general"]
	}
	r.Aspects = aspects(text, toks, sents, clauseScore, pk, issues)
	return r
}

func (a *Analyzer) tokens(text string) []token {
	ts := a.tok.Tokenize(text)
	out := make([]token, 0, len(ts))
	for _, t := range ts {
		f := t.Features()
		tk := token{surf: t.Surface, base: t.Surface, start: t.Position, end: t.Position + len(t.Surface)}
		if len(f) > 0 {
			tk.pos = f[0]
		}
		if len(f) > 1 {
			tk.pos1 = f[1]
		}
		if len(f) > 6 && f[6] != "*" {
			tk.base = f[6]
		}
		out = append(out, tk)
	}
	return out
}

// span is a sentence: tokens [from, to).
type span struct{ from, to int }

func sentences(toks []token) []span {
	var out []span
	from := 0
	for i, t := range toks {
		if t.pos1 == "句点" || t.surf == "!" || t.surf == "?" || t.surf == "\n" || t.surf == "♪" || t.surf == "。" {
			if i+1 > from {
				out = append(out, span{from, i + 1})
			}
			from = i + 1
		}
	}
	if from < len(toks) {
		out = append(out, span{from, len(toks)})
	}
	return out
}

// isContrast reports a word that turns a sentence ("美味しいが、高い",
// "けど", "でも"): what follows weighs more, as in English "but".
func isContrast(t token) bool {
	switch {
	case t.pos == "助詞" && t.pos1 == "接続助詞" && (t.surf == "が" || t.surf == "けど" || t.surf == "けれど" || t.surf == "けれども" || t.surf == "のに"):
		return true
	case t.pos == "接続詞" && (t.surf == "しかし" || t.surf == "でも" || t.surf == "ただ" || t.surf == "ですが" || t.surf == "だが" || t.surf == "けど"):
		return true
	}
	return false
}

// clauseEnd reports punctuation or a contrast that ends a clause.
func clauseEnd(t token) bool {
	return t.pos == "記号" || isContrast(t)
}

// scoreSentence sums the sentence's opinion words and records each
// clause's score for the aspects.
func scoreSentence(toks []token, s span, clauseScore []float64, r *verdict.Result) float64 {
	before, after := 0.0, 0.0
	contrast := false
	cl, clFrom := 0.0, s.from
	flush := func(to int) {
		for k := clFrom; k < to; k++ {
			clauseScore[k] = cl
		}
		cl, clFrom = 0, to
	}
	for i := s.from; i < s.to; i++ {
		t := toks[i]
		if isContrast(t) {
			contrast = true
			flush(i + 1)
			continue
		}
		if t.pos == "記号" {
			flush(i + 1)
			continue
		}
		v, n := lookup(toks, i, s.to)
		if i+n < s.to && toks[i+n].surf == "さ" && toks[i+n].pos1 == "接尾" {
			continue // 重さ, 高さ: a measure, not a judgement
		}
		if i+n < s.to && toks[i+n].base == "すぎる" && (t.pos == "形容詞" || t.pos1 == "形容動詞語幹" || v != 0) {
			// 高すぎる, 遅すぎる: too much of anything is a complaint,
			// too much of a good thing is praise (美味しすぎる)
			switch {
			case v < 0:
				v *= 1.5
			case v == 0:
				v = -1
			default:
				v *= 1.3
			}
			n++
		}
		if v == 0 {
			continue
		}
		if negatedAfter(toks, i+n, s.to) {
			switch {
			case v > 0:
				v *= -0.8
			case t.pos == "名詞":
				v *= -0.1 // 特に不満はありません: nothing to report
			default:
				v *= -0.4 // 悪くない: faint praise
			}
		}
		if i > s.from {
			if m, ok := intensifiers[toks[i-1].base]; ok {
				v *= m
			} else if i > s.from+1 {
				if m, ok := intensifiers[toks[i-2].base]; ok && toks[i-1].pos != "名詞" {
					v *= m
				}
			}
		}
		if v > 0 {
			r.Pos++
		} else {
			r.Neg++
		}
		cl += v
		if contrast {
			after += v
		} else {
			before += v
		}
		i += n - 1
	}
	flush(s.to)
	if contrast {
		return 0.5*before + 1.5*after
	}
	return before
}

// lookup finds an opinion word at toks[i], trying two- and three-token
// compounds first (期待+外れ, 使い+やすい, 感じ+が+悪い).
func lookup(toks []token, i, to int) (float64, int) {
	if i+2 < to {
		if v, ok := lexicon[toks[i].surf+toks[i+1].surf+toks[i+2].base]; ok {
			return v, 3
		}
	}
	if i+1 < to {
		if v, ok := lexicon[toks[i].surf+toks[i+1].base]; ok {
			return v, 2
		}
	}
	if v, ok := lexicon[toks[i].base]; ok && toks[i].pos != "助詞" && toks[i].pos != "助動詞" {
		return v, 1
	}
	if v, ok := lexicon[toks[i].surf]; ok && toks[i].pos != "助詞" && toks[i].pos != "助動詞" {
		return v, 1
	}
	return 0, 1
}

// negatedAfter reports a negation right after an opinion word: ない,
// ぬ/ん (ません), ず, also in the past (なかった) and polite forms
// (ないです, ありません). Another content word ends the search:
// in 二度と行きません the negation belongs to 行く.
func negatedAfter(toks []token, from, to int) bool {
	for j := from; j < to && j < from+4; j++ {
		t := toks[j]
		switch {
		case t.pos == "助動詞" && (t.base == "ない" || t.base == "ぬ" || t.base == "ん"):
			return true
		case t.pos == "形容詞" && t.base == "ない":
			return true
		case t.base == "ず" || t.base == "なし" || t.base == "無い":
			return true
		case t.pos == "記号" || isContrast(t):
			return false
		case t.pos == "名詞" && t.pos1 != "非自立" && t.pos1 != "接尾":
			return false
		case t.pos == "動詞" && t.pos1 == "自立" && !auxVerbs[t.base]:
			return false
		case t.pos == "形容詞" && t.pos1 == "自立":
			return false
		}
	}
	return false
}

// auxVerbs carry a negation for the word before them (美味しくはありません,
// 満足できなかった, 役に立たない).
var auxVerbs = map[string]bool{"ある": true, "いる": true, "する": true, "なる": true, "できる": true, "くれる": true,
	"もらえる": true, "もらう": true, "られる": true, "れる": true, "立つ": true, "おる": true}
