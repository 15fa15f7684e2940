package tasks

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/earshot/earshot/internal/wording"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

// ListOptions selects tasks for `earshot tasks list`, the inbox and the
// API.
type ListOptions struct {
	// Business limits the list to one business (config name).
	Business string
	// BusinessIDs, when not nil, limits the list to these businesses
	// (the ones a signed-in user may see); empty means none.
	BusinessIDs []int64
	Assignee    string
	// Overdue keeps tasks past their deadline (and follow-ups due).
	Overdue bool
	// All includes resolved tasks; by default only tasks needing work.
	All bool
	// Limit is the page size (DefaultPageSize when 0, at most
	// MaxPageSize).
	Limit int
	// Cursor is Page.Next of the previous page; empty for the first.
	Cursor string
	// Source keeps tasks of one kind of source ("trustpilot").
	Source string
	// MinSeverity keeps tasks at least this severe (4 and up is urgent).
	MinSeverity int
	// State keeps tasks in one state (it overrides All and Overdue's
	// choice of states).
	State TaskState
	// Language keeps tasks whose mention is in this language.
	Language string
	// Search keeps tasks whose mention's title, text or author contain
	// every word (full-text search in the database).
	Search string
	// Sort is the order (store.SortDeadline when empty).
	Sort store.TaskSort
	// Issue keeps tasks of one main issue ("service/slow"); OpenedFrom
	// and OpenedBefore those opened in a period (the dashboard's links).
	Issue                    string
	OpenedFrom, OpenedBefore time.Time
	// NoTotal leaves Page.Total unset, for a caller that counts with
	// Count anyway (the inbox): one COUNT less per page.
	NoTotal bool
	// WithCounts fills Page.Counts when the page can count for free: the
	// first page of a search, whose sort reads every match anyway, so its
	// counts come from the page query instead of a second run of the
	// search. Otherwise Page.Counts stays nil and the caller uses Count.
	WithCounts bool
}

// Page sizes of task lists.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// Page is one page of a task list.
type Page struct {
	Tasks []TaskView
	// Next is the cursor of the next page (ListOptions.Cursor), empty on
	// the last page.
	Next string
	// Total counts every task of the list (all pages), by COUNT in the
	// database, up to CountCap; More says the list has more than that.
	Total int64
	More  bool
	// Counts are Count's figures when ListOptions.WithCounts could
	// provide them, else nil.
	Counts *Counts
}

// CountCap is where list counts stop counting ("10000+"): beyond it an
// exact figure would cost a scan of every task for a headline.
const CountCap = 10_000

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

// Page returns one page of tasks, soonest deadline first, with the time
// left or overdue in words as of now, the cursor of the next page and
// the list's total. Filtering, ordering and paging happen in SQL (a
// keyset range of idx_tasks_next), so a page costs the same at 100 tasks
// and at 100,000: its own tasks, their mentions in one query, one COUNT.
func (s *Service) Page(ctx context.Context, now time.Time, o ListOptions) (Page, error) {
	st := s.st
	f, err := s.filter(ctx, now, o)
	if err != nil {
		return Page{}, err
	}
	limit := o.Limit
	if limit <= 0 {
		limit = DefaultPageSize
	}
	limit = min(limit, MaxPageSize)
	after, err := store.ParseTaskCursor(o.Cursor)
	if err != nil {
		return Page{}, fmt.Errorf("tasks: list tasks: %w", err)
	}
	var ts []models.Task
	var next store.TaskCursor
	var counts *Counts
	if o.WithCounts && after.IsZero() && strings.TrimSpace(o.Search) != "" {
		open, sub := countStates(f, o)
		var all, late int64
		if ts, next, all, late, err = st.TaskPageSplit(ctx, f, limit, open, sub, now); err != nil {
			return Page{}, fmt.Errorf("tasks: list tasks: %w", err)
		}
		counts = &Counts{Open: min(all, CountCap), OpenMore: all > CountCap, Overdue: min(late, CountCap), OverdueMore: late > CountCap}
	} else if ts, next, err = st.TaskPage(ctx, f, after, limit); err != nil {
		return Page{}, fmt.Errorf("tasks: list tasks: %w", err)
	}
	var total int64
	if !o.NoTotal {
		if total, err = st.CountTaskFilter(ctx, f, CountCap+1); err != nil {
			return Page{}, fmt.Errorf("tasks: list tasks: %w", err)
		}
	}
	more := total > CountCap
	total = min(total, CountCap)
	ids := make([]int64, len(ts))
	for i, t := range ts {
		ids[i] = t.MentionID
	}
	mentions, err := st.Mentions(ctx, ids)
	if err != nil {
		return Page{}, fmt.Errorf("tasks: list tasks: %w", err)
	}
	names := map[int64]string{}
	out := Page{Tasks: make([]TaskView, 0, len(ts)), Next: next.String(), Total: total, More: more, Counts: counts}
	for _, t := range ts {
		m, ok := mentions[t.MentionID]
		if !ok {
			return Page{}, fmt.Errorf("tasks: task %d: mention %d: %w", t.ID, t.MentionID, store.ErrNotFound)
		}
		v, err := view(ctx, st, t, m, now, names)
		if err != nil {
			return Page{}, err
		}
		out.Tasks = append(out.Tasks, v)
	}
	return out, nil
}

