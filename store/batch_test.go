package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

// analysisFor is the analysis of mention number i at a version: the
// same for both ways of saving, whatever order they run in.
func analysisFor(m models.Mention, i int) models.Analysis {
	rng := rand.New(rand.NewPCG(uint64(i), uint64(m.Version)))
	a := models.Analysis{MentionID: m.ID, MentionVersion: m.Version, BusinessID: m.BusinessID,
		Compound: float64(rng.IntN(11)-5) / 5, Complaint: rng.IntN(3) == 0, Reasons: []string{fmt.Sprint("reason ", i)}}
	a.Label = []string{models.LabelNegative, models.LabelPositive, "neutral"}[rng.IntN(3)]
	terms := []string{"food/cold food", "service/slow service", "service/friendly staff", "price/expensive", "food/tasty"}
	for range rng.IntN(4) {
		cat, term, _ := cut(terms[rng.IntN(len(terms))])
		pol := models.PolarityNegative
		if rng.IntN(3) == 0 {
			pol = models.PolarityPositive
		}
		a.Aspects = append(a.Aspects, models.Aspect{Category: cat, Term: term, Polarity: pol, Evidence: term, Problem: rng.IntN(2) == 0})
	}
	if m.Version > 1 {
		// An issue the edit raised: counted for the mention's resolved
		// tasks too.
		a.Aspects = append(a.Aspects, models.Aspect{Category: "hygiene", Term: "dirty table", Polarity: models.PolarityNegative})
	}
	return a
}

// saver saves analyses of mentions (as[i] of ms[i]) and reports how many
// were stored.
type saver func(t *testing.T, s *store.Store, ms []models.Mention, as []models.Analysis) int

func oneByOne(t *testing.T, s *store.Store, _ []models.Mention, as []models.Analysis) int {
	t.Helper()
	n := 0
	for i := range as {
		ok, err := s.SaveAnalysis(context.Background(), &as[i])
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			n++
		}
	}
	return n
}

