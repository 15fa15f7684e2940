package store

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/ncruces/go-sqlite3"
)

// The weekly digest summarises up to a hundred thousand mentions a week.
// The queries here aggregate in the database (COUNT, SUM, GROUP BY) over
// the index on mentions(business_id, posted_at) and return a few dozen
// rows, except DigestActivity, which streams a period's mentions once and
// counts them as they pass (see there why); either way building a digest
// never holds a week of mentions in memory.
// The SQL text is fixed by the code; every value (business, dates) is a
// bound parameter.

// DigestMentionBucket is the activity in one time bucket.
type DigestMentionBucket struct {
	// Bucket is the index of the time range (see DigestMentionBuckets).
	Bucket   int
	Mentions int64
	// Rated counts mentions with a star rating (reviews); RatingSum adds
	// their ratings, so averages can be merged across buckets exactly.
	Rated     int64
	RatingSum float64
	// Analyzed counts mentions whose current version has an analysis;
	// Negative, Positive and Complaints are among those. Negative counts
	// complaints too, whatever their label; Positive excludes them.
	Analyzed   int64
	Negative   int64
	Positive   int64
	Complaints int64
}

func checkBounds(what string, bounds []time.Time) error {
	if len(bounds) < 2 {
		return fmt.Errorf("store: %s: need at least two time bounds, got %d", what, len(bounds))
	}
	for i := 1; i < len(bounds); i++ {
		if !bounds[i].After(bounds[i-1]) {
			return fmt.Errorf("store: %s: time bounds out of order at %d (%s after %s)", what, i, bounds[i-1].Format(time.RFC3339), bounds[i].Format(time.RFC3339))
		}
	}
	return nil
}

// DigestMentionBuckets is the plain one-query-per-range form of what
// DigestActivity computes in one pass; the digest uses DigestActivity,
// and tests use this one as the reference it must agree with.
//
// DigestMentionBuckets counts a business's mentions posted in each range
// [bounds[i], bounds[i+1]). Each range is one aggregate over an index
// range, with the time comparisons in the WHERE clause only: computing
// the bucket per row (CASE) measured several times slower on SQLite,
// where comparing a DATETIME column with a bound value converts the value
// on every row.
func (s *Store) DigestMentionBuckets(ctx context.Context, businessID int64, bounds []time.Time) ([]DigestMentionBucket, error) {
	if err := checkBounds("digest mention counts", bounds); err != nil {
		return nil, err
	}
	out := make([]DigestMentionBucket, 0, len(bounds)-1)
	for i := 0; i+1 < len(bounds); i++ {
		var b DigestMentionBucket
		err := s.q(ctx).Table("mentions AS m").
			Select(`COUNT(*) AS mentions, COUNT(m.rating) AS rated, COALESCE(SUM(m.rating), 0) AS rating_sum,
				COUNT(a.id) AS analyzed,
				COALESCE(SUM(CASE WHEN a.label = ? OR a.complaint THEN 1 ELSE 0 END), 0) AS negative,
				COALESCE(SUM(CASE WHEN a.label = ? AND NOT a.complaint THEN 1 ELSE 0 END), 0) AS positive,
				COALESCE(SUM(CASE WHEN a.complaint THEN 1 ELSE 0 END), 0) AS complaints`,
				models.LabelNegative, models.LabelPositive).
			Joins("LEFT JOIN analyses AS a ON a.mention_id = m.id AND a.mention_version = m.analyzed_version").
			Where("m.business_id = ? AND m.posted_at >= ? AND m.posted_at < ?", businessID, bounds[i].UTC(), bounds[i+1].UTC()).
			Scan(&b).Error
		if err != nil {
			return nil, fmt.Errorf("store: digest mention counts of business %d: %w", businessID, err)
		}
		b.Bucket = i
		out = append(out, b)
	}
	return out, nil
}

// DigestSourceCount is one source's mentions in a time range.
type DigestSourceCount struct {
	SourceID int64
	Mentions int64
	Rated    int64
}

