package alerts

import "errors"

// ErrTemplate means a reply-draft template fails.
var ErrTemplate = errors.New("reply template")
