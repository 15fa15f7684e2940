package sentiment

import (
	"fmt"
	"math"
	"strings"

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
		// A review's title often repeats a phrase of its text ("Allergic
		// reaction" … "an allergic reaction"): name the cue once.
		key := cueNames[c.kind] + "\x00" + strings.ToLower(c.text)
		if !seen[key] {
			seen[key] = true
			out.Reasons = append(out.Reasons, fmt.Sprintf("%s: %q", cueNames[c.kind], c.text))
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
	complaint, decided, score := byRating(rating, hasRating, compound, severe, score, &out.Reasons)
	switch {
	case decided:
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
	settle(complaint, score, out)
	if !complaint {
		remark(rating, hasRating, negAspects, &out.Reasons)
		if !w.anySeverity {
			return
		}
	}
	negativeTone(compound, rating, hasRating, &out.Reasons)
	sev := 1
	if compound <= -0.6 {
		sev++
		out.Reasons = append(out.Reasons, "strongly negative")
	}
	sev = customerBoosts(sev, rating, hasRating, kinds, &out.Reasons)
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

// byRating is what a star rating decides on its own: 1–2 stars are a
// complaint whatever the words, 4–5 stars a happy customer's remark unless
// it is about safety, the law, discrimination or fraud (severe). decided
// is false for 3 stars or none, where the words decide; score is the
// complaint score adjusted for the rating.
func byRating(rating float64, hasRating bool, compound float64, severe bool, score float64, reasons *[]string) (complaint, decided bool, _ float64) {
	switch {
	case hasRating && rating <= 2:
		if compound > 0.05 {
			*reasons = append(*reasons, "low rating despite polite words")
		}
		return true, true, math.Max(score, 0.8+0.05*(2-rating))
	case hasRating && rating >= 4:
		score *= 0.4
		if severe {
			score = math.Max(score, 0.6)
		}
		return severe, true, score
	}
	return false, false, score
}

// settle stores the flag and a score that agrees with it: 0.5 is the
// boundary owners see, so a complaint never scores below it nor a
// non-complaint at or above it.
func settle(complaint bool, score float64, out *models.Analysis) {
	score = math.Max(0, math.Min(1, score))
	if complaint && score < 0.5 {
		score = 0.5
	}
	if !complaint && score >= 0.5 {
		score = 0.49
	}
	out.Complaint = complaint
	out.ComplaintScore = round3(score)
}

// remark says why a good review with a negative aspect is not a complaint.
func remark(rating float64, hasRating bool, negAspects int, reasons *[]string) {
	if hasRating && rating >= 4 && negAspects > 0 {
		*reasons = append(*reasons, fmt.Sprintf("rating %s/5: remark, not a complaint", fmtRating(rating)))
	}
}

// negativeTone names the tone as a reason unless a low rating already
// explains the flag.
func negativeTone(compound, rating float64, hasRating bool, reasons *[]string) {
	if compound <= -0.05 && !(hasRating && rating <= 2) {
		*reasons = append(*reasons, fmt.Sprintf("negative tone (%.2f)", compound))
	}
}

// customerBoosts raises a severity for what the customer adds to the
// problem: a 1-star rating, a repeat ("third time"), a threat to leave.
func customerBoosts(sev int, rating float64, hasRating bool, kinds map[cueKind]bool, reasons *[]string) int {
	if hasRating && rating <= 1 {
		sev++
		*reasons = append(*reasons, "very low rating")
	}
	if kinds[cueRepeat] {
		sev++
	}
	if kinds[cueChurn] {
		sev++
	}
	return sev
}

func severeText(hits []cueHit, text string) bool {
	for _, h := range hits {
		if h.text == text && (h.kind == cueHealth || h.kind == cueLegal || h.kind == cueDiscrimination || h.kind == cueFraud) {
			return true
		}
	}
	return false
}