// DigestSourceCounts counts the mentions posted in [from, to) of each
// of the given sources, one index range per source.
func (s *Store) DigestSourceCounts(ctx context.Context, sourceIDs []int64, from, to time.Time) ([]DigestSourceCount, error) {
	if ok, err := s.useRollups(ctx, from, to); err != nil {
		return nil, err
	} else if ok {
		return s.digestSourceCountsRollups(ctx, sourceIDs, from, to)
	}
	out := make([]DigestSourceCount, 0, len(sourceIDs))
	for _, id := range sourceIDs {
		c := DigestSourceCount{SourceID: id}
		err := s.q(ctx).Model(&models.Mention{}).
			Select("COUNT(*) AS mentions, COUNT(rating) AS rated").
			Where("source_id = ? AND posted_at >= ? AND posted_at < ?", id, from.UTC(), to.UTC()).
			Scan(&c).Error
		if err != nil {
			return nil, fmt.Errorf("store: digest mention count of source %d: %w", id, err)
		}
		c.SourceID = id
		out = append(out, c)
	}
	return out, nil
}

// DigestAspectBucket counts the mentions of one time bucket that raise one
// aspect, in one wording, with one polarity: an issue (negative) or
// praise (positive).
type DigestAspectBucket struct {
	Bucket   int
	Category string
	Polarity string
	Term     string
	Mentions int64
}

// DigestAspectBuckets is the plain one-query-per-range form of what
// DigestActivity computes in one pass; the digest uses DigestActivity,
// and tests use this one as the reference it must agree with.
//
// DigestAspectBuckets counts, per range [bounds[i], bounds[i+1]) of
// posting time, the mentions whose current analysis has a negative or
// positive aspect of each category and wording. A mention that repeats a
// wording counts once for it.
func (s *Store) DigestAspectBuckets(ctx context.Context, businessID int64, bounds []time.Time) ([]DigestAspectBucket, error) {
	if err := checkBounds("digest issue counts", bounds); err != nil {
		return nil, err
	}
	var out []DigestAspectBucket
	for i := 0; i+1 < len(bounds); i++ {
		var rows []DigestAspectBucket
		err := s.q(ctx).Table("mentions AS m").
			Select("x.category AS category, x.polarity AS polarity, x.term AS term, COUNT(DISTINCT x.analysis_id) AS mentions").
			Joins("JOIN analyses AS a ON a.mention_id = m.id AND a.mention_version = m.analyzed_version").
			Joins("JOIN aspects AS x ON x.analysis_id = a.id").
			Where("m.business_id = ? AND m.posted_at >= ? AND m.posted_at < ?", businessID, bounds[i].UTC(), bounds[i+1].UTC()).
			Where("x.polarity IN ? AND x.category <> ''", []string{models.PolarityNegative, models.PolarityPositive}).
			Group("x.category, x.polarity, x.term").Order("x.category, x.polarity, x.term").
			Scan(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("store: digest issue counts of business %d: %w", businessID, err)
		}
		for j := range rows {
			rows[j].Bucket = i
		}
		out = append(out, rows...)
	}
	return out, nil
}

// DigestActivity is what one pass over a business's mentions yields: the
// figures of DigestMentionBuckets and DigestAspectBuckets for the same
// ranges, and the quotes of DigestExtremeMentions over the whole span.
type DigestActivity struct {
	// Buckets has one entry per range, Bucket = range index.
	Buckets []DigestMentionBucket
	// Aspects are ordered by range, then category, polarity and wording
	// (byte order).
	Aspects []DigestAspectBucket
	// Worst and Best are the quoted mentions (see DigestExtremeMentions),
	// empty when no quotes were asked for.
	Worst, Best []DigestQuote
}

// DigestActivity reads the mentions a business posted in [bounds[0],
// bounds[len(bounds)-1]) once, with their current analysis and its issue
// and praise aspects, and computes from that one pass what
// DigestMentionBuckets, DigestAspectBuckets and (for each Ranker given)
// DigestExtremeMentions compute, with the same results.
//
// Why one pass counted here rather than four aggregate queries: on the
// pure-Go (wasm) SQLite driver, finding each mention's current analysis
// costs over a microsecond per mention, and a week of 100,000 mentions
// was joined four times (counts, issues, worst and best quotes); the
// issue counts' GROUP BY also sorted all ~80,000 aspect rows by three
// text columns, as costly as the join itself. Streaming the joined rows
// once and counting them here (a few dozen groups) measured about half
// the time of those four queries (~470 against ~950 ms for the
// benchmark's week of 100,000 mentions). The texts of the few quoted
// mentions are loaded afterwards.
//
// Once the rollups are complete (RollupsReady) and the bounds fall on
// whole UTC hours, the figures come from the hourly rollups and the
// quotes from an index walk instead (digestActivityRollups), with the
// same results; DigestActivityScan always scans.
func (s *Store) DigestActivity(ctx context.Context, businessID int64, bounds []time.Time, rankers ...Ranker) (DigestActivity, error) {
	if err := checkBounds("digest activity", bounds); err != nil {
		return DigestActivity{}, err
	}
	if ok, err := s.useRollups(ctx, bounds...); err != nil {
		return DigestActivity{}, err
	} else if ok {
		return s.digestActivityRollups(ctx, businessID, bounds, rankers)
	}
	return s.DigestActivityScan(ctx, businessID, bounds, rankers...)
}

