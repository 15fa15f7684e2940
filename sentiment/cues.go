package sentiment

import (
	"strings"

	"github.com/earshot/earshot/sentiment/internal/nlp"
)

// cueKind says what a matched phrase means for the owner.
type cueKind int

const (
	cueComplaint      cueKind = iota // a problem, whatever the tone
	cueHealth                        // food poisoning, allergic reaction, injury, pests
	cueLegal                         // lawyers, lawsuits, regulators
	cueDiscrimination                // discrimination or harassment
	cueFraud                         // double billing, unauthorised charges
	cueRepeat                        // "third time", "yet again"
	cueChurn                         // "never again", "cancel my subscription"
	cueSarcasm                       // reliable sarcasm markers
	cueRemark                        // a mild issue ("a bit loud"): an aspect, not a complaint
)

var cueNames = map[cueKind]string{
	cueComplaint: "complaint cue", cueHealth: "health and safety", cueLegal: "legal threat",
	cueDiscrimination: "discrimination or harassment", cueFraud: "fraud or double billing",
	cueRepeat: "repeat problem", cueChurn: "churn intent", cueSarcasm: "sarcasm cue", cueRemark: "remark",
}

// cue is one compiled pattern: a token sequence where each position is a
// set of alternatives; "#" matches a number, "*" any word, and a trailing
// "~" on an alternative matches any word with that prefix.
type cue struct {
	kind cueKind
	pos  [][]string
	text string
	iss  *issueSpec // the issue it names, nil for tone-only cues
}

var cueSource = map[cueKind][]string{
	cueComplaint: {
		"wait|waited|waiting|waits # minutes|mins|min|hours|hrs|hour|hr", "wait|waited|waiting over|for|almost|nearly # minutes|mins|hours|hour",
		"took # minutes|mins|hours|hour|days|weeks", "took forever", "took ages",
		"charged twice", "double charged", "charged me twice", "billed twice", "overcharged", "charged me for",
		"still no refund", "still waiting", "still no", "still not", "no refund", "never got|received my refund|money",
		"want|wanted my money back", "waste of money|time", "money back",
		"cold food", "food was|is|arrived|came cold", "cold fries|pizza|meal|meals|dish|dishes|soup|burger|burgers|pasta|steak|chips|eggs|toast|coffee|tea|mains|chicken|pie", "was|were|arrived|came cold", "stone cold", "lukewarm",
		"no response", "no reply", "never responded|replied|answered|called", "not working", "doesn't|dont|don't work", "does not work", "stopped working",
		"never arrived|arrives|arrive|showed|came", "never works|worked|loads", "never received", "wrong order", "order was wrong", "got my order wrong", "missing items|item",
		"rip off", "ripoff", "scam~", "avoid at all costs", "avoid this|them|it|like", "do not recommend", "don't recommend", "wouldn't recommend", "would not recommend",
		"disappointed", "disappointing", "rude", "unacceptable", "unprofessional", "arrived|came|was|is|were|are broken", "damaged", "defective",
		"worst", "terrible", "horrible", "awful", "crash|crashes|crashed|crashing", "can't|cannot log|login|sign", "locked out",
		"hung up", "ignored us|me", "nobody came", "no one came", "not refunded", "refused to", "filthy",
		"arrived|came late", "order|delivery|food|driver|meal|package|parcel was|is|were|came|arrived late", "late delivery|order|food", "late and cold",
		"was|were|is|are dirty", "dirty table|tables|floor|floors|bathroom|bathrooms|restroom|toilet|plates|cutlery|glasses|room|sheets|towels|dishes",
		// owners' one-liners: short, no opinion word, still a complaint
		"slow service|delivery|shipping|response|responses|staff|kitchen|checkout", "service|delivery|shipping|staff was|is|were|so|very slow",
		"waited|waiting|wait forever|ages", "nobody answered|called|replied|responded|helped|picked|returned", "no one answered|called|replied|responded|helped|picked|returned",
		"zero|0 stars|star", "no stars", "hoping|hoped for better|more", "expected better|more", "expecting better|more",
	},
	cueHealth: {
		"food poisoning", "got|get|gets sick", "made me|us|him|her|my sick", "threw up", "throwing up", "vomit~", "diarrhea",
		"allergic reaction", "anaphyla~", "epipen", "hospital~", "injur~", "cut my", "burned|burnt my|me", "salmonella",
		"cockroach~", "roaches", "rat|rats", "mice", "mouse droppings", "hair in my|the food|soup|dish|salad", "glass in",
		"mold|mould|moldy|mouldy", "raw chicken", "undercooked chicken|pork", "bed bugs", "bedbugs", "unsafe", "choking",
		"bed|beds|room|sheets|mattress|pillows had|has|with bugs|fleas|lice", "bugs|fleas|lice in the|my|our bed|beds|room|sheets|mattress",
	},
	cueLegal: {
		"lawyer~", "attorney~", "sue", "suing", "lawsuit", "legal action", "small claims", "report you|them|this to",
		"better business bureau", "bbb", "trading standards", "health department|inspector", "chargeback", "consumer protection",
	},
	cueDiscrimination: {
		"racis~", "discriminat~", "harass~", "sexis~", "homophob~", "transphob~", "assault~", "groped", "slur", "refused to serve",
	},
	cueFraud: {
		"charged twice", "double charged", "double billed", "billed twice", "charged me twice", "fraud~", "unauthori~ charge|charges|transaction",
		"stole", "stolen", "scam~", "never authorized", "charged without",
	},
	cueRepeat: {
		"second|third|fourth|fifth|2nd|3rd|4th|5th time", "yet again", "once again", "every time", "again and again", "keeps happening",
		"same problem|issue", "multiple|several|many times", "not the first time", "happened again", "every single time",
	},
	cueChurn: {
		"never again", "never coming|going back", "never be back", "never come back", "won't be back|returning|coming", "will not be back|returning",
		"not coming|going back", "cancel|cancelled|canceled|canceling|cancelling my|our subscription|account|membership|order",
		"switching to", "switched to", "going elsewhere", "lost a customer", "lost my business", "last time i", "closing my account", "take my business", "done with them|you|this",
	},
	cueRemark: {
		"too|bit|very|so|really|quite|extremely|was|were|is|are loud", "loud music",
	},
	cueSarcasm: {
		"yeah right", "thanks for nothing", "thanks a lot for", "what a joke", "oh great", "just great", "oh wonderful", "just what i needed", "/s",
		"great job guys", "real professional", "wow just wow",
	},
}