// filter is the store filter of a list.
func (s *Service) filter(ctx context.Context, now time.Time, o ListOptions) (store.TaskFilter, error) {
	f := store.TaskFilter{Assignee: o.Assignee, BusinessIDs: o.BusinessIDs, SourceKind: o.Source, MinSeverity: o.MinSeverity,
		Language: o.Language, Search: o.Search, Sort: o.Sort, Issue: o.Issue, OpenedSince: o.OpenedFrom, OpenedBefore: o.OpenedBefore}
	if !o.All {
		f.States = Active
	}
	if o.Business != "" {
		b, err := s.st.BusinessByName(ctx, o.Business)
		if err != nil {
			return f, fmt.Errorf("tasks: list tasks: %w", err)
		}
		f.BusinessID = b.ID
	}
	if o.Overdue {
		f.States = unanswered
		f.OverdueAt = now
	}
	if o.State != "" {
		f.States = []TaskState{o.State}
	}
	return f, nil
}

// Counts are the headline figures of a list.
type Counts struct {
	// Open counts the list's tasks not resolved; Overdue those past their
	// deadline or with a follow-up due; each at most CountCap, with
	// OpenMore and OverdueMore saying there are more.
	Open, Overdue         int64
	OpenMore, OverdueMore bool
}

// Count counts a list's open and overdue tasks over all its pages, by
// COUNT in the database.
func (s *Service) Count(ctx context.Context, now time.Time, o ListOptions) (Counts, error) {
	f, err := s.filter(ctx, now, o)
	if err != nil {
		return Counts{}, err
	}
	var c Counts
	open := f
	open.States = nil
	states, sub := countStates(f, o)
	for _, st := range states {
		open.States = append(open.States, TaskState(st))
	}
	if c.Open, c.Overdue, err = s.st.CountTaskSplit(ctx, open, sub, now, CountCap+1); err != nil {
		return Counts{}, fmt.Errorf("tasks: count tasks: %w", err)
	}
	c.OpenMore, c.Open = c.Open > CountCap, min(c.Open, CountCap)
	if !c.OpenMore {
		return c, nil
	}
	// Past the cap the single pass stopped early; count the overdue alone.
	late := f
	late.States, late.OverdueAt = nil, now
	for _, st := range sub {
		late.States = append(late.States, TaskState(st))
	}
	if c.Overdue, err = s.st.CountTaskFilter(ctx, late, CountCap+1); err != nil {
		return Counts{}, fmt.Errorf("tasks: count tasks: %w", err)
	}
	c.OverdueMore, c.Overdue = c.Overdue > CountCap, min(c.Overdue, CountCap)
	return c, nil
}

// countStates are the states of a list's two counts: open, the list's
// own states (the active ones when it has none), and sub, the waiting
// states among them that can be overdue (none when the list is of one
// state that cannot wait: an impossible state matches nothing). The
// overdue tasks are always some of the open ones, so one pass counts
// both.
func countStates(f store.TaskFilter, o ListOptions) (open, sub []string) {
	states := f.States
	if len(states) == 0 {
		states = Active
	}
	late := unanswered
	if o.State != "" {
		late = []TaskState{"-"}
		if slices.Contains(unanswered, o.State) {
			late = []TaskState{o.State}
		}
	}
	for _, st := range states {
		open = append(open, string(st))
	}
	for _, st := range late {
		sub = append(sub, string(st))
	}
	return open, sub
}

// List returns the first page of tasks (see Page).
func (s *Service) List(ctx context.Context, now time.Time, o ListOptions) ([]TaskView, error) {
	p, err := s.Page(ctx, now, o)
	return p.Tasks, err
}

// overdue says whether a task needs attention it has not had in time.
func overdue(t models.Task, now time.Time) bool {
	switch t.State {
	case models.TaskFollowUpDue:
		return true
	case models.TaskOpen, models.TaskAcknowledged, models.TaskAwaitingApproval:
		return now.After(t.DueAt)
	}
	return false
}

// view is a task as lists show it; m is its mention, loaded by the caller
// (in one query for a whole list).
func view(ctx context.Context, st Store, t models.Task, m models.Mention, now time.Time, names map[int64]string) (TaskView, error) {
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
