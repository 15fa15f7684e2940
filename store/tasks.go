package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/earshot/earshot/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// CreateTask stores a task unless one with the same DedupKey exists; it
// reports whether it was added. When it was not, t is replaced by the
// stored task, so the caller can reopen or update it instead. The unique
// key is what keeps two replicas from opening two tasks for one complaint.
func (s *Store) CreateTask(ctx context.Context, t *models.Task) (bool, error) {
	if t.DedupKey == "" {
		return false, fmt.Errorf("store: create %s task for mention %d: empty dedup key", t.Kind, t.MentionID)
	}
	if t.OpenedAt.IsZero() {
		t.OpenedAt = s.Now()
	}
	if t.AuthorKey == "" && t.SourceKind == "" && t.MentionID != 0 {
		// The repeat-author lookup reads these from the task; callers
		// that know the mention set them and save this read.
		m, err := s.Mention(ctx, t.MentionID)
		if err != nil {
			return false, fmt.Errorf("store: create task %s: %w", t.DedupKey, err)
		}
		t.AuthorKey, t.SourceKind = m.Author, m.SourceKind
	}
	t.ID = 0
	r := s.q(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(t)
	if r.Error != nil {
		return false, fmt.Errorf("store: create task %s: %w", t.DedupKey, r.Error)
	}
	if r.RowsAffected > 0 {
		var ch taskChange
		s.addTask(&ch, t, 1)
		if err := s.applyTaskRollups(ctx, &ch); err != nil {
			return false, err
		}
		resolved, err := s.resolvedChange(ctx, nil, t)
		if err != nil {
			return false, err
		}
		return true, s.applyResolved(ctx, resolved)
	}
	existing, err := s.TaskByDedupKey(ctx, t.DedupKey)
	if err != nil {
		return false, err
	}
	*t = existing
	return false, nil
}

// Task loads one task.
func (s *Store) Task(ctx context.Context, id int64) (models.Task, error) {
	var t models.Task
	if err := s.q(ctx).First(&t, id).Error; err != nil {
		return t, fmt.Errorf("store: task %d: %w", id, notFound(err))
	}
	return t, nil
}

// TaskByDedupKey loads the task opened for a dedup key.
func (s *Store) TaskByDedupKey(ctx context.Context, key string) (models.Task, error) {
	var t models.Task
	if err := s.q(ctx).Where("dedup_key = ?", key).First(&t).Error; err != nil {
		return t, fmt.Errorf("store: task %q: %w", key, notFound(err))
	}
	return t, nil
}

// ErrConflict means a row changed under the caller (another replica or
// staff member acted first).
var ErrConflict = errors.New("changed concurrently")

// UpdateTask writes the named columns of t. When fromState is not empty
// the update only happens while the task is still in that state, and
// ErrConflict is returned otherwise, so two people acknowledging at once
// do not both win.
func (s *Store) UpdateTask(ctx context.Context, t models.Task, fromState models.TaskState, columns ...string) error {
	if touchesTaskRollups(columns) {
		// The digest's task rollups need the contribution before and
		// after: read, update and re-read in one transaction (the
		// caller's, when there is one, without a savepoint).
		fn := func(tx *Store) error {
			old, err := tx.lockedTask(ctx, t.ID)
			if err != nil {
				return err
			}
			if err := tx.updateTask(ctx, t, fromState, columns); err != nil {
				return err
			}
			cur, err := tx.Task(ctx, t.ID)
			if err != nil {
				return err
			}
			var ch taskChange
			tx.addTask(&ch, &old, -1)
			tx.addTask(&ch, &cur, 1)
			if err := tx.applyTaskRollups(ctx, &ch); err != nil {
				return err
			}
			resolved, err := tx.resolvedChange(ctx, &old, &cur)
			if err != nil {
				return err
			}
			return tx.applyResolved(ctx, resolved)
		}
		if s.rollups != nil {
			return fn(s)
		}
		return s.Tx(ctx, fn)
	}
	return s.updateTask(ctx, t, fromState, columns)
}

func (s *Store) updateTask(ctx context.Context, t models.Task, fromState models.TaskState, columns []string) error {
	q := s.q(ctx).Model(&models.Task{}).Where("id = ?", t.ID)
	if fromState != "" {
		q = q.Where("state = ?", fromState)
	}
	t.UpdatedAt = s.Now()
	r := q.Select(append(columns, "updated_at")).Updates(&t)
	if r.Error != nil {
		return fmt.Errorf("store: update task %d: %w", t.ID, r.Error)
	}
	if r.RowsAffected == 0 {
		if _, err := s.Task(ctx, t.ID); err != nil {
			return err
		}
		if fromState != "" {
			return fmt.Errorf("store: update task %d: no longer %s: %w", t.ID, fromState, ErrConflict)
		}
	}
	return nil
}

// AddTaskEvent records who did what to a task.
func (s *Store) AddTaskEvent(ctx context.Context, e models.TaskEvent) error {
	e.ID = 0
	if e.At.IsZero() {
		e.At = s.Now()
	}
	// A plain INSERT: gorm's Create reflected over the struct and read
	// back the ID nobody uses, a twentieth of a burst's CPU.
	if err := s.q(ctx).Exec(`INSERT INTO task_events (task_id, actor, action, note, "at") VALUES (?, ?, ?, ?, ?)`,
		e.TaskID, e.Actor, e.Action, e.Note, e.At).Error; err != nil {
		return fmt.Errorf("store: record %s on task %d: %w", e.Action, e.TaskID, err)
	}
	return nil
}

// TaskEvents lists a task's history, oldest first.
func (s *Store) TaskEvents(ctx context.Context, taskID int64) ([]models.TaskEvent, error) {
	var out []models.TaskEvent
	if err := s.q(ctx).Where("task_id = ?", taskID).Order("at, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: events of task %d: %w", taskID, err)
	}
	return out, nil
}

