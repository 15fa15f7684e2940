package store

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/earshot/earshot/models"
	"gorm.io/gorm"
)

// The dashboard's task figures come from daily task rollups, kept by the
// same per-transaction machinery as the digest's hourly ones (see
// taskrollups.go): dashboard_task_days holds, per business and UTC day of
// opening (the days mention_days and the dashboard use), the tasks
// opened, replied and replied by their deadline, and a histogram of
// reply times in fixed log-spaced buckets; dashboard_issue_days counts
// the tasks opened per business, day and issue. A 90-day roll-up of ten
// locations reads 900 day rows instead of sorting every task of the
// period for the median. The median and the 90th percentile come from
// the histogram, to within a bucket (a reply time is placed between
// bounds 26% apart), which is what the page says ("about 3h").

// ReplyBuckets is the number of reply-time buckets: bucket 0 holds
// replies within a minute (and replies recorded before the task's
// current opening, after a reopen), bucket i the replies in
// [ReplyBound(i-1), ReplyBound(i)), and the last one everything from
// ReplyBound(ReplyBuckets-2) (36 days) on.
const ReplyBuckets = 49

// replyBounds are the bucket bounds: a minute times 2^(i/3), rounded to
// the second; fixed, since the stored counts are only comparable over
// the same bounds (migration 00270 spells them out).
var replyBounds = func() [ReplyBuckets - 1]time.Duration {
	var b [ReplyBuckets - 1]time.Duration
	for i := range b {
		b[i] = time.Duration(math.Round(60*math.Pow(2, float64(i)/3))) * time.Second
	}
	return b
}()

// ReplyBound is the upper bound of bucket i (0 ≤ i < ReplyBuckets-1).
func ReplyBound(i int) time.Duration { return replyBounds[i] }

// replyBucket is the bucket a reply time falls in.
func replyBucket(d time.Duration) int {
	return sort.Search(len(replyBounds), func(i int) bool { return replyBounds[i] > d })
}

// ReplyHistogram counts replies per reply-time bucket.
type ReplyHistogram [ReplyBuckets]int64

// Quantile estimates the q-quantile (0 ≤ q ≤ 1) of the reply times, the
// one at 0-based rank ⌊q·(n-1)⌋ as an exact lower median would pick: it
// finds the bucket holding that rank and places it within the bucket on
// a log scale (linearly in the first, which starts at zero). It reports
// false when there are no replies. The estimate is within the bucket's
// bounds of the exact value.
func (h ReplyHistogram) Quantile(q float64) (time.Duration, bool) {
	var n int64
	for _, c := range h {
		n += c
	}
	if n == 0 {
		return 0, false
	}
	rank := int64(math.Floor(q * float64(n-1)))
	for i, c := range h {
		if rank >= c {
			rank -= c
			continue
		}
		pos := (float64(rank) + 0.5) / float64(c)
		switch i {
		case 0:
			return time.Duration(pos * float64(replyBounds[0])).Round(time.Second), true
		case ReplyBuckets - 1:
			return replyBounds[i-1], true
		}
		lo, hi := float64(replyBounds[i-1]), float64(replyBounds[i])
		return time.Duration(lo * math.Pow(hi/lo, pos)).Round(time.Second), true
	}
	return 0, false // not reached: rank < n
}

// taskDayDelta is a change to one dashboard_task_days row.
type taskDayDelta struct {
	opened, replied, onTime int64
	replies                 ReplyHistogram
}

type taskDayKey struct {
	business int64
	day      string
}

func (a taskDayKey) compare(b taskDayKey) int {
	return cmp.Or(cmp.Compare(a.business, b.business), cmp.Compare(a.day, b.day))
}

type issueDayKey struct {
	business   int64
	day, issue string
}

func (a issueDayKey) compare(b issueDayKey) int {
	return cmp.Or(cmp.Compare(a.business, b.business), cmp.Compare(a.day, b.day), cmp.Compare(a.issue, b.issue))
}

func (d *taskDayDelta) plus(o *taskDayDelta) {
	d.opened += o.opened
	d.replied += o.replied
	d.onTime += o.onTime
	for i, c := range o.replies {
		d.replies[i] += c
	}
}

func dayOf(t time.Time) string { return t.UTC().Format("2006-01-02") }

// addTaskDay adds (sign 1) or takes out (sign -1) a task's contribution
// to the daily rollups, the Go side of taskDaySelect. Every kind of task
// counts, as on the dashboard. stored is what the database keeps of a
// time, so the reply time is the one the SQL computes from the stored
// columns.
func addTaskDay(days map[taskDayKey]*taskDayDelta, issues map[issueDayKey]int64, t *models.Task, sign int64, stored func(time.Time) time.Time) {
	if t.OpenedAt.IsZero() {
		return
	}
	k := taskDayKey{t.BusinessID, dayOf(t.OpenedAt)}
	d := days[k]
	if d == nil {
		d = &taskDayDelta{}
		days[k] = d
	}
	d.opened += sign
	if t.Issue != "" {
		issues[issueDayKey{k.business, k.day, t.Issue}] += sign
	}
	if t.RepliedAt == nil {
		return
	}
	d.replied += sign
	if !t.RepliedAt.After(t.DueAt) {
		d.onTime += sign
	}
	d.replies[replyBucket(stored(*t.RepliedAt).Sub(stored(t.OpenedAt)))] += sign
}