// DigestActivityScan is DigestActivity read from the mentions themselves,
// the reference the rollups must agree with.
func (s *Store) DigestActivityScan(ctx context.Context, businessID int64, bounds []time.Time, rankers ...Ranker) (DigestActivity, error) {
	var act DigestActivity
	if err := checkBounds("digest activity", bounds); err != nil {
		return act, err
	}
	wrap := func(err error) (DigestActivity, error) {
		return DigestActivity{}, fmt.Errorf("store: digest activity of business %d: %w", businessID, err)
	}
	// Posting times are compared as sortable text keys, never parsed: on
	// SQLite the stored text itself (fixed-width UTC, the driver's
	// TimeFormat4, which is also what the range test in WHERE compares),
	// read through an expression so the driver does not parse 100,000
	// DATETIME values into time.Time; on PostgreSQL the timestamp
	// formatted with nanoseconds.
	posted := "m.posted_at"
	if s.driver == "sqlite" {
		posted = "m.posted_at || ''"
	}
	// One row per mention and matching aspect, or one row with NULL aspect
	// columns. The polarity test is an expression, (x.polarity || ''), so
	// SQLite filters each analysis's few aspects instead of seeking the
	// aspect index once per listed polarity. ORDER BY is the order of
	// idx_mentions_digest (which SQLite reads anyway, so it sorts nothing)
	// and ends with m.id: the rows of one mention are adjacent, which the
	// counting below relies on.
	rows, err := s.q(ctx).Table("mentions AS m").
		Select(`m.id, `+posted+`, m.rating, a.id, a.label, a.complaint, a.compound,
			x.category, x.polarity, x.term`).
		Joins("LEFT JOIN analyses AS a ON a.mention_id = m.id AND a.mention_version = m.analyzed_version").
		Joins("LEFT JOIN aspects AS x ON x.analysis_id = a.id AND (x.polarity || '') IN ? AND x.category <> ''",
			[]string{models.PolarityNegative, models.PolarityPositive}).
		Where("m.business_id = ? AND m.posted_at >= ? AND m.posted_at < ?", businessID, bounds[0].UTC(), bounds[len(bounds)-1].UTC()).
		Order("m.posted_at, m.source_id, m.analyzed_version, m.rating, m.id").
		Rows()
	if err != nil {
		return wrap(err)
	}
	defer rows.Close()

	n := len(bounds) - 1
	act.Buckets = make([]DigestMentionBucket, n)
	for i := range act.Buckets {
		act.Buckets[i].Bucket = i
	}
	// Bound keys for text times (SQLite) and for time.Time (PostgreSQL).
	textBounds := make([][]byte, len(bounds))
	timeBounds := make([][]byte, len(bounds))
	for i, t := range bounds {
		textBounds[i] = t.UTC().AppendFormat(nil, string(sqlite3.TimeFormat4))
		timeBounds[i] = t.UTC().AppendFormat(nil, timeKeyLayout)
	}
	type groupKey struct {
		bucket                   int
		category, polarity, term string
	}
	groups := map[groupKey]int64{}
	// A few dozen distinct wordings over tens of thousands of rows.
	interned := map[string]string{}
	intern := func(b []byte) string {
		if v, ok := interned[string(b)]; ok {
			return v
		}
		v := string(b)
		interned[v] = v
		return v
	}
	var (
		id, lastID int64
		started    bool
		bucket     int
		inRange    bool
		counted    []groupKey // groups the current mention was counted in
		key        []byte
		postedVal  any
		rating     sql.NullFloat64
		analysisID sql.NullInt64
		label      sql.RawBytes
		complaint  sql.NullBool
		compound   sql.NullFloat64
		cat, pol   sql.RawBytes
		term       sql.RawBytes
	)
	for rows.Next() {
		if err := rows.Scan(&id, &postedVal, &rating, &analysisID, &label, &complaint, &compound, &cat, &pol, &term); err != nil {
			return wrap(err)
		}
		if !started || id != lastID {
			// The first row of a mention: count the mention.
			started, lastID, counted = true, id, counted[:0]
			keys := textBounds
			switch v := postedVal.(type) {
			case string:
				key = append(key[:0], v...)
			case []byte:
				key = append(key[:0], v...)
			case time.Time:
				key, keys = v.UTC().AppendFormat(key[:0], timeKeyLayout), timeBounds
			default:
				return wrap(fmt.Errorf("mention %d: posting time of type %T", id, postedVal))
			}
			// Bucket i holds bounds[i] <= posted < bounds[i+1].
			bucket = sort.Search(n, func(i int) bool { return bytes.Compare(key, keys[i+1]) < 0 })
			inRange = bucket < n && bytes.Compare(key, keys[bucket]) >= 0
			if !inRange {
				continue // outside every range (cannot happen: WHERE)
			}
			mb := &act.Buckets[bucket]
			mb.Mentions++
			if rating.Valid {
				mb.Rated++
				mb.RatingSum += rating.Float64
			}
			if analysisID.Valid {
				mb.Analyzed++
				// A complaint is negative whatever its label (a mixed
				// "lovely staff, but charged twice").
				switch {
				case string(label) == models.LabelNegative || (complaint.Valid && complaint.Bool):
					mb.Negative++
				case string(label) == models.LabelPositive:
					mb.Positive++
				}
				if complaint.Valid && complaint.Bool {
					mb.Complaints++
				}
				if len(rankers) > 0 {
					r := RankedMention{ID: id, Compound: compound.Float64, Rating: 3, Posted: key}
					if rating.Valid {
						r.Rating = rating.Float64
					}
					for _, rk := range rankers {
						rk.Add(r)
					}
				}
			}
		}
		if !inRange || !analysisID.Valid || cat == nil {
			continue
		}
		// A mention that repeats a wording counts once for it.
		g := groupKey{bucket, intern(cat), intern(pol), intern(term)}
		if !slices.Contains(counted, g) {
			counted = append(counted, g)
			groups[g]++
		}
	}
	if err := rows.Err(); err != nil {
		return wrap(err)
	}
	rows.Close()

	act.Aspects = make([]DigestAspectBucket, 0, len(groups))
	for g, c := range groups {
		act.Aspects = append(act.Aspects, DigestAspectBucket{Bucket: g.bucket, Category: g.category, Polarity: g.polarity, Term: g.term, Mentions: c})
	}
	sortAspects(act.Aspects)
	for _, rk := range rankers {
		order, into := bestOrder, &act.Best
		if rk.Worst() {
			order, into = worstOrder, &act.Worst
		}
		if *into, err = s.digestQuotes(ctx, businessID, rk.IDs(), order); err != nil {
			return DigestActivity{}, err
		}
	}
	return act, nil
}

