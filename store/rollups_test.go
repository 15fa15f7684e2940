package store_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

// allRanker keeps every mention and ranks them at the end, in the
// digest's quote order: the slow, obviously right reference.
type allRanker struct {
	worst bool
	limit int
	all   []store.RankedMention
}

func (r *allRanker) Worst() bool { return r.worst }
func (r *allRanker) Limit() int  { return r.limit }
func (r *allRanker) Add(m store.RankedMention) {
	m.Posted = bytes.Clone(m.Posted)
	r.all = append(r.all, m)
}
func (r *allRanker) IDs() []int64 {
	sort.SliceStable(r.all, func(i, j int) bool {
		a, b := r.all[i], r.all[j]
		if a.Compound != b.Compound {
			return (a.Compound < b.Compound) == r.worst
		}
		if a.Rating != b.Rating {
			return (a.Rating < b.Rating) == r.worst
		}
		if c := bytes.Compare(a.Posted, b.Posted); c != 0 {
			return c > 0
		}
		return a.ID < b.ID
	})
	var out []int64
	for i := 0; i < len(r.all) && i < r.limit; i++ {
		out = append(out, r.all[i].ID)
	}
	return out
}

func rankers() []store.Ranker {
	return []store.Ranker{&allRanker{worst: true, limit: 3}, &allRanker{limit: 3}}
}

// seedDigest stores five weeks of mentions through the store's own
// writes: ratings with ties, analyses with issues and praise, edits that
// change the rating and are analysed again, mentions never analysed and
// one set aside.
func seedDigest(t *testing.T, s *store.Store, src models.Source, from time.Time) {
	t.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 9))
	terms := []string{"food/cold food", "service/slow service", "service/friendly staff", "price/expensive", "food/tasty"}
	ms := historyMentions(rng, 600, "d", from)
	res, err := s.SaveMentions(ctx, src, ms)
	if err != nil {
		t.Fatal(err)
	}
	analyse := func(id int64, version int) {
		a := models.Analysis{MentionID: id, MentionVersion: version, BusinessID: src.BusinessID,
			Compound: float64(rng.IntN(11)-5) / 5, Complaint: rng.IntN(3) == 0}
		a.Label = []string{models.LabelNegative, models.LabelPositive, "neutral"}[rng.IntN(3)]
		for range rng.IntN(3) {
			cat, term, _ := cut(terms[rng.IntN(len(terms))])
			pol := models.PolarityNegative
			if rng.IntN(3) == 0 {
				pol = models.PolarityPositive
			}
			a.Aspects = append(a.Aspects, models.Aspect{Category: cat, Term: term, Polarity: pol})
		}
		if _, err := s.SaveAnalysis(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
	for i, id := range res.NewIDs {
		if i%10 != 9 { // every tenth is never analysed
			analyse(id, 1)
		}
	}
	// Edits: a new rating and text; most are analysed again.
	if _, err := s.SaveMentions(ctx, src, editsOf(ms, 7)); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(ms); i += 7 {
		m, err := s.Mention(ctx, res.NewIDs[i])
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case i%21 == 0:
			if err := s.SkipAnalysis(ctx, m, "test: set aside"); err != nil {
				t.Fatal(err)
			}
		case i%2 == 0:
			analyse(m.ID, m.Version)
		}
	}
}

// historyMentions are n mentions posted over the five weeks from from,
// three in four rated (halves from 0.5 to 4.5, with ties).
func historyMentions(rng *rand.Rand, n int, prefix string, from time.Time) []models.Mention {
	var ms []models.Mention
	for i := range n {
		m := models.Mention{ExternalID: fmt.Sprintf("%s%d", prefix, i), Author: "A", Text: fmt.Sprintf("text %d", i),
			PostedAt: from.Add(time.Duration(rng.Int64N(int64(35 * 24 * time.Hour))))}
		if rng.IntN(4) > 0 {
			m.Rating = rating(float64(1+rng.IntN(9)) / 2)
		}
		ms = append(ms, m)
	}
	return ms
}

// editsOf is every nth of ms edited: new text and a one-star rating.
func editsOf(ms []models.Mention, nth int) []models.Mention {
	var out []models.Mention
	for i := 0; i < len(ms); i += nth {
		e := ms[i]
		e.Text += " (edited)"
		e.Rating = rating(1)
		out = append(out, e)
	}
	return out
}

