package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/earshot/earshot/models"
)

// The digest's figures come from hourly rollups: one row per business,
// UTC hour and source (mentions, ratings, analysed, negative, positive,
// complaints) and one per business, hour and aspect wording (mentions
// raising it). SaveMentions and SaveAnalysis keep them current in their
// own transaction, so a digest reads a few hundred rows a week instead of
// every mention; RebuildRollups recomputes them from the mentions.

// rollupDelta is a change to one digest_rollups row.
type rollupDelta struct {
	mentions, rated                         int64
	ratingSum                               float64
	analyzed, negative, positive, complaint int64
}

type rollupKey struct {
	business, source int64
	hour             time.Time
}

type aspectKey struct {
	business                 int64
	hour                     time.Time
	category, polarity, term string
}

func hourOf(t time.Time) time.Time { return t.UTC().Truncate(time.Hour) }

func (d *rollupDelta) addRating(r *float64, sign int64) {
	if r != nil {
		d.rated += sign
		d.ratingSum += float64(sign) * *r
	}
}

func (d *rollupDelta) addAnalysis(a *models.Analysis, sign int64) {
	d.analyzed += sign
	// A complaint is negative whatever its label (a mixed "lovely staff,
	// but charged twice"), as in the digest's scan.
	switch {
	case a.Label == models.LabelNegative || a.Complaint:
		d.negative += sign
	case a.Label == models.LabelPositive:
		d.positive += sign
	}
	if a.Complaint {
		d.complaint += sign
	}
}

// aspectGroups are the wordings an analysis counts once each for.
func aspectGroups(a *models.Analysis) map[[3]string]bool {
	out := map[[3]string]bool{}
	for _, x := range a.Aspects {
		if (x.Polarity == models.PolarityNegative || x.Polarity == models.PolarityPositive) && x.Category != "" {
			out[[3]string{x.Category, x.Polarity, x.Term}] = true
		}
	}
	return out
}

// applyRollups adds changes to the rollup rows. Inside a transaction
// they are gathered and written once, at commit, in key order (see
// rollupBuffer); outside one they are written now, in key order too.
func (s *Store) applyRollups(ctx context.Context, rows map[rollupKey]*rollupDelta, aspects map[aspectKey]int64) error {
	if s.rollups != nil {
		s.rollups.add(rows, aspects)
		return nil
	}
	return s.writeRollups(ctx, rows, aspects)
}

// rollupBuffer is a transaction's pending changes to the rollups. Two
// replicas analysing at once touch the same hourly rows (one per business,
// hour and source; one per business, hour and issue wording); writing
// each row as its mention came along took their locks in a different
// order in each transaction, and PostgreSQL broke the cycle by aborting
// one of them (a deadlock, 40P01). Gathered and written in one key order
// at commit, the locks are always taken in the same order, held for the
// shortest time, and a batch of 200 analyses writes each row once.
type rollupBuffer struct {
	rows     map[rollupKey]*rollupDelta
	aspects  map[aspectKey]int64
	tasks    taskChange
	resolved map[resolvedKey]int64
	// commit holds the AtCommit hooks; parent is the enclosing
	// transaction's buffer (nil at the outermost).
	commit map[string]func(context.Context, *Store) error
	parent *rollupBuffer
}

// merge hands a nested transaction's changes to the enclosing one.
func (b *rollupBuffer) merge(o *rollupBuffer) {
	b.add(o.rows, o.aspects)
	b.tasks.merge(&o.tasks)
	b.addResolved(o.resolved)
	for k, fn := range o.commit {
		if b.commit == nil {
			b.commit = map[string]func(context.Context, *Store) error{}
		}
		b.commit[k] = fn
	}
}

// write writes the buffered changes, at the outermost commit.
func (b *rollupBuffer) write(ctx context.Context, tx *Store) error {
	if err := tx.writeRollups(ctx, b.rows, b.aspects); err != nil {
		return err
	}
	if err := tx.writeTaskChange(ctx, &b.tasks); err != nil {
		return err
	}
	return tx.writeResolved(ctx, b.resolved)
}

// delta is a change to one rollup row that adds to another of its kind.
type delta[D any] interface {
	*D
	plus(o *D)
}

// addCounts adds src's counts into dst.
func addCounts[K comparable](dst, src map[K]int64) {
	for k, n := range src {
		dst[k] += n
	}
}

