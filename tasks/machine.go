// Package tasks owns the apology task: its state machine, the changes
// staff make (ack, reply, assign, resolve), the changes the alerts
// policy asks for (open, reopen, raise, follow-up, escalation), and the
// read models that `earshot tasks` and the web inbox list and show.
//
// Every change of a task goes through Move, which checks the one
// transition table below, writes the task only while it is still in the
// state it was read in (so two people or two replicas acting at once do
// not both win) and records the event in the task's history.
package tasks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/earshot/earshot/models"
)

// TaskState is where a task is in its lifecycle.
type TaskState = models.TaskState

// The states, re-exported so callers need only this package.
const (
	Open         = models.TaskOpen
	Acknowledged = models.TaskAcknowledged
	// AwaitingApproval: a suggested reply waits for a manager or owner.
	AwaitingApproval = models.TaskAwaitingApproval
	Replied          = models.TaskReplied
	FollowUpDue      = models.TaskFollowUpDue
	Resolved         = models.TaskResolved
)

// Event is something that happens to a task; its value is the action
// recorded in the task's history.
type Event string

// The events of the transition table.
const (
	EventOpen     Event = "opened"        // a complaint opened the task
	EventAck      Event = "ack"           // someone is on it
	EventReply    Event = "replied"       // the customer was answered
	EventFollowUp Event = "follow_up_due" // time to check the fix worked
	EventResolve  Event = "resolve"       // nothing more to do
	EventAssign   Event = "assign"        // given to another user
	EventReopen   Event = "reopened"      // the answered customer is unhappy again
	EventRaise    Event = "raised"        // a worse complaint while still open
	EventRepeat   Event = "repeat"        // the same complaint again while open
	EventEscalate Event = "escalated"     // a reminder step went out
	// EventNotComplaint closes a task staff say the model got wrong: the
	// mention is not a complaint (the correction is stored and learned
	// from).
	EventNotComplaint Event = "not_complaint"
	// EventConfirmComplaint: someone who read a "needs a human read"
	// mention says it is a complaint; the task becomes an apology task.
	EventConfirmComplaint Event = "complaint"
	// EventEditDraft saves an edited reply draft (the composer); the
	// text posted or recorded later is this one.
	EventEditDraft Event = "draft_edited"
	// EventSuggest: staff suggest a reply where replies need approval.
	EventSuggest Event = "suggested"
	// EventApprove: a manager or owner approves the suggested reply; it
	// is posted or recorded as replied.
	EventApprove Event = "approved"
	// EventSendBack: the approver returns the suggestion for another go.
	EventSendBack Event = "sent_back"
)

// transition is one row of the table: ev moves a task in one of from to
// to; an empty to leaves the state as it is.
type transition struct {
	ev   Event
	from []TaskState
	to   TaskState
}

// Active are the states that still need work.
var Active = []TaskState{Open, Acknowledged, AwaitingApproval, Replied, FollowUpDue}

// unanswered are the states in which the customer waits for a reply.
var unanswered = []TaskState{Open, Acknowledged, AwaitingApproval, FollowUpDue}

// Unanswered lists the states in which the customer waits for a reply.
func Unanswered() []TaskState { return slices.Clone(unanswered) }

// waiting are the states before any reply was made or suggested: where
// a reply may be suggested, and reminders keep going.
var waiting = []TaskState{Open, Acknowledged}

// table is the whole lifecycle: from → event → to.
var table = []transition{
	{EventAck, []TaskState{Open}, Acknowledged},
	{EventReply, unanswered, Replied},
	{EventFollowUp, []TaskState{Replied}, FollowUpDue},
	{EventResolve, Active, Resolved},
	{EventAssign, Active, ""},
	{EventReopen, []TaskState{Replied, FollowUpDue, Resolved}, Open},
	{EventRaise, []TaskState{Open, Acknowledged, AwaitingApproval}, ""},
	{EventRepeat, []TaskState{Open, Acknowledged, AwaitingApproval}, ""},
	{EventEscalate, []TaskState{Open, Acknowledged, AwaitingApproval}, ""},
	{EventNotComplaint, Active, Resolved},
	{EventConfirmComplaint, waiting, ""},
	{EventEditDraft, unanswered, ""},
	{EventSuggest, []TaskState{Open, Acknowledged, FollowUpDue}, AwaitingApproval},
	{EventApprove, []TaskState{AwaitingApproval}, Replied},
	{EventSendBack, []TaskState{AwaitingApproval}, Acknowledged},
}

func row(ev Event) transition {
	i := slices.IndexFunc(table, func(t transition) bool { return t.ev == ev })
	if i < 0 {
		panic("tasks: no transition for event " + string(ev))
	}
	return table[i]
}

// From lists the states ev is allowed in.
func From(ev Event) []TaskState { return row(ev).from }

// Allowed reports whether ev may happen to a task in state s.
func Allowed(s TaskState, ev Event) bool { return slices.Contains(row(ev).from, s) }

// Next is the state ev moves a task in state s to, or an error wrapping
// ErrBadTransition.
func Next(s TaskState, ev Event) (TaskState, error) {
	r := row(ev)
	if !slices.Contains(r.from, s) {
		names := make([]string, len(r.from))
		for i, f := range r.from {
			names[i] = string(f)
		}
		return s, fmt.Errorf("it is %s (%s only from %s): %w", s, verb(ev), strings.Join(names, ", "), ErrBadTransition)
	}
	if r.to == "" {
		return s, nil
	}
	return r.to, nil
}

// Answered reports whether a task's customer was answered, so a new
// complaint from them reopens it rather than opening another.
func Answered(s TaskState) bool { return Allowed(s, EventReopen) }

func verb(ev Event) string {
	switch ev {
	case EventReply:
		return "reply"
	case EventReopen:
		return "reopen"
	case EventFollowUp:
		return "follow up"
	case EventNotComplaint:
		return "mark not a complaint"
	case EventConfirmComplaint:
		return "mark a complaint"
	case EventEditDraft:
		return "edit the draft of"
	case EventSuggest:
		return "suggest a reply to"
	case EventApprove:
		return "approve the reply to"
	case EventSendBack:
		return "send back the reply to"
	}
	return string(ev)
}