func cut(s string) (string, string, bool) {
	for i := range s {
		if s[i] == '/' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// nyBounds is where the rollup tests compare rollups with scans: from,
// a Monday in New York (a zone with an offset and a DST change), the
// days of its fifth week and n whole weeks from it.
func nyBounds(t *testing.T, n int) (from time.Time, days, weeks []time.Time) {
	t.Helper()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone data")
	}
	from = time.Date(2026, 10, 5, 0, 0, 0, 0, ny)
	for i := 0; i <= 7; i++ {
		days = append(days, from.AddDate(0, 0, 28+i))
	}
	for i := 0; i <= n; i++ {
		weeks = append(weeks, from.AddDate(0, 0, 7*i))
	}
	return from, days, weeks
}

// TestDigestRollupsEqualScan: on a seeded database the digest's figures
// from the rollups (kept current by every write, then rebuilt) equal the
// figures from scanning the mentions, for the days of a week and for
// whole weeks, in a time zone with an offset.
func TestDigestRollupsEqualScan(t *testing.T) {
	for name, s := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			if _, err := s.RebuildRollups(ctx); err != nil {
				t.Fatal(err)
			}
			src := setup(t, s)
			from, days, weeks := nyBounds(t, 5)
			seedDigest(t, s, src, from)
			check := func(when string) {
				for _, bounds := range [][]time.Time{days, weeks} {
					want, err := s.DigestActivityScan(ctx, src.BusinessID, bounds, rankers()...)
					if err != nil {
						t.Fatal(err)
					}
					got, err := s.DigestActivity(ctx, src.BusinessID, bounds, rankers()...)
					if err != nil {
						t.Fatal(err)
					}
					if want.Buckets[0].Mentions == 0 || len(want.Aspects) == 0 || len(want.Worst) == 0 {
						t.Fatalf("seed too thin: %+v", want.Buckets)
					}
					if !reflect.DeepEqual(got.Buckets, want.Buckets) {
						t.Errorf("%s: buckets from rollups\n%+v\nwant\n%+v", when, got.Buckets, want.Buckets)
					}
					if !reflect.DeepEqual(got.Aspects, want.Aspects) {
						t.Errorf("%s: issue counts from rollups\n%+v\nwant\n%+v", when, got.Aspects, want.Aspects)
					}
					for _, q := range [][2][]store.DigestQuote{{got.Worst, want.Worst}, {got.Best, want.Best}} {
						if !slices.Equal(quoteIDs(q[0]), quoteIDs(q[1])) {
							t.Errorf("%s: quotes %v, want %v", when, quoteIDs(q[0]), quoteIDs(q[1]))
						}
					}
				}
			}
			check("kept current")
			if _, err := s.RebuildRollups(ctx); err != nil {
				t.Fatal(err)
			}
			check("rebuilt")
		})
	}
}

func quoteIDs(qs []store.DigestQuote) []int64 {
	var out []int64
	for _, q := range qs {
		out = append(out, q.ID)
	}
	return out
}

// Two replicas analysing at once, each a batch whose mentions fall in the
// same two hours in the opposite order, used to deadlock on PostgreSQL:
// each transaction locked its first hour's rollup row and then waited for
// the other's. The test holds both transactions after their first
// analysis until both have made it, which is the interleaving that
// deadlocked; both must now commit, and the rollups count all four.
func TestConcurrentAnalysesDoNotDeadlock(t *testing.T) {
	for name, s := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			if name == "sqlite" {
				t.Skip("SQLite runs one writing transaction at a time; the interleaving cannot happen")
			}
			ctx := context.Background()
			src := setup(t, s)
			h1 := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
			h2 := h1.Add(time.Hour)
			var ids []int64
			for i, at := range []time.Time{h1, h2, h2, h1} {
				res, err := s.SaveMentions(ctx, src, []models.Mention{{ExternalID: fmt.Sprint("dl", i), Text: fmt.Sprint("slow service ", i), PostedAt: at.Add(time.Duration(i) * time.Minute)}})
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, res.NewIDs[0])
			}
			analysis := func(id int64) *models.Analysis {
				return &models.Analysis{MentionID: id, MentionVersion: 1, BusinessID: src.BusinessID, Label: models.LabelNegative, Compound: -0.8, Complaint: true,
					Aspects: []models.Aspect{{Category: "service", Term: "slow service", Polarity: models.PolarityNegative}}}
			}
			var first sync.WaitGroup
			first.Add(2)
			errs := make(chan error, 2)
			batch := func(a, b int64) {
				errs <- s.Tx(ctx, func(tx *store.Store) error {
					if _, err := tx.SaveAnalysis(ctx, analysis(a)); err != nil {
						first.Done()
						return err
					}
					first.Done()
					first.Wait()
					_, err := tx.SaveAnalysis(ctx, analysis(b))
					return err
				})
			}
			go batch(ids[0], ids[1]) // hour 1, then hour 2
			go batch(ids[2], ids[3]) // hour 2, then hour 1
			for range 2 {
				if err := <-errs; err != nil {
					t.Fatalf("a replica's analysis batch failed: %v", err)
				}
			}
			buckets, err := s.DigestMentionBuckets(ctx, src.BusinessID, []time.Time{h1, h2.Add(time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			if len(buckets) != 1 || buckets[0].Complaints != 4 {
				t.Fatalf("rollups after both batches: %+v, want 4 complaints", buckets)
			}
		})
	}
}
