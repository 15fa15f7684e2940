package app_test

import (
	"context"
	"fmt"
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
		before := e.sink.Count()
		start := time.Now()
		// A different customer and a different issue each time: a second
		// complaint by the same author joins their open task, and three
		// about the same issue within an hour become one incident; both
		// rightly send no alert of their own.
		e.site.AddReview(demo.Review{
			ID: fmt.Sprintf("bench-%d", i), Author: fmt.Sprintf("Kai %d", i), Title: "Disappointed",
			Text: benchComplaints[i%len(benchComplaints)], Rating: 1, Posted: start,
		})
		wctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		err := e.sink.Wait(wctx, before+1)
		cancel()
		if err != nil {
			b.Fatalf("no alert for the new complaint: %v", err)
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

var benchComplaints = []string{
	"The toilets were filthy and there was no soap. Disgusting.",
	"They got my order wrong twice and the manager just shrugged.",
	"The steak was overcooked and as tough as leather. Awful.",
	"We booked a table for eight and they gave it away. We had nowhere to sit.",
	"The card machine was broken and they made us walk to a cash machine in the rain.",
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
