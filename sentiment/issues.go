package sentiment

import (
	"strings"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/sentiment/internal/nlp"
)

// issueSpec says how a matched cue names its issue for the owner: a short
// noun phrase that reads well alone in a list ("cold food, rude waiter")
// and after "the" in an apology draft ("sorry about the cold food"), so
// an alert never says "sorry about the meal" when the customer was
// charged twice for it.
type issueSpec struct {
	adj  string   // with a subject noun in the clause: adj + " " + noun ("rude waiter")
	def  string   // the term without a subject ("rude staff"), or the fixed term
	cats []string // categories to try when no word of the term is in the pack
	wait bool     // "waited 45 minutes" -> "45-minute wait"; "shipping took 3 weeks" -> "slow shipping"
	// always keeps the issue under "other" when the pack has none of its
	// categories (health, safety, discrimination); other issues outside
	// the pack's business are dropped ("missing delivery" for software).
	always bool
}

var (
	catsWait     = []string{"wait time", "delivery", "customer service", "support", "service"}
	catsBilling  = []string{"billing", "price", "refund"}
	catsRefund   = []string{"refund", "billing", "price"}
	catsFood     = []string{"food", "product quality", "quality", "room"}
	catsStaff    = []string{"staff attitude", "customer service", "service", "support"}
	catsReply    = []string{"customer service", "support", "communication", "service"}
	catsDelivery = []string{"delivery", "shipping", "service"}
	catsProduct  = []string{"product quality", "bugs", "quality", "room"}
	catsClean    = []string{"cleanliness", "room"}
	catsNoise    = []string{"noise", "ambience"}
	catsHealth   = []string{"health and safety"}
	catsLogin    = []string{"login", "website", "communication"}
)

