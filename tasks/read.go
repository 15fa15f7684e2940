package tasks

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/earshot/earshot/internal/wording"
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
	Business string   `json:"business"`
	Author   string   `json:"author"`
	Source   string   `json:"source"`
	Rating   *float64 `json:"rating,omitempty"`
	Excerpt  string   `json:"excerpt"`
	// Remaining is "due in 3 hours" or "overdue by 2 days".
	Remaining string `json:"remaining"`
	// NextAt is when the task needs attention next: the follow-up date
	// once replied, else the reply deadline.
	NextAt  time.Time `json:"next_at"`
	Overdue bool      `json:"overdue"`
}

// ListTasks returns tasks soonest deadline first, with the time left or
// overdue in words as of now.
func (s *Service) List(ctx context.Context, now time.Time, o ListOptions) ([]TaskView, error) {
	st := s.st
	f := store.TaskFilter{Assignee: o.Assignee, Limit: o.Limit}
	if !o.All {
		f.States = Active
	}
	if o.Business != "" {
		b, err := st.BusinessByName(ctx, o.Business)
		if err != nil {
			return nil, fmt.Errorf("tasks: list tasks: %w", err)
		}
		f.BusinessID = b.ID
	}
	if o.Overdue {
		f.States = unanswered
		f.Limit = 0
	}
	ts, err := st.Tasks(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("tasks: list tasks: %w", err)
	}
	ids := make([]int64, len(ts))
	for i, t := range ts {
		ids[i] = t.MentionID
	}
	mentions, err := st.Mentions(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("tasks: list tasks: %w", err)
	}
	names := map[int64]string{}
	out := make([]TaskView, 0, len(ts)) // [] in JSON, never null
	for _, t := range ts {
		m, ok := mentions[t.MentionID]
		if !ok {
			return nil, fmt.Errorf("tasks: task %d: mention %d: %w", t.ID, t.MentionID, store.ErrNotFound)
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
	v := TaskView{Task: t, Overdue: overdue(t, now), NextAt: t.DueAt}
	if t.State == models.TaskReplied || t.State == models.TaskFollowUpDue {
		v.NextAt = followUpAt(t)
	}
	if _, ok := names[t.BusinessID]; !ok {
		b, err := st.Business(ctx, t.BusinessID)
		if err != nil {
			return v, fmt.Errorf("tasks: task %d: %w", t.ID, err)
		}
		names[t.BusinessID] = b.Name
	}
	v.Business = names[t.BusinessID]
	v.Author, v.Source, v.Rating = m.Author, m.SourceKind, m.Rating
	v.Excerpt = wording.OneLine(m.Text, 80)
	switch t.State {
	case models.TaskResolved:
		v.Remaining = "resolved"
	case models.TaskReplied:
		v.Remaining = "replied; follow-up " + strings.TrimPrefix(Remaining(now, followUpAt(t)), "due ")
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
	Mention models.Mention     `json:"mention"`
	Events  []models.TaskEvent `json:"events"`
	// CanPost says whether `tasks reply --post` works for its source.
	CanPost bool `json:"can_post"`
}

// ShowTask loads a task with its mention and history.
func (s *Service) Show(ctx context.Context, now time.Time, id int64) (TaskDetail, error) {
	st := s.st
	t, err := st.Task(ctx, id)
	if err != nil {
		return TaskDetail{}, fmt.Errorf("tasks: %w", err)
	}
	m, err := st.Mention(ctx, t.MentionID)
	if err != nil {
		return TaskDetail{}, fmt.Errorf("tasks: task %d: %w", id, err)
	}
	v, err := view(ctx, st, t, m, now, map[int64]string{})
	if err != nil {
		return TaskDetail{}, err
	}
	ev, err := st.TaskEvents(ctx, id)
	if err != nil {
		return TaskDetail{}, fmt.Errorf("tasks: task %d: %w", id, err)
	}
	if ev == nil {
		ev = []models.TaskEvent{}
	}
	return TaskDetail{TaskView: v, Mention: m, Events: ev, CanPost: PostSupported(m.SourceKind)}, nil
}

// Remaining says in words how long is left until due, or how overdue a
// task is: "due in 3 hours 20 minutes", "overdue by 2 days 4 hours".
func Remaining(now, due time.Time) string {
	d := due.Sub(now)
	if d >= 0 {
		return "due in " + wording.Duration(d)
	}
	return "overdue by " + wording.Duration(-d)
}

// followUpAt is when a replied task is to be checked back on (its
// deadline for tasks stored without one).
func followUpAt(t models.Task) time.Time {
	if t.FollowUpAt != nil {
		return *t.FollowUpAt
	}
	return t.DueAt
}
