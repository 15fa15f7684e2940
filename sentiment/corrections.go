package sentiment

import (
	"fmt"
	"math"
	"strings"

	"github.com/earshot/earshot/sentiment/internal/nlp"
)

// Corrections are one business's staff verdicts on earlier analyses
// ("not a complaint", "this is a complaint"), handed to the analyzer with
// each of that business's mentions so it stops repeating a mistake staff
// already corrected. The zero value changes nothing. Building them from
// stored corrections (which words, how strong a bias) is the caller's
// job: the analyzer only applies them, and says so in Reasons.
type Corrections struct {
	// NotComplaint are phrases (matched case-insensitively, on whole
	// words) whose mentions staff marked as not complaints: "java" for a
	// café whose name also finds programming threads. A mention holding
	// one is not a complaint unless it reports a health, legal, fraud or
	// discrimination problem.
	NotComplaint []string
	// Complaint are phrases staff marked as complaints the analyzer
	// missed ("still waiting for the invoice").
	Complaint []string
	// Bias is added to the complaint model's log-odds: negative for a
	// business whose staff mostly unmark complaints, positive for one
	// whose staff mostly add them. Keep it within ±2.
	Bias float64
}

// correctionVerdict is what a business's corrections say of one text.
type correctionVerdict struct {
	not, is string // the matched phrases
}

func (c *Corrections) match(toks []nlp.Token) correctionVerdict {
	var v correctionVerdict
	if c == nil {
		return v
	}
	for _, p := range c.NotComplaint {
		if phraseIn(toks, p) {
			v.not = p
			break
		}
	}
	for _, p := range c.Complaint {
		if phraseIn(toks, p) {
			v.is = p
			break
		}
	}
	return v
}

// adjust shifts a model probability by the business's bias.
func (c *Corrections) adjust(p float64, reasons *[]string) float64 {
	if c == nil || c.Bias == 0 || math.IsNaN(c.Bias) {
		return p
	}
	b := math.Max(-4, math.Min(4, c.Bias))
	p = math.Max(1e-6, math.Min(1-1e-6, p))
	q := nlp.Prob(math.Log(p/(1-p)) + b)
	*reasons = append(*reasons, fmt.Sprintf("business correction: bias %+.1f (model %.2f → %.2f)", b, p, q))
	return q
}

// phraseIn reports whether the words of phrase occur in a row in toks.
func phraseIn(toks []nlp.Token, phrase string) bool {
	words := strings.Fields(strings.ToLower(phrase))
	if len(words) == 0 {
		return false
	}
	for i := 0; i+len(words) <= len(toks); i++ {
		ok := true
		for k, w := range words {
			if strings.TrimLeft(toks[i+k].Lower, "#@") != strings.TrimLeft(w, "#@") {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}