// TaskFilter selects tasks; zero fields match everything.
type TaskFilter struct {
	BusinessID int64
	// BusinessIDs, when not nil, keeps tasks of these businesses only
	// (an empty, non-nil list keeps none).
	BusinessIDs []int64
	MentionID   int64
	Kind        string
	States      []models.TaskState
	// Assignee matches regardless of case.
	Assignee string
	Issue    string
	// FollowUpBy keeps tasks whose follow-up date is at or before this
	// time.
	FollowUpBy time.Time
	// OpenedSince keeps tasks opened at or after this time;
	// OpenedBefore those opened before this one.
	OpenedSince, OpenedBefore time.Time
	// IncidentID keeps the tasks of one incident.
	IncidentID int64
	// OverdueAt keeps tasks whose reply deadline passed before this
	// time, and follow-ups due.
	OverdueAt time.Time
	// SourceKind keeps tasks of mentions from one kind of source.
	SourceKind string
	// MinSeverity keeps tasks at least this severe.
	MinSeverity int
	// Language keeps tasks whose mention is in this language ("ja");
	// "en" also matches tasks with no language recorded (English).
	Language string
	// Search keeps tasks whose mention's title, text or author contain
	// every word of it (full-text search; see searchClause).
	Search string
	// Sort orders TaskPage; the zero value is SortDeadline.
	Sort  TaskSort
	Limit int
}

