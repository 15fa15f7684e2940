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
var taskRollupColumns = []string{"kind", "opened_at", "due_at", "replied_at", "follow_up_at", "resolved_at", "state", "mention_id", "business_id", "issue"}

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

// taskChange is a task write's change to the task rollups: the digest's
// hourly rows and the dashboard's daily ones (taskdays.go), gathered
// and written together.
type taskChange struct {
	hours  map[taskRollupKey]*taskRollupDelta
	days   map[taskDayKey]*taskDayDelta
	issues map[issueDayKey]int64
}

// addTask adds (sign 1) or takes out (sign -1) a task's contribution to
// every task rollup.
func (s *Store) addTask(c *taskChange, t *models.Task, sign int64) {
	c.init()
	addTaskRollup(c.hours, t, sign)
	addTaskDay(c.days, c.issues, t, sign, s.timePrecision)
}

func (c *taskChange) init() {
	if c.hours == nil {
		c.hours, c.days, c.issues = map[taskRollupKey]*taskRollupDelta{}, map[taskDayKey]*taskDayDelta{}, map[issueDayKey]int64{}
	}
}

// merge adds o's changes into c.
func (c *taskChange) merge(o *taskChange) {
	if o.hours == nil {
		return
	}
	c.init()
	mergeDeltas(c.hours, o.hours)
	mergeDeltas(c.days, o.days)
	addCounts(c.issues, o.issues)
}

// applyTaskRollups is applyRollups for the task rollups.
func (s *Store) applyTaskRollups(ctx context.Context, c *taskChange) error {
	if s.rollups != nil {
		s.rollups.tasks.merge(c)
		return nil
	}
	return s.writeTaskChange(ctx, c)
}

// writeTaskChange writes every task rollup's rows.
func (s *Store) writeTaskChange(ctx context.Context, c *taskChange) error {
	if err := s.writeTaskRollups(ctx, c.hours); err != nil {
		return err
	}
	return s.writeTaskDays(ctx, c.days, c.issues)
}

