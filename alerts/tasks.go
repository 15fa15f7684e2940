package alerts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

// ListOptions selects tasks for `earshot tasks list`.
type ListOptions struct {
	// Business limits the list to one business (config name).
	Business string
	Assignee string
	// Overdue keeps tasks past their deadline (and follow-ups due).
	Overdue bool
	// All includes resolved tasks; by default only tasks needing work.
	All   bool
	Limit int
}

// TaskView is a task with what staff need to see in a list.
type TaskView struct {
	models.Task
	Business string
	Author   string
	Source   string
	Rating   *float64
	Excerpt  string
	// Remaining is "due in 3 hours" or "overdue by 2 days".
	Remaining string
	Overdue   bool
}

// active are the states that still need work.
var active = []string{models.TaskOpen, models.TaskAcknowledged, models.TaskReplied, models.TaskFollowUpDue}

// ListTasks returns tasks soonest deadline first, with the time left or
// overdue in words as of now.
func ListTasks(ctx context.Context, st *store.Store, now time.Time, o ListOptions) ([]TaskView, error) {
	f := store.TaskFilter{Assignee: o.Assignee, Limit: o.Limit}
	if !o.All {
		f.States = active
	}
	if o.Business != "" {
		b, err := st.BusinessByName(ctx, o.Business)
		if err != nil {
			return nil, fmt.Errorf("alerts: list tasks: %w", err)
		}
		f.BusinessID = b.ID
	}
	if o.Overdue {
		f.States = []string{models.TaskOpen, models.TaskAcknowledged, models.TaskFollowUpDue}
		f.Limit = 0
	}
	ts, err := st.Tasks(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("alerts: list tasks: %w", err)
	}
	ids := make([]int64, len(ts))
	for i, t := range ts {
		ids[i] = t.MentionID
	}
	mentions, err := st.Mentions(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("alerts: list tasks: %w", err)
	}
	names := map[int64]string{}
	var out []TaskView
	for _, t := range ts {
		m, ok := mentions[t.MentionID]
		if !ok {
			return nil, fmt.Errorf("alerts: task %d: mention %d: %w", t.ID, t.MentionID, store.ErrNotFound)
		}
		v, err := view(ctx, st, t, m, now, names)
		if err != nil {
			return nil, err
		}
		if o.Overdue && !v.Overdue {
			continue
		}
		out = append(out, v)
		if o.Limit > 0 && len(out) == o.Limit {
			break
		}
	}
	return out, nil
}

// overdue says whether a task needs attention it has not had in time.
func overdue(t models.Task, now time.Time) bool {
	switch t.State {
	case models.TaskFollowUpDue:
		return true
	case models.TaskOpen, models.TaskAcknowledged:
		return now.After(t.DueAt)
	}
	return false
}

// view is a task as lists show it; m is its mention, loaded by the caller
// (in one query for a whole list).
func view(ctx context.Context, st *store.Store, t models.Task, m models.Mention, now time.Time, names map[int64]string) (TaskView, error) {
	v := TaskView{Task: t, Overdue: overdue(t, now)}
	if _, ok := names[t.BusinessID]; !ok {
		b, err := st.Business(ctx, t.BusinessID)
		if err != nil {
			return v, fmt.Errorf("alerts: task %d: %w", t.ID, err)
		}
		names[t.BusinessID] = b.Name
	}
	v.Business = names[t.BusinessID]
	v.Author, v.Source, v.Rating = m.Author, m.SourceKind, m.Rating
	v.Excerpt = oneLine(m.Text, 80)
	switch t.State {
	case models.TaskResolved:
		v.Remaining = "resolved"
	case models.TaskReplied:
		v.Remaining = "replied; follow-up " + strings.TrimPrefix(Remaining(now, t.DueAt), "due ")
	case models.TaskFollowUpDue:
		v.Remaining = "follow-up due"
	default:
		v.Remaining = Remaining(now, t.DueAt)
	}
	return v, nil
}

// TaskDetail is everything `earshot tasks show` prints.
type TaskDetail struct {
	TaskView
	Mention models.Mention
	Events  []models.TaskEvent
	// CanPost says whether `tasks reply --post` works for its source.
	CanPost bool
}

// ShowTask loads a task with its mention and history.
func ShowTask(ctx context.Context, st *store.Store, now time.Time, id int64) (TaskDetail, error) {
	t, err := st.Task(ctx, id)
	if err != nil {
		return TaskDetail{}, fmt.Errorf("alerts: %w", err)
	}
	m, err := st.Mention(ctx, t.MentionID)
	if err != nil {
		return TaskDetail{}, fmt.Errorf("alerts: task %d: %w", id, err)
	}
	v, err := view(ctx, st, t, m, now, map[int64]string{})
	if err != nil {
		return TaskDetail{}, err
	}
	ev, err := st.TaskEvents(ctx, id)
	if err != nil {
		return TaskDetail{}, fmt.Errorf("alerts: task %d: %w", id, err)
	}
	return TaskDetail{TaskView: v, Mention: m, Events: ev, CanPost: PostSupported(m.SourceKind)}, nil
}

