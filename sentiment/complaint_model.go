package sentiment

import (
	"fmt"
	"math"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/sentiment/internal/nlp"
)

// The complaint decision when the model file carries the learned
// complaint and severity models (sentiment/train, learned from tweets to
// brands annotated as complaints: "reality fell short of what the author
// expected", polite requests and plain reports of failures included,
// insults and personal sadness not). earshot's cues stay on top: a
// health, legal, fraud or discrimination cue always makes a complaint,
// and the other cues ("cold food", "never again") count when the model
// does not rule the text out.

// cueFloor is the model probability a complaint cue needs to make a
// complaint of a text: reviews are about the business, so a named problem
// is nearly enough there; on social posts a cue word alone ("the worst",
// about a football team) is weak evidence.
const (
	cueFloorReview = 0.05
	cueFloorSocial = 0.35
)

// sevCuts cut the expected annotated severity (1 no explicit reproach,
// 2 disapproval, 3 accusation, 4 blame) into earshot's base severities
// 1..3; 4 stays for fraud, discrimination and the boosts (repeat, churn,
// a 1-star rating), 5 for health and legal threats (and public reach).
// Chosen on the 10-fold cross-validation.
var sevCuts = [2]float64{2.0, 2.4}

var sevNames = [...]string{"no explicit reproach", "disapproval", "accusation or blame"}

func (a *Analyzer) learnedComplaint(w *work, in Input, rating float64, hasRating bool, compound, z float64, lex nlp.Score, v nlp.ComplaintVerdict,
	kinds map[cueKind]bool, complaintCues int, sarcasm bool, negAspects int, cueScore float64, out *models.Analysis) {
	th := a.pred.Bundle.ComplaintThreshold
	if th <= 0 || th >= 1 {
		th = 0.5
	}
	p := v.Prob
	out.Reasons = append(out.Reasons, fmt.Sprintf("complaint model %.2f", p))
	p = in.Corrections.adjust(p, &out.Reasons)
	corr := in.Corrections.match(w.sc.Toks)
	severe := kinds[cueHealth] || kinds[cueLegal] || kinds[cueDiscrimination] || kinds[cueFraud]
	anyCue := complaintCues > 0 || kinds[cueChurn]
	// Only a declared social source reads as a post to the public: an
	// unlabelled text (the analyze command) is read like a review.
	floor, social := cueFloorReview, postKind(in.SourceKind)
	if social {
		floor = cueFloorSocial
	}
	// "The staff could not have been nicer": praise put negatively.
	litotes := v.Signals.Litotes && !anyCue && !severe
	// A clearly negative review, backed by a negative word or a confident
	// sentiment model, is a complaint about the business. On a social post
	// tone alone is not (an insult, someone else's bad news): the model
	// decides.
	tone := !social && compound <= -0.1 && (lex.Neg < 0 || z <= -1.0)
	words := !litotes && (p >= th || severe || (anyCue || sarcasm || tone) && p >= floor)
	switch {
	case corr.not != "" && !severe:
		words = false
		out.Reasons = append(out.Reasons, fmt.Sprintf("business correction: %q marked not a complaint", corr.not))
	case corr.is != "":
		words = true
		p = math.Max(p, th)
		out.Reasons = append(out.Reasons, fmt.Sprintf("business correction: %q marked a complaint", corr.is))
	}
	complaint, decided, score := byRating(rating, hasRating, compound, severe, calibrate(p, th), &out.Reasons)
	switch {
	case decided:
	default: // no stars, or 3 stars: the words decide
		complaint = words
		if hasRating && !complaint && compound <= -0.05 && p >= floor {
			complaint = true // a lukewarm 3-star review with a negative tone
		}
		if severe || anyCue {
			score = math.Max(score, math.Min(cueScore, 0.95))
		}
	}
	settle(complaint, score, out)
	if litotes && v.Signals.Litotes {
		out.Reasons = append(out.Reasons, "praise put negatively")
	}
	if !complaint {
		remark(rating, hasRating, negAspects, &out.Reasons)
		if !w.anySeverity {
			return
		}
	}
	switch {
	case v.Signals.Sarcasm && !sarcasm && p >= th:
		out.Reasons = append(out.Reasons, "sarcasm: positive words then failure")
	case v.Signals.Request && p >= th:
		out.Reasons = append(out.Reasons, "request about something that went wrong")
	}
	if v.Signals.Counterfac {
		out.Reasons = append(out.Reasons, "fell short of expectations")
	}
	negativeTone(compound, rating, hasRating, &out.Reasons)
	sev := 1
	for _, c := range sevCuts {
		if v.Severity >= c {
			sev++
		}
	}
	out.Reasons = append(out.Reasons, fmt.Sprintf("severity model %.1f: %s", v.Severity, sevNames[sev-1]))
	if sev > 1 && !severe && mildWording(w.sc.Toks) {
		sev--
		out.Reasons = append(out.Reasons, "mild wording")
	}
	sev = customerBoosts(sev, rating, hasRating, kinds, &out.Reasons)
	// 5 is for health and legal threats (and public reach) alone
	sev = min(sev, 4)
	if kinds[cueFraud] || kinds[cueDiscrimination] {
		sev = 4
	}
	if kinds[cueHealth] || kinds[cueLegal] {
		sev = 5
	}
	out.Severity = reachBoost(sev, in.AuthorReach, &out.Reasons)
}

// mildWording reports a softener ("a bit soggy", "slightly cold"): the
// customer states a problem without reproach.
func mildWording(toks []nlp.Token) bool {
	for i := range toks {
		switch toks[i].Lower {
		case "slightly", "somewhat", "kinda", "mildly", "bit", "little":
			if toks[i].Lower != "bit" && toks[i].Lower != "little" || i > 0 && toks[i-1].Lower == "a" {
				return true
			}
		}
	}
	return false
}

// calibrate maps the model probability so that the decision threshold
// lands on 0.5, the complaint score's own boundary.
func calibrate(p, th float64) float64 {
	if p < th {
		return 0.5 * p / th
	}
	return 0.5 + 0.5*(p-th)/(1-th)
}