// taskQuery applies a filter.
func (s *Store) taskQuery(ctx context.Context, f TaskFilter) *gorm.DB {
	q := s.q(ctx).Model(&models.Task{})
	if f.BusinessIDs != nil {
		if len(f.BusinessIDs) == 0 {
			q = q.Where("1 = 0")
		} else {
			q = q.Where("business_id IN ?", f.BusinessIDs)
		}
	}
	if f.BusinessID != 0 {
		q = q.Where("business_id = ?", f.BusinessID)
	}
	if f.MentionID != 0 {
		q = q.Where("mention_id = ?", f.MentionID)
	}
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if len(f.States) > 0 {
		q = q.Where("state IN ?", f.States)
	}
	if f.Assignee != "" {
		// Names are matched as people type them: `--assignee lee` finds
		// tasks assigned to "Lee" (Assign stores the user's own spelling).
		q = q.Where("LOWER(assignee) = LOWER(?)", f.Assignee)
	}
	if f.Issue != "" {
		q = q.Where("issue = ?", f.Issue)
	}
	if !f.FollowUpBy.IsZero() {
		q = q.Where("follow_up_at <= ?", f.FollowUpBy.UTC())
	}
	if !f.OpenedSince.IsZero() {
		q = q.Where("opened_at >= ?", f.OpenedSince.UTC())
	}
	if !f.OpenedBefore.IsZero() {
		q = q.Where("opened_at < ?", f.OpenedBefore.UTC())
	}
	if f.IncidentID != 0 {
		q = q.Where("incident_id = ?", f.IncidentID)
	}
	if !f.OverdueAt.IsZero() {
		q = q.Where("(state = ? OR due_at < ?)", models.TaskFollowUpDue, f.OverdueAt.UTC())
	}
	if f.SourceKind != "" {
		q = q.Where("source_kind = ?", f.SourceKind)
	}
	if f.MinSeverity > 0 {
		q = q.Where("severity >= ?", f.MinSeverity)
	}
	switch {
	case f.Language == "en":
		q = q.Where("language IN ?", []string{"", "en"})
	case f.Language != "":
		q = q.Where("language = ?", f.Language)
	}
	if sql, arg, ok := s.searchClause(f.Search); ok {
		q = q.Where(sql, arg)
	}
	return q
}

// taskOrder is the order of every task list: when the task needs
// attention next (the follow-up date once replied, else the reply
// deadline), then ID. The same expression is indexed (idx_tasks_next and
// its per-state and per-business forms), so a page is an index range.
const taskOrder = "COALESCE(follow_up_at, due_at), id"

// Tasks lists tasks by when they need attention next, soonest first: the
// follow-up date once replied, else the reply deadline. Lists shown to
// people use TaskPage; this is for the policy's bounded reads.
func (s *Store) Tasks(ctx context.Context, f TaskFilter) ([]models.Task, error) {
	q := s.taskQuery(ctx, f)
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var out []models.Task
	if err := q.Order(taskOrder).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list tasks: %w", err)
	}
	return out, nil
}

// TaskPage lists up to limit tasks matching f that come after cursor in
// the order f.Sort (keyset paging: the cost of a page does not depend on
// how many came before it). next is the cursor of the following page,
// zero at the end of the list. A cursor made for another sort is
// ErrBadCursor.
func (s *Store) TaskPage(ctx context.Context, f TaskFilter, after TaskCursor, limit int) (page []models.Task, next TaskCursor, err error) {
	if limit <= 0 {
		return nil, TaskCursor{}, fmt.Errorf("store: list tasks: page limit %d: must be positive", limit)
	}
	sort := f.Sort
	if sort == "" {
		sort = SortDeadline
	}
	q := s.taskQuery(ctx, f)
	if !after.IsZero() {
		if after.Sort != sort {
			return nil, TaskCursor{}, fmt.Errorf("store: list tasks: cursor of the %s order used for %s: %w", after.Sort, sort, ErrBadCursor)
		}
		cond, args := after.after()
		q = q.Where(cond, args...)
	}
	// One more than asked says whether there is a next page.
	if err := q.Order(sort.order()).Limit(limit + 1).Find(&page).Error; err != nil {
		return nil, TaskCursor{}, fmt.Errorf("store: list tasks: %w", err)
	}
	if len(page) > limit {
		page = page[:limit]
		next = cursorIn(sort, page[limit-1])
	}
	return page, next, nil
}

// CountTaskFilter counts the tasks matching f in the database (COUNT),
// loading none. With upTo > 0 it stops counting there: the answer is
// min(count, upTo), so a headline count costs the same at 10,000 tasks
// and at a million.
func (s *Store) CountTaskFilter(ctx context.Context, f TaskFilter, upTo int64) (int64, error) {
	var n int64
	q := s.taskQuery(ctx, f)
	if upTo > 0 {
		q = s.q(ctx).Table("(?) AS capped", q.Select("1").Limit(int(upTo)))
	}
	if err := q.Count(&n).Error; err != nil {
		return 0, fmt.Errorf("store: count tasks: %w", err)
	}
	return n, nil
}

