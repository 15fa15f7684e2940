// Package verdict is what a language's lexicon analyzer (Japanese,
// Spanish, German, French) hands back to the sentiment package, which
// turns it into an Analysis with the same star-rating, complaint and
// severity rules as English.
package verdict

import "github.com/earshot/earshot/models"

// Kind says what a matched cue means for the owner.
type Kind int

const (
	Complaint      Kind = iota // a problem, whatever the tone
	Health                     // food poisoning, foreign bodies, insects, injury
	Legal                      // lawyers, lawsuits, regulators
	Discrimination             // discrimination or harassment
	Fraud                      // fraud, double billing
	Repeat                     // the same problem again
	Churn                      // "never again", cancelling
)

// Cue is a phrase found in the text.
type Cue struct {
	Kind Kind
	Text string // as written
}

// Result is one text's reading.
type Result struct {
	// Compound is the tone in [-1, 1].
	Compound float64
	// Pos and Neg count opinion words of each sign (after negation).
	Pos, Neg int
	// Mixed is set when strong praise and strong criticism sit in
	// different sentences.
	Mixed bool
	Cues  []Cue
	// Aspects are the things judged; negative ones are issues, named in
	// the reviewer's language ("料理が冷めていた", "servicio lento").
	Aspects []models.Aspect
}
