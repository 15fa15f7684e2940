package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/earshot/earshot/models"
)

// maxRowsPerStatement bounds the rows of one multi-row statement: 128
// analyses of 13 columns bind 1,664 variables, far under SQLite's 32,766
// and PostgreSQL's 65,535.
const maxRowsPerStatement = 128

// rowChunks splits n rows into runs whose lengths are powers of two of at
// most maxRowsPerStatement, largest first (200 = 128 + 64 + 8). A
// multi-row statement then has one of eight texts whatever the batch
// length, so the SQLite statement cache (stmtcache.go) keeps each
// prepared instead of filling with a new text per batch, and a batch
// costs at most a few statements per table.
func rowChunks(n int) []int {
	var out []int
	for n > 0 {
		size := maxRowsPerStatement
		for size > n {
			size /= 2
		}
		out = append(out, size)
		n -= size
	}
	return out
}

// valuesList is "(?, ?), (?, ?)": rows groups of the tuple row.
func valuesList(rows int, row string) string {
	var b strings.Builder
	b.Grow(rows * (len(row) + 2))
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}

// eachChunk calls fn with consecutive runs [from, to) of n rows, sized by
// rowChunks.
func eachChunk(n int, fn func(from, to int) error) error {
	from := 0
	for _, size := range rowChunks(n) {
		if err := fn(from, from+size); err != nil {
			return err
		}
		from += size
	}
	return nil
}

type analysisKey struct {
	mention int64
	version int
}

// SaveAnalyses stores a batch of analyses, each exactly as SaveAnalysis
// would, in a few multi-row statements instead of four to six per
// analysis: the analyses (INSERT … ON CONFLICT DO NOTHING RETURNING),
// their aspects, the mentions' marks (one UPDATE … FROM a VALUES list),
// and the digest rollups from the rows the UPDATE returns. ms[i] is the
// mention as[i] was made from, as the caller read it: its
// AnalyzedVersion is the analysis the rollups hold for it. A mention
// whose row changed since (another replica, a re-scrape) takes
// SaveAnalysis's path, which reads the row. saved[i] reports whether
// as[i] was stored; a mention version already analysed is not, and
// nothing else of it is written, so a rerun does not double its aspects
// or rollups. Call it inside a transaction (Tx): its statements commit
// together only there, and there the rollups are written once, at
// commit.
func (s *Store) SaveAnalyses(ctx context.Context, ms []models.Mention, as []models.Analysis) ([]bool, error) {
	if len(ms) != len(as) {
		return nil, fmt.Errorf("store: save analyses: %d mentions for %d analyses", len(ms), len(as))
	}
	saved, err := s.insertAnalyses(ctx, as)
	if err != nil {
		return nil, err
	}
	var done, once []int
	first := map[int64]int{}
	for i, ok := range saved {
		if ok {
			done = append(done, i)
			if _, dup := first[as[i].MentionID]; !dup {
				first[as[i].MentionID] = i
				once = append(once, i)
			}
		}
	}
	if err := s.insertAspects(ctx, as, done); err != nil {
		return nil, err
	}
	// A mention with two versions in the batch is marked once here; its
	// other version takes the path that reads the row.
	marked, err := s.markAnalyzed(ctx, ms, as, once)
	if err != nil {
		return nil, err
	}
	rows, aspects := map[rollupKey]*rollupDelta{}, map[aspectKey]int64{}
	for _, i := range done {
		a := &as[i]
		mr, ok := marked[a.MentionID]
		if !ok || first[a.MentionID] != i {
			// The row is not as the caller read it: read it, as one
			// analysis at a time does.
			if err := s.finishAnalysis(ctx, a); err != nil {
				return nil, err
			}
			continue
		}
		mr.AnalyzedVersion = ms[i].AnalyzedVersion
		if mr.ResolvedTasks > 0 {
			resolved, err := s.resolvedOnAnalysis(ctx, a)
			if err != nil {
				return nil, err
			}
			if err := s.applyResolved(ctx, resolved); err != nil {
				return nil, err
			}
		}
		if err := s.addToRollups(ctx, mr, a, rows, aspects); err != nil {
			return nil, err
		}
	}
	if err := s.applyRollups(ctx, rows, aspects); err != nil {
		return nil, err
	}
	return saved, nil
}