// CountTaskSplit counts, in one pass, the tasks matching f and those of
// them in one of the states sub whose reply deadline passed before at
// (or whose follow-up is due): the inbox's "open" and "overdue" figures.
// A search is the costly part of a filter, and two COUNTs ran it twice.
// Like CountTaskFilter it reads at most upTo tasks; when all reaches upTo
// the rows read were not all of them, so late is only a lower bound and
// a caller wanting it exact counts it alone.
func (s *Store) CountTaskSplit(ctx context.Context, f TaskFilter, sub []string, at time.Time, upTo int64) (all, late int64, err error) {
	if upTo <= 0 {
		return 0, 0, fmt.Errorf("store: count tasks: cap %d: must be positive", upTo)
	}
	inner := s.taskQuery(ctx, f).Select("state, due_at").Limit(int(upTo))
	var r struct{ All, Late int64 }
	err = s.q(ctx).Table("(?) AS capped", inner).
		Select("COUNT(*) AS \"all\", COALESCE(SUM(CASE WHEN state IN ? AND (state = ? OR due_at < ?) THEN 1 ELSE 0 END), 0) AS late",
			sub, models.TaskFollowUpDue, at.UTC()).
		Scan(&r).Error
	if err != nil {
		return 0, 0, fmt.Errorf("store: count tasks: %w", err)
	}
	return r.All, r.Late, nil
}

// TaskPageSplit is the first page of TaskPage with CountTaskSplit's two
// figures taken from the same query (window sums over every match, not
// capped): all counts the matches in one of the states open, late those
// in one of sub whose deadline passed before at or whose follow-up is
// due. For a search the sort reads every match anyway, so on SQLite this
// costs one run of the search where a page and its count cost two.
func (s *Store) TaskPageSplit(ctx context.Context, f TaskFilter, limit int, open, sub []string, at time.Time) (page []models.Task, next TaskCursor, all, late int64, err error) {
	if limit <= 0 {
		return nil, TaskCursor{}, 0, 0, fmt.Errorf("store: list tasks: page limit %d: must be positive", limit)
	}
	if s.driver == "postgres" {
		// PostgreSQL plans the window sums over every match worse than a
		// page and one counting pass (BENCHMARKS.md, inbox run 4), so it
		// gets those: the same figures, two runs of the search.
		if page, next, err = s.TaskPage(ctx, f, TaskCursor{}, limit); err != nil {
			return nil, TaskCursor{}, 0, 0, err
		}
		counted := f
		counted.States = make([]models.TaskState, len(open))
		for i, st := range open {
			counted.States[i] = models.TaskState(st)
		}
		all, late, err = s.CountTaskSplit(ctx, counted, sub, at, math.MaxInt32)
		return page, next, all, late, err
	}
	sort := f.Sort
	if sort == "" {
		sort = SortDeadline
	}
	var rows []struct {
		models.Task `gorm:"embedded"`
		SplitAll    int64
		SplitLate   int64
	}
	err = s.taskQuery(ctx, f).
		Select("*, SUM(CASE WHEN state IN ? THEN 1 ELSE 0 END) OVER () AS split_all, "+
			"SUM(CASE WHEN state IN ? AND (state = ? OR due_at < ?) THEN 1 ELSE 0 END) OVER () AS split_late",
			open, sub, models.TaskFollowUpDue, at.UTC()).
		Order(sort.order()).Limit(limit + 1).Scan(&rows).Error
	if err != nil {
		return nil, TaskCursor{}, 0, 0, fmt.Errorf("store: list tasks: %w", err)
	}
	for _, r := range rows {
		page = append(page, r.Task)
	}
	if len(rows) > 0 {
		all, late = rows[0].SplitAll, rows[0].SplitLate
	}
	if len(page) > limit {
		page = page[:limit]
		next = cursorIn(sort, page[limit-1])
	}
	return page, next, all, late, nil
}

// SetIncident groups tasks into the incident led by incidentID.
func (s *Store) SetIncident(ctx context.Context, incidentID int64, taskIDs []int64) error {
	if len(taskIDs) == 0 {
		return nil
	}
	if err := s.q(ctx).Model(&models.Task{}).Where("id IN ?", taskIDs).
		Updates(map[string]any{"incident_id": incidentID, "updated_at": s.Now()}).Error; err != nil {
		return fmt.Errorf("store: group %d tasks into incident %d: %w", len(taskIDs), incidentID, err)
	}
	return nil
}