// transition moves a task from one of the allowed states, recording the
// event, in one transaction.
func transition(ctx context.Context, st *store.Store, id int64, actor, action string, allowed []string,
	apply func(tx *store.Store, t *models.Task, now time.Time) (columns []string, note string, err error)) (models.Task, error) {
	var out models.Task
	err := st.Tx(ctx, func(tx *store.Store) error {
		t, err := tx.Task(ctx, id)
		if err != nil {
			return fmt.Errorf("alerts: %w", err)
		}
		if !slices.Contains(allowed, t.State) {
			return fmt.Errorf("alerts: cannot %s task %d: it is %s (%s only from %s): %w",
				action, id, t.State, action, strings.Join(allowed, ", "), ErrBadTransition)
		}
		now := tx.Now()
		from := t.State
		cols, note, err := apply(tx, &t, now)
		if err != nil {
			return err
		}
		if err := tx.UpdateTask(ctx, t, from, cols...); err != nil {
			return fmt.Errorf("alerts: %s task %d: %w", action, id, err)
		}
		if err := tx.AddTaskEvent(ctx, models.TaskEvent{TaskID: id, Actor: actor, Action: action, Note: note, At: now}); err != nil {
			return err
		}
		out = t
		return nil
	})
	return out, err
}

// Ack records that someone is on it; escalation carries on until the
// reply, since acknowledging answers nobody.
func Ack(ctx context.Context, st *store.Store, id int64, actor string) (models.Task, error) {
	return transition(ctx, st, id, actor, "ack", []string{models.TaskOpen},
		func(tx *store.Store, t *models.Task, now time.Time) ([]string, string, error) {
			t.State, t.AckedAt = models.TaskAcknowledged, &now
			if t.Assignee == "" {
				t.Assignee = actor
			}
			return []string{"state", "acked_at", "assignee"}, "", nil
		})
}

// Resolve closes a task: the customer's problem is fixed (or there is
// nothing more to do).
func Resolve(ctx context.Context, st *store.Store, id int64, actor, note string) (models.Task, error) {
	return transition(ctx, st, id, actor, "resolve", active,
		func(tx *store.Store, t *models.Task, now time.Time) ([]string, string, error) {
			t.State, t.ResolvedAt = models.TaskResolved, &now
			return []string{"state", "resolved_at"}, note, nil
		})
}

// Assign gives a task to a user of its business.
func Assign(ctx context.Context, st *store.Store, id int64, user, actor string) (models.Task, error) {
	return transition(ctx, st, id, actor, "assign", active,
		func(tx *store.Store, t *models.Task, now time.Time) ([]string, string, error) {
			users, err := tx.Users(ctx, t.BusinessID)
			if err != nil {
				return nil, "", fmt.Errorf("alerts: assign task %d: %w", id, err)
			}
			var names []string
			for _, u := range users {
				names = append(names, u.Name)
				if strings.EqualFold(u.Name, user) {
					prev := t.Assignee
					t.Assignee = u.Name
					return []string{"assignee"}, fmt.Sprintf("from %s to %s", orNobody(prev), u.Name), nil
				}
			}
			return nil, "", fmt.Errorf("alerts: assign task %d to %q: %w; users of this business: %s", id, user, ErrUnknownUser, strings.Join(names, ", "))
		})
}

// ReplyOptions say what `earshot tasks reply` does.
type ReplyOptions struct {
	// Text is the reply; empty means the task's draft.
	Text string
	// Post publishes the reply through the platform's API (X, Mastodon,
	// Google Business Profile); otherwise the reply was made by hand at
	// the task's link and is only recorded.
	Post  bool
	Actor string
}

// Reply records (and with Post publishes) the reply to a task's
// complaint, and schedules the follow-up. When posting fails nothing is
// recorded, so the command can be run again.
func (a *Alerter) Reply(ctx context.Context, id int64, o ReplyOptions) (models.Task, error) {
	t, err := a.st.Task(ctx, id)
	if err != nil {
		return t, fmt.Errorf("alerts: %w", err)
	}
	allowed := []string{models.TaskOpen, models.TaskAcknowledged, models.TaskFollowUpDue}
	if !slices.Contains(allowed, t.State) {
		return t, fmt.Errorf("alerts: cannot reply to task %d: it is %s: %w", id, t.State, ErrBadTransition)
	}
	text := strings.TrimSpace(o.Text)
	if text == "" {
		text = t.Draft
	}
	if text == "" {
		return t, fmt.Errorf("alerts: reply to task %d: no text and no draft; pass --text", id)
	}
	note := "replied by hand at " + t.Link
	if o.Post {
		m, err := a.st.Mention(ctx, t.MentionID)
		if err != nil {
			return t, fmt.Errorf("alerts: reply to task %d: %w", id, err)
		}
		if limit := a.cfg.Alerts.ReplyLimits[m.SourceKind]; limit > 0 && len([]rune(text)) > limit {
			return t, fmt.Errorf("alerts: reply to task %d: %d characters, %s allows %d; shorten it with --text", id, len([]rune(text)), m.SourceKind, limit)
		}
		p, err := a.poster(ctx, a.st, m)
		if err != nil {
			return t, err
		}
		ref, err := p.Reply(ctx, m, text)
		if err != nil {
			return t, fmt.Errorf("alerts: reply to task %d: %w", id, err)
		}
		note = "posted on " + m.SourceKind
		if ref != "" {
			note += " (" + ref + ")"
		}
	}
	err = a.st.Tx(ctx, func(tx *store.Store) error {
		cur, err := tx.Task(ctx, id)
		if err != nil {
			return fmt.Errorf("alerts: %w", err)
		}
		return a.markReplied(ctx, tx, cur, o.Actor, text, note, a.clock.Now().UTC())
	})
	if err != nil {
		return t, err
	}
	return a.st.Task(ctx, id)
}

// IsNotFound reports whether err means the task does not exist.
func IsNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