// timePrecision is what the database keeps of a time: SQLite's text
// layout keeps milliseconds (Go's formatting truncates), PostgreSQL
// rounds to microseconds.
func (s *Store) timePrecision(t time.Time) time.Time {
	if s.driver == "postgres" {
		return t.Round(time.Microsecond)
	}
	return t.Truncate(time.Millisecond)
}

// writeTaskDays upserts the daily rows in key order.
func (s *Store) writeTaskDays(ctx context.Context, days map[taskDayKey]*taskDayDelta, issues map[issueDayKey]int64) error {
	cols := replyColumns()
	set := make([]string, len(cols))
	for i, c := range cols {
		set[i] = c + " = dashboard_task_days." + c + " + excluded." + c
	}
	insert := `INSERT INTO dashboard_task_days (business_id, day, opened, replied, on_time, ` + strings.Join(cols, ", ") + `)
		VALUES (?, ?, ?, ?, ?` + strings.Repeat(", ?", len(cols)) + `)
		ON CONFLICT (business_id, day) DO UPDATE SET opened = dashboard_task_days.opened + excluded.opened,
		replied = dashboard_task_days.replied + excluded.replied, on_time = dashboard_task_days.on_time + excluded.on_time, ` + strings.Join(set, ", ")
	for _, k := range slices.SortedFunc(maps.Keys(days), taskDayKey.compare) {
		d := days[k]
		if *d == (taskDayDelta{}) {
			continue
		}
		args := []any{k.business, k.day, d.opened, d.replied, d.onTime}
		for _, c := range d.replies {
			args = append(args, c)
		}
		if err := s.q(ctx).Exec(insert, args...).Error; err != nil {
			return fmt.Errorf("store: update dashboard task day of business %d: %w", k.business, err)
		}
	}
	for _, k := range slices.SortedFunc(maps.Keys(issues), issueDayKey.compare) {
		n := issues[k]
		if n == 0 {
			continue
		}
		err := s.q(ctx).Exec(`INSERT INTO dashboard_issue_days (business_id, day, issue, tasks) VALUES (?, ?, ?, ?)
			ON CONFLICT (business_id, day, issue) DO UPDATE SET tasks = dashboard_issue_days.tasks + excluded.tasks`, k.business, k.day, k.issue, n).Error
		if err != nil {
			return fmt.Errorf("store: update dashboard issue day of business %d: %w", k.business, err)
		}
	}
	return nil
}

// replyColumns names the histogram's columns, r00 to r48.
func replyColumns() []string {
	out := make([]string, ReplyBuckets)
	for i := range out {
		out[i] = fmt.Sprintf("r%02d", i)
	}
	return out
}

// replyMillis is the SQL for a task's reply time in milliseconds, exact
// for the stored precision (SQLite: julianday differences rounded to the
// millisecond the text keeps; PostgreSQL: an exact numeric).
func (s *Store) replyMillis() string {
	if s.driver == "postgres" {
		return "EXTRACT(EPOCH FROM replied_at - opened_at) * 1000"
	}
	return "ROUND((julianday(replied_at) - julianday(opened_at)) * 86400000)"
}

// taskReplies is a derived table of the tasks matching where (a
// condition on the tasks table, with bound parameters): per task its
// business, UTC day of opening, whether it was replied by its deadline
// (on_time, 0 or 1) and its reply-time bucket (bucket, NULL unreplied).
func (s *Store) taskReplies(where string) string {
	ladder := make([]string, len(replyBounds))
	for i, b := range replyBounds {
		ladder[i] = fmt.Sprintf("WHEN ms < %d THEN %d", b.Milliseconds(), i)
	}
	// Each level is fenced (OFFSET 0): flattened into the outer query,
	// the reply time would be computed again for every bucket it is
	// compared with and every bucket for every column summed, 2,000
	// times a task (a minute for 100,000 tasks instead of half a second).
	fence := " LIMIT -1 OFFSET 0"
	if s.driver == "postgres" {
		fence = " OFFSET 0"
	}
	return `(SELECT business_id, day, on_time, CASE WHEN ms IS NULL THEN NULL
		` + joinLines(ladder, " ", 6, "\n\t\t") + `
		ELSE ` + strconv.Itoa(ReplyBuckets-1) + ` END AS bucket
	FROM (SELECT business_id, ` + s.dayExpr("opened_at") + ` AS day,
		CASE WHEN replied_at IS NOT NULL AND replied_at <= due_at THEN 1 ELSE 0 END AS on_time,
		CASE WHEN replied_at IS NOT NULL THEN ` + s.replyMillis() + ` END AS ms
		FROM tasks WHERE ` + where + fence + `) AS m` + fence + `) AS t`
}

