package store

import (
	"context"
	"fmt"
	"time"

	"github.com/earshot/earshot/models"
	"gorm.io/gorm"
)

// The dashboard's figures are aggregates computed in the database: every
// query is COUNT/SUM ... GROUP BY over an index range of (business_id,
// time) and returns at most a row per business and day, so a page over
// a million stored mentions reads a few hundred rows. Days are UTC
// calendar days. The SQL text is fixed by the code; every value is a
// bound parameter.

// DashDay is one business's activity on one UTC day.
type DashDay struct {
	BusinessID int64
	// Day is "2006-01-02".
	Day       string
	Mentions  int64
	Rated     int64
	RatingSum float64
}

// DashTaskDay is how many tasks (complaints needing an answer) one
// business opened on one UTC day.
type DashTaskDay struct {
	BusinessID int64
	Day        string
	Tasks      int64
}

// DashIssue counts the tasks opened about one issue in the period and in
// the period before it.
type DashIssue struct {
	Issue    string
	This     int64
	Previous int64
}

// DashResponse is how fast tasks opened in a period were answered.
type DashResponse struct {
	// Opened counts tasks opened in the period; Replied those answered.
	Opened  int64
	Replied int64
	// Due counts tasks whose deadline has passed or that are replied:
	// the ones that can be judged on time or late. OnTime is those
	// answered by the deadline.
	Due    int64
	OnTime int64
	// Median is the median time from opening to reply of the replied
	// ones; zero when none.
	Median time.Duration
}

// DashOpen is a business's tasks still waiting, and those past due.
type DashOpen struct {
	BusinessID int64
	Open       int64
	Overdue    int64
}

// DashSourceRuns counts a source's runs and failed runs in a period.
type DashSourceRuns struct {
	SourceID int64
	Runs     int64
	Failed   int64
}

func (s *Store) dayExpr(col string) string {
	if s.driver == "postgres" {
		return "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
	}
	// SQLite stores times as fixed-width UTC text (see Open).
	return "substr(" + col + ", 1, 10)"
}

func checkDashScope(what string, ids []int64, from, to time.Time) error {
	if len(ids) == 0 {
		return fmt.Errorf("store: %s: no business given", what)
	}
	if !to.After(from) {
		return fmt.Errorf("store: %s: period %s to %s is empty", what, from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	return nil
}

// DashMentionDays counts the mentions posted in [from, to) per business
// and day, with their ratings. It reads mention_days, the per-day counts
// that triggers keep as mentions are stored (migration 00180), so a
// period costs a row per business and day, not a row per mention. from
// and to are taken as UTC days (from's day included, to's excluded).
func (s *Store) DashMentionDays(ctx context.Context, businessIDs []int64, from, to time.Time) ([]DashDay, error) {
	if err := checkDashScope("dashboard mentions per day", businessIDs, from, to); err != nil {
		return nil, err
	}
	var out []DashDay
	err := s.q(ctx).Table("mention_days").
		Select("business_id, day, mentions, rated, rating_sum").
		Where("business_id IN ? AND day >= ? AND day < ? AND mentions > 0", businessIDs, from.UTC().Format("2006-01-02"), to.UTC().Format("2006-01-02")).
		Order("day, business_id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: dashboard mentions per day: %w", err)
	}
	return out, nil
}

// DashTaskDays counts the tasks opened in [from, to) per business and day.
func (s *Store) DashTaskDays(ctx context.Context, businessIDs []int64, from, to time.Time) ([]DashTaskDay, error) {
	if err := checkDashScope("dashboard complaints per day", businessIDs, from, to); err != nil {
		return nil, err
	}
	day := s.dayExpr("opened_at")
	var out []DashTaskDay
	err := s.q(ctx).Model(&models.Task{}).
		Select("business_id, "+day+" AS day, COUNT(*) AS tasks").
		Where("business_id IN ? AND opened_at >= ? AND opened_at < ?", businessIDs, from.UTC(), to.UTC()).
		Group("business_id, " + day).Order("day").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: dashboard complaints per day: %w", err)
	}
	return out, nil
}

