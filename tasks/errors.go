package tasks

import (
	"errors"

	"github.com/earshot/earshot/store"
)

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
	// ErrEmptyReply means a reply or draft had no text and there was no
	// draft to fall back on.
	ErrEmptyReply = errors.New("the reply is empty")
	// ErrPostInProgress means another submit is posting this task's reply
	// right now (a double click, a colleague, another replica).
	ErrPostInProgress = errors.New("the reply is already being posted")
	// ErrAlreadyReplied means the task's reply was already posted or
	// recorded.
	ErrAlreadyReplied = errors.New("the reply was already posted")
	// ErrPostUnconfirmed means an earlier attempt to post stopped before
	// its outcome was known and the platform cannot be asked whether the
	// reply went out (X): posting again could publish it twice.
	ErrPostUnconfirmed = errors.New("an earlier post may have been published")
)

// IsNotFound reports whether err means the task does not exist.
func IsNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
