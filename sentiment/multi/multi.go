// Package multi reads Spanish, German and French reviews at the level of
// a lexicon: opinion words with negation ("no", "nicht", "pas"),
// intensifiers and "but", complaint cues ("nunca más", "nie wieder",
// "plus jamais") and issues named in the reviewer's own words ("comida
// fría", "Service unfreundlich", "service lent"). The word lists were
// written for earshot (see LICENSES.md in sentiment/ja for the review of
// third-party lists).
package multi

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/sentiment/internal/verdict"
)

// Supported are the languages this package reads.
var Supported = map[string]bool{"es": true, "de": true, "fr": true}

// Analyzer reads Spanish, German and French. It is safe for concurrent
// use and cheap to build.
type Analyzer struct{ packs map[string]*pack }

// New compiles the word lists.
func New() *Analyzer {
	a := &Analyzer{packs: map[string]*pack{}}
	for l, src := range sources {
		a.packs[l] = compile(src, l)
	}
	return a
}

type token struct {
	w          string // lower-cased, accents folded
	start, end int
	clauseEnd  bool // punctuation after it ends a clause
	sentEnd    bool
}

// fold lower-cases a word and drops accents (German umlauts become ae,
// oe, ue), so "fría" and "fria", "schön" and "schoen" are one word.
func fold(s string, lang string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch r {
		case 'á', 'à', 'â':
			b.WriteByte('a')
		case 'ä':
			if lang == "de" {
				b.WriteString("ae")
			} else {
				b.WriteByte('a')
			}
		case 'é', 'è', 'ê', 'ë':
			b.WriteByte('e')
		case 'í', 'ì', 'î', 'ï':
			b.WriteByte('i')
		case 'ó', 'ò', 'ô':
			b.WriteByte('o')
		case 'ö':
			if lang == "de" {
				b.WriteString("oe")
			} else {
				b.WriteByte('o')
			}
		case 'ú', 'ù', 'û':
			b.WriteByte('u')
		case 'ü':
			if lang == "de" {
				b.WriteString("ue")
			} else {
				b.WriteByte('u')
			}
		case 'ñ':
			b.WriteByte('n')
		case 'ç':
			b.WriteByte('c')
		case 'œ':
			b.WriteString("oe")
		case 'ß':
			b.WriteString("ss")
		case '’':
			b.WriteByte('\'')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func tokenize(text, lang string) []token {
	var out []token
	start := -1
	for i, r := range text + " " {
		word := unicode.IsLetter(r) || unicode.IsDigit(r)
		if word && start < 0 {
			start = i
		}
		if !word && start >= 0 {
			out = append(out, token{w: fold(text[start:i], lang), start: start, end: i})
			start = -1
		}
		if !word && len(out) > 0 && i < len(text) {
			switch r {
			case '.', '!', '?', '\n', ';':
				out[len(out)-1].sentEnd = true
				out[len(out)-1].clauseEnd = true
			case ',', ':':
				out[len(out)-1].clauseEnd = true
			}
		}
	}
	// French elisions: "n'est" -> "n" "est" already; "l" and "d" are noise
	return out
}

// Analyze reads text in lang ("es", "de", "fr"); has reports the
// categories the business's taxonomy pack has, so issues are filed under
// the owner's categories.
func (a *Analyzer) Analyze(text, lang string, has func(category string) bool) verdict.Result {
	p := a.packs[lang]
	var r verdict.Result
	if p == nil {
		return r
	}
	toks := tokenize(text, lang)
	total, sent := 0.0, 0.0
	before, contrast := 0.0, false
	strongPos, strongNeg := false, false
	flushSent := func() {
		s := sent
		if contrast {
			s = 0.5*before + 1.5*sent
		} else {
			s += before
		}
		if s >= 1.5 {
			strongPos = true
		}
		if s <= -1.5 {
			strongNeg = true
		}
		total += s
		sent, before, contrast = 0, 0, false
	}
	for i := 0; i < len(toks); i++ {
		w := toks[i].w
		if p.contrast[w] {
			before += sent
			sent = 0
			contrast = true
			continue
		}
		v, n := p.lookup(toks, i)
		if v != 0 {
			if p.negatedBefore(toks, i) {
				v *= -0.74
			}
			if i > 0 && !toks[i-1].clauseEnd {
				if m, ok := p.boost[toks[i-1].w]; ok {
					v *= m
				}
			}
			if v > 0 {
				r.Pos++
			} else {
				r.Neg++
			}
			sent += v
		}
		i += n - 1
		if toks[i].sentEnd {
			flushSent()
		}
	}
	flushSent()
	cues, issues := p.findCues(text, toks, has)
	r.Cues = cues
	if total == 0 && (len(issues) > 0 || problemCue(cues)) {
		total = -1 // a named problem with no opinion word is still a problem
	}
	r.Compound = math.Round(total/math.Sqrt(total*total+4)*1000) / 1000
	r.Mixed = strongPos && strongNeg && math.Abs(r.Compound) < 0.6
	r.Aspects = issues
	return r
}

// problemCue reports a cue of a problem (a repeat alone is none: "jedes
// Mal lecker").
func problemCue(cues []verdict.Cue) bool {
	for _, c := range cues {
		if c.Kind != verdict.Repeat {
			return true
		}
	}
	return false
}

// lookup finds an opinion word or two-word phrase at toks[i].
func (p *pack) lookup(toks []token, i int) (float64, int) {
	if i+1 < len(toks) {
		if v, ok := p.lex[toks[i].w+" "+toks[i+1].w]; ok {
			return v, 2
		}
	}
	return p.lex[toks[i].w], 1
}

// negatedBefore reports a negation in the three words before toks[i] of
// the same clause ("no es bueno", "nicht gut", "pas bon").
func (p *pack) negatedBefore(toks []token, i int) bool {
	for j := i - 1; j >= 0 && j >= i-3; j-- {
		if toks[j].clauseEnd {
			return false
		}
		if p.negate[toks[j].w] {
			return true
		}
	}
	return false
}

// findCues matches the cue patterns and names the issues.
func (p *pack) findCues(text string, toks []token, has func(string) bool) ([]verdict.Cue, []models.Aspect) {
	var cues []verdict.Cue
	var issues []models.Aspect
	seen := map[string]bool{}
	for i := range toks {
		cands := p.cues[toks[i].w]
		if w := toks[i].w; w != "" && w[0] >= '0' && w[0] <= '9' {
			cands = append(cands[:len(cands):len(cands)], p.cues["#"]...)
		}
		for _, c := range cands {
			if !c.matches(toks, i) {
				continue
			}
			if c.negatable && p.negatedBefore(toks, i) {
				continue
			}
			end := toks[i+len(c.pos)-1].end
			cues = append(cues, verdict.Cue{Kind: c.kind, Text: text[toks[i].start:end]})
			if c.iss == nil {
				continue
			}
			term, cat := p.issueTerm(text, toks, i, i+len(c.pos), c.iss, has)
			if cat == "" || seen[term] {
				continue
			}
			seen[term] = true
			issues = append(issues, models.Aspect{Category: cat, Term: term, Polarity: models.PolarityNegative, Evidence: sentenceOf(text, toks, i), Problem: true})
		}
	}
	return cues, issues
}

// issueTerm names an issue: an adjective with the noun it judges, in the
// order the reviewer wrote them ("mal servicio", "comida fría", "Service
// unfreundlich"), else the cue's fixed term.
func (p *pack) issueTerm(text string, toks []token, from, to int, is *issue, has func(string) bool) (string, string) {
	word := func(k int) string { return text[toks[k].start:toks[k].end] }
	pick := func(noun string) string {
		for _, c := range p.nouns[noun] {
			if has == nil || has(c) {
				return c
			}
		}
		return ""
	}
	cat := func(cats []string) string {
		for _, c := range cats {
			if has == nil || has(c) {
				return c
			}
		}
		if is.always {
			return "other"
		}
		return ""
	}
	if !is.adj {
		if is.wait {
			for k := from; k < to; k++ {
				if w := toks[k].w; w != "" && w[0] >= '0' && w[0] <= '9' || p.numbers[w] {
					return asWritten(text[toks[from].start:toks[to-1].end], p.lang), cat(is.cats)
				}
			}
		}
		return is.def, cat(is.cats)
	}
	adj := strings.ToLower(word(from))
	// a noun right after the adjective: "mal servicio", "kalte Pommes"
	if to < len(toks) && !toks[to-1].clauseEnd {
		if _, ok := p.nouns[toks[to].w]; ok {
			if c := pick(toks[to].w); c != "" {
				return adj + " " + word(to), c
			}
		}
	}
	// a noun before it in the same clause: "la comida llegó fría"
	for k, n := from-1, 0; k >= 0 && n < 4; k, n = k-1, n+1 {
		if toks[k].clauseEnd {
			break
		}
		if _, ok := p.nouns[toks[k].w]; ok {
			if c := pick(toks[k].w); c != "" {
				return word(k) + " " + adj, c
			}
		}
	}
	return is.def, cat(is.cats)
}

// asWritten keeps the reviewer's words, lower-casing only a capital that
// starts the sentence ("Esperamos una hora" -> "esperamos una hora");
// German nouns keep their capitals.
func asWritten(s, lang string) string {
	if lang == "de" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

func sentenceOf(text string, toks []token, i int) string {
	from, to := i, i
	for from > 0 && !toks[from-1].sentEnd {
		from--
	}
	for to < len(toks)-1 && !toks[to].sentEnd {
		to++
	}
	s := strings.TrimSpace(text[toks[from].start:])
	end := toks[to].end - toks[from].start
	if end < len(s) {
		s = s[:end]
		// keep the closing punctuation
		if r, n := utf8.DecodeRuneInString(text[toks[to].end:]); n > 0 && strings.ContainsRune(".!?", r) {
			s += string(r)
		}
	}
	if len(s) > 300 {
		n := 300
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n] + "…"
	}
	return s
}