// DashIssues counts tasks per issue opened in [from, to) and in the
// period of the same length before, most frequent first, at most limit.
func (s *Store) DashIssues(ctx context.Context, businessIDs []int64, from, to time.Time, limit int) ([]DashIssue, error) {
	if err := checkDashScope("dashboard issues", businessIDs, from, to); err != nil {
		return nil, err
	}
	prev := from.Add(-to.Sub(from))
	var out []DashIssue
	err := s.q(ctx).Model(&models.Task{}).
		Select("issue, SUM(CASE WHEN opened_at >= ? THEN 1 ELSE 0 END) AS this, SUM(CASE WHEN opened_at < ? THEN 1 ELSE 0 END) AS previous", from.UTC(), from.UTC()).
		Where("business_id IN ? AND issue <> '' AND opened_at >= ? AND opened_at < ?", businessIDs, prev.UTC(), to.UTC()).
		Group("issue").Order("this DESC, previous DESC, issue").Limit(limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: dashboard issues: %w", err)
	}
	return out, nil
}

// DashResponse measures the answers to tasks opened in [from, to): how
// many were replied, the median time to reply, and how many of those
// whose deadline passed before now were answered in time. The median is
// one ordered read of the replied tasks' reply times at the middle
// offset, not a load of them all.
func (s *Store) DashResponse(ctx context.Context, businessIDs []int64, from, to, now time.Time) (DashResponse, error) {
	var r DashResponse
	if err := checkDashScope("dashboard response time", businessIDs, from, to); err != nil {
		return r, err
	}
	scope := func() *gorm.DB {
		return s.q(ctx).Model(&models.Task{}).Where("business_id IN ? AND opened_at >= ? AND opened_at < ?", businessIDs, from.UTC(), to.UTC())
	}
	err := scope().Select(`COUNT(*) AS opened, COUNT(replied_at) AS replied,
		COALESCE(SUM(CASE WHEN replied_at IS NOT NULL OR due_at <= ? THEN 1 ELSE 0 END), 0) AS due,
		COALESCE(SUM(CASE WHEN replied_at IS NOT NULL AND replied_at <= due_at THEN 1 ELSE 0 END), 0) AS on_time`, now.UTC()).
		Scan(&r).Error
	if err != nil {
		return r, fmt.Errorf("store: dashboard response time: %w", err)
	}
	if r.Replied == 0 {
		return r, nil
	}
	secs := "(julianday(replied_at) - julianday(opened_at)) * 86400.0"
	if s.driver == "postgres" {
		secs = "EXTRACT(EPOCH FROM replied_at - opened_at)"
	}
	var med []float64
	err = scope().Where("replied_at IS NOT NULL").Order(secs).Offset(int((r.Replied-1)/2)).Limit(1).Pluck(secs, &med).Error
	if err != nil {
		return r, fmt.Errorf("store: dashboard median reply time: %w", err)
	}
	if len(med) == 1 {
		r.Median = time.Duration(med[0] * float64(time.Second)).Round(time.Second)
	}
	return r, nil
}

// DashOpenTasks counts each business's tasks not resolved, and those
// whose deadline passed before now without a reply.
func (s *Store) DashOpenTasks(ctx context.Context, businessIDs []int64, now time.Time) ([]DashOpen, error) {
	if len(businessIDs) == 0 {
		return nil, fmt.Errorf("store: dashboard open tasks: no business given")
	}
	waiting := []models.TaskState{models.TaskOpen, models.TaskAcknowledged, models.TaskAwaitingApproval, models.TaskFollowUpDue}
	var out []DashOpen
	err := s.q(ctx).Model(&models.Task{}).
		Select("business_id, COUNT(*) AS open, COALESCE(SUM(CASE WHEN due_at < ? THEN 1 ELSE 0 END), 0) AS overdue", now.UTC()).
		Where("business_id IN ? AND state IN ?", businessIDs, waiting).
		Group("business_id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: dashboard open tasks: %w", err)
	}
	return out, nil
}

// DashSourceRuns counts each source's runs started in [from, to) and the
// ones that failed.
func (s *Store) DashSourceRuns(ctx context.Context, sourceIDs []int64, from, to time.Time) ([]DashSourceRuns, error) {
	if len(sourceIDs) == 0 {
		return nil, nil
	}
	var out []DashSourceRuns
	err := s.q(ctx).Table("source_runs").
		Select("source_id, COUNT(*) AS runs, COALESCE(SUM(CASE WHEN error_class <> '' THEN 1 ELSE 0 END), 0) AS failed").
		Where("source_id IN ? AND started_at >= ? AND started_at < ?", sourceIDs, from.UTC(), to.UTC()).
		Group("source_id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: dashboard source runs: %w", err)
	}
	return out, nil
}
