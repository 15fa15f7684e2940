package sentiment

import (
	"fmt"
	"math"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/sentiment/internal/nlp"
	"github.com/earshot/earshot/sentiment/internal/verdict"
	"github.com/earshot/earshot/sentiment/multi"
)

// verdictKinds maps the lexicon analyzers' cue kinds to the English ones,
// so complaint, severity and reasons follow one set of rules.
var verdictKinds = map[verdict.Kind]cueKind{
	verdict.Complaint: cueComplaint, verdict.Health: cueHealth, verdict.Legal: cueLegal,
	verdict.Discrimination: cueDiscrimination, verdict.Fraud: cueFraud, verdict.Repeat: cueRepeat, verdict.Churn: cueChurn,
}

// detect names the mention's language: the site's field, the script, the
// words (see sentiment/lang).
func (a *Analyzer) detect(text string, in Input) string {
	return a.det.Detect(text, in.Language, in.Locale).Code
}

// foreign analyses a text that is not English: Japanese on the kagome
// tokenizer, Spanish, German and French on their lexicons, and any other
// language is left for a human read, with the star rating still applied.
func (a *Analyzer) foreign(w *work, in Input, text, code string, rating float64, hasRating bool, out *models.Analysis) {
	var r verdict.Result
	switch {
	case code == "ja":
		an, err := a.japanese()
		if err != nil {
			out.Reasons = append(out.Reasons, "Japanese analyzer unavailable: "+err.Error())
			a.humanRead(in, code, rating, hasRating, out)
			return
		}
		r = an.Analyze(text, domainOf(a, in.Domain))
	case multi.Supported[code]:
		tax := a.tax[domainOf(a, in.Domain)]
		r = a.eu.Analyze(text, code, func(c string) bool { return tax.cats[c] })
	default:
		a.humanRead(in, code, rating, hasRating, out)
		return
	}
	compound := math.Max(-0.999, math.Min(0.999, r.Compound))
	out.Compound = round3(r.Compound)
	switch {
	case r.Mixed:
		out.Label = models.LabelMixed
	case r.Compound >= 0.1:
		out.Label = models.LabelPositive
	case r.Compound <= -0.1:
		out.Label = models.LabelNegative
	}
	if r.Pos+r.Neg == 0 && out.Label == models.LabelNeutral {
		out.Reasons = append(out.Reasons, "no opinion words")
	}
	out.Aspects = r.Aspects
	if len(out.Aspects) > MaxAspects {
		out.Aspects = out.Aspects[:MaxAspects]
	}
	if out.Label == models.LabelPositive || out.Label == models.LabelNegative {
		pos, neg := false, false
		for _, x := range out.Aspects {
			pos = pos || x.Polarity == models.PolarityPositive
			neg = neg || x.Polarity == models.PolarityNegative
		}
		if pos && neg && math.Abs(compound) < 0.8 {
			out.Label = models.LabelMixed
		}
	}
	w.cues = w.cues[:0]
	for _, c := range r.Cues {
		w.cues = append(w.cues, cueHit{kind: verdictKinds[c.Kind], text: c.Text})
	}
	lex := nlp.Score{Pos: float64(r.Pos), Neg: -float64(r.Neg), Hits: r.Pos + r.Neg, Compound: r.Compound}
	a.complaint(w, in, rating, hasRating, compound, 2*math.Atanh(compound), lex, false, out)
}

func domainOf(a *Analyzer, d string) string {
	if _, ok := a.tax[d]; ok {
		return d
	}
	return "general"
}

// humanRead marks a mention earshot cannot read: the language is named,
// the star rating still decides a complaint, and the reason asks for a
// human read rather than calling the text neutral.
func (a *Analyzer) humanRead(in Input, code string, rating float64, hasRating bool, out *models.Analysis) {
	out.Reasons = append(out.Reasons, fmt.Sprintf("%s: written in %s, which earshot does not analyse", models.ReasonNeedsHumanRead, languageName(code)))
	a.ratingOnly(in, rating, hasRating, out)
}