// sortAspects orders aspect counts by range, then category, polarity
// and wording (byte order).
func sortAspects(as []DigestAspectBucket) {
	sort.Slice(as, func(i, j int) bool {
		a, b := as[i], as[j]
		if a.Bucket != b.Bucket {
			return a.Bucket < b.Bucket
		}
		if a.Category != b.Category {
			return a.Category < b.Category
		}
		if a.Polarity != b.Polarity {
			return a.Polarity < b.Polarity
		}
		return a.Term < b.Term
	})
}

// timeKeyLayout formats a time.Time as a fixed-width key that sorts in
// time order (UTC, nanoseconds).
const timeKeyLayout = "2006-01-02 15:04:05.000000000"

// RankedMention is what a Ranker orders mentions by.
type RankedMention struct {
	ID       int64
	Compound float64
	Rating   float64 // 3 when unrated
	// Posted is a sortable time key, valid only during Add (the caller
	// reuses its buffer).
	Posted []byte
}

// Ranker keeps the first few of a stream of mentions in worstOrder or
// bestOrder; the digest's quote ranking is one. DigestActivity feeds it
// every analyzed mention of its range and loads the winners' quotes.
type Ranker interface {
	Worst() bool
	// Limit is how many it keeps.
	Limit() int
	Add(m RankedMention)
	IDs() []int64
}

