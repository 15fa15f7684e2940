package sentiment

import (
	"strings"
	"unicode"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/sentiment/internal/nlp"
)

// MaxAspects bounds the aspects kept per mention: the alerter and the
// digest need the main issues, not an index of every noun.
const MaxAspects = 12

// timeWords end a tagged span but are never part of the thing judged.
var timeWords = map[string]bool{"tonight": true, "today": true, "yesterday": true, "tomorrow": true, "now": true,
	"again": true, "here": true, "there": true, "lately": true, "recently": true}

// aspSpan is where an aspect was found: sentence and tokens.
type aspSpan struct{ si, from, to int }

type aspectCand struct {
	from, to int
	category string
}

// clauseWords end a clause: what follows "but" is judged on its own.
var clauseWords = map[string]bool{"but": true, "however": true, "although": true, "though": true, "while": true, "whereas": true, "yet": true, "except": true}

// aspects finds what each sentence talks about and how it judges it.
func (a *Analyzer) aspects(w *work, text string, tax *taxonomy, domain string, out *models.Analysis) {
	sc := w.sc
	lower := func(i int) string { return sc.Toks[i].Lower }
	seen := map[string]int{}
	w.aspSpan = w.aspSpan[:0]
	var cands []aspectCand
	for si, sp := range sc.Sents {
		cands = cands[:0]
		for i := sp.From; i < sp.To; {
			if cat, l := tax.match(lower, i, sp.To); l > 0 {
				cands = append(cands, aspectCand{from: i, to: i + l, category: cat})
				i += l
				continue
			}
			i++
		}
		w.spans = a.pred.Terms(sc, sp.From, sp.To, w.spans)
		catsDone := false
		for _, s := range w.spans {
			merged := false
			for k := range cands {
				if cands[k].from < s[1] && s[0] < cands[k].to {
					if s[0] < cands[k].from {
						cands[k].from = s[0]
					}
					if s[1] > cands[k].to {
						cands[k].to = s[1]
					}
					merged = true
				}
			}
			if merged {
				continue
			}
			cat := ""
			for j := s[1] - 1; j >= s[0] && cat == ""; j-- {
				if c, l := tax.match(lower, j, j+1); l == 1 {
					cat = c
				}
			}
			if cat == "" && domain == "restaurant" {
				if !catsDone {
					w.cats = a.pred.Categories(sc, sp.From, sp.To, w.cats)
					catsDone = true
				}
				for _, c := range w.cats {
					if c.Name != "anecdotes/miscellaneous" {
						cat = c.Name
						break
					}
				}
			}
			if cat == "" {
				cat = "other"
			}
			cands = append(cands, aspectCand{from: s[0], to: s[1], category: cat})
		}
		if len(cands) == 0 {
			continue
		}
		evidence := evidenceOf(text, sp.Start, sp.End)
		for _, c := range cands {
			for c.to-c.from > 1 && timeWords[sc.Toks[c.to-1].Lower] {
				c.to-- // "table tonight" is the table
			}
			term := text[sc.Toks[c.from].Start:sc.Toks[c.to-1].End]
			if !hasLetters(term) {
				continue
			}
			key := c.category + "\x00" + strings.ToLower(term)
			pol := a.clausePolarity(w, si, c.from, c.to)
			if c.category == "other" && (pol == models.PolarityNeutral || len(term) < 3) {
				// an unfiled, unjudged noun tells the owner nothing
				continue
			}
			if k, ok := seen[key]; ok {
				// a repeated issue keeps its worst judgement
				if pol == models.PolarityNegative {
					out.Aspects[k].Polarity = pol
				}
				continue
			}
			if len(out.Aspects) >= MaxAspects {
				return
			}
			seen[key] = len(out.Aspects)
			w.aspSpan = append(w.aspSpan, aspSpan{si: si, from: c.from, to: c.to})
			out.Aspects = append(out.Aspects, models.Aspect{Category: c.category, Term: term, Polarity: pol, Evidence: evidence})
		}
	}
}

// clausePolarity judges a term by the clause that holds it, leaning on the
// whole sentence when the clause itself has no opinion word.
func (a *Analyzer) clausePolarity(w *work, si, from, to int) string {
	sc := w.sc
	sp := sc.Sents[si]
	lo := from
	for lo > sp.From {
		p := sc.Toks[lo-1]
		if clauseWords[p.Lower] || strings.ContainsAny(p.PunctAfter, ",;:") {
			break
		}
		lo--
	}
	hi := to
	for hi < sp.To {
		if clauseWords[sc.Toks[hi].Lower] {
			break
		}
		if strings.ContainsAny(sc.Toks[hi].PunctAfter, ",;:") {
			hi++
			break
		}
		hi++
	}
	// a clause of the term alone ("The service, however, ...") borrows the
	// words that follow it
	if hi-lo <= to-from && hi < sp.To {
		for hi < sp.To && !strings.ContainsAny(sc.Toks[hi].PunctAfter, ";:") {
			hi++
			if strings.ContainsAny(sc.Toks[hi-1].PunctAfter, ",") {
				break
			}
		}
	}
	var ls nlp.Score
	sc.Vals, ls = a.lex.Valences(sc.Toks, lo, hi, sc.Vals)
	named := false
	for _, c := range w.cues {
		if c.sentence == si && c.tok >= lo && c.tok < hi && c.kind != cueRepeat && c.kind != cueSarcasm {
			if c.iss == nil {
				return models.PolarityNegative
			}
			// the cue names its own issue ("charged twice"); a term beside
			// it ("the same meal") is judged by its own words
			named = true
		}
	}
	if named {
		// judged only by opinion words right next to it ("the pasta was
		// awful and we waited 45 minutes")
		var near nlp.Score
		sc.Vals, near = a.lex.Valences(sc.Toks, max(lo, from-3), min(hi, to+3), sc.Vals)
		switch {
		case near.Hits > 0 && near.Compound >= 0.2:
			return models.PolarityPositive
		case near.Hits > 0 && near.Compound <= -0.2:
			return models.PolarityNegative
		}
		return models.PolarityNeutral
	}
	s := w.sent[si].compound
	score := 0.3 * s
	if ls.Hits > 0 {
		score += ls.Compound
	} else {
		score = s
	}
	switch {
	case score >= 0.2:
		return models.PolarityPositive
	case score <= -0.2:
		return models.PolarityNegative
	}
	return models.PolarityNeutral
}

func hasLetters(s string) bool {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n >= 2
}
