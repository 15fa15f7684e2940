package digest

import "errors"

// Sentinel errors callers test with errors.Is.
var (
	// ErrBadWeek means a week was not written like 2026-W47 or does not
	// exist in that year.
	ErrBadWeek = errors.New("not an ISO week")
	// ErrUnknownBusiness means the business is not in the config.
	ErrUnknownBusiness = errors.New("unknown business")
	// ErrNoRecipients means a business has neither digest recipients nor
	// an owner with an email address, so a digest has nowhere to go.
	ErrNoRecipients = errors.New("no digest recipients")
)
