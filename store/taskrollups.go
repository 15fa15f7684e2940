package store

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/earshot/earshot/models"
	"gorm.io/gorm/clause"
)

// The digest's responsiveness counts come from hourly task rollups
// (digest_task_rollups): a week of a large brand holds 50,000 apology
// tasks, and the digest counted them four times for the week and four
// times again for the four weeks before. An apology task counts once in
// each of up to four hours: the hour it was opened, the hour its reply
// was due (and whether the reply came by then), and, once answered, the
// hours of its check-back date and of its resolution. CreateTask and
// UpdateTask take the task's old contribution out and put the new one in,
// in the same transaction as the write (gathered in the rollupBuffer and
// written in key order at commit, like the mention rollups).

// taskRollupDelta is a change to one digest_task_rollups row.
type taskRollupDelta struct {
	opened, due, onTime, followUpsDue, followUpsDone int64
}

type taskRollupKey struct {
	business int64
	hour     time.Time
}

func (a taskRollupKey) compare(b taskRollupKey) int {
	return cmp.Or(cmp.Compare(a.business, b.business), a.hour.Compare(b.hour))
}

// taskRollupColumns are the task columns its contribution depends on; an
// update of other columns leaves the rollups alone.
var taskRollupColumns = []string{"kind", "opened_at", "due_at", "replied_at", "follow_up_at", "resolved_at"}

// addTaskRollup adds (sign 1) or takes out (sign -1) a task's
// contribution, the Go side of taskRollupSelect.
func addTaskRollup(rows map[taskRollupKey]*taskRollupDelta, t *models.Task, sign int64) {
	if t.Kind != models.TaskApology {
		return
	}
	at := func(when time.Time) *taskRollupDelta {
		k := taskRollupKey{t.BusinessID, hourOf(when)}
		d := rows[k]
		if d == nil {
			d = &taskRollupDelta{}
			rows[k] = d
		}
		return d
	}
	if !t.OpenedAt.IsZero() {
		at(t.OpenedAt).opened += sign
	}
	if !t.DueAt.IsZero() {
		d := at(t.DueAt)
		d.due += sign
		if t.RepliedAt != nil && !t.RepliedAt.After(t.DueAt) {
			d.onTime += sign
		}
	}
	if t.RepliedAt == nil {
		return
	}
	if t.FollowUpAt != nil {
		at(*t.FollowUpAt).followUpsDue += sign
	}
	if t.ResolvedAt != nil {
		at(*t.ResolvedAt).followUpsDone += sign
	}
}

// applyTaskRollups is applyRollups for the task rollups.
func (s *Store) applyTaskRollups(ctx context.Context, rows map[taskRollupKey]*taskRollupDelta) error {
	if s.rollups != nil {
		s.rollups.addTasks(rows)
		return nil
	}
	return s.writeTaskRollups(ctx, rows)
}

func (b *rollupBuffer) addTasks(rows map[taskRollupKey]*taskRollupDelta) {
	if b.tasks == nil {
		b.tasks = map[taskRollupKey]*taskRollupDelta{}
	}
	for k, d := range rows {
		cur := b.tasks[k]
		if cur == nil {
			cur = &taskRollupDelta{}
			b.tasks[k] = cur
		}
		cur.opened += d.opened
		cur.due += d.due
		cur.onTime += d.onTime
		cur.followUpsDue += d.followUpsDue
		cur.followUpsDone += d.followUpsDone
	}
}

// writeTaskRollups upserts the rows in key order.
func (s *Store) writeTaskRollups(ctx context.Context, rows map[taskRollupKey]*taskRollupDelta) error {
	for _, k := range slices.SortedFunc(maps.Keys(rows), taskRollupKey.compare) {
		d := rows[k]
		if *d == (taskRollupDelta{}) {
			continue
		}
		err := s.q(ctx).Exec(`INSERT INTO digest_task_rollups (business_id, hour, opened, due, answered_on_time, follow_ups_due, follow_ups_done)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (business_id, hour) DO UPDATE SET
			opened = digest_task_rollups.opened + excluded.opened, due = digest_task_rollups.due + excluded.due,
			answered_on_time = digest_task_rollups.answered_on_time + excluded.answered_on_time,
			follow_ups_due = digest_task_rollups.follow_ups_due + excluded.follow_ups_due,
			follow_ups_done = digest_task_rollups.follow_ups_done + excluded.follow_ups_done`,
			k.business, k.hour, d.opened, d.due, d.onTime, d.followUpsDue, d.followUpsDone).Error
		if err != nil {
			return fmt.Errorf("store: update digest task rollup of business %d: %w", k.business, err)
		}
	}
	return nil
}