func (d *taskRollupDelta) plus(o *taskRollupDelta) {
	d.opened += o.opened
	d.due += o.due
	d.onTime += o.onTime
	d.followUpsDue += o.followUpsDue
	d.followUpsDone += o.followUpsDone
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
	for _, q := range []string{"DELETE FROM digest_task_rollups", "DELETE FROM digest_resolved_rollups"} {
		if err := tx.q(ctx).Exec(q).Error; err != nil {
			return 0, fmt.Errorf("store: rebuild task rollups: %w", err)
		}
	}
	if err := tx.q(ctx).Exec(`INSERT INTO digest_resolved_rollups (business_id, hour, category, tasks) `+resolvedRollupSelect(hour),
		map[string]any{"negative": models.PolarityNegative, "resolved": models.TaskResolved}).Error; err != nil {
		return 0, fmt.Errorf("store: rebuild resolved-issue rollups: %w", err)
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

// The issues that "came back" need the categories of the complaints
// resolved in the four weeks before (DigestResolvedIssueCategories);
// joining 40,000 resolved tasks to their aspects cost a fifth of a large
// brand's digest. digest_resolved_rollups counts, per business, UTC hour
// of resolution and issue category, the resolved tasks whose mention
// raised that issue (a negative aspect of any of its analyses, as the
// scan joins them). A task counts while it is resolved: UpdateTask moves
// it in and out, and SaveAnalysis adds the categories a new analysis of a
// resolved complaint's mention raises for the first time.

type resolvedKey struct {
	business int64
	hour     time.Time
	category string
}

func (a resolvedKey) compare(b resolvedKey) int {
	return cmp.Or(cmp.Compare(a.business, b.business), a.hour.Compare(b.hour), cmp.Compare(a.category, b.category))
}

// resolvedHour is the hour a task counts in, or false while it is not
// resolved.
func resolvedHour(t *models.Task) (time.Time, bool) {
	if t.State != models.TaskResolved || t.ResolvedAt == nil {
		return time.Time{}, false
	}
	return hourOf(*t.ResolvedAt), true
}

// mentionIssueCategories lists the distinct categories of a mention's
// negative aspects, over all its analyses but the one excluded (0: none).
func (s *Store) mentionIssueCategories(ctx context.Context, mentionID, excludeAnalysis int64) ([]string, error) {
	var out []string
	err := s.q(ctx).Model(&models.Aspect{}).Distinct("category").
		Where("mention_id = ? AND analysis_id <> ? AND polarity = ? AND category <> ''", mentionID, excludeAnalysis, models.PolarityNegative).
		Pluck("category", &out).Error
	if err != nil {
		return nil, fmt.Errorf("store: issues of mention %d: %w", mentionID, err)
	}
	return out, nil
}

// resolvedChange is the change to the resolved-issue rollups of a task
// moving from old to cur (either may be nil: created, or not counted).
func (s *Store) resolvedChange(ctx context.Context, old, cur *models.Task) (map[resolvedKey]int64, error) {
	out := map[resolvedKey]int64{}
	for _, x := range []struct {
		t    *models.Task
		sign int64
	}{{old, -1}, {cur, 1}} {
		if x.t == nil {
			continue
		}
		hour, ok := resolvedHour(x.t)
		if !ok {
			continue
		}
		cats, err := s.mentionIssueCategories(ctx, x.t.MentionID, 0)
		if err != nil {
			return nil, err
		}
		for _, c := range cats {
			out[resolvedKey{x.t.BusinessID, hour, c}] += x.sign
		}
	}
	return out, nil
}

// resolvedOnAnalysis adds the categories analysis a raises for the first
// time to the rollups of its mention's resolved tasks.
func (s *Store) resolvedOnAnalysis(ctx context.Context, a *models.Analysis) (map[resolvedKey]int64, error) {
	fresh := map[string]bool{}
	for _, x := range a.Aspects {
		if x.Polarity == models.PolarityNegative && x.Category != "" {
			fresh[x.Category] = true
		}
	}
	if len(fresh) == 0 {
		return nil, nil
	}
	var tasks []models.Task
	if err := s.q(ctx).Select("id, business_id, mention_id, state, resolved_at").
		Where("mention_id = ? AND state = ? AND resolved_at IS NOT NULL", a.MentionID, models.TaskResolved).Find(&tasks).Error; err != nil {
		return nil, fmt.Errorf("store: resolved tasks of mention %d: %w", a.MentionID, err)
	}
	if len(tasks) == 0 {
		return nil, nil
	}
	before, err := s.mentionIssueCategories(ctx, a.MentionID, a.ID)
	if err != nil {
		return nil, err
	}
	for _, c := range before {
		delete(fresh, c)
	}
	out := map[resolvedKey]int64{}
	for i := range tasks {
		hour, _ := resolvedHour(&tasks[i])
		for c := range fresh {
			out[resolvedKey{tasks[i].BusinessID, hour, c}]++
		}
	}
	return out, nil
}

func (s *Store) applyResolved(ctx context.Context, rows map[resolvedKey]int64) error {
	if len(rows) == 0 {
		return nil
	}
	if s.rollups != nil {
		s.rollups.addResolved(rows)
		return nil
	}
	return s.writeResolved(ctx, rows)
}

func (b *rollupBuffer) addResolved(rows map[resolvedKey]int64) {
	if len(rows) == 0 {
		return
	}
	if b.resolved == nil {
		b.resolved = map[resolvedKey]int64{}
	}
	addCounts(b.resolved, rows)
}

func (s *Store) writeResolved(ctx context.Context, rows map[resolvedKey]int64) error {
	for _, k := range slices.SortedFunc(maps.Keys(rows), resolvedKey.compare) {
		n := rows[k]
		if n == 0 {
			continue
		}
		err := s.q(ctx).Exec(`INSERT INTO digest_resolved_rollups (business_id, hour, category, tasks) VALUES (?, ?, ?, ?)
			ON CONFLICT (business_id, hour, category) DO UPDATE SET tasks = digest_resolved_rollups.tasks + excluded.tasks`,
			k.business, k.hour, k.category, n).Error
		if err != nil {
			return fmt.Errorf("store: update digest resolved-issue rollup of business %d: %w", k.business, err)
		}
	}
	return nil
}

// resolvedRollupSelect computes every resolved-issue rollup row; hour as
// in taskRollupSelect. Migration 00260 holds the same query.
func resolvedRollupSelect(hour string) string {
	return `SELECT t.business_id, ` + strings.ReplaceAll(hour, "COL", "t.resolved_at") + ` AS hour, c.category, COUNT(*)
		FROM tasks AS t JOIN (SELECT DISTINCT mention_id, category FROM aspects WHERE polarity = @negative AND category <> '') AS c ON c.mention_id = t.mention_id
		WHERE t.state = @resolved AND t.resolved_at IS NOT NULL
		GROUP BY t.business_id, ` + strings.ReplaceAll(hour, "COL", "t.resolved_at") + `, c.category`
}

// digestResolvedRollups is DigestResolvedIssueCategories from the rollups.
func (s *Store) digestResolvedRollups(ctx context.Context, businessID int64, from, before time.Time) ([]string, error) {
	var out []string
	err := s.q(ctx).Table("digest_resolved_rollups").Select("category").
		Where("business_id = ? AND hour >= ? AND hour < ?", businessID, from.UTC(), before.UTC()).
		Group("category").Having("SUM(tasks) > 0").Order("category").
		Pluck("category", &out).Error
	if err != nil {
		return nil, fmt.Errorf("store: digest resolved issues of business %d: %w", businessID, err)
	}
	return out, nil
}
