package tasks

import (
	"errors"
	"testing"
)

// The lifecycle staff and the policy rely on, one row per move.
func TestTransitions(t *testing.T) {
	cases := []struct {
		from TaskState
		ev   Event
		to   TaskState // "" means refused
	}{
		{Open, EventAck, Acknowledged},
		{Acknowledged, EventAck, ""},
		{Open, EventReply, Replied},
		{Acknowledged, EventReply, Replied},
		{FollowUpDue, EventReply, Replied},
		{Replied, EventReply, ""},
		{Resolved, EventReply, ""},
		{Replied, EventFollowUp, FollowUpDue},
		{Open, EventFollowUp, ""},
		{Replied, EventResolve, Resolved},
		{Open, EventResolve, Resolved},
		{Resolved, EventResolve, ""},
		{Acknowledged, EventAssign, Acknowledged},
		{Resolved, EventAssign, ""},
		{Resolved, EventReopen, Open},
		{Replied, EventReopen, Open},
		{Open, EventReopen, ""},
		{Open, EventRaise, Open},
		{Replied, EventRaise, ""},
		{Acknowledged, EventEscalate, Acknowledged},
		{Replied, EventEscalate, ""},
		{Open, EventNotComplaint, Resolved},
		{FollowUpDue, EventNotComplaint, Resolved},
		{Resolved, EventNotComplaint, ""},
		{Open, EventConfirmComplaint, Open},
		{Replied, EventConfirmComplaint, ""},
	}
	for _, c := range cases {
		t.Run(string(c.from)+"/"+string(c.ev), func(t *testing.T) {
			got, err := Next(c.from, c.ev)
			if c.to == "" {
				if !errors.Is(err, ErrBadTransition) {
					t.Fatalf("got %s, %v; want ErrBadTransition", got, err)
				}
				return
			}
			if err != nil || got != c.to {
				t.Fatalf("got %s, %v; want %s", got, err, c.to)
			}
		})
	}
}

func TestAnswered(t *testing.T) {
	for s, want := range map[TaskState]bool{Open: false, Acknowledged: false, Replied: true, FollowUpDue: true, Resolved: true} {
		if Answered(s) != want {
			t.Errorf("Answered(%s) = %v", s, !want)
		}
	}
}