// mergeDeltas adds src's changes into dst, row by row.
func mergeDeltas[K comparable, D any, P delta[D]](dst, src map[K]*D) {
	for k, d := range src {
		cur := dst[k]
		if cur == nil {
			cur = new(D)
			dst[k] = cur
		}
		P(cur).plus(d)
	}
}

func (d *rollupDelta) plus(o *rollupDelta) {
	d.mentions += o.mentions
	d.rated += o.rated
	d.ratingSum += o.ratingSum
	d.analyzed += o.analyzed
	d.negative += o.negative
	d.positive += o.positive
	d.complaint += o.complaint
}

func (b *rollupBuffer) add(rows map[rollupKey]*rollupDelta, aspects map[aspectKey]int64) {
	if b.rows == nil {
		b.rows, b.aspects = map[rollupKey]*rollupDelta{}, map[aspectKey]int64{}
	}
	mergeDeltas(b.rows, rows)
	addCounts(b.aspects, aspects)
}

func (a rollupKey) compare(b rollupKey) int {
	return cmp.Or(cmp.Compare(a.business, b.business), a.hour.Compare(b.hour), cmp.Compare(a.source, b.source))
}

func (a aspectKey) compare(b aspectKey) int {
	return cmp.Or(cmp.Compare(a.business, b.business), a.hour.Compare(b.hour),
		cmp.Compare(a.category, b.category), cmp.Compare(a.polarity, b.polarity), cmp.Compare(a.term, b.term))
}

