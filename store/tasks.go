package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/earshot/earshot/models"
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
	t.ID = 0
	r := s.q(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(t)
	if r.Error != nil {
		return false, fmt.Errorf("store: create task %s: %w", t.DedupKey, r.Error)
	}
	if r.RowsAffected > 0 {
		return true, nil
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
	if err := s.q(ctx).Create(&e).Error; err != nil {
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
	MentionID  int64
	Kind       string
	States     []models.TaskState
	// Assignee matches regardless of case.
	Assignee string
	Issue    string
	// FollowUpBy keeps tasks whose follow-up date is at or before this
	// time.
	FollowUpBy time.Time
	// OpenedSince keeps tasks opened at or after this time.
	OpenedSince time.Time
	// IncidentID keeps the tasks of one incident.
	IncidentID int64
	Limit      int
}

// Tasks lists tasks by when they need attention next, soonest first: the
// follow-up date once replied, else the reply deadline.
func (s *Store) Tasks(ctx context.Context, f TaskFilter) ([]models.Task, error) {
	q := s.q(ctx).Model(&models.Task{})
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
	if f.IncidentID != 0 {
		q = q.Where("incident_id = ?", f.IncidentID)
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var out []models.Task
	if err := q.Order("COALESCE(follow_up_at, due_at), id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list tasks: %w", err)
	}
	return out, nil
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
// none.
func (s *Store) LatestTaskByAuthor(ctx context.Context, businessID int64, sourceKind, author, kind string) (models.Task, bool, error) {
	var ts []models.Task
	err := s.q(ctx).Model(&models.Task{}).Select("tasks.*").
		Joins("JOIN mentions ON mentions.id = tasks.mention_id").
		Where("mentions.business_id = ? AND mentions.source_kind = ? AND mentions.author = ? AND tasks.kind = ?", businessID, sourceKind, author, kind).
		Order("tasks.id DESC").Limit(1).Find(&ts).Error
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