// inBatches saves with SaveAnalyses, 75 a transaction (chunks of 64, 8,
// 2 and 1 rows), the last batch outside any transaction.
func inBatches(t *testing.T, s *store.Store, ms []models.Mention, as []models.Analysis) int {
	t.Helper()
	ctx := context.Background()
	n := 0
	for from := 0; from < len(as); from += 75 {
		to := min(from+75, len(as))
		save := func(tx *store.Store) error {
			saved, err := tx.SaveAnalyses(ctx, ms[from:to], as[from:to])
			for _, ok := range saved {
				if ok {
					n++
				}
			}
			return err
		}
		var err error
		if to == len(as) {
			err = save(s)
		} else {
			err = s.Tx(ctx, save)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return n
}

// analysisHistory stores a business's five weeks of mentions and analyses
// them with save: first versions of nine in ten, a resolved task on some,
// edits analysed again (a few read before another analysis changed them,
// so the caller's row is stale), one set aside, and every batch saved a
// second time, which must store nothing.
func analysisHistory(t *testing.T, s *store.Store, src models.Source, from time.Time, save saver) {
	t.Helper()
	ctx := context.Background()
	ms := historyMentions(rand.New(rand.NewPCG(3, 4)), 300, "b", from)
	for i := 0; i < len(ms); i += 5 {
		ms[i].PostedAt = from.Add(time.Duration(i/50) * time.Hour) // several in one hour
	}
	res, err := s.SaveMentions(ctx, src, ms)
	if err != nil {
		t.Fatal(err)
	}
	read := func(ids []int64) []models.Mention {
		var out []models.Mention
		for _, id := range ids {
			m, err := s.Mention(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, m)
		}
		return out
	}
	analyse := func(ms []models.Mention, index func(int) int) []models.Analysis {
		var as []models.Analysis
		for i, m := range ms {
			as = append(as, analysisFor(m, index(i)))
		}
		return as
	}
	saveTwice := func(ms []models.Mention, as []models.Analysis, want int) {
		t.Helper()
		if n := save(t, s, ms, slices.Clone(as)); n != want {
			t.Fatalf("saved %d of %d analyses, want %d", n, len(as), want)
		}
		if n := save(t, s, ms, slices.Clone(as)); n != 0 {
			t.Fatalf("saving the same analyses again stored %d", n)
		}
	}
	var firsts []int64
	var at []int
	for i, id := range res.NewIDs {
		if i%10 != 9 {
			firsts, at = append(firsts, id), append(at, i)
		}
	}
	first := read(firsts)
	saveTwice(first, analyse(first, func(i int) int { return at[i] }), len(first))
	for i := 7; i < len(ms); i += 13 {
		resolvedAt := from.Add(time.Duration(i) * time.Hour)
		task := models.Task{BusinessID: src.BusinessID, MentionID: res.NewIDs[i], Kind: models.TaskApology, DedupKey: fmt.Sprintf("apology:%d", res.NewIDs[i]),
			State: models.TaskResolved, OpenedAt: resolvedAt.Add(-time.Hour), DueAt: resolvedAt, ResolvedAt: &resolvedAt}
		if _, err := s.CreateTask(ctx, &task); err != nil {
			t.Fatal(err)
		}
	}
	var edited []int64
	for i := 0; i < len(ms); i += 7 {
		edited = append(edited, res.NewIDs[i])
	}
	if _, err := s.SaveMentions(ctx, src, editsOf(ms, 7)); err != nil {
		t.Fatal(err)
	}
	again := read(edited)
	if err := s.SkipAnalysis(ctx, again[0], "test: set aside"); err != nil {
		t.Fatal(err)
	}
	again = again[1:]
	// Stale rows: the caller read these before the version they hold was
	// analysed (AnalyzedVersion one behind), as a replica that read a
	// batch before another replica analysed some of it would.
	for i := range again {
		if i%4 == 0 && again[i].AnalyzedVersion > 0 {
			again[i].AnalyzedVersion--
		}
	}
	saveTwice(again, analyse(again, func(i int) int { return 7 * (i + 1) }), len(again))
}

// TestSaveAnalysesEqualsOneByOne: the same history analysed one mention
// at a time (SaveAnalysis) for one business and in multi-row batches
// (SaveAnalyses) for another leaves the same analyses, aspects, mention
// marks and digest rollups (hourly, issues, resolved issues), and the
// batch's rollups give the digest the figures of the scan.
func TestSaveAnalysesEqualsOneByOne(t *testing.T) {
	for name, s := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			if _, err := s.RebuildRollups(ctx); err != nil {
				t.Fatal(err)
			}
			from, days, weeks := nyBounds(t, 5)
			one, batch := setup(t, s), setup(t, s)
			analysisHistory(t, s, one, from, oneByOne)
			analysisHistory(t, s, batch, from, inBatches)
			db, err := s.DB()
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{
				`SELECT m.external_id, a.mention_version, a.compound, a.label, a.complaint, a.unrelated, a.reasons FROM analyses a JOIN mentions m ON m.id = a.mention_id
					WHERE a.business_id = %d ORDER BY m.external_id, a.mention_version`,
				`SELECT m.external_id, a.mention_version, x.category, x.term, x.polarity, x.evidence, x.problem FROM aspects x
					JOIN analyses a ON a.id = x.analysis_id JOIN mentions m ON m.id = x.mention_id
					WHERE x.business_id = %d AND x.mention_id = a.mention_id ORDER BY m.external_id, a.mention_version, x.id`,
				`SELECT external_id, version, analyzed_version, compound FROM mentions WHERE business_id = %d ORDER BY external_id`,
				`SELECT hour, mentions, rated, rating_sum, analyzed, negative, positive, complaints FROM digest_rollups
					WHERE business_id = %d AND (mentions <> 0 OR analyzed <> 0) ORDER BY hour`,
				`SELECT hour, category, polarity, term, mentions FROM digest_aspect_rollups WHERE business_id = %d AND mentions <> 0 ORDER BY hour, category, polarity, term`,
				`SELECT hour, category, tasks FROM digest_resolved_rollups WHERE business_id = %d AND tasks <> 0 ORDER BY hour, category`,
			} {
				want, got := tableRows(t, db, fmt.Sprintf(q, one.BusinessID)), tableRows(t, db, fmt.Sprintf(q, batch.BusinessID))
				if len(want) == 0 {
					t.Fatalf("nothing to compare: %s", q)
				}
				if !slices.Equal(got, want) {
					t.Errorf("batched differs from one by one for\n%s\ngot  %d rows %v\nwant %d rows %v", q, len(got), head(got), len(want), head(want))
				}
			}
			for _, bounds := range [][]time.Time{days, weeks} {
				want, err := s.DigestActivityScan(ctx, batch.BusinessID, bounds, rankers()...)
				if err != nil {
					t.Fatal(err)
				}
				got, err := s.DigestActivity(ctx, batch.BusinessID, bounds, rankers()...)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got.Buckets, want.Buckets) || !reflect.DeepEqual(got.Aspects, want.Aspects) {
					t.Errorf("batched rollups differ from the scan:\n%+v %+v\nwant\n%+v %+v", got.Buckets, got.Aspects, want.Buckets, want.Aspects)
				}
			}
		})
	}
}

// tableRows renders each row of a query as text.
func tableRows(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i, v := range vals {
			if i > 0 {
				b.WriteString(" | ")
			}
			switch v := v.(type) {
			case []byte:
				b.Write(v)
			case time.Time:
				b.WriteString(v.UTC().Format(time.RFC3339))
			default:
				fmt.Fprint(&b, v)
			}
		}
		out = append(out, b.String())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func head(rows []string) []string { return rows[:min(len(rows), 5)] }
