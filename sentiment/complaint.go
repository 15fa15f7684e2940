package sentiment

import (
	"fmt"
	"math"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/sentiment/internal/nlp"
)

// complaint decides whether the owner must answer, how sure we are and
// how urgent it is, and writes why into Reasons.
func (a *Analyzer) complaint(w *work, in Input, rating float64, hasRating bool, compound, z float64, lex nlp.Score, sarcasm bool, out *models.Analysis) {
	kinds := map[cueKind]bool{}
	complaintCues := 0
	seen := map[string]bool{}
	for _, c := range w.cues {
		if c.kind == cueSarcasm {
			continue
		}
		kinds[c.kind] = true
		if c.kind == cueComplaint {
			complaintCues++
		}
		if c.kind == cueComplaint && severeText(w.cues, c.text) {
			continue // said once, under its graver name
		}
		r := fmt.Sprintf("%s: %q", cueNames[c.kind], c.text)
		if !seen[r] {
			seen[r] = true
			out.Reasons = append(out.Reasons, r)
		}
	}
	severe := kinds[cueHealth] || kinds[cueLegal] || kinds[cueDiscrimination] || kinds[cueFraud]
	anyCue := complaintCues > 0 || kinds[cueChurn] || severe
	negAspects := 0
	for _, x := range out.Aspects {
		if x.Polarity == models.PolarityNegative {
			negAspects++
		}
	}
	score := (1 - compound) / 2 // probability-like negativity
	score += 0.12 * math.Min(float64(complaintCues), 3)
	if kinds[cueChurn] {
		score += 0.15
	}
	if severe {
		score += 0.3
	}
	if sarcasm {
		score += 0.2
	}
	lw := reviewLexWeight
	if isSocial(in.SourceKind, w.sc.Toks) {
		lw = socialLexWeight
	}
	if v, ok := a.pred.Complaint(w.sc, z-lw*lex.Compound); ok {
		a.learnedComplaint(w, in, rating, hasRating, compound, z, lex, v, kinds, complaintCues, sarcasm, negAspects, score, out)
		return
	}
	var complaint bool
	switch {
	case hasRating && rating <= 2:
		complaint = true
		score = math.Max(score, 0.8+0.05*(2-rating))
		if compound > 0.05 {
			out.Reasons = append(out.Reasons, "low rating despite polite words")
		}
	case hasRating && rating >= 4:
		// A happy customer with one remark is not a complaint, unless the
		// remark is about safety, the law, discrimination or fraud.
		complaint = kinds[cueHealth] || kinds[cueLegal] || kinds[cueDiscrimination] || kinds[cueFraud]
		score *= 0.4
		if complaint {
			score = math.Max(score, 0.6)
		}
	case hasRating: // 3 stars: the words decide
		complaint = compound <= -0.05 || anyCue || sarcasm
	default:
		// Without stars, a negative score needs evidence an owner can see:
		// a negative word, a cue, or a confident model.
		evidence := lex.Neg < 0 || z <= -1.0
		complaint = (compound <= -0.1 && evidence) || (anyCue && compound < 0.9) || sarcasm || severe
	}
	if hasRating && rating > 2 && rating < 4 {
		score = 0.5*score + 0.25
	}
	score = math.Max(0, math.Min(1, score))
	if complaint && score < 0.5 {
		score = 0.5
	}
	if !complaint && score >= 0.5 {
		score = 0.49
	}
	out.Complaint = complaint
	out.ComplaintScore = round3(score)
	if !complaint {
		if hasRating && rating >= 4 && negAspects > 0 {
			out.Reasons = append(out.Reasons, fmt.Sprintf("rating %s/5: remark, not a complaint", fmtRating(rating)))
		}
		return
	}
	if compound <= -0.05 && !(hasRating && rating <= 2) {
		out.Reasons = append(out.Reasons, fmt.Sprintf("negative tone (%.2f)", compound))
	}
	sev := 1
	if compound <= -0.6 {
		sev++
		out.Reasons = append(out.Reasons, "strongly negative")
	}
	if hasRating && rating <= 1 {
		sev++
		out.Reasons = append(out.Reasons, "very low rating")
	}
	if kinds[cueRepeat] {
		sev++
	}
	if kinds[cueChurn] {
		sev++
	}
	if kinds[cueFraud] || kinds[cueDiscrimination] {
		sev = max(sev, 4)
	}
	if kinds[cueHealth] || kinds[cueLegal] {
		sev = 5
	}
	if sev > 5 {
		sev = 5
	}
	out.Severity = reachBoost(sev, in.AuthorReach, &out.Reasons)
}

func severeText(hits []cueHit, text string) bool {
	for _, h := range hits {
		if h.text == text && (h.kind == cueHealth || h.kind == cueLegal || h.kind == cueDiscrimination || h.kind == cueFraud) {
			return true
		}
	}
	return false
}