// LatestTaskByAuthor returns the newest task of a kind opened for any
// mention by one author on one source kind of a business, so a repeat
// complaint can reopen the earlier task. It reports false when there is
// none. It reads one entry of idx_tasks_author (the task keeps its
// mention's author), so a name shared by thousands ("Amazon Customer")
// costs what a unique one does.
func (s *Store) LatestTaskByAuthor(ctx context.Context, businessID int64, sourceKind, author, kind string) (models.Task, bool, error) {
	var ts []models.Task
	err := s.q(ctx).Where("business_id = ? AND source_kind = ? AND author_key = ? AND kind = ?", businessID, sourceKind, author, kind).
		Order("id DESC").Limit(1).Find(&ts).Error
	if err != nil {
		return models.Task{}, false, fmt.Errorf("store: tasks of author on %s: %w", sourceKind, err)
	}
	if len(ts) == 0 {
		return models.Task{}, false, nil
	}
	return ts[0], true, nil
}

// AdvanceEscalation records that escalation step to was notified, if the
// task is still at step from; it reports whether this caller won, so two
// replicas checking deadlines at once send one reminder.
func (s *Store) AdvanceEscalation(ctx context.Context, taskID int64, from, to int) (bool, error) {
	r := s.q(ctx).Model(&models.Task{}).Where("id = ? AND escalation = ?", taskID, from).
		Updates(map[string]any{"escalation": to, "updated_at": s.Now()})
	if r.Error != nil {
		return false, fmt.Errorf("store: escalate task %d: %w", taskID, r.Error)
	}
	return r.RowsAffected > 0, nil
}

// ClaimTaskPost takes task t (as the caller read it) for posting its
// reply: it records key, by and at and counts the attempt, only while
// the task is still in the state, attempt count and claimant the caller
// read. A conditional UPDATE is atomic on SQLite and PostgreSQL alike,
// so of two submits that read the same row one wins and the other gets
// false.
func (s *Store) ClaimTaskPost(ctx context.Context, t models.Task, key, by string, at time.Time) (bool, error) {
	r := s.q(ctx).Model(&models.Task{}).
		Where("id = ? AND state = ? AND post_attempts = ? AND post_claimed_by = ?", t.ID, t.State, t.PostAttempts, t.PostClaimedBy).
		Updates(map[string]any{"post_key": key, "post_claimed_at": at.UTC(), "post_claimed_by": by,
			"post_attempts": t.PostAttempts + 1, "updated_at": s.Now()})
	if r.Error != nil {
		return false, fmt.Errorf("store: claim task %d for posting: %w", t.ID, r.Error)
	}
	return r.RowsAffected > 0, nil
}

// ReleaseTaskPost ends by's posting claim on a task. settled says the
// outcome is known (recorded, or the platform refused the post), so the
// next attempt need not look on the platform first; otherwise the
// attempt stays counted.
func (s *Store) ReleaseTaskPost(ctx context.Context, id int64, by string, settled bool) error {
	set := map[string]any{"post_claimed_at": nil, "post_claimed_by": ""}
	if settled {
		set["post_attempts"] = 0
	}
	if err := s.q(ctx).Model(&models.Task{}).Where("id = ? AND post_claimed_by = ?", id, by).Updates(set).Error; err != nil {
		return fmt.Errorf("store: release posting claim on task %d: %w", id, err)
	}
	return nil
}

// ExistingDedupKeys reports which of keys name a task, a few statements
// for a whole batch (rowChunks) instead of a lookup per key.
func (s *Store) ExistingDedupKeys(ctx context.Context, keys []string) (map[string]bool, error) {
	out := map[string]bool{}
	err := eachChunk(len(keys), func(from, to int) error {
		var found []string
		if err := s.q(ctx).Model(&models.Task{}).Where("dedup_key IN ?", keys[from:to]).Pluck("dedup_key", &found).Error; err != nil {
			return fmt.Errorf("store: tasks of %d keys: %w", to-from, err)
		}
		for _, k := range found {
			out[k] = true
		}
		return nil
	})
	return out, err
}
