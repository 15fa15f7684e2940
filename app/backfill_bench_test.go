package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/app"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/registry"
	"github.com/earshot/earshot/store"
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
				r, cpu := stage(n, func() { analyseStored(b, a, ids, c.plain) })
				b.StopTimer()
				rate, cpuPer = append(rate, r), append(cpuPer, cpu)
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

// stage runs fn, the work on n mentions, and returns mentions per second
// and CPU-µs per mention (the whole process's, getrusage).
func stage(n int, fn func()) (rate, cpuPer float64) {
	t0, cpu0 := time.Now(), testutil.CPUTime()
	fn()
	el, cpu := time.Since(t0), testutil.CPUTime()-cpu0
	return float64(n) / el.Seconds(), float64(cpu.Microseconds()) / float64(n)
}

// analyseStored analyses the stored mentions ids: AnalyzePending, or
// (plain) the plain-SQL floor.
func analyseStored(b *testing.B, a *app.App, ids []int64, plain bool) {
	if plain {
		plainAnalyses(b, a, ids)
		return
	}
	rep, err := a.AnalyzePending(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	if rep.Analyzed != len(ids) {
		b.Fatalf("analysed %d of %d", rep.Analyzed, len(ids))
	}
}

// plainAnalyses inserts one analysis row per mention by plain SQL in
// transactions of 200, each statement prepared once per transaction: the
// floor of the analysis stage.
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
		ins, err := tx.Prepare("INSERT INTO analyses (mention_id, mention_version, business_id, label, complaint, severity, created_at) VALUES (?, 1, 1, 'negative', false, 0, ?)")
		if err != nil {
			b.Fatal(err)
		}
		mark, err := tx.Prepare("UPDATE mentions SET analyzed_version = 1 WHERE id = ?")
		if err != nil {
			b.Fatal(err)
		}
		for _, id := range ids[start:min(start+200, len(ids))] {
			if _, err := ins.Exec(id, now); err != nil {
				b.Fatal(err)
			}
			if _, err := mark.Exec(id); err != nil {
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

// backfillPages are generated review pages: sources × pages HTML pages
// of perPage reviews each, as a review site publishes them (schema.org
// JSON-LD in the head, the same reviews in the body, rel=next links),
// review i posted i × 53 minutes before now, newest first.
func backfillPages(sources, pages, perPage int, author func(i int) string, now time.Time) map[string][]byte {
	out := map[string][]byte{}
	for s := range sources {
		for p := 1; p <= pages; p++ {
			var reviews []map[string]any
			var body strings.Builder
			for j := range perPage {
				i := s*pages*perPage + (p-1)*perPage + j
				bt := benchTexts[i%len(benchTexts)]
				text := fmt.Sprintf("%s (visit %d)", bt.text, i)
				posted := now.Add(-time.Duration(i) * 53 * time.Minute).UTC().Format(time.RFC3339)
				reviews = append(reviews, map[string]any{"@type": "Review", "identifier": fmt.Sprintf("r%06d", i),
					"url": fmt.Sprintf("https://reviews.example/%d", i), "author": map[string]any{"@type": "Person", "name": author(i)},
					"datePublished": posted, "reviewBody": text,
					"reviewRating": map[string]any{"@type": "Rating", "ratingValue": fmt.Sprint(bt.rating), "bestRating": "5"}})
				fmt.Fprintf(&body, "<li class=\"review\"><h3>%s</h3><time datetime=\"%s\">%s</time><span class=\"stars\">%v/5</span><p>%s</p></li>\n",
					html.EscapeString(author(i)), posted, posted[:10], bt.rating, html.EscapeString(text))
			}
			ld, err := json.Marshal(map[string]any{"@context": "https://schema.org", "@type": "Restaurant", "name": fmt.Sprintf("Bistro %d", s),
				"aggregateRating": map[string]any{"@type": "AggregateRating", "ratingValue": "3.3", "reviewCount": fmt.Sprint(pages * perPage)},
				"review":          reviews})
			if err != nil {
				panic(err)
			}
			next := ""
			if p < pages {
				next = fmt.Sprintf("/p/%d?page=%d", s, p+1)
			}
			var page strings.Builder
			fmt.Fprintf(&page, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Reviews of Bistro %d, page %d</title>\n", s, p)
			if next != "" {
				fmt.Fprintf(&page, "<link rel=\"next\" href=\"%s\">\n", next)
			}
			fmt.Fprintf(&page, "<script type=\"application/ld+json\">%s</script>\n</head><body><h1>Bistro %d</h1><ol class=\"reviews\">\n%s</ol>\n", ld, s, body.String())
			if next != "" {
				fmt.Fprintf(&page, "<a rel=\"next\" href=\"%s\">Next page</a>\n", next)
			}
			page.WriteString("</body></html>\n")
			out[fmt.Sprintf("/p/%d?page=%d", s, p)] = []byte(page.String())
			if p == 1 {
				out[fmt.Sprintf("/p/%d", s)] = out[fmt.Sprintf("/p/%d?page=1", s)]
			}
		}
	}
	return out
}

// envInt reads a positive integer knob, or def.
func envInt(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}

// BenchmarkBackfillScrape is issue 16's backfill whole: 20 sources × 50
// pages of 20 reviews (EARSHOT_BACKFILL_SOURCES, EARSHOT_BACKFILL_PAGES)
// served as HTML review pages by an httptest server, read by the real
// jsonld scraper with backfill semantics (paginate past stored mentions,
// up to the page count), stored as `earshot scrape` stores them
// (SaveMentions and the aggregate rating, one transaction per source),
// then analysed by AnalyzePending, on SQLite. It reports the two stages
// apart: scrape-mentions/s (fetch, parse, store) and
// analysis-mentions/s, CPU per mention of each, and the peak RSS of the
// case. unique-authors gives every review its own author,
// amazon-customer gives all the same name. plain-sql is the peer: the
// same pages fetched and parsed by the same scraper, the mentions
// inserted by hand-written SQL (one transaction per source) and one
// analysis row per mention (transactions of 200), no scoring. The
// end-to-end cases run `earshot scrape --backfill` itself
// (App.ScrapeAll), where each source's import is analysed and summarised
// as it is stored: end-to-end-mentions/s.
func BenchmarkBackfillScrape(b *testing.B) {
	sources := envInt(b, "EARSHOT_BACKFILL_SOURCES", 20)
	pages := envInt(b, "EARSHOT_BACKFILL_PAGES", 50)
	const perPage = 20
	n := sources * pages * perPage
	unique := func(i int) string { return fmt.Sprintf("Guest %d", i) }
	same := func(int) string { return "Amazon Customer" }
	for _, c := range []struct {
		name       string
		author     func(i int) string
		plain, e2e bool
	}{
		{"unique-authors", unique, false, false},
		{"amazon-customer", same, false, false},
		{"plain-sql", unique, true, false},
		{"end-to-end/unique-authors", unique, false, true},
		{"end-to-end/amazon-customer", same, false, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			site := backfillPages(sources, pages, perPage, c.author, time.Now())
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				page, ok := site[r.URL.RequestURI()]
				if !ok {
					http.NotFound(w, r)
					return
				}
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				_, _ = w.Write(page)
			}))
			defer srv.Close()
			testutil.ResetPeakRSS()
			var scrapeRate, scrapeCPU, rate, cpuPer []float64
			for range b.N {
				b.StopTimer()
				cfg := benchConfig(b, filepath.Join(b.TempDir(), "earshot.db"), srv.URL, sources, sources, "1h")
				a, err := app.New(ctx, cfg, app.Options{})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if c.e2e {
					r, cpu := stage(n, func() {
						reps, err := a.ScrapeAll(ctx, app.ScrapeOptions{Backfill: true, MaxPages: pages})
						if err != nil {
							b.Fatal(err)
						}
						for _, r := range reps {
							if r.Err != nil || r.Run.New != pages*perPage {
								b.Fatalf("%s: %d new of %d, %v", r.Source.Name, r.Run.New, pages*perPage, r.Err)
							}
						}
					})
					left, err := a.Store.PendingAnalysis(ctx, 1)
					if err != nil || len(left) > 0 {
						b.Fatalf("after the backfill %d mentions wait for analysis (%v)", len(left), err)
					}
					rate, cpuPer = append(rate, r), append(cpuPer, cpu)
				} else {
					var ids []int64
					r, cpu := stage(n, func() { ids = scrapeSources(b, a, pages, perPage, c.plain) })
					scrapeRate, scrapeCPU = append(scrapeRate, r), append(scrapeCPU, cpu)
					r, cpu = stage(n, func() { analyseStored(b, a, ids, c.plain) })
					rate, cpuPer = append(rate, r), append(cpuPer, cpu)
				}
				b.StopTimer()
				a.Close()
				b.StartTimer()
			}
			if c.e2e {
				b.ReportMetric(meanOf(rate), "end-to-end-mentions/s")
				b.ReportMetric(meanOf(cpuPer), "cpu-µs/mention")
			} else {
				b.ReportMetric(meanOf(scrapeRate), "scrape-mentions/s")
				b.ReportMetric(meanOf(scrapeCPU), "scrape-cpu-µs/mention")
				b.ReportMetric(meanOf(rate), "analysis-mentions/s")
				b.ReportMetric(meanOf(cpuPer), "analysis-cpu-µs/mention")
			}
			b.ReportMetric(float64(testutil.PeakRSS())/(1<<20), "peak-RSS-MB")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// scrapeSources reads every configured source with the real jsonld
// scraper in backfill mode and stores what it read: through SaveMentions
// and SaveAggregateRating in one transaction per source, as App.scrape
// does, or (plain) by hand-written INSERTs. It returns the new mention
// IDs.
func scrapeSources(b *testing.B, a *app.App, pages, perPage int, plain bool) []int64 {
	ctx := context.Background()
	scr, err := registry.New("jsonld", scrapers.Options{RequestDelay: time.Millisecond, IgnoreRobots: true, MaxRetries: -1, Timeout: 10 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	var ids []int64
	for _, src := range a.Sources() {
		res, err := scr.Fetch(ctx, scrapers.Request{Target: src.Target, Seen: a.Store.SeenFunc(ctx, src.ID), Backfill: true, MaxPages: pages})
		if err != nil || res.Pages != pages || len(res.Mentions) != pages*perPage {
			b.Fatalf("%s: %d pages, %d mentions, %v", src.Target, res.Pages, len(res.Mentions), err)
		}
		if plain {
			ids = append(ids, plainMentions(b, a, src, res.Mentions)...)
			continue
		}
		err = a.Store.Tx(ctx, func(tx *store.Store) error {
			saved, err := tx.SaveMentions(ctx, src, res.Mentions)
			if err != nil {
				return err
			}
			if len(saved.NewIDs) != len(res.Mentions) {
				return fmt.Errorf("%d new of %d", len(saved.NewIDs), len(res.Mentions))
			}
			ids = append(ids, saved.NewIDs...)
			if res.Aggregate != nil {
				return tx.SaveAggregateRating(ctx, src, *res.Aggregate)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return ids
}

// plainMentions inserts a source's mentions by plain SQL in one
// transaction, 100 rows a statement: the floor of the store stage. (One
// statement per row costs twice as much: the inbox's full-text index on
// mentions flushes at the end of every statement.)
func plainMentions(b *testing.B, a *app.App, src models.Source, ms []models.Mention) []int64 {
	db, err := a.Store.DB()
	if err != nil {
		b.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC()
	ids := make([]int64, 0, len(ms))
	for from := 0; from < len(ms); from += 100 {
		part := ms[from:min(from+100, len(ms))]
		q := "INSERT INTO mentions (business_id, source_id, source_kind, external_id, url, author, rating, text, posted_at, fetched_at, content_hash, created_at, updated_at) VALUES " +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", len(part)), ", ") + " RETURNING id"
		var args []any
		for _, m := range part {
			args = append(args, src.BusinessID, src.ID, src.Kind, m.ExternalID, m.URL, m.Author, m.Rating, m.Text, m.PostedAt.UTC(), now, m.ExternalID, now, now)
		}
		rows, err := tx.Query(q, args...)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				b.Fatal(err)
			}
			ids = append(ids, id)
		}
		if err := rows.Close(); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return ids
}