// cueIssues maps a cue's source pattern (see cueSource) to the issue it
// names. Cues of tone ("disappointed"), churn ("never again") and repeats
// ("third time") name no issue of their own: they raise the complaint and
// its severity but add no aspect.
var cueIssues = func() map[string]*issueSpec {
	m := map[string]*issueSpec{}
	set := func(s *issueSpec, srcs ...string) {
		for _, src := range srcs {
			m[src] = s
		}
	}
	set(&issueSpec{adj: "slow", def: "long wait", cats: catsWait, wait: true},
		"wait|waited|waiting|waits # minutes|mins|min|hours|hrs|hour|hr", "wait|waited|waiting over|for|almost|nearly # minutes|mins|hours|hour",
		"took # minutes|mins|hours|hour|days|weeks", "took forever", "took ages")
	set(&issueSpec{def: "double charge", cats: catsBilling},
		"charged twice", "double charged", "charged me twice", "billed twice", "double billed")
	set(&issueSpec{def: "overcharge", cats: catsBilling}, "overcharged")
	set(&issueSpec{def: "unauthorised charge", cats: catsBilling}, "unauthori~ charge|charges|transaction", "charged without", "never authorized")
	set(&issueSpec{def: "missing refund", cats: catsRefund},
		"still no refund", "no refund", "never got|received my refund|money", "not refunded")
	set(&issueSpec{def: "poor value", cats: catsBilling}, "rip off", "ripoff")
	set(&issueSpec{adj: "cold", def: "cold food", cats: catsFood},
		"cold food", "food was|is|arrived|came cold", "cold fries|pizza|meal|meals|dish|dishes|soup|burger|burgers|pasta|steak|chips|eggs|toast|coffee|tea|mains|chicken|pie", "was|were|arrived|came cold", "stone cold", "late and cold")
	set(&issueSpec{adj: "lukewarm", def: "lukewarm food", cats: catsFood}, "lukewarm")
	set(&issueSpec{def: "lack of response", cats: catsReply},
		"no response", "no reply", "never responded|replied|answered|called")
	set(&issueSpec{def: "dropped call", cats: catsReply}, "hung up")
	set(&issueSpec{adj: "missing", def: "missing delivery", cats: catsDelivery}, "never arrived|arrives|arrive|showed|came")
	set(&issueSpec{adj: "late", def: "late delivery", cats: catsDelivery}, "arrived|came late", "order|delivery|food|driver|meal|package|parcel was|is|were|came|arrived late", "late delivery|order|food")
	set(&issueSpec{def: "wrong order", cats: catsDelivery}, "wrong order", "order was wrong", "got my order wrong")
	set(&issueSpec{def: "missing items", cats: catsDelivery}, "missing items|item")
	set(&issueSpec{adj: "faulty", def: "faulty product", cats: catsProduct},
		"never works|worked|loads", "not working", "doesn't|dont|don't work", "does not work", "stopped working")
	set(&issueSpec{adj: "broken", def: "broken item", cats: catsProduct}, "arrived|came|was|is|were|are broken")
	set(&issueSpec{adj: "damaged", def: "damaged item", cats: catsProduct}, "damaged")
	set(&issueSpec{adj: "defective", def: "defective item", cats: catsProduct}, "defective")
	set(&issueSpec{def: "crashes", cats: []string{"crashes", "bugs", "performance"}}, "crash|crashes|crashed|crashing")
	set(&issueSpec{def: "login problems", cats: catsLogin}, "can't|cannot log|login|sign", "locked out")
	set(&issueSpec{adj: "rude", def: "rude staff", cats: catsStaff}, "rude")
	set(&issueSpec{adj: "unprofessional", def: "unprofessional staff", cats: catsStaff}, "unprofessional")
	set(&issueSpec{adj: "inattentive", def: "inattentive staff", cats: catsStaff}, "ignored us|me", "nobody|no one came")
	set(&issueSpec{adj: "filthy", def: "poor hygiene", cats: catsClean}, "filthy")
	set(&issueSpec{adj: "dirty", def: "poor hygiene", cats: catsClean},
		"was|were|is|are dirty", "dirty table|tables|floor|floors|bathroom|bathrooms|restroom|toilet|plates|cutlery|glasses|room|sheets|towels|dishes")
	set(&issueSpec{adj: "loud", def: "noise", cats: catsNoise}, "too|bit|very|so|really|quite|extremely|was|were|is|are loud", "loud music")
	// health and safety
	set(&issueSpec{def: "food poisoning", cats: catsHealth, always: true}, "food poisoning", "salmonella")
	set(&issueSpec{def: "illness", cats: catsHealth, always: true},
		"got|get|gets sick", "made me|us|him|her|my sick", "threw up", "throwing up", "vomit~", "diarrhea")
	set(&issueSpec{def: "allergic reaction", cats: catsHealth, always: true}, "allergic reaction", "anaphyla~", "epipen")
	set(&issueSpec{def: "injury", cats: catsHealth, always: true}, "injur~", "cut my", "burned|burnt my|me")
	set(&issueSpec{def: "cockroaches", cats: catsHealth, always: true}, "cockroach~", "roaches")
	set(&issueSpec{def: "rodents", cats: catsHealth, always: true}, "rat|rats", "mice", "mouse droppings")
	set(&issueSpec{def: "hair in food", cats: catsHealth, always: true}, "hair in my|the food|soup|dish|salad")
	set(&issueSpec{def: "glass in food", cats: catsHealth, always: true}, "glass in")
	set(&issueSpec{def: "mould", cats: catsHealth, always: true}, "mold|mould|moldy|mouldy")
	set(&issueSpec{def: "undercooked meat", cats: catsHealth, always: true}, "raw chicken", "undercooked chicken|pork")
	set(&issueSpec{def: "bed bugs", cats: []string{"health and safety", "cleanliness", "room"}, always: true}, "bed bugs", "bedbugs")
	// discrimination and harassment
	set(&issueSpec{def: "racism", cats: catsStaff, always: true}, "racis~")
	set(&issueSpec{def: "sexism", cats: catsStaff, always: true}, "sexis~")
	set(&issueSpec{def: "discrimination", cats: catsStaff, always: true}, "discriminat~", "homophob~", "transphob~")
	set(&issueSpec{def: "harassment", cats: catsStaff, always: true}, "harass~")
	set(&issueSpec{def: "assault", cats: catsStaff, always: true}, "assault~", "groped")
	set(&issueSpec{def: "slurs", cats: catsStaff, always: true}, "slur")
	set(&issueSpec{def: "refused service", cats: catsStaff, always: true}, "refused to serve")
	return m
}()