// DigestResolvedIssueCategories lists the issue categories of complaints
// whose tasks were resolved in [from, before): an issue that shows up
// again afterwards "came back".
//
// Once the rollups are complete and the bounds fall on whole UTC hours,
// from the resolved-issue rollups; otherwise as
// DigestResolvedIssueCategoriesScan.
func (s *Store) DigestResolvedIssueCategories(ctx context.Context, businessID int64, from, before time.Time) ([]string, error) {
	if ok, err := s.useRollups(ctx, from, before); err != nil {
		return nil, err
	} else if ok {
		return s.digestResolvedRollups(ctx, businessID, from, before)
	}
	return s.DigestResolvedIssueCategoriesScan(ctx, businessID, from, before)
}

// DigestResolvedIssueCategoriesScan joins the resolved tasks to their
// mentions' aspects: the reference the rollups must agree with.
func (s *Store) DigestResolvedIssueCategoriesScan(ctx context.Context, businessID int64, from, before time.Time) ([]string, error) {
	var out []string
	err := s.q(ctx).Table("tasks AS t").
		Distinct("x.category").
		Joins("JOIN aspects AS x ON x.mention_id = t.mention_id").
		Where("t.business_id = ? AND t.resolved_at >= ? AND t.resolved_at < ? AND t.state = ?", businessID, from.UTC(), before.UTC(), models.TaskResolved).
		Where("x.polarity = ? AND x.category <> ''", models.PolarityNegative).
		Order("x.category").
		Pluck("x.category", &out).Error
	if err != nil {
		return nil, fmt.Errorf("store: digest resolved issues of business %d: %w", businessID, err)
	}
	return out, nil
}

// DigestTaskCounts are the responsiveness counts of one week.
type DigestTaskCounts struct {
	// Opened counts apology tasks opened in the week: complaints opened.
	Opened int64
	// Due counts apology tasks whose reply deadline fell in the week;
	// AnsweredOnTime those of them answered by that deadline.
	Due            int64
	AnsweredOnTime int64
	// FollowUpsDone counts answered complaints resolved in the week: the
	// check-back after the fix was done.
	FollowUpsDone int64
	// FollowUpsDue counts answered complaints whose check-back date fell
	// in the week.
	FollowUpsDue int64
}

// DigestTaskStats counts a business's complaints, deadlines met and
// follow-ups done in [from, to). Once the rollups are complete and the
// bounds fall on whole UTC hours, from the hourly task rollups
// (digestTaskStatsRollups); otherwise (the running week's "now") from
// the tasks, as DigestTaskStatsScan.
func (s *Store) DigestTaskStats(ctx context.Context, businessID int64, from, to time.Time) (DigestTaskCounts, error) {
	if ok, err := s.useRollups(ctx, from, to); err != nil {
		return DigestTaskCounts{}, err
	} else if ok {
		return s.digestTaskStatsRollups(ctx, businessID, from, to)
	}
	return s.DigestTaskStatsScan(ctx, businessID, from, to)
}

// DigestTaskStatsScan is DigestTaskStats counted from the tasks, the
// reference the rollups must agree with. Each count reads one index range.
func (s *Store) DigestTaskStatsScan(ctx context.Context, businessID int64, from, to time.Time) (DigestTaskCounts, error) {
	from, to = from.UTC(), to.UTC()
	var st DigestTaskCounts
	wrap := func(err error) (DigestTaskCounts, error) {
		return st, fmt.Errorf("store: digest task counts of business %d: %w", businessID, err)
	}
	if err := s.q(ctx).Model(&models.Task{}).
		Where("business_id = ? AND opened_at >= ? AND opened_at < ? AND kind = ?", businessID, from, to, models.TaskApology).
		Count(&st.Opened).Error; err != nil {
		return wrap(err)
	}
	var due struct{ Due, AnsweredOnTime int64 }
	if err := s.q(ctx).Model(&models.Task{}).
		Select(`COUNT(*) AS due,
			COALESCE(SUM(CASE WHEN replied_at IS NOT NULL AND replied_at <= due_at THEN 1 ELSE 0 END), 0) AS answered_on_time`).
		Where("business_id = ? AND due_at >= ? AND due_at < ? AND kind = ?", businessID, from, to, models.TaskApology).
		Scan(&due).Error; err != nil {
		return wrap(err)
	}
	st.Due, st.AnsweredOnTime = due.Due, due.AnsweredOnTime
	// A follow-up is the later life of an answered complaint's task: due
	// when its check-back date (follow_up_at) comes, done when
	// the task is resolved.
	if err := s.q(ctx).Model(&models.Task{}).
		Where("business_id = ? AND follow_up_at >= ? AND follow_up_at < ? AND kind = ? AND replied_at IS NOT NULL", businessID, from, to, models.TaskApology).
		Count(&st.FollowUpsDue).Error; err != nil {
		return wrap(err)
	}
	if err := s.q(ctx).Model(&models.Task{}).
		Where("business_id = ? AND resolved_at >= ? AND resolved_at < ? AND kind = ? AND replied_at IS NOT NULL", businessID, from, to, models.TaskApology).
		Count(&st.FollowUpsDone).Error; err != nil {
		return wrap(err)
	}
	return st, nil
}

