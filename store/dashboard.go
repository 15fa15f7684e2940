package store

import (
	"context"
	"fmt"
	"time"

	"github.com/earshot/earshot/models"
)

// The dashboard's figures are aggregates computed in the database: every
// query is COUNT/SUM ... GROUP BY over an index range of (business_id,
// time) and returns at most a row per business and day, so a page over
// a million stored mentions reads a few hundred rows: the mention counts
// from mention_days, the task figures from dashboard_task_days and
// dashboard_issue_days (taskdays.go), counted from the tasks only for
// bounds that are not whole days. Days are UTC calendar days. The SQL
// text is fixed by the code; every value is a bound parameter.

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
	// Replies counts the replied ones by time from opening to reply.
	Replies ReplyHistogram
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

// DashTaskDays counts the tasks opened in [from, to) per business and
// day, from dashboard_task_days when the bounds are whole UTC days.
func (s *Store) DashTaskDays(ctx context.Context, businessIDs []int64, from, to time.Time) ([]DashTaskDay, error) {
	return s.dashTaskDays(ctx, businessIDs, from, to, !wholeDays(from, to))
}

// DashTaskDaysScan is DashTaskDays counted from the tasks.
func (s *Store) DashTaskDaysScan(ctx context.Context, businessIDs []int64, from, to time.Time) ([]DashTaskDay, error) {
	return s.dashTaskDays(ctx, businessIDs, from, to, true)
}

func (s *Store) dashTaskDays(ctx context.Context, businessIDs []int64, from, to time.Time, scan bool) ([]DashTaskDay, error) {
	if err := checkDashScope("dashboard complaints per day", businessIDs, from, to); err != nil {
		return nil, err
	}
	var out []DashTaskDay
	var err error
	if scan {
		day := s.dayExpr("opened_at")
		err = s.q(ctx).Model(&models.Task{}).
			Select("business_id, "+day+" AS day, COUNT(*) AS tasks").
			Where("business_id IN ? AND opened_at >= ? AND opened_at < ?", businessIDs, from.UTC(), to.UTC()).
			Group("business_id, " + day).Order("day, business_id").Scan(&out).Error
	} else {
		err = s.q(ctx).Table("dashboard_task_days").Select("business_id, day, opened AS tasks").
			Where("business_id IN ? AND day >= ? AND day < ? AND opened > 0", businessIDs, dayOf(from), dayOf(to)).
			Order("day, business_id").Scan(&out).Error
	}
	if err != nil {
		return nil, fmt.Errorf("store: dashboard complaints per day: %w", err)
	}
	return out, nil
}

// DashIssues counts tasks per issue opened in [from, to) and in the
// period of the same length before, most frequent first, at most limit;
// from dashboard_issue_days when the bounds are whole UTC days.
func (s *Store) DashIssues(ctx context.Context, businessIDs []int64, from, to time.Time, limit int) ([]DashIssue, error) {
	return s.dashIssues(ctx, businessIDs, from, to, limit, !wholeDays(from, to))
}

// DashIssuesScan is DashIssues counted from the tasks.
func (s *Store) DashIssuesScan(ctx context.Context, businessIDs []int64, from, to time.Time, limit int) ([]DashIssue, error) {
	return s.dashIssues(ctx, businessIDs, from, to, limit, true)
}

func (s *Store) dashIssues(ctx context.Context, businessIDs []int64, from, to time.Time, limit int, scan bool) ([]DashIssue, error) {
	if err := checkDashScope("dashboard issues", businessIDs, from, to); err != nil {
		return nil, err
	}
	prev := from.Add(-to.Sub(from))
	var out []DashIssue
	var err error
	if scan {
		err = s.q(ctx).Model(&models.Task{}).
			Select("issue, SUM(CASE WHEN opened_at >= ? THEN 1 ELSE 0 END) AS this, SUM(CASE WHEN opened_at < ? THEN 1 ELSE 0 END) AS previous", from.UTC(), from.UTC()).
			Where("business_id IN ? AND issue <> '' AND opened_at >= ? AND opened_at < ?", businessIDs, prev.UTC(), to.UTC()).
			Group("issue").Order("this DESC, previous DESC, issue").Limit(limit).Scan(&out).Error
	} else {
		fromDay := dayOf(from)
		err = s.q(ctx).Table("dashboard_issue_days").
			Select("issue, SUM(CASE WHEN day >= ? THEN tasks ELSE 0 END) AS this, SUM(CASE WHEN day < ? THEN tasks ELSE 0 END) AS previous", fromDay, fromDay).
			Where("business_id IN ? AND day >= ? AND day < ?", businessIDs, dayOf(prev), dayOf(to)).
			Group("issue").Having("SUM(tasks) > 0").Order("this DESC, previous DESC, issue").Limit(limit).Scan(&out).Error
	}
	if err != nil {
		return nil, fmt.Errorf("store: dashboard issues: %w", err)
	}
	return out, nil
}

// DashResponse measures the answers to tasks opened in [from, to): how
// many were replied, their reply times as a histogram (for the median
// and the 90th percentile), and how many of those whose deadline passed
// before now were answered in time. The counts come from
// dashboard_task_days when the bounds are whole UTC days; only the
// tasks not replied and not yet due are counted from the tasks, an index
// range of deadlines after now.
func (s *Store) DashResponse(ctx context.Context, businessIDs []int64, from, to, now time.Time) (DashResponse, error) {
	return s.dashResponse(ctx, businessIDs, from, to, now, false)
}

// DashResponseScan is DashResponse counted from the tasks.
func (s *Store) DashResponseScan(ctx context.Context, businessIDs []int64, from, to, now time.Time) (DashResponse, error) {
	return s.dashResponse(ctx, businessIDs, from, to, now, true)
}

func (s *Store) dashResponse(ctx context.Context, businessIDs []int64, from, to, now time.Time, scan bool) (DashResponse, error) {
	var r DashResponse
	if err := checkDashScope("dashboard response time", businessIDs, from, to); err != nil {
		return r, err
	}
	t, err := s.dashTaskTotals(ctx, businessIDs, from, to, scan)
	if err != nil {
		return r, err
	}
	table := "tasks"
	if s.driver == "sqlite" {
		// The deadlines after now are few; the planner would otherwise
		// read the period's tasks by opening time.
		table = "tasks INDEXED BY idx_tasks_digest_due"
	}
	var notDue int64
	err = s.q(ctx).Table(table).Where("business_id IN ? AND due_at > ? AND replied_at IS NULL AND opened_at >= ? AND opened_at < ?",
		businessIDs, now.UTC(), from.UTC(), to.UTC()).Count(&notDue).Error
	if err != nil {
		return r, fmt.Errorf("store: dashboard response time: %w", err)
	}
	return DashResponse{Opened: t.Opened, Replied: t.Replied, Due: t.Opened - notDue, OnTime: t.OnTime, Replies: t.Replies}, nil
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
