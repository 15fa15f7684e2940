package sentiment

import "errors"

// Sentinel errors of package sentiment. Callers match them with errors.Is;
// the wrapped message says which taxonomy, term or input line was wrong.
var (
	// ErrBadTaxonomy reports an unusable taxonomy in Options (empty
	// domain, category or term).
	ErrBadTaxonomy = errors.New("sentiment: bad taxonomy")
	// ErrBadModel reports a model file that cannot be decoded.
	ErrBadModel = errors.New("sentiment: bad model")
	// ErrBadInput reports a malformed input line of the analyze command.
	ErrBadInput = errors.New("sentiment: bad input line")
)
