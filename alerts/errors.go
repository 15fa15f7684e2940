package alerts

import "errors"

// Sentinel errors callers test with errors.Is.
var (
	// ErrBadTransition means a task cannot move to the asked state from
	// the one it is in (acknowledging a resolved task).
	ErrBadTransition = errors.New("not allowed in the task's state")
	// ErrNoPoster means replies to this source cannot be posted through an
	// API; staff answer at the task's link and mark it replied.
	ErrNoPoster = errors.New("replies to this source cannot be posted by earshot")
	// ErrNoCredentials means posting needs credentials that are not set.
	ErrNoCredentials = errors.New("credentials not set")
	// ErrUnknownUser means a task was assigned to someone who is not a
	// user of its business.
	ErrUnknownUser = errors.New("no such user")
	// ErrTemplate means a reply-draft template fails.
	ErrTemplate = errors.New("reply template")
)
