package app_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/earshot/earshot/app"
	"github.com/earshot/earshot/demo"
	"github.com/jonboulle/clockwork"
)

// BenchmarkServeComplaintToMailbox measures, in a real `earshot serve`
// with the demo config's 1-minute source interval, how long a new
// complaint on the demo site takes to reach the owner's mailbox (accepted
// by the local SMTP server). Each complaint is published right after a
// scrape of the page finished, the worst moment: it waits a whole
// interval to be seen. Run with -benchtime=Nx; each iteration takes
// about a minute.
func BenchmarkServeComplaintToMailbox(b *testing.B) {
	e := newEnv(b, time.Now)
	scraped := make(chan struct{}, 64)
	a, err := app.New(context.Background(), e.cfg, app.Options{Clock: clockwork.NewRealClock(), AfterJob: func(name string, err error) {
		if name == "scrape:rosies-diner/reviews" {
			scraped <- struct{}{}
		}
	}})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.ServeListener(ctx, ln) }()
	defer func() { cancel(); <-done }()

	<-scraped // the first scrape and its alerts
	var worst time.Duration
	var total time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		before := len(e.sink.Messages())
		wait := e.sink.Wait()
		start := time.Now()
		e.site.AddReview(demo.Review{
			ID: "bench-" + start.Format("150405.000000"), Author: "Kai", Title: "Charged twice",
			Text: "I was charged twice for one breakfast and nobody answers the phone. Still no refund.", Rating: 1, Posted: start,
		})
		for len(e.sink.Messages()) == before {
			select {
			case <-wait:
				wait = e.sink.Wait()
			case <-time.After(5 * time.Minute):
				b.Fatalf("no alert within 5 minutes")
			}
		}
		took := time.Since(start)
		total += took
		worst = max(worst, took)
		// Start the next iteration right after a scrape again.
		drain(scraped)
		<-scraped
	}
	b.StopTimer()
	b.ReportMetric(total.Seconds()/float64(b.N), "s/complaint")
	b.ReportMetric(worst.Seconds(), "worst-s")
}

func drain(c chan struct{}) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}
