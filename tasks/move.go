package tasks

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/earshot/earshot/models"
)

// Tx is what changing a task needs from the store, inside the caller's
// transaction (*store.Store is one).
type Tx interface {
	Task(ctx context.Context, id int64) (models.Task, error)
	CreateTask(ctx context.Context, t *models.Task) (bool, error)
	UpdateTask(ctx context.Context, t models.Task, fromState models.TaskState, columns ...string) error
	AddTaskEvent(ctx context.Context, e models.TaskEvent) error
	AdvanceEscalation(ctx context.Context, taskID int64, from, to int) (bool, error)
	Users(ctx context.Context, businessID int64) ([]models.User, error)
}

// Change is one event applied to a task: the caller has already set the
// fields the event changes on Task and names them in Columns; Move sets
// the state from the transition table.
type Change struct {
	Event   Event
	Actor   string
	Note    string
	At      time.Time
	Columns []string
}

// Move applies c to t (as read by the caller, with c's fields set) in
// tx: it checks the transition table, writes the state and c.Columns
// only while the task is still in the state it was read in (a
// store.ErrConflict otherwise), and records the event. t's state is
// updated in place.
func Move(ctx context.Context, tx Tx, t *models.Task, from TaskState, c Change) error {
	to, err := Next(from, c.Event)
	if err != nil {
		return fmt.Errorf("tasks: cannot %s task %d: %w", verb(c.Event), t.ID, err)
	}
	cols := c.Columns
	if to != from {
		cols = append([]string{"state"}, cols...)
	}
	t.State = to
	if len(cols) > 0 {
		if err := tx.UpdateTask(ctx, *t, from, cols...); err != nil {
			return fmt.Errorf("tasks: %s task %d: %w", verb(c.Event), t.ID, err)
		}
	}
	return tx.AddTaskEvent(ctx, models.TaskEvent{TaskID: t.ID, Actor: c.Actor, Action: string(c.Event), Note: c.Note, At: c.At})
}

// Create stores a new task in state open unless one with its dedup key
// exists, and records why; it reports whether t was added (when not, t
// is the stored task).
func Create(ctx context.Context, tx Tx, t *models.Task, note string) (bool, error) {
	t.State = Open
	created, err := tx.CreateTask(ctx, t)
	if err != nil || !created {
		return false, err
	}
	return true, tx.AddTaskEvent(ctx, models.TaskEvent{TaskID: t.ID, Actor: "earshot", Action: string(EventOpen), Note: note, At: t.OpenedAt})
}

// Escalate records that the reminder at step percent went out, if no
// other replica recorded it first; it reports whether this caller won.
func Escalate(ctx context.Context, tx Tx, t models.Task, step int, note string, now time.Time) (bool, error) {
	if !Allowed(t.State, EventEscalate) {
		return false, nil
	}
	won, err := tx.AdvanceEscalation(ctx, t.ID, t.Escalation, step)
	if err != nil || !won {
		return false, err
	}
	return true, tx.AddTaskEvent(ctx, models.TaskEvent{TaskID: t.ID, Actor: "earshot", Action: string(EventEscalate), Note: note, At: now})
}

// MarkReplied moves t to replied with the reply's text and schedules its
// follow-up followUp later.
func MarkReplied(ctx context.Context, tx Tx, t models.Task, actor, text, note string, now time.Time, followUp time.Duration) error {
	return markReplied(ctx, tx, t, EventReply, actor, text, note, now, followUp)
}

// markReplied is MarkReplied through event ev (a reply, or the approval
// of a suggested one). The history keeps the text that went out: after
// the composer edited the draft, that is what staff need to see later.
func markReplied(ctx context.Context, tx Tx, t models.Task, ev Event, actor, text, note string, now time.Time, followUp time.Duration) error {
	from := t.State
	fu := now.Add(followUp)
	t.RepliedAt, t.ReplyText, t.FollowUpAt = &now, text, &fu
	return Move(ctx, tx, &t, from, Change{Event: ev, Actor: actor, At: now,
		Note:    strings.TrimSpace(note+"; follow-up "+fu.Format(time.RFC3339)) + "\nreply: " + text,
		Columns: []string{"replied_at", "reply_text", "follow_up_at"}})
}

// Reopen puts an answered task back to open for mention m, with a fresh
// deadline, draft and severity (set on t by the caller), and no
// follow-up.
func Reopen(ctx context.Context, tx Tx, t *models.Task, why string, now time.Time) error {
	from := t.State
	t.OpenedAt, t.Escalation, t.AckedAt, t.ResolvedAt, t.FollowUpAt = now, 0, nil, nil, nil
	return Move(ctx, tx, t, from, Change{Event: EventReopen, Actor: "earshot", Note: why, At: now,
		Columns: []string{"opened_at", "due_at", "hard_due_at", "escalation", "acked_at", "resolved_at",
			"follow_up_at", "mention_id", "link", "draft", "severity"}})
}