// subjectSkip are the words between an adjective cue and the noun it
// judges ("the music was a bit loud", "our waiter was rude").
var subjectSkip = map[string]bool{"was": true, "were": true, "is": true, "are": true, "arrived": true, "came": true, "been": true,
	"be": true, "a": true, "bit": true, "very": true, "so": true, "too": true, "really": true, "quite": true, "extremely": true,
	"also": true, "always": true, "seemed": true, "felt": true, "got": true, "totally": true, "pretty": true, "incredibly": true,
	"just": true, "again": true, "all": true, "completely": true, "rather": true, "way": true}

var waitUnits = map[string]string{"minutes": "minute", "mins": "minute", "min": "minute", "hours": "hour", "hrs": "hour",
	"hour": "hour", "hr": "hour", "days": "day", "weeks": "week"}

// issue is one named issue found in a sentence.
type issue struct {
	term, category string
	si             int
	from, to       int // tokens of the cue and its subject noun
}

// addIssues turns the matched cues into negative aspects named in the
// owner's words, and drops the tagger's aspects they replace (the bare
// "food" of "the food arrived cold", the "Charged" of "charged twice").
func (a *Analyzer) addIssues(w *work, text string, tax *taxonomy, out *models.Analysis) {
	n := 0
	for _, c := range w.cues {
		if c.iss != nil {
			n++
		}
	}
	if n == 0 {
		return
	}
	sc := w.sc
	lower := func(i int) string { return sc.Toks[i].Lower }
	var found []issue
	for _, c := range w.cues {
		if c.iss == nil || c.sentence >= len(sc.Sents) {
			continue
		}
		sp := sc.Sents[c.sentence]
		is := issue{si: c.sentence, from: c.tok, to: c.tok + c.n}
		is.term = c.iss.def
		if c.iss.wait {
			is.term = waitTerm(sc.Toks[c.tok:c.tok+c.n], c.iss.def)
		}
		if c.iss.adj != "" {
			if s, e := subjectOf(tax, lower, c.tok, c.tok+c.n, sp.From, sp.To, sc.Toks, c.iss.wait); e > s {
				words := make([]string, 0, e-s)
				for i := s; i < e; i++ {
					words = append(words, lower(i))
				}
				is.term = c.iss.adj + " " + strings.Join(words, " ")
				is.from, is.to = min(is.from, s), max(is.to, e)
			}
		}
		is.category = issueCategory(tax, is.term, c.iss.cats)
		if c.iss.adj == "cold" && is.category == "drinks" {
			continue // a cold beer is a good thing
		}
		if is.category == "" {
			if !c.iss.always {
				continue
			}
			is.category = "other"
		}
		dup := false
		for _, f := range found {
			if f.term == is.term {
				dup = true
				break
			}
		}
		if !dup {
			found = append(found, is)
		}
	}
	found = dropVague(found)
	if len(found) == 0 {
		return
	}
	kept := out.Aspects[:0:0]
	for k, x := range out.Aspects {
		sp := w.aspSpan[k]
		drop := false
		t := " " + strings.ToLower(x.Term) + " "
		for _, f := range found {
			if f.category == "health and safety" && x.Category == f.category && x.Polarity != models.PolarityPositive {
				// "nut allergy" adds nothing to "allergic reaction"
				drop = true
				break
			}
			if sp.si != f.si {
				continue
			}
			if sp.from < f.to && f.from < sp.to || strings.Contains(" "+f.term+" ", t) || strings.Contains(t, " "+f.term+" ") {
				drop = true
				break
			}
		}
		if !drop {
			kept = append(kept, x)
		}
	}
	aspects := make([]models.Aspect, 0, len(found)+len(kept))
	for _, f := range found {
		sp := sc.Sents[f.si]
		aspects = append(aspects, models.Aspect{Category: f.category, Term: f.term, Polarity: models.PolarityNegative,
			Evidence: evidenceOf(text, sp.Start, sp.End), Problem: true})
	}
	aspects = append(aspects, kept...)
	if len(aspects) > MaxAspects {
		aspects = aspects[:MaxAspects]
	}
	out.Aspects = aspects
}

