package nlp

import (
	"math"
	"strings"
)

// ComplaintDense is the number of dense features of the complaint and
// severity models.
const ComplaintDense = 18

// Complaint patterns. A complaint, in the sense of the annotators of the
// complaints dataset, states that reality fell short of what the author
// expected: it is often polite ("could you check my order?"), sarcastic
// ("really good, you simply can't boot them") or a plain report ("still
// only has the DVR of 1997") with no opinion word at all. So besides the
// words themselves the model sees word classes that generalise beyond the
// 1,700 training tweets: failure words, persistence ("still", "again"),
// time spans, requests and questions, and their combinations.
var (
	failWords = wordSet(`broken broke break breaks crash crashed crashes crashing error errors fail failed fails failing failure
		outage outages down delayed delay delays late cancelled canceled cancel missing lost wrong damaged stuck frozen freeze freezes
		freezing glitch glitches bug bugs buggy issue issues problem problems faulty defective dead disconnected disconnecting slow
		slower refund refunds charged overcharged charge charges fee fees waiting waited wait nothing useless unusable unable stopped
		stops stop ignored ignoring ignore lag laggy lagging leak leaking ripped torn cold dirty expired declined locked hold
		disappointed disappointing disappointment complaint complain complained poor worst terrible horrible awful unacceptable
		ridiculous rude joke mess messed screwed sucks suck sucked fault faults reset resets drop dropped dropping dropped keeps
		nobody noone none lose losing loses unavailable unresponsive crap garbage trash shit fix fixed fixing incorrect mistake
		mistakes overdue never wasted waste`)
	timeWords = wordSet(`hours hour hrs hr days day weeks week months month minutes mins min yesterday since ago forever ages
		today tonight morning night year years`)
	requestWords = wordSet(`please pls plz help fix sort resolve contact dm respond reply refund replace explain assist
		advise update answer`)
	whWords      = wordSet(`why how when where what who whats what's`)
	persistWords = wordSet(`still again yet already anymore keeps keep kept constantly always every never continue continues`)
	thanksWords  = wordSet(`thanks thank thx ty cheers`)
	firstPerson  = wordSet(`i my me we our us i'm i've i'd ive im mine myself`)
	secondPerson = wordSet(`you your you're youre u ur yours`)
	untilWords   = wordSet(`until till til except when apparently`)
	comparatives = wordSet(`nicer better happier friendlier kinder more greater lovelier`)
	zeroWords    = wordSet(`zero 0 no negative`)
	expectWords  = wordSet(`hoping hoped expected expecting expect`)
	// personal words mark a sad remark about the author's own life, which
	// the annotators do not count as a complaint.
	personalWords = wordSet(`mom mum dad mother father sister brother grandma grandpa friend friends wife husband girlfriend
		boyfriend dog cat baby son daughter miss missing rip funeral died passed sick`)
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// normWord maps a token to the form the complaint model sees: handles,
// links and numbers by class, hashtags without the hash.
func normWord(t *Token) string {
	w := t.Lower
	switch {
	case w == "":
		return w
	case w[0] == '@':
		return "@user"
	case strings.HasPrefix(w, "http") || strings.HasPrefix(w, "www.") || strings.Contains(w, ".com") || strings.HasPrefix(w, "//"):
		return "<url>"
	case w[0] >= '0' && w[0] <= '9':
		return "<num>"
	case w[0] == '#' && len(w) > 1:
		return w[1:]
	}
	return w
}

// ComplaintSignals are the pattern flags found in a text, for the reasons
// an analysis gives.
type ComplaintSignals struct {
	Sarcasm    bool // praise, then a failure ("Thanks!" after it broke)
	Request    bool // a request or question about something that went wrong
	Failure    int  // failure words
	Persist    bool // "still", "again"
	Litotes    bool // "could not have been nicer", "can't say I wasn't impressed"
	Counterfac bool // "would give zero stars", "was hoping for better"
}

// ComplaintFeatures appends the hashed features of a whole text for the
// complaint and severity models, fills dense (len ComplaintDense) and
// returns the pattern flags. s and vals are the lexicon's verdict on toks
// (Valences over the whole range) and z the sentiment model's log-odds.
func ComplaintFeatures(lex *Lexicon, toks []Token, s Score, vals []float64, z float64, h []uint64, dense []float64) ([]uint64, ComplaintSignals) {
	var sig ComplaintSignals
	n := len(toks)
	neg := 0
	prev := "<s>"
	firstPos, lastFail := -1, -1
	negModal, persist, timeN, req, wh, q, excl, fp, sp, pers := 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
	thanksEnd, addrStart, url := false, false, false
	for i := 0; i < n; i++ {
		t := &toks[i]
		w := normWord(t)
		if w == "@user" && i == 0 {
			addrStart = true
		}
		if w == "<url>" {
			url = true
		}
		kind := byte('w')
		if neg > 0 {
			kind = 'n'
			neg--
		}
		h = append(h, Hash(kind, w, ""), Hash('b', prev, w))
		v := 0.0
		if i < len(vals) {
			v = vals[i]
		}
		negated := lex.Negated(w) || w == "cannot" || w == "no"
		switch {
		case failWords[w] && kind != 'n' || v <= -1.5:
			lastFail = i
			sig.Failure++
		case v >= 1.5 && firstPos < 0 && kind != 'n':
			firstPos = i
		}
		if negated && w != "no" {
			negModal++
			// "can't boot", "won't load": the verb a failure hangs on
			if i+1 < n {
				h = append(h, Hash('M', normWord(&toks[i+1]), ""))
				lastFail = i
			}
		}
		if negated {
			neg = 3
		}
		if persistWords[w] {
			persist++
			if i+1 < n {
				h = append(h, Hash('S', w, normWord(&toks[i+1])))
			}
		}
		if timeWords[w] {
			timeN++
		}
		if requestWords[w] {
			req++
		}
		if whWords[w] {
			wh++
		}
		if firstPerson[w] {
			fp++
		}
		if secondPerson[w] {
			sp++
		}
		if personalWords[w] {
			pers++
		}
		if thanksWords[w] && i >= n-4 && i > 2 {
			thanksEnd = true
		}
		if untilWords[w] && firstPos >= 0 && firstPos < i {
			h = append(h, Hash('P', "pos-until", ""))
		}
		if IsContrast(w) {
			neg = 0
		}
		if p := t.PunctAfter; p != "" {
			if strings.ContainsAny(p, ".,;:!?") {
				neg = 0
			}
			if strings.Contains(p, "?") {
				q++
			}
			if strings.Contains(p, "!") {
				excl++
			}
		}
		prev = w
	}
	h = append(h, Hash('b', prev, "</s>"))
	h = textGrams(h, toks)
	// litotes: "could not have been nicer", "can't say I wasn't impressed"
	for i := 0; i+3 < n; i++ {
		a, b := toks[i].Lower, toks[i+1].Lower
		if (lex.Negated(a) || a == "cannot") && (b == "have" || b == "be") {
			for j := i + 2; j < n && j <= i+4; j++ {
				if comparatives[toks[j].Lower] {
					sig.Litotes = true
				}
			}
		}
		if (lex.Negated(a) || a == "cannot") && b == "say" && (lex.Negated(toks[i+3].Lower) || lex.Negated(toks[i+2].Lower)) {
			sig.Litotes = true
		}
	}
	// counterfactual ratings and hopes: "would give zero stars", "hoping for better"
	for i := 0; i+1 < n; i++ {
		a, b := toks[i].Lower, toks[i+1].Lower
		if zeroWords[a] && (b == "stars" || b == "star") {
			sig.Counterfac = true
		}
		if expectWords[a] && i+2 < n && (b == "for" || b == "a" || b == "more") && (comparatives[toks[i+2].Lower] || b == "more") {
			sig.Counterfac = true
		}
		if a == "expected" && (comparatives[b] || b == "more") {
			sig.Counterfac = true
		}
	}
	fail := sig.Failure > 0 || negModal > 0
	sig.Sarcasm = firstPos >= 0 && lastFail > firstPos || thanksEnd && fail && s.Neg < 0 || thanksEnd && lastFail >= 0
	sig.Request = (req > 0 || (q > 0 && wh > 0)) && fail
	sig.Persist = persist > 0
	pat := func(name string, on bool) {
		if on {
			h = append(h, Hash('P', name, ""))
		}
	}
	pat("fail", fail)
	pat("sarcasm", sig.Sarcasm)
	pat("pos-then-fail", firstPos >= 0 && lastFail > firstPos)
	pat("thanks-end", thanksEnd)
	pat("thanks-end-fail", thanksEnd && fail)
	pat("request", req > 0)
	pat("request-fail", req > 0 && fail)
	pat("wh-question", q > 0 && wh > 0)
	pat("wh-question-fail", q > 0 && wh > 0 && fail)
	pat("question", q > 0)
	pat("persist-fail", persist > 0 && fail)
	pat("time-fail", timeN > 0 && fail)
	pat("addressed", addrStart)
	pat("addressed-fail", addrStart && fail)
	pat("you-fail", sp > 0 && fail)
	pat("i-fail", fp > 0 && fail)
	pat("personal", pers > 0)
	pat("litotes", sig.Litotes)
	pat("counterfactual", sig.Counterfac)
	pat("url", url)
	pat("no-opinion", s.Hits == 0)
	lb := bucket(s.Compound)
	h = append(h, Hash('L', lb, ""), Hash('L', lb, boolStr(fail)), Hash('Z', bucket(math.Tanh(z/4)), ""))
	dense[0] = s.Compound
	dense[1] = math.Tanh(s.Pos / 4)
	dense[2] = math.Tanh(s.Neg / 4)
	dense[3] = math.Tanh(z / 4)
	dense[4] = math.Tanh(float64(sig.Failure) / 2)
	dense[5] = math.Tanh(float64(negModal) / 2)
	dense[6] = b2f(q > 0)
	dense[7] = b2f(excl > 0)
	dense[8] = math.Tanh(float64(n) / 30)
	dense[9] = b2f(addrStart)
	dense[10] = b2f(url)
	dense[11] = b2f(s.Hits == 0)
	dense[12] = b2f(sig.Sarcasm)
	dense[13] = b2f(thanksEnd)
	dense[14] = b2f(persist > 0)
	dense[15] = b2f(timeN > 0)
	dense[16] = b2f(sig.Litotes)
	dense[17] = b2f(sig.Counterfac)
	return h, sig
}

// textGrams appends the 3- to 5-character pieces of the normalised text,
// across word boundaries ("t work", "n't bo").
func textGrams(h []uint64, toks []Token) []uint64 {
	var buf [512]byte
	b := append(buf[:0], ' ')
	for i := range toks {
		w := normWord(&toks[i])
		if len(b)+len(w)+1 > len(buf) {
			break
		}
		b = append(b, w...)
		b = append(b, ' ')
	}
	for k := 3; k <= 5; k++ {
		for i := 0; i+k <= len(b); i++ {
			h = append(h, hashBytes(byte('0'+k), b[i:i+k]))
		}
	}
	return h
}

func hashBytes(kind byte, a []byte) uint64 {
	x := uint64(14695981039346656037)
	x ^= uint64(kind)
	x *= 1099511628211
	for _, c := range a {
		x ^= uint64(c)
		x *= 1099511628211
	}
	return x
}

func bucket(x float64) string {
	switch {
	case x <= -0.6:
		return "--"
	case x <= -0.05:
		return "-"
	case x < 0.05:
		return "0"
	case x < 0.6:
		return "+"
	}
	return "++"
}

func boolStr(b bool) string {
	if b {
		return "y"
	}
	return "n"
}

// SeverityLevels are the annotated complaint severities (Jin & Aletras
// 2021): 1 no explicit reproach, 2 disapproval, 3 accusation, 4 blame.
const SeverityLevels = 4

// SetColumn copies the binary model src into class column k of m (same
// hash size and dense width), so several binary models share one table.
func (m *Linear) SetColumn(k int, src *Linear) {
	for i, w := range src.W {
		m.W[i*m.K+k] = w
	}
	for d := 0; d < src.Dense; d++ {
		m.DW[d*m.K+k] = src.DW[d]
	}
	m.B[k] = src.B[0]
}

// Column returns class column k of m as a binary model.
func (m *Linear) Column(k int) *Linear {
	c := NewLinear(1, m.Bits, m.Dense)
	for i := range c.W {
		c.W[i] = m.W[i*m.K+k]
	}
	for d := 0; d < m.Dense; d++ {
		c.DW[d] = m.DW[d*m.K+k]
	}
	c.B[0] = m.B[k]
	return c
}

// PackComplaint packs a binary complaint model and a cumulative severity
// model (SeverityLevels-1 columns) into the layout of Bundle.Complaint.
func PackComplaint(complaint, severity *Linear) *Linear {
	m := NewLinear(SeverityLevels, complaint.Bits, complaint.Dense)
	m.SetColumn(0, complaint)
	for k := 0; k < severity.K; k++ {
		m.SetColumn(k+1, severity.Column(k))
	}
	return m
}

// ExpectedSeverity is the expected annotated level (1..4) under the
// cumulative severity model whose logits are cum: 1 plus the
// probabilities of "above level k".
func ExpectedSeverity(cum []float64) float64 {
	e := 1.0
	for _, s := range cum {
		e += Prob(s)
	}
	return e
}

// ComplaintInput computes the complaint features of sc.Toks[from:to]:
// the sentiment model's verdict z on the range (computed when NaN), then
// the complaint features on top. The hashes live in sc.H2.
func ComplaintInput(lex *Lexicon, sent *Linear, sc *Scratch, from, to int, z float64, dense []float64) ([]uint64, ComplaintSignals) {
	var s Score
	sc.Vals, s = lex.Valences(sc.Toks, from, to, sc.Vals)
	if math.IsNaN(z) {
		sc.H = Features(lex, sc.Toks, from, to, s, sc.Vals, sc.H[:0], sc.Dense)
		sc.Scores = sent.Scores(sc.H, sc.Dense, sc.Scores)
		z = sc.Scores[0]
	}
	var sig ComplaintSignals
	sc.H2, sig = ComplaintFeatures(lex, sc.Toks[from:to], s, sc.Vals, z, sc.H2[:0], dense)
	return sc.H2, sig
}

// ComplaintVerdict is the learned models' reading of a text.
type ComplaintVerdict struct {
	Prob     float64 // probability that the text is a complaint
	Severity float64 // expected annotated severity level, 1..4, if it is one
	Signals  ComplaintSignals
}

// Long texts are read in windows of whole sentences of about this many
// tokens, at most maxWindows of them: the models learned from tweets, and
// a complaint anywhere in a long review is still a complaint.
const (
	windowTokens = 60
	maxWindows   = 24
)

// Complaint runs the complaint and severity models over the tokens in sc
// (sc.Sents must hold their sentences). z is the sentiment model's
// log-odds for the whole text when the caller has it, NaN otherwise. A
// long text scores as its most complaining window. ok is false when the
// bundle has no complaint model.
func (p *Predictor) Complaint(sc *Scratch, z float64) (v ComplaintVerdict, ok bool) {
	if p.Bundle.Complaint == nil {
		return v, false
	}
	n := len(sc.Toks)
	if n <= windowTokens+windowTokens/2 || len(sc.Sents) < 2 {
		return p.complaintRange(sc, 0, n, z), true
	}
	best := ComplaintVerdict{Prob: -1}
	from, windows := sc.Sents[0].From, 0
	for i, sp := range sc.Sents {
		if sp.To-from < windowTokens && i < len(sc.Sents)-1 {
			continue
		}
		if r := p.complaintRange(sc, from, sp.To, math.NaN()); r.Prob > best.Prob {
			best = r
		}
		from = sp.To
		if windows++; windows >= maxWindows {
			break
		}
	}
	return best, true
}

func (p *Predictor) complaintRange(sc *Scratch, from, to int, z float64) (v ComplaintVerdict) {
	b := p.Bundle
	var dense [ComplaintDense]float64
	h, sig := ComplaintInput(p.Lex, b.Sentiment, sc, from, to, z, dense[:])
	sc.Scores = b.Complaint.Scores(h, dense[:], sc.Scores)
	v.Prob = Prob(sc.Scores[0])
	v.Severity = ExpectedSeverity(sc.Scores[1:])
	v.Signals = sig
	return v
}