// taskTotals is the SQL summing taskReplies' rows into the columns of
// dashboard_task_days (after business_id and day).
func taskTotals() string {
	cols := replyColumns()
	sums := make([]string, len(cols))
	for i, c := range cols {
		sums[i] = fmt.Sprintf("COALESCE(SUM(CASE WHEN bucket = %d THEN 1 ELSE 0 END), 0) AS %s", i, c)
	}
	return "COUNT(*) AS opened, COUNT(bucket) AS replied, COALESCE(SUM(on_time), 0) AS on_time,\n\t" + joinLines(sums, ", ", 3, ",\n\t")
}

// joinLines joins parts with sep, n to a line, lines joined by nl.
func joinLines(parts []string, sep string, n int, nl string) string {
	var lines []string
	for c := range slices.Chunk(parts, n) {
		lines = append(lines, strings.Join(c, sep))
	}
	return strings.Join(lines, nl)
}

// taskDaySelect computes every dashboard_task_days row from the tasks;
// migration 00270 holds the same query.
func (s *Store) taskDaySelect() string {
	return "SELECT business_id, day, " + taskTotals() + "\nFROM " + s.taskReplies("opened_at IS NOT NULL") + "\nGROUP BY business_id, day"
}

// issueDaySelect computes every dashboard_issue_days row; migration
// 00270 holds the same query.
func (s *Store) issueDaySelect() string {
	day := s.dayExpr("opened_at")
	return `SELECT business_id, ` + day + ` AS day, issue, COUNT(*) AS tasks
FROM tasks WHERE opened_at IS NOT NULL AND issue <> '' GROUP BY business_id, ` + day + `, issue`
}

// rebuildTaskDays recomputes the daily task rollups inside
// RebuildRollups' transaction, and reports the day rows written.
func (tx *Store) rebuildTaskDays(ctx context.Context) (int64, error) {
	for _, q := range []string{"DELETE FROM dashboard_task_days", "DELETE FROM dashboard_issue_days",
		"INSERT INTO dashboard_issue_days (business_id, day, issue, tasks) " + tx.issueDaySelect()} {
		if err := tx.q(ctx).Exec(q).Error; err != nil {
			return 0, fmt.Errorf("store: rebuild dashboard task rollups: %w", err)
		}
	}
	r := tx.q(ctx).Exec("INSERT INTO dashboard_task_days (business_id, day, opened, replied, on_time, " + strings.Join(replyColumns(), ", ") + ") " + tx.taskDaySelect())
	if r.Error != nil {
		return 0, fmt.Errorf("store: rebuild dashboard task rollups: %w", r.Error)
	}
	return r.RowsAffected, nil
}

// wholeDays reports whether every bound is at a UTC midnight, so the
// daily rollups add up to exactly the period asked for.
func wholeDays(bounds ...time.Time) bool {
	for _, b := range bounds {
		if !b.UTC().Truncate(24 * time.Hour).Equal(b) {
			return false
		}
	}
	return true
}

// dashTaskTotals is a period's totals of the task rollups.
type dashTaskTotals struct {
	Opened, Replied, OnTime int64
	Replies                 ReplyHistogram
}

// scanTotals reads the totals and histogram columns a query selects.
func scanTotals(row interface{ Scan(...any) error }) (dashTaskTotals, error) {
	var t dashTaskTotals
	dest := []any{&t.Opened, &t.Replied, &t.OnTime}
	for i := range t.Replies {
		dest = append(dest, &t.Replies[i])
	}
	return t, row.Scan(dest...)
}

// dashTaskTotals sums the period's tasks: from dashboard_task_days when
// the bounds are whole UTC days, from the tasks otherwise (or when scan).
func (s *Store) dashTaskTotals(ctx context.Context, businessIDs []int64, from, to time.Time, scan bool) (dashTaskTotals, error) {
	var q *gorm.DB
	if scan || !wholeDays(from, to) {
		q = s.q(ctx).Table(s.taskReplies("business_id IN ? AND opened_at >= ? AND opened_at < ?"), businessIDs, from.UTC(), to.UTC()).Select(taskTotals())
	} else {
		sums := []string{"COALESCE(SUM(opened), 0)", "COALESCE(SUM(replied), 0)", "COALESCE(SUM(on_time), 0)"}
		for _, c := range replyColumns() {
			sums = append(sums, "COALESCE(SUM("+c+"), 0)")
		}
		q = s.q(ctx).Table("dashboard_task_days").Select(strings.Join(sums, ", ")).
			Where("business_id IN ? AND day >= ? AND day < ?", businessIDs, dayOf(from), dayOf(to))
	}
	t, err := scanTotals(q.Row())
	if err != nil {
		return t, fmt.Errorf("store: dashboard response time: %w", err)
	}
	return t, nil
}
