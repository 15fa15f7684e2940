package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/app"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/models"
)

// benchConfig is a config with sources sources on site, perBiz to a
// business: on PostgreSQL when db is a postgres:// DSN (the way replicas
// run), else on the SQLite file at path db.
func benchConfig(b testing.TB, db, site string, sources, perBiz int, interval string) *config.Config {
	b.Helper()
	var y strings.Builder
	database := "database: {driver: postgres, dsn_env: EARSHOT_DATABASE_DSN}\n"
	if !strings.HasPrefix(db, "postgres") {
		database = fmt.Sprintf("database: {path: %q}\n", db)
	}
	fmt.Fprintf(&y, database+"scraping: {min_interval: 1s, request_delay: 1ms, ignore_robots: true}\n"+
		"smtp: {mailbox: %s}\nalerts: {max_per_recipient_per_hour: 1000000, burst: {threshold: 1000000}}\n"+
		"channels: [{name: owner-email, type: email, to: [\"owner@example.com\"]}]\nbusinesses:\n", filepath.Join(b.TempDir(), "mailbox"))
	for bz := 0; bz*perBiz < sources; bz++ {
		fmt.Fprintf(&y, "  - name: biz-%04d\n    domain: restaurant\n    sources:\n", bz)
		for i := bz * perBiz; i < min(sources, bz*perBiz+perBiz); i++ {
			fmt.Fprintf(&y, "      - {name: s%05d, kind: jsonld, url: \"%s/p/%d\", interval: %s}\n", i, site, i, interval)
		}
	}
	cfg, err := config.Parse([]byte(y.String()), "bench.yaml", func(k string) string {
		if k == "EARSHOT_DATABASE_DSN" {
			return db
		}
		return ""
	})
	if err != nil {
		b.Fatal(err)
	}
	return cfg
}

var benchTexts = []struct {
	text   string
	rating float64
}{
	{"We waited 45 minutes for our mains and the food arrived cold. Our waiter was rude when we asked about it.", 1},
	{"Best pancakes in town! Friendly waitstaff and great coffee.", 5},
	{"Lovely brunch and a great beer selection. The music was a bit loud on Saturday, but we will be back.", 4},
}

// BenchmarkAnalyzeReplicas measures mentions analysed per second (scored,
// stored with their tasks and queued alerts) by 1, 2 and 3 replicas
// draining one backlog on one PostgreSQL at once. Each replica is an App
// with its own connection pool, claiming batches with FOR UPDATE SKIP
// LOCKED; they share this process's CPUs, as replicas on one machine
// would. Needs EARSHOT_TEST_POSTGRES.
func BenchmarkAnalyzeReplicas(b *testing.B) {
	const backlog = 3000
	for _, n := range []int{1, 2, 3} {
		b.Run(fmt.Sprintf("replicas=%d", n), func(b *testing.B) {
			dsn := testutil.FreshPostgres(b)
			ctx := context.Background()
			// 30 locations of a brand, one review site each.
			cfg := benchConfig(b, dsn, "http://127.0.0.1:9", 30, 1, "1h")
			apps := make([]*app.App, n)
			for i := range apps {
				a, err := app.New(ctx, cfg, app.Options{})
				if err != nil {
					b.Fatal(err)
				}
				defer a.Close()
				apps[i] = a
			}
			srcs := apps[0].Sources()
			var total time.Duration
			next := 0
			minShare := 1.0
			for i := 0; i < b.N; i++ {
				// A backlog of new mentions by different authors over the
				// 30 sources, a third of them complaints.
				per := backlog / len(srcs)
				for _, src := range srcs {
					ms := make([]models.Mention, per)
					for j := range ms {
						next++
						bt := benchTexts[next%len(benchTexts)]
						r := bt.rating
						ms[j] = models.Mention{ExternalID: fmt.Sprintf("m%08d", next), Author: fmt.Sprintf("Guest %d", next),
							Rating: &r, Text: bt.text, PostedAt: time.Now().Add(-time.Hour)}
					}
					if _, err := apps[0].Store.SaveMentions(ctx, src, ms); err != nil {
						b.Fatal(err)
					}
				}
				start := time.Now()
				var wg sync.WaitGroup
				done := make([]int, n)
				for k, a := range apps {
					wg.Add(1)
					go func() {
						defer wg.Done()
						rep, err := a.AnalyzePending(ctx)
						if err != nil {
							b.Error(err)
						}
						done[k] = rep.Analyzed
					}()
				}
				wg.Wait()
				total += time.Since(start)
				sum := 0
				for _, d := range done {
					sum += d
				}
				if sum != per*len(srcs) {
					b.Fatalf("analysed %d of %d (per replica %v)", sum, per*len(srcs), done)
				}
				for _, d := range done {
					minShare = min(minShare, float64(d)/float64(sum))
				}
			}
			b.ReportMetric(float64(b.N*backlog)/total.Seconds(), "mentions/s")
			// The smallest replica's share of the backlog: with SKIP LOCKED
			// claims every replica gets a fair part (1/n).
			b.ReportMetric(100*minShare, "min-share-%")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkIdleScheduler2000 measures one replica (PostgreSQL, with the
// distributed locker) watching 200 and 2,000 sources at a 1h interval,
// once started: heap in use, goroutines, and the CPU it burns over 10s
// of idling (the few runs that fall in the window included: 2,000
// sources at 1h is one run every 1.8s). Needs EARSHOT_TEST_POSTGRES.
func BenchmarkIdleScheduler2000(b *testing.B) {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<html><script type="application/ld+json">{"@type":"Restaurant","name":"x","review":[]}</script></html>`))
	}))
	defer site.Close()
	for _, n := range []int{200, 2000} {
		b.Run(fmt.Sprintf("sources=%d", n), func(b *testing.B) {
			dsn := testutil.FreshPostgres(b)
			ctx := context.Background()
			cfg := benchConfig(b, dsn, site.URL, n, 10, "1h")
			for i := 0; i < b.N; i++ {
				runtime.GC()
				var before runtime.MemStats
				runtime.ReadMemStats(&before)
				g0 := runtime.NumGoroutine()
				a, err := app.New(ctx, cfg, app.Options{})
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				var built runtime.MemStats
				runtime.ReadMemStats(&built)
				sched, err := a.NewScheduler()
				if err != nil {
					b.Fatal(err)
				}
				sched.Start()
				// Settle, then measure an idle window.
				time.Sleep(2 * time.Second)
				cpu0 := testutil.CPUTime()
				wall0 := time.Now()
				time.Sleep(10 * time.Second)
				cpu := testutil.CPUTime() - cpu0
				wall := time.Since(wall0)
				runtime.GC()
				var after runtime.MemStats
				runtime.ReadMemStats(&after)
				// The whole replica (analyzer models included), and the part
				// the scheduler with its jobs adds.
				b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/(1<<20), "heap-MB")
				b.ReportMetric(float64(after.HeapInuse-built.HeapInuse)/(1<<20), "sched-heap-MB")
				b.ReportMetric(float64(runtime.NumGoroutine()-g0), "goroutines")
				b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "idle-cpu-%")
				b.ReportMetric(0, "ns/op")
				if err := sched.Shutdown(); err != nil {
					b.Log(err)
				}
				a.Close()
			}
		})
	}
}
