package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

// benchStore opens an empty store of the dialect: an SQLite file, or a
// fresh database on EARSHOT_TEST_POSTGRES's server (skipped when unset).
func benchStore(b *testing.B, dialect string) *store.Store {
	b.Helper()
	o := store.Options{Path: filepath.Join(b.TempDir(), "bench.db")}
	if dialect == "postgres" {
		o = store.Options{Driver: "postgres", DSN: testutil.FreshPostgres(b)}
	}
	s, err := store.Open(context.Background(), o)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkSaveMentions stores batches of new mentions in one SQLite file
// (WAL, synchronous=normal) and, beside it, in PostgreSQL, and reports
// mentions per second. The batch size matches what one scrape of a busy
// source returns.
func BenchmarkSaveMentions(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run("db="+dialect, func(b *testing.B) { benchSaveMentions(b, dialect) })
	}
}

func benchSaveMentions(b *testing.B, dialect string) {
	for _, batch := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			ctx := context.Background()
			s := benchStore(b, dialect)
			_, srcs, err := s.SyncBusiness(ctx, models.Business{Name: "bench"}, nil, []models.Source{{Name: "s", Kind: "jsonld"}})
			if err != nil {
				b.Fatal(err)
			}
			r := 2.0
			text := "We waited 45 minutes for our mains and the food arrived cold. Our waiter was rude when we asked about it."
			ms := make([]models.Mention, batch)
			next := 0
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for j := range ms {
					next++
					ms[j] = models.Mention{ExternalID: fmt.Sprintf("m%09d", next), Author: "Ann", Rating: &r, Text: text, PostedAt: time.Unix(int64(next), 0)}
				}
				res, err := s.SaveMentions(ctx, srcs[0], ms)
				if err != nil {
					b.Fatal(err)
				}
				if res.New != batch {
					b.Fatalf("stored %d of %d", res.New, batch)
				}
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "mentions/s")
		})
	}
	b.Run("rescrape-unchanged-1000", func(b *testing.B) {
		ctx := context.Background()
		s := benchStore(b, dialect)
		_, srcs, _ := s.SyncBusiness(ctx, models.Business{Name: "bench"}, nil, []models.Source{{Name: "s", Kind: "jsonld"}})
		ms := make([]models.Mention, 1000)
		for j := range ms {
			ms[j] = models.Mention{ExternalID: fmt.Sprintf("m%05d", j), Text: "ok"}
		}
		if _, err := s.SaveMentions(ctx, srcs[0], ms); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			res, err := s.SaveMentions(ctx, srcs[0], ms)
			if err != nil || res.Unchanged != 1000 {
				b.Fatalf("%+v %v", res, err)
			}
		}
		b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "mentions/s")
	})
}