// writeRollups upserts the rows in key order, many rows a statement
// (rowChunks): a batch of 200 analyses posted over two years touches
// about as many hourly rows. The order of a statement's VALUES is the
// order PostgreSQL locks the rows in, so concurrent writers still take
// them in one order.
func (s *Store) writeRollups(ctx context.Context, rows map[rollupKey]*rollupDelta, aspects map[aspectKey]int64) error {
	var keys []rollupKey
	for _, k := range slices.SortedFunc(maps.Keys(rows), rollupKey.compare) {
		if *rows[k] != (rollupDelta{}) {
			keys = append(keys, k)
		}
	}
	err := eachChunk(len(keys), func(from, to int) error {
		args := make([]any, 0, (to-from)*10)
		for _, k := range keys[from:to] {
			d := rows[k]
			args = append(args, k.business, k.hour, k.source, d.mentions, d.rated, d.ratingSum, d.analyzed, d.negative, d.positive, d.complaint)
		}
		err := s.q(ctx).Exec(`INSERT INTO digest_rollups (business_id, hour, source_id, mentions, rated, rating_sum, analyzed, negative, positive, complaints)
			VALUES `+valuesList(to-from, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")+`
			ON CONFLICT (business_id, hour, source_id) DO UPDATE SET
			mentions = digest_rollups.mentions + excluded.mentions, rated = digest_rollups.rated + excluded.rated,
			rating_sum = digest_rollups.rating_sum + excluded.rating_sum, analyzed = digest_rollups.analyzed + excluded.analyzed,
			negative = digest_rollups.negative + excluded.negative, positive = digest_rollups.positive + excluded.positive,
			complaints = digest_rollups.complaints + excluded.complaints`, args...).Error
		if err != nil {
			return fmt.Errorf("store: update %d digest rollups of business %d: %w", to-from, keys[from].business, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	var akeys []aspectKey
	for _, k := range slices.SortedFunc(maps.Keys(aspects), aspectKey.compare) {
		if aspects[k] != 0 {
			akeys = append(akeys, k)
		}
	}
	return eachChunk(len(akeys), func(from, to int) error {
		args := make([]any, 0, (to-from)*6)
		for _, k := range akeys[from:to] {
			args = append(args, k.business, k.hour, k.category, k.polarity, k.term, aspects[k])
		}
		err := s.q(ctx).Exec(`INSERT INTO digest_aspect_rollups (business_id, hour, category, polarity, term, mentions)
			VALUES `+valuesList(to-from, "(?, ?, ?, ?, ?, ?)")+`
			ON CONFLICT (business_id, hour, category, polarity, term) DO UPDATE SET mentions = digest_aspect_rollups.mentions + excluded.mentions`, args...).Error
		if err != nil {
			return fmt.Errorf("store: update %d digest issue rollups of business %d: %w", to-from, akeys[from].business, err)
		}
		return nil
	})
}

// mentionRollupRow is what the rollups need of a stored mention.
type mentionRollupRow struct {
	ID              int64
	BusinessID      int64
	SourceID        int64
	PostedAt        time.Time
	AnalyzedVersion int
	// ResolvedTasks counts the mention's resolved tasks, whose
	// resolved-issue rollups a new analysis may add to.
	ResolvedTasks int64
}

func (s *Store) mentionRollupRow(ctx context.Context, id int64) (mentionRollupRow, error) {
	var r mentionRollupRow
	err := s.q(ctx).Model(&models.Mention{}).Select("id, business_id, source_id, posted_at, analyzed_version, (SELECT COUNT(*) FROM tasks WHERE tasks.mention_id = mentions.id AND tasks.state = ?) AS resolved_tasks", models.TaskResolved).Where("id = ?", id).Take(&r).Error
	if err != nil {
		return r, fmt.Errorf("store: mention %d: %w", id, notFound(err))
	}
	return r, nil
}

// retractAnalysis takes the mention's current analysis (of version
// analyzedVersion) out of the rollups, if there is one.
func (s *Store) retractAnalysis(ctx context.Context, m mentionRollupRow, rows map[rollupKey]*rollupDelta, aspects map[aspectKey]int64) error {
	if m.AnalyzedVersion <= 0 {
		return nil
	}
	var prev []models.Analysis
	if err := s.q(ctx).Preload("Aspects").Where("mention_id = ? AND mention_version = ?", m.ID, m.AnalyzedVersion).Limit(1).Find(&prev).Error; err != nil {
		return fmt.Errorf("store: previous analysis of mention %d: %w", m.ID, err)
	}
	if len(prev) == 0 {
		return nil
	}
	k := rollupKey{m.BusinessID, m.SourceID, hourOf(m.PostedAt)}
	d := rows[k]
	if d == nil {
		d = &rollupDelta{}
		rows[k] = d
	}
	d.addAnalysis(&prev[0], -1)
	for g := range aspectGroups(&prev[0]) {
		aspects[aspectKey{m.BusinessID, k.hour, g[0], g[1], g[2]}]--
	}
	return nil
}

// RollupsReady reports whether the digest rollups are complete (a new
// database, or rebuilt since the upgrade that added them).
func (s *Store) RollupsReady(ctx context.Context) (bool, error) {
	var n int64
	if err := s.q(ctx).Table("digest_rollup_state").Count(&n).Error; err != nil {
		return false, fmt.Errorf("store: digest rollups: %w", err)
	}
	return n > 0, nil
}

// RollupReport says what RebuildRollups wrote.
type RollupReport struct {
	Rows, AspectRows, TaskRows int64
	// TaskDayRows counts the dashboard's daily task rows.
	TaskDayRows int64
	Took        time.Duration
}

// RebuildRollups recomputes every digest rollup (and each mention's
// current sentiment) from the mentions and their current analyses, in one
// transaction, and marks them complete.
func (s *Store) RebuildRollups(ctx context.Context) (RollupReport, error) {
	start := time.Now()
	var rep RollupReport
	hour := "substr(m.posted_at, 1, 13) || ':00:00.000Z'"
	if s.driver == "postgres" {
		hour = "date_trunc('hour', m.posted_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
	}
	err := s.Tx(ctx, func(tx *Store) error {
		if s.driver == "postgres" {
			// Writers that save analyses meanwhile wait for the rebuild
			// to commit, then add their change to the rebuilt rows (a
			// mention they had not committed is not in the rebuild).
			if err := tx.q(ctx).Exec("LOCK TABLE digest_rollups, digest_aspect_rollups, digest_task_rollups, digest_resolved_rollups, dashboard_task_days, dashboard_issue_days IN EXCLUSIVE MODE").Error; err != nil {
				return fmt.Errorf("store: rebuild rollups: %w", err)
			}
		}
		for _, q := range []string{"DELETE FROM digest_rollups", "DELETE FROM digest_aspect_rollups", "DELETE FROM digest_rollup_state"} {
			if err := tx.q(ctx).Exec(q).Error; err != nil {
				return fmt.Errorf("store: rebuild rollups: %w", err)
			}
		}
		r := tx.q(ctx).Exec(`INSERT INTO digest_rollups (business_id, hour, source_id, mentions, rated, rating_sum, analyzed, negative, positive, complaints)
			SELECT m.business_id, `+hour+`, m.source_id, COUNT(*), COUNT(m.rating), COALESCE(SUM(m.rating), 0), COUNT(a.id),
				COALESCE(SUM(CASE WHEN a.label = ? OR a.complaint THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN a.label = ? AND NOT a.complaint THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN a.complaint THEN 1 ELSE 0 END), 0)
			FROM mentions AS m LEFT JOIN analyses AS a ON a.mention_id = m.id AND a.mention_version = m.analyzed_version
			WHERE m.posted_at IS NOT NULL
			GROUP BY m.business_id, `+hour+`, m.source_id`, models.LabelNegative, models.LabelPositive)
		if r.Error != nil {
			return fmt.Errorf("store: rebuild rollups: %w", r.Error)
		}
		rep.Rows = r.RowsAffected
		r = tx.q(ctx).Exec(`INSERT INTO digest_aspect_rollups (business_id, hour, category, polarity, term, mentions)
			SELECT m.business_id, `+hour+`, x.category, x.polarity, x.term, COUNT(DISTINCT x.analysis_id)
			FROM mentions AS m JOIN analyses AS a ON a.mention_id = m.id AND a.mention_version = m.analyzed_version
			JOIN aspects AS x ON x.analysis_id = a.id
			WHERE m.posted_at IS NOT NULL AND x.polarity IN ? AND x.category <> ''
			GROUP BY m.business_id, `+hour+`, x.category, x.polarity, x.term`, []string{models.PolarityNegative, models.PolarityPositive})
		if r.Error != nil {
			return fmt.Errorf("store: rebuild issue rollups: %w", r.Error)
		}
		rep.AspectRows = r.RowsAffected
		n, err := tx.rebuildTaskRollups(ctx, strings.ReplaceAll(hour, "m.posted_at", "COL"))
		if err != nil {
			return err
		}
		rep.TaskRows = n
		if rep.TaskDayRows, err = tx.rebuildTaskDays(ctx); err != nil {
			return err
		}
		if err := tx.q(ctx).Exec(`UPDATE mentions SET compound = (SELECT a.compound FROM analyses AS a
			WHERE a.mention_id = mentions.id AND a.mention_version = mentions.analyzed_version)`).Error; err != nil {
			return fmt.Errorf("store: rebuild quoted sentiment: %w", err)
		}
		if err := tx.q(ctx).Exec("INSERT INTO digest_rollup_state (id, rebuilt_at) VALUES (1, ?)", tx.Now()).Error; err != nil {
			return fmt.Errorf("store: rebuild rollups: %w", err)
		}
		return nil
	})
	rep.Took = time.Since(start)
	return rep, err
}

// useRollups reports whether a digest figure over these bounds can come
// from the rollups: they are complete and the bounds fall on whole hours.
func (s *Store) useRollups(ctx context.Context, bounds ...time.Time) (bool, error) {
	if !wholeHours(bounds) {
		return false, nil
	}
	return s.RollupsReady(ctx)
}

// wholeHours reports whether every bound is on a UTC hour, so ranges of
// hourly rollups add up to exactly the range asked for (true for the day
// and week bounds of every time zone with a whole-hour offset).
func wholeHours(bounds []time.Time) bool {
	for _, b := range bounds {
		if !b.UTC().Truncate(time.Hour).Equal(b) {
			return false
		}
	}
	return true
}

// digestActivityRollups is DigestActivity from the rollups: one small
// aggregate per range, and per ranker one index walk of
// idx_mentions_business_compound for the quotes.
func (s *Store) digestActivityRollups(ctx context.Context, businessID int64, bounds []time.Time, rankers []Ranker) (DigestActivity, error) {
	var act DigestActivity
	wrap := func(err error) (DigestActivity, error) {
		return DigestActivity{}, fmt.Errorf("store: digest activity of business %d: %w", businessID, err)
	}
	for i := 0; i+1 < len(bounds); i++ {
		b := DigestMentionBucket{Bucket: i}
		err := s.q(ctx).Table("digest_rollups").
			Select(`COALESCE(SUM(mentions), 0) AS mentions, COALESCE(SUM(rated), 0) AS rated, COALESCE(SUM(rating_sum), 0) AS rating_sum,
				COALESCE(SUM(analyzed), 0) AS analyzed, COALESCE(SUM(negative), 0) AS negative, COALESCE(SUM(positive), 0) AS positive,
				COALESCE(SUM(complaints), 0) AS complaints`).
			Where("business_id = ? AND hour >= ? AND hour < ?", businessID, bounds[i].UTC(), bounds[i+1].UTC()).
			Scan(&b).Error
		if err != nil {
			return wrap(err)
		}
		b.Bucket = i
		act.Buckets = append(act.Buckets, b)
		var rows []DigestAspectBucket
		err = s.q(ctx).Table("digest_aspect_rollups").
			Select("category, polarity, term, SUM(mentions) AS mentions").
			Where("business_id = ? AND hour >= ? AND hour < ?", businessID, bounds[i].UTC(), bounds[i+1].UTC()).
			Group("category, polarity, term").Having("SUM(mentions) > 0").
			Scan(&rows).Error
		if err != nil {
			return wrap(err)
		}
		for j := range rows {
			rows[j].Bucket = i
		}
		act.Aspects = append(act.Aspects, rows...)
	}
	sortAspects(act.Aspects)
	from, to := bounds[0].UTC(), bounds[len(bounds)-1].UTC()
	for _, rk := range rankers {
		order, into := bestOrder, &act.Best
		dir := "DESC"
		if rk.Worst() {
			order, into, dir = worstOrder, &act.Worst, "ASC"
		}
		posted, indexed := "m.posted_at", ""
		if s.driver == "sqlite" {
			// The planner would otherwise read the week by posting time
			// and sort it; walking the sentiment index stops after the
			// few quoted.
			posted, indexed = "m.posted_at || ''", " INDEXED BY idx_mentions_business_compound"
		}
		rows, err := s.q(ctx).Raw(`SELECT m.id, m.compound, COALESCE(m.rating, 3), `+posted+` FROM mentions AS m`+indexed+`
			WHERE m.business_id = ? AND m.compound IS NOT NULL AND m.posted_at >= ? AND m.posted_at < ?
			ORDER BY m.compound `+dir+`, COALESCE(m.rating, 3) `+dir+`, m.posted_at DESC, m.id LIMIT ?`,
			businessID, from, to, max(rk.Limit(), 1)).Rows()
		if err != nil {
			return wrap(err)
		}
		if err := feedRanker(rows, rk); err != nil {
			return wrap(err)
		}
		if *into, err = s.digestQuotes(ctx, businessID, rk.IDs(), order); err != nil {
			return DigestActivity{}, err
		}
	}
	return act, nil
}

func feedRanker(rows *sql.Rows, rk Ranker) error {
	defer rows.Close()
	var (
		r      RankedMention
		posted any
	)
	for rows.Next() {
		if err := rows.Scan(&r.ID, &r.Compound, &r.Rating, &posted); err != nil {
			return err
		}
		switch v := posted.(type) {
		case string:
			r.Posted = append(r.Posted[:0], v...)
		case []byte:
			r.Posted = append(r.Posted[:0], v...)
		case time.Time:
			r.Posted = v.UTC().AppendFormat(r.Posted[:0], timeKeyLayout)
		default:
			return fmt.Errorf("mention %d: posting time of type %T", r.ID, posted)
		}
		rk.Add(r)
	}
	return rows.Err()
}

// upsertMentionRollups adds newly stored mentions to the rollups.
func (s *Store) upsertMentionRollups(ctx context.Context, ms []models.Mention) error {
	rows := map[rollupKey]*rollupDelta{}
	for _, m := range ms {
		if m.ID == 0 || m.PostedAt.IsZero() {
			continue
		}
		k := rollupKey{m.BusinessID, m.SourceID, hourOf(m.PostedAt)}
		d := rows[k]
		if d == nil {
			d = &rollupDelta{}
			rows[k] = d
		}
		d.mentions++
		d.addRating(m.Rating, 1)
	}
	return s.applyRollups(ctx, rows, nil)
}

// digestSourceCountsRollups is DigestSourceCounts from the rollups.
func (s *Store) digestSourceCountsRollups(ctx context.Context, sourceIDs []int64, from, to time.Time) ([]DigestSourceCount, error) {
	out := make([]DigestSourceCount, 0, len(sourceIDs))
	for _, id := range sourceIDs {
		c := DigestSourceCount{SourceID: id}
		err := s.q(ctx).Table("digest_rollups").
			Select("COALESCE(SUM(mentions), 0) AS mentions, COALESCE(SUM(rated), 0) AS rated").
			Where("source_id = ? AND business_id = (SELECT business_id FROM sources WHERE id = ?) AND hour >= ? AND hour < ?", id, id, from.UTC(), to.UTC()).
			Scan(&c).Error
		if err != nil {
			return nil, fmt.Errorf("store: digest mention count of source %d: %w", id, err)
		}
		c.SourceID = id
		out = append(out, c)
	}
	return out, nil
}