// DigestReplyTimes returns how long each apology task opened in [from,
// to) waited for its first reply, for the median and 90th percentile.
// Only replied tasks count; one week has at most a few thousand.
func (s *Store) DigestReplyTimes(ctx context.Context, businessID int64, from, to time.Time) ([]time.Duration, error) {
	var rows []struct {
		OpenedAt  time.Time
		RepliedAt time.Time
	}
	err := s.q(ctx).Model(&models.Task{}).Select("opened_at, replied_at").
		Where("business_id = ? AND kind = ? AND opened_at >= ? AND opened_at < ? AND replied_at IS NOT NULL", businessID, models.TaskApology, from.UTC(), to.UTC()).
		Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: digest reply times of business %d: %w", businessID, err)
	}
	out := make([]time.Duration, 0, len(rows))
	for _, r := range rows {
		d := r.RepliedAt.Sub(r.OpenedAt)
		if d < 0 {
			d = 0
		}
		out = append(out, d)
	}
	return out, nil
}

// DigestOverdueTasks returns the business's unanswered tasks whose
// deadline passed before asOf, most overdue first (at most limit), and
// how many there are in all.
func (s *Store) DigestOverdueTasks(ctx context.Context, businessID int64, asOf time.Time, limit int) ([]models.Task, int64, error) {
	where := s.q(ctx).Model(&models.Task{}).
		Where("business_id = ? AND state IN ? AND due_at < ?", businessID, []models.TaskState{models.TaskOpen, models.TaskAcknowledged, models.TaskAwaitingApproval}, asOf.UTC())
	var total int64
	if err := where.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("store: digest overdue tasks of business %d: %w", businessID, err)
	}
	var out []models.Task
	if err := s.q(ctx).Where("business_id = ? AND state IN ? AND due_at < ?", businessID, []models.TaskState{models.TaskOpen, models.TaskAcknowledged, models.TaskAwaitingApproval}, asOf.UTC()).
		Order("due_at, id").Limit(limit).Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("store: digest overdue tasks of business %d: %w", businessID, err)
	}
	return out, total, nil
}

// DigestQuote is a mention with its verdict, its text cut to a quote.
type DigestQuote struct {
	ID         int64
	SourceID   int64
	SourceKind string
	URL        string
	Author     string
	Rating     *float64
	Title      string
	Text       string
	PostedAt   time.Time
	Compound   float64
	Label      string
	Complaint  bool
}

// The rankings of quoted mentions: worst and best sentiment first, ties
// broken by star rating (none counts as 3), then the most recent, then ID.
// The digest's Ranker implements the same orders.
const (
	worstOrder = "a.compound ASC, COALESCE(m.rating, 3) ASC, m.posted_at DESC, m.id"
	bestOrder  = "a.compound DESC, COALESCE(m.rating, 3) DESC, m.posted_at DESC, m.id"
)

// quoteChars bounds the text loaded per quoted mention; the digest quotes
// briefly and a review can be pages long.
const quoteChars = 600

