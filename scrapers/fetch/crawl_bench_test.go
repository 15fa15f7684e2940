package fetch_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/fetch"
	"github.com/earshot/earshot/scrapers/jsonld"
)

// reviewPage renders page n of a site: ten JSON-LD reviews, ~40 KB of
// markup around them, and a rel=next link until the last page.
func reviewPage(host string, n, last int) []byte {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html><head><title>Reviews</title>")
	if n < last {
		fmt.Fprintf(&b, `<link rel="next" href="/p/%d">`, n+1)
	}
	b.WriteString(`<script type="application/ld+json">{"@context":"https://schema.org","@type":"Restaurant","name":"Bench","aggregateRating":{"@type":"AggregateRating","ratingValue":"3.9","reviewCount":"5000"},"review":[`)
	for i := 0; i < 10; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"@type":"Review","@id":"%s#r-%d-%d","author":{"name":"Author %d"},"datePublished":"2026-11-%02d","reviewBody":"Review %d of page %d: the soup was cold and the service slow, but the view was lovely.","reviewRating":{"ratingValue":"%d"}}`, host, n, i, i, 1+i, i, n, 1+i%5)
	}
	b.WriteString("]}</script></head><body>")
	for b.Len() < 40<<10 {
		b.WriteString(`<div class="filler"><p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p></div>`)
	}
	b.WriteString("</body></html>")
	return []byte(b.String())
}

// BenchmarkCrawl crawls 1,000 pages (50 pages on each of 20 local
// domains) through the production path: robots.txt, per-domain rate limit,
// colly, the jsonld parser and rel=next pagination, one goroutine per
// domain. It reports wall time, requests per second against the
// configured ceiling (domains / delay), and peak heap.
func BenchmarkCrawl(b *testing.B) {
	// 100 ms: a rate the machine can keep up with, so the crawl should run
	// at the configured ceiling; 20 ms: a ceiling above what two cores can
	// fetch and parse, which shows the crawler's own limit.
	for _, delay := range []time.Duration{100 * time.Millisecond, 20 * time.Millisecond} {
		b.Run("delay="+delay.String(), func(b *testing.B) { benchCrawl(b, delay) })
	}
}

func benchCrawl(b *testing.B, delay time.Duration) {
	const (
		domains        = 20
		pagesPerDomain = 50
	)
	var requests atomic.Int64
	servers := make([]*httptest.Server, domains)
	for d := range servers {
		pages := map[int][]byte{}
		var srv *httptest.Server
		srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			requests.Add(1)
			if r.URL.Path == "/robots.txt" {
				fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
				return
			}
			n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/p/"))
			if err != nil || n < 1 || n > pagesPerDomain {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(pages[n])
		}))
		for n := 1; n <= pagesPerDomain; n++ {
			pages[n] = reviewPage(srv.URL, n, pagesPerDomain)
		}
		servers[d] = srv
		defer srv.Close()
	}
	opts := scrapers.Options{UserAgent: "earshot-bench/1.0", RequestDelay: delay, Timeout: 10 * time.Second}
	var (
		peak      atomic.Uint64
		totalWall time.Duration
		totalReqs int64
	)
	// The servers' pre-rendered pages live in this process too; heap is
	// reported above this baseline so it measures the crawler alone.
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		requests.Store(0)
		runtime.GC()
		stop := make(chan struct{})
		var sampler sync.WaitGroup
		sampler.Add(1)
		go func() {
			defer sampler.Done()
			var ms runtime.MemStats
			t := time.NewTicker(5 * time.Millisecond)
			defer t.Stop()
			for {
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak.Load() {
					peak.Store(ms.HeapInuse)
				}
				select {
				case <-stop:
					return
				case <-t.C:
				}
			}
		}()
		f := fetch.New("jsonld", opts).WithPoliteness(fetch.NewPoliteness())
		start := time.Now()
		var wg sync.WaitGroup
		var mentions atomic.Int64
		errs := make(chan error, domains)
		for _, srv := range servers {
			wg.Add(1)
			go func(base string) {
				defer wg.Done()
				res, err := f.Reviews(context.Background(), scrapers.Request{Target: base + "/p/1", Backfill: true, MaxPages: pagesPerDomain}, jsonld.Parse)
				if err != nil {
					errs <- err
				}
				mentions.Add(int64(len(res.Mentions)))
			}(srv.URL)
		}
		wg.Wait()
		wall := time.Since(start)
		close(stop)
		sampler.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		if got := mentions.Load(); got != domains*pagesPerDomain*10 {
			b.Fatalf("crawl read %d mentions, want %d", got, domains*pagesPerDomain*10)
		}
		totalWall += wall
		totalReqs += requests.Load()
	}
	// Means over all iterations, so one lucky or unlucky crawl does not
	// stand for the rest.
	b.ReportMetric(totalWall.Seconds()/float64(b.N), "wall-s")
	b.ReportMetric(float64(totalReqs)/totalWall.Seconds(), "req/s")
	b.ReportMetric(float64(domains)/delay.Seconds(), "limit-req/s")
	b.ReportMetric(float64(totalReqs)/float64(b.N), "requests")
	b.ReportMetric(float64(peak.Load()-min(peak.Load(), base.HeapInuse))/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(base.HeapInuse)/(1<<20), "servers-heap-MB")
}