func compileCues() (map[string][]cue, int) {
	byFirst := map[string][]cue{}
	n := 0
	for kind := cueComplaint; kind <= cueRemark; kind++ {
		for _, src := range cueSource[kind] {
			var pos [][]string
			for _, w := range strings.Fields(src) {
				pos = append(pos, strings.Split(w, "|"))
			}
			c := cue{kind: kind, pos: pos, text: src, iss: cueIssues[src]}
			for _, alt := range pos[0] {
				byFirst[firstKey(alt)] = append(byFirst[firstKey(alt)], c)
			}
			n++
		}
	}
	return byFirst, n
}

// firstKey indexes prefix alternatives by their first three letters.
func firstKey(alt string) string {
	if strings.HasSuffix(alt, "~") {
		alt = strings.TrimSuffix(alt, "~")
		if len(alt) > 3 {
			return "~" + alt[:3]
		}
		return "~" + alt
	}
	if alt == "#" {
		return "#"
	}
	return alt
}

var numberWords = map[string]bool{"two": true, "three": true, "four": true, "five": true, "ten": true, "fifteen": true, "twenty": true,
	"thirty": true, "forty": true, "fifty": true, "sixty": true, "ninety": true, "an": true, "a": true, "several": true, "few": true}

func altMatches(alt, w string) bool {
	switch {
	case alt == "*":
		return true
	case alt == "#":
		if w == "" {
			return false
		}
		if w[0] >= '0' && w[0] <= '9' {
			return true
		}
		return numberWords[w]
	case strings.HasSuffix(alt, "~"):
		return strings.HasPrefix(w, alt[:len(alt)-1])
	}
	return alt == w
}

// cueHit is a cue found in the text.
type cueHit struct {
	kind     cueKind
	text     string // the words as written
	sentence int
	tok      int
	n        int        // tokens matched
	iss      *issueSpec // the issue the cue names, or nil
}

// findCues scans the tokens of one sentence.
func (a *Analyzer) findCues(toks []nlp.Token, from, to, sent int, raw string, out []cueHit) []cueHit {
	for i := from; i < to; i++ {
		w := toks[i].Lower
		cands := a.cues[w]
		if len(w) >= 3 {
			cands = append(cands[:len(cands):len(cands)], a.cues["~"+w[:3]]...)
		}
		if len(w) > 0 && (w[0] >= '0' && w[0] <= '9' || numberWords[w]) {
			cands = append(cands[:len(cands):len(cands)], a.cues["#"]...)
		}
		for _, c := range cands {
			if i+len(c.pos) > to {
				continue
			}
			ok := true
			for k, alts := range c.pos {
				m := false
				for _, alt := range alts {
					if altMatches(alt, toks[i+k].Lower) {
						m = true
						break
					}
				}
				if !ok || !m {
					ok = false
					break
				}
			}
			if ok && c.kind != cueSarcasm && a.negatedBefore(toks, from, i) {
				ok = false // "not the worst", "wasn't disappointed", "nobody got sick"
			}
			if ok {
				end := toks[i+len(c.pos)-1].End
				out = append(out, cueHit{kind: c.kind, text: raw[toks[i].Start:end], sentence: sent, tok: i, n: len(c.pos), iss: c.iss})
			}
		}
	}
	return out
}

// dedupeCues drops a hit contained in a longer hit of the same kind
// ("still no" inside "still no refund"), so reasons do not stutter.
func dedupeCues(hits []cueHit) []cueHit {
	drop := 0
	keep := make([]bool, len(hits))
	for i, h := range hits {
		keep[i] = true
		for j, o := range hits {
			if i != j && o.kind == h.kind && o.sentence == h.sentence && len(o.text) > len(h.text) &&
				h.tok >= o.tok && strings.Contains(o.text, h.text) {
				keep[i] = false
				drop++
				break
			}
		}
	}
	if drop == 0 {
		return hits
	}
	out := hits[:0]
	for i := range keep {
		if keep[i] {
			out = append(out, hits[i])
		}
	}
	return out
}

// negatedBefore reports a negation in the two tokens before toks[i] of the
// same clause.
func (a *Analyzer) negatedBefore(toks []nlp.Token, from, i int) bool {
	for j := i - 1; j >= from && j >= i-2; j-- {
		if strings.ContainsAny(toks[j].PunctAfter, ".,;:!?") {
			return false
		}
		if w := toks[j].Lower; a.lex.Negated(w) || w == "nobody" || w == "no" || w == "one" && j > from && toks[j-1].Lower == "no" {
			return true
		}
	}
	return false
}