// touchesTaskRollups reports whether an update of these columns can
// change the task's contribution.
func touchesTaskRollups(columns []string) bool {
	for _, c := range columns {
		if slices.Contains(taskRollupColumns, c) {
			return true
		}
	}
	return false
}

// lockedTask reads a task for an update that changes its rollup
// contribution; on PostgreSQL the row stays locked until commit, so a
// concurrent update cannot take the same old contribution out twice.
func (s *Store) lockedTask(ctx context.Context, id int64) (models.Task, error) {
	var t models.Task
	q := s.q(ctx)
	if s.driver == "postgres" {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.Where("id = ?", id).Take(&t).Error; err != nil {
		return t, fmt.Errorf("store: task %d: %w", id, notFound(err))
	}
	return t, nil
}

// taskRollupSelect computes every task rollup row from the tasks, with
// hour the SQL expression truncating a column (COL) to its UTC hour.
// Migration 00260 holds the same query.
func taskRollupSelect(hour string) string {
	h := func(col string) string { return strings.ReplaceAll(hour, "COL", col) }
	return `SELECT business_id, hour, SUM(opened), SUM(due), SUM(answered_on_time), SUM(follow_ups_due), SUM(follow_ups_done) FROM (
		SELECT business_id, ` + h("opened_at") + ` AS hour, 1 AS opened, 0 AS due, 0 AS answered_on_time, 0 AS follow_ups_due, 0 AS follow_ups_done
			FROM tasks WHERE kind = @kind AND opened_at IS NOT NULL
		UNION ALL SELECT business_id, ` + h("due_at") + `, 0, 1, CASE WHEN replied_at IS NOT NULL AND replied_at <= due_at THEN 1 ELSE 0 END, 0, 0
			FROM tasks WHERE kind = @kind AND due_at IS NOT NULL
		UNION ALL SELECT business_id, ` + h("follow_up_at") + `, 0, 0, 0, 1, 0
			FROM tasks WHERE kind = @kind AND follow_up_at IS NOT NULL AND replied_at IS NOT NULL
		UNION ALL SELECT business_id, ` + h("resolved_at") + `, 0, 0, 0, 0, 1
			FROM tasks WHERE kind = @kind AND resolved_at IS NOT NULL AND replied_at IS NOT NULL
	) AS u GROUP BY business_id, hour`
}

// rebuildTaskRollups recomputes the task rollups inside RebuildRollups'
// transaction.
func (tx *Store) rebuildTaskRollups(ctx context.Context, hour string) (int64, error) {
	if err := tx.q(ctx).Exec("DELETE FROM digest_task_rollups").Error; err != nil {
		return 0, fmt.Errorf("store: rebuild task rollups: %w", err)
	}
	r := tx.q(ctx).Exec(`INSERT INTO digest_task_rollups (business_id, hour, opened, due, answered_on_time, follow_ups_due, follow_ups_done) `+
		taskRollupSelect(hour), map[string]any{"kind": models.TaskApology})
	if r.Error != nil {
		return 0, fmt.Errorf("store: rebuild task rollups: %w", r.Error)
	}
	return r.RowsAffected, nil
}

// digestTaskStatsRollups is DigestTaskStats from the task rollups.
func (s *Store) digestTaskStatsRollups(ctx context.Context, businessID int64, from, to time.Time) (DigestTaskCounts, error) {
	var st DigestTaskCounts
	err := s.q(ctx).Table("digest_task_rollups").
		Select(`COALESCE(SUM(opened), 0) AS opened, COALESCE(SUM(due), 0) AS due, COALESCE(SUM(answered_on_time), 0) AS answered_on_time,
			COALESCE(SUM(follow_ups_due), 0) AS follow_ups_due, COALESCE(SUM(follow_ups_done), 0) AS follow_ups_done`).
		Where("business_id = ? AND hour >= ? AND hour < ?", businessID, from.UTC(), to.UTC()).
		Scan(&st).Error
	if err != nil {
		return DigestTaskCounts{}, fmt.Errorf("store: digest task counts of business %d: %w", businessID, err)
	}
	return st, nil
}