// DigestExtremeMentions is the plain one-query-per-range form of what
// DigestActivity computes in one pass; the digest uses DigestActivity,
// and tests use this one as the reference it must agree with.
//
// DigestExtremeMentions returns the limit analyzed mentions posted in
// [from, to) with the lowest (worst) or highest sentiment, ties broken by
// star rating then recency. The ranking reads only indexed columns; the
// texts of the few winners are loaded afterwards, so sorting a week of
// mentions never carries their text along.
func (s *Store) DigestExtremeMentions(ctx context.Context, businessID int64, from, to time.Time, worst bool, limit int) ([]DigestQuote, error) {
	order := worstOrder
	if !worst {
		order = bestOrder
	}
	var ids []int64
	err := s.q(ctx).Table("mentions AS m").
		Joins("JOIN analyses AS a ON a.mention_id = m.id AND a.mention_version = m.analyzed_version").
		Where("m.business_id = ? AND m.posted_at >= ? AND m.posted_at < ?", businessID, from.UTC(), to.UTC()).
		Order(order).Limit(limit).
		Pluck("m.id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("store: digest quoted mentions of business %d: %w", businessID, err)
	}
	return s.digestQuotes(ctx, businessID, ids, order)
}

// digestQuotes loads the quoted mentions with the given IDs, in the given
// order (an ORDER BY over m and a).
func (s *Store) digestQuotes(ctx context.Context, businessID int64, ids []int64, order string) ([]DigestQuote, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var out []DigestQuote
	err := s.q(ctx).Table("mentions AS m").
		Select(`m.id AS id, m.source_id AS source_id, m.source_kind AS source_kind, m.url AS url, m.author AS author,
			m.rating AS rating, SUBSTR(m.title, 1, ?) AS title, SUBSTR(m.text, 1, ?) AS text, m.posted_at AS posted_at,
			a.compound AS compound, a.label AS label, a.complaint AS complaint`, quoteChars, quoteChars).
		Joins("JOIN analyses AS a ON a.mention_id = m.id AND a.mention_version = m.analyzed_version").
		Where("m.id IN ?", ids).
		Order(order).
		Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: digest quoted mentions of business %d: %w", businessID, err)
	}
	return out, nil
}

// DigestRunStats is how one source fared in a week.
type DigestRunStats struct {
	SourceID int64
	Runs     int64
	Failed   int64
	Blocked  int64
}

// DigestSourceRuns counts the scrapes of each source of a business
// started in [from, to), and how many failed or were blocked.
func (s *Store) DigestSourceRuns(ctx context.Context, businessID int64, from, to time.Time) ([]DigestRunStats, error) {
	var out []DigestRunStats
	err := s.q(ctx).Table("source_runs AS r").
		Select(`r.source_id AS source_id, COUNT(*) AS runs,
			COALESCE(SUM(CASE WHEN r.error_class <> '' THEN 1 ELSE 0 END), 0) AS failed,
			COALESCE(SUM(CASE WHEN r.error_class = ? THEN 1 ELSE 0 END), 0) AS blocked`, models.ErrorClassBlocked).
		Joins("JOIN sources AS s ON s.id = r.source_id").
		Where("s.business_id = ? AND r.started_at >= ? AND r.started_at < ?", businessID, from.UTC(), to.UTC()).
		Group("r.source_id").Order("r.source_id").
		Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: digest source runs of business %d: %w", businessID, err)
	}
	return out, nil
}

// DigestLastFailure returns the latest failed run of a source started in
// [from, to), to say why it failed.
func (s *Store) DigestLastFailure(ctx context.Context, sourceID int64, from, to time.Time) (models.SourceRun, error) {
	var r models.SourceRun
	err := s.q(ctx).Where("source_id = ? AND error_class <> '' AND started_at >= ? AND started_at < ?", sourceID, from.UTC(), to.UTC()).
		Order("started_at DESC, id DESC").First(&r).Error
	if err != nil {
		return r, fmt.Errorf("store: last failure of source %d: %w", sourceID, notFound(err))
	}
	return r, nil
}

// DigestSources lists the sources of one business, by name.
func (s *Store) DigestSources(ctx context.Context, businessID int64) ([]models.Source, error) {
	var out []models.Source
	if err := s.q(ctx).Where("business_id = ?", businessID).Order("name").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: sources of business %d: %w", businessID, err)
	}
	return out, nil
}

// DigestQueued counts the outbox entries with the given idempotency
// keys, so a scheduled digest that is already queued is not built again.
func (s *Store) DigestQueued(ctx context.Context, keys []string) (int64, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	var n int64
	if err := s.q(ctx).Model(&models.Notification{}).Where("idempotency_key IN ?", keys).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("store: count notifications: %w", err)
	}
	return n, nil
}
