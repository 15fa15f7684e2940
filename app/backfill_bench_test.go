package app_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/earshot/earshot/app"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/models"
)

// BenchmarkBackfillAnalyze is the store → analyze half of issue 16's
// backfill: 20 sources × 50 pages of 20 reviews (20,000 mentions, posted
// over the two years before now, a third of them complaints) stored as
// the scrapers store them, then analysed by AnalyzePending on SQLite,
// once with a different author per review and once with every review by
// "Amazon Customer" (the repeat-author check, and the burst grouping, on
// one name). It reports mentions analysed per second, CPU per mention
// and the process's peak RSS. The plain-sql case is the floor: the same
// number of analysis rows inserted by hand-written SQL in transactions of
// 200, with no scoring and no policy.
func BenchmarkBackfillAnalyze(b *testing.B) {
	const sources, perSource = 20, 1000
	n := sources * perSource
	for _, c := range []struct {
		name   string
		author func(i int) string
		plain  bool
	}{
		{"unique-authors", func(i int) string { return fmt.Sprintf("Guest %d", i) }, false},
		{"amazon-customer", func(int) string { return "Amazon Customer" }, false},
		{"plain-sql", func(i int) string { return fmt.Sprintf("Guest %d", i) }, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			var rate, cpuPer []float64
			for range b.N {
				b.StopTimer()
				cfg := benchConfig(b, filepath.Join(b.TempDir(), "earshot.db"), "http://127.0.0.1:9", sources, sources, "1h")
				a, err := app.New(ctx, cfg, app.Options{})
				if err != nil {
					b.Fatal(err)
				}
				now := time.Now()
				var ids []int64
				for s, src := range a.Sources() {
					ms := make([]models.Mention, perSource)
					for j := range ms {
						i := s*perSource + j
						bt := benchTexts[i%len(benchTexts)]
						r := bt.rating
						ms[j] = models.Mention{ExternalID: fmt.Sprintf("r%06d", i), Author: c.author(i), Rating: &r,
							Text: fmt.Sprintf("%s (visit %d)", bt.text, i), URL: fmt.Sprintf("https://reviews.example/%d", i),
							PostedAt: now.Add(-time.Duration(i) * 53 * time.Minute)}
					}
					res, err := a.Store.SaveMentions(ctx, src, ms)
					if err != nil || len(res.NewIDs) != perSource {
						b.Fatalf("save: %v (%d new)", err, len(res.NewIDs))
					}
					ids = append(ids, res.NewIDs...)
				}
				b.StartTimer()
				t0, cpu0 := time.Now(), testutil.CPUTime()
				if c.plain {
					plainAnalyses(b, a, ids)
				} else {
					rep, err := a.AnalyzePending(ctx)
					if err != nil {
						b.Fatal(err)
					}
					if rep.Analyzed != n {
						b.Fatalf("analysed %d of %d", rep.Analyzed, n)
					}
				}
				el, cpu := time.Since(t0), testutil.CPUTime()-cpu0
				b.StopTimer()
				rate = append(rate, float64(n)/el.Seconds())
				cpuPer = append(cpuPer, float64(cpu.Microseconds())/float64(n))
				a.Close()
				b.StartTimer()
			}
			b.ReportMetric(meanOf(rate), "mentions/s")
			b.ReportMetric(meanOf(cpuPer), "cpu-µs/mention")
			b.ReportMetric(float64(testutil.PeakRSS())/(1<<20), "peak-RSS-MB")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// plainAnalyses inserts one analysis row per mention by plain SQL in
// transactions of 200: the floor of the analysis stage.
func plainAnalyses(b *testing.B, a *app.App, ids []int64) {
	db, err := a.Store.DB()
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC()
	for start := 0; start < len(ids); start += 200 {
		tx, err := db.Begin()
		if err != nil {
			b.Fatal(err)
		}
		for _, id := range ids[start:min(start+200, len(ids))] {
			if _, err := tx.Exec("INSERT INTO analyses (mention_id, mention_version, business_id, label, complaint, severity, created_at) VALUES (?, 1, 1, 'negative', false, 0, ?)", id, now); err != nil {
				b.Fatal(err)
			}
			if _, err := tx.Exec("UPDATE mentions SET analyzed_version = 1 WHERE id = ?", id); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}

func meanOf(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}