// dropVague drops "illness" when a health issue names the cause ("food
// poisoning ... threw up all night").
func dropVague(found []issue) []issue {
	specific := false
	for _, f := range found {
		if f.category == "health and safety" && f.term != "illness" {
			specific = true
		}
	}
	if !specific {
		return found
	}
	out := found[:0]
	for _, f := range found {
		if f.term != "illness" {
			out = append(out, f)
		}
	}
	return out
}

// subjectOf finds the noun an adjective cue judges: a pack term inside the
// cue ("dirty tables"), right after it ("rude waiter") or just before it
// ("the music was a bit loud"). It returns the token span, or (0, 0).
func subjectOf(tax *taxonomy, lower func(int) string, from, to, sFrom, sTo int, toks []nlp.Token, before bool) (int, int) {
	for i := from; i < to && !before; i++ {
		if _, l := tax.match(lower, i, sTo); l > 0 && i+l <= to {
			return i, i + l
		}
	}
	if !before && to < sTo && !strings.ContainsAny(toks[to-1].PunctAfter, ",;:.!?") {
		if _, l := tax.match(lower, to, sTo); l > 0 {
			return to, to + l
		}
	}
	for j, k := from-1, 0; j >= sFrom && k < 5; j, k = j-1, k+1 {
		if strings.ContainsAny(toks[j].PunctAfter, ",;:.!?") {
			break
		}
		if j > sFrom {
			if _, l := tax.match(lower, j-1, sTo); l == 2 {
				return j - 1, j + 1
			}
		}
		if _, l := tax.match(lower, j, sTo); l == 1 {
			return j, j + 1
		}
		if !subjectSkip[lower(j)] {
			break
		}
	}
	return 0, 0
}

// waitTerm names a wait by its length when the customer gave a number
// ("45-minute wait"), else "long wait".
func waitTerm(toks []nlp.Token, def string) string {
	for i := 0; i+1 < len(toks); i++ {
		w := toks[i].Lower
		unit, ok := waitUnits[toks[i+1].Lower]
		if !ok {
			continue
		}
		switch {
		case w != "" && w[0] >= '0' && w[0] <= '9' && len(w) <= 4:
			return w + "-" + unit + " wait"
		case w == "an" || w == "a":
			return unit + "-long wait"
		case numberWords[w] && w != "several" && w != "few":
			return w + "-" + unit + " wait"
		}
	}
	return def
}

// issueCategory files a term under the pack category of its words
// ("cold food" -> food, "rude waiter" -> service), else the first of the
// issue's categories the pack has, else "".
func issueCategory(tax *taxonomy, term string, cats []string) string {
	words := strings.Fields(term)
	lower := func(i int) string { return words[i] }
	for i := range words {
		if c, l := tax.match(lower, i, len(words)); l > 0 {
			return c
		}
	}
	for _, c := range cats {
		if tax.cats[c] {
			return c
		}
	}
	return ""
}

// evidenceOf is the sentence that proves an aspect, cut to 300 bytes.
func evidenceOf(text string, start, end int) string {
	evidence := strings.TrimSpace(text[start:end])
	if len(evidence) > 300 {
		cut := 300
		for cut > 0 && evidence[cut]&0xC0 == 0x80 {
			cut--
		}
		evidence = evidence[:cut] + "…"
	}
	return evidence
}