// insertAnalyses inserts the analysis rows (as insertAnalysis does) and
// sets the IDs of those inserted.
func (s *Store) insertAnalyses(ctx context.Context, as []models.Analysis) ([]bool, error) {
	at := map[analysisKey]int{}
	for i := range as {
		a := &as[i]
		a.ID = 0
		if a.CreatedAt.IsZero() {
			a.CreatedAt = s.Now()
		}
		if _, dup := at[analysisKey{a.MentionID, a.MentionVersion}]; !dup {
			at[analysisKey{a.MentionID, a.MentionVersion}] = i
		}
	}
	saved := make([]bool, len(as))
	err := eachChunk(len(as), func(from, to int) error {
		args := make([]any, 0, (to-from)*13)
		for _, a := range as[from:to] {
			var reasons any
			if a.Reasons != nil {
				raw, err := json.Marshal(a.Reasons)
				if err != nil {
					return fmt.Errorf("store: save analysis of mention %d: %w", a.MentionID, err)
				}
				reasons = string(raw)
			}
			args = append(args, a.MentionID, a.MentionVersion, a.BusinessID, a.Compound, a.Label, a.Complaint, a.ComplaintScore,
				a.Severity, a.Language, a.Unrelated, reasons, a.Analyzer, a.CreatedAt)
		}
		rows, err := s.q(ctx).Raw(`INSERT INTO analyses (mention_id, mention_version, business_id, compound, label, complaint, complaint_score,
			severity, language, unrelated, reasons, analyzer, created_at)
			VALUES `+valuesList(to-from, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")+`
			ON CONFLICT DO NOTHING RETURNING id, mention_id, mention_version`, args...).Rows()
		if err != nil {
			return fmt.Errorf("store: save %d analyses: %w", to-from, err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var k analysisKey
			if err := rows.Scan(&id, &k.mention, &k.version); err != nil {
				return fmt.Errorf("store: save %d analyses: %w", to-from, err)
			}
			if i, ok := at[k]; ok {
				as[i].ID, saved[i] = id, true
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: save %d analyses: %w", to-from, err)
		}
		return rows.Close()
	})
	return saved, err
}

// insertAspects inserts the aspects of the analyses as[done…]. Their
// IDs are not read back (nothing reads an aspect by ID): RETURNING would
// make SQLite keep every inserted row in a temporary table until the
// statement ends, a tenth of a backfill's cost.
func (s *Store) insertAspects(ctx context.Context, as []models.Analysis, done []int) error {
	var all []*models.Aspect
	for _, i := range done {
		a := &as[i]
		for j := range a.Aspects {
			x := &a.Aspects[j]
			x.ID, x.AnalysisID, x.MentionID, x.BusinessID = 0, a.ID, a.MentionID, a.BusinessID
			if x.CreatedAt.IsZero() {
				x.CreatedAt = s.Now()
			}
			all = append(all, x)
		}
	}
	return eachChunk(len(all), func(from, to int) error {
		args := make([]any, 0, (to-from)*9)
		for _, x := range all[from:to] {
			args = append(args, x.AnalysisID, x.MentionID, x.BusinessID, x.Category, x.Term, x.Polarity, x.Evidence, x.Problem, x.CreatedAt)
		}
		err := s.q(ctx).Exec(`INSERT INTO aspects (analysis_id, mention_id, business_id, category, term, polarity, evidence, problem, created_at)
			VALUES `+valuesList(to-from, "(?, ?, ?, ?, ?, ?, ?, ?, ?)"), args...).Error
		if err != nil {
			return fmt.Errorf("store: save %d aspects: %w", to-from, err)
		}
		return nil
	})
}

// markAnalyzed marks the mentions of as[done…] analysed at their
// analysis's version and copies its sentiment, each only while its row
// still has the analysed version the caller read (ms[i].AnalyzedVersion,
// older than the new one). It returns, per mention marked, what the
// rollups need of its row.
func (s *Store) markAnalyzed(ctx context.Context, ms []models.Mention, as []models.Analysis, done []int) (map[int64]mentionRollupRow, error) {
	out := make(map[int64]mentionRollupRow, len(done))
	// PostgreSQL types a VALUES list by its values; the casts keep bound
	// parameters from being read as text (SQLite takes them as affinity).
	row := "(CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS DOUBLE PRECISION), CAST(? AS BIGINT))"
	err := eachChunk(len(done), func(from, to int) error {
		args := make([]any, 0, (to-from)*4+1)
		for _, i := range done[from:to] {
			args = append(args, as[i].MentionID, as[i].MentionVersion, as[i].Compound, ms[i].AnalyzedVersion)
		}
		args = append(args, models.TaskResolved)
		rows, err := s.q(ctx).Raw(`WITH v (mid, ver, cmp, prev) AS (VALUES `+valuesList(to-from, row)+`)
			UPDATE mentions SET analyzed_version = v.ver, compound = v.cmp FROM v
			WHERE mentions.id = v.mid AND mentions.analyzed_version = v.prev AND v.prev < v.ver
			RETURNING mentions.id, mentions.business_id, mentions.source_id, mentions.posted_at,
				(SELECT COUNT(*) FROM tasks WHERE tasks.mention_id = mentions.id AND tasks.state = ?)`, args...).Rows()
		if err != nil {
			return fmt.Errorf("store: mark %d mentions analysed: %w", to-from, err)
		}
		defer rows.Close()
		for rows.Next() {
			var r mentionRollupRow
			var posted sql.NullTime
			if err := rows.Scan(&r.ID, &r.BusinessID, &r.SourceID, &posted, &r.ResolvedTasks); err != nil {
				return fmt.Errorf("store: mark %d mentions analysed: %w", to-from, err)
			}
			if posted.Valid {
				r.PostedAt = posted.Time
			}
			out[r.ID] = r
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: mark %d mentions analysed: %w", to-from, err)
		}
		return rows.Close()
	})
	return out, err
}

// addToRollups moves the mention's row in the digest rollups from its
// current analysis (of mr.AnalyzedVersion, if any) to a.
func (s *Store) addToRollups(ctx context.Context, mr mentionRollupRow, a *models.Analysis, rows map[rollupKey]*rollupDelta, aspects map[aspectKey]int64) error {
	if mr.PostedAt.IsZero() {
		return nil
	}
	if err := s.retractAnalysis(ctx, mr, rows, aspects); err != nil {
		return err
	}
	k := rollupKey{mr.BusinessID, mr.SourceID, hourOf(mr.PostedAt)}
	if rows[k] == nil {
		rows[k] = &rollupDelta{}
	}
	rows[k].addAnalysis(a, 1)
	for g := range aspectGroups(a) {
		aspects[aspectKey{mr.BusinessID, k.hour, g[0], g[1], g[2]}]++
	}
	return nil
}
