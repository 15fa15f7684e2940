package alerts

import (
	"fmt"
	"github.com/earshot/earshot/notify"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
	"github.com/jonboulle/clockwork"
)

// BenchmarkComplaintsToSMTP measures the path from 1,000 complaints
// stored to 1,000 alerts accepted by a local SMTP server: analysis saved
// with its task and outbox row (one transaction each, as the pipeline
// does), then Deliver. It reports alerts per second over the whole path
// (and of the Deliver stage alone) and the 50th/99th percentile of
// mention-stored → SMTP-accepted latency. All 1,000 are stored in one
// batch, so the latency includes waiting behind the other 999: it is the
// latency of a burst, not of a lone complaint.
func BenchmarkComplaintsToSMTP(b *testing.B) {
	const n = 1000
	var rates, sendRates, p50s, p99s []float64
	for range b.N {
		b.StopTimer()
		f := newBenchFixture(b)
		ms := make([]models.Mention, n)
		for i := range ms {
			c := complaint{id: fmt.Sprintf("b%d", i), author: fmt.Sprintf("Customer %d", i), rating: rating(1), severity: 3,
				text: "Waited an hour, food cold, nobody apologised.", posted: f.postedAt()}
			ms[i] = c.mention()
		}
		b.StartTimer()
		t0 := time.Now()
		res, err := f.st.SaveMentions(f.ctx, f.src["trustpilot"], ms)
		if err != nil || len(res.NewIDs) != n {
			b.Fatalf("save: %v (%d new)", err, len(res.NewIDs))
		}
		for _, id := range res.NewIDs {
			m, err := f.st.Mention(f.ctx, id)
			if err != nil {
				b.Fatal(err)
			}
			c := complaint{severity: 3, issues: nil}
			a := c.analysis(m)
			if err := f.st.Tx(f.ctx, func(tx *store.Store) error {
				if _, err := tx.SaveAnalysis(f.ctx, &a); err != nil {
					return err
				}
				return f.al.OnAnalysis(f.ctx, tx, m, a)
			}); err != nil {
				b.Fatal(err)
			}
		}
		tQueued := time.Since(t0)
		sent := 0
		for sent < n {
			k, err := f.send.Deliver(f.ctx)
			if err != nil {
				b.Fatal(err)
			}
			if k == 0 {
				b.Fatalf("stalled at %d of %d", sent, n)
			}
			sent += k
		}
		elapsed := time.Since(t0)
		b.StopTimer()
		msgs := f.sink.Messages()
		if len(msgs) != n {
			b.Fatalf("%d messages arrived, want %d", len(msgs), n)
		}
		// Every mention of the batch was stored at once (SaveMentions
		// stamps one FetchedAt per batch, just before t0 ended); the SMTP
		// sink stamps each message when it accepted it.
		lat := make([]float64, 0, n)
		for _, m := range msgs {
			lat = append(lat, float64(m.ReceivedAt.Sub(t0).Microseconds())/1000)
		}
		slices.Sort(lat)
		b.Logf("queued in %s, delivered in %s; latency min %.0f max %.0f ms", tQueued, elapsed-tQueued, lat[0], lat[len(lat)-1])
		rates = append(rates, float64(n)/elapsed.Seconds())
		sendRates = append(sendRates, float64(n)/(elapsed-tQueued).Seconds())
		p50s = append(p50s, lat[len(lat)*50/100])
		p99s = append(p99s, lat[len(lat)*99/100])
		b.StartTimer()
	}
	b.ReportMetric(mean(rates), "alerts/s")
	b.ReportMetric(mean(sendRates), "smtp-accepted/s")
	b.ReportMetric(mean(p50s), "p50-ms")
	b.ReportMetric(mean(p99s), "p99-ms")
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func newBenchFixture(b *testing.B) *fixture {
	f := newFixture(b, fixtureOpts{clock: nil, extra: "alerts:\n  max_per_recipient_per_hour: 100000\n"})
	// Real time: latency is what the benchmark measures.
	real := clockwork.NewRealClock()
	st, err := store.Open(f.ctx, store.Options{Path: f.cfg.Database.Path, Clock: real})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	f.st = st
	al, err := New(f.cfg, st, Options{Clock: real})
	if err != nil {
		b.Fatal(err)
	}
	f.al = al
	f.real = true
	if f.send, err = notify.New(f.cfg, st, notify.Options{Clock: real}); err != nil {
		b.Fatal(err)
	}
	return f
}

// BenchmarkOneComplaintToSMTP is the latency of a lone complaint: stored,
// analysed with its task and alert in one transaction, delivered, accepted
// by the local SMTP server. ns/op is the mean; p50/p99 are reported too.
func BenchmarkOneComplaintToSMTP(b *testing.B) {
	f := newBenchFixture(b)
	lat := make([]float64, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		c := complaint{id: fmt.Sprintf("one%d", i), author: fmt.Sprintf("Customer %d", i), rating: rating(1), severity: 3, text: "Cold food.", posted: f.postedAt()}
		t0 := time.Now()
		res, err := f.st.SaveMentions(f.ctx, f.src["trustpilot"], []models.Mention{c.mention()})
		if err != nil {
			b.Fatal(err)
		}
		m, err := f.st.Mention(f.ctx, res.NewIDs[0])
		if err != nil {
			b.Fatal(err)
		}
		a := c.analysis(m)
		if err := f.st.Tx(f.ctx, func(tx *store.Store) error {
			if _, err := tx.SaveAnalysis(f.ctx, &a); err != nil {
				return err
			}
			return f.al.OnAnalysis(f.ctx, tx, m, a)
		}); err != nil {
			b.Fatal(err)
		}
		if n, err := f.send.Deliver(f.ctx); err != nil || n != 1 {
			b.Fatalf("delivered %d: %v", n, err)
		}
		lat = append(lat, float64(f.sink.Messages()[i].ReceivedAt.Sub(t0).Microseconds())/1000)
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(lat[len(lat)*50/100], "p50-ms")
	b.ReportMetric(lat[len(lat)*99/100], "p99-ms")
}

// BenchmarkBurst is a brand's bad day: 5,000 complaints about one issue
// in one burst window, stored at once and analysed in one pass (200 per
// transaction, as the pipeline does), then delivered: one incident
// alert, not 5,000. It reports complaints handled per second end to end,
// statements per complaint, and the process's peak resident memory. Its
// peer, BenchmarkBurstPlainSQL, writes the same analyses and tasks with
// hand-written SQL through database/sql.
func BenchmarkBurst(b *testing.B) {
	n := burstSize(b)
	for range b.N {
		b.StopTimer()
		f := newBenchFixture(b)
		b.StartTimer()
		t0, cpu := time.Now(), testutil.CPUTime()
		q := runBurst(b, f, n, false)
		if _, err := f.send.Deliver(f.ctx); err != nil {
			b.Fatal(err)
		}
		el, cpuEl := time.Since(t0), testutil.CPUTime()-cpu
		b.StopTimer()
		if len(f.sink.Messages()) == 0 {
			b.Fatal("no alert arrived")
		}
		b.ReportMetric(float64(cpuEl.Microseconds())/float64(n), "cpu-µs/complaint")
		b.ReportMetric(float64(len(f.sink.Messages())), "emails")
		b.ReportMetric(float64(n)/el.Seconds(), "complaints/s")
		b.ReportMetric(float64(q)/float64(n), "stmts/complaint")
		b.ReportMetric(float64(testutil.PeakRSS())/(1<<20), "peak-RSS-MB")
		b.StartTimer()
	}
}

func burstSize(b *testing.B) int {
	if v := os.Getenv("EARSHOT_BENCH_BURST"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatal(err)
		}
		return n
	}
	return 5000
}

// BenchmarkBurstPlainSQL is BenchmarkBurst's floor: the same rows (an
// analysis, a task and a task event per complaint) inserted by plain SQL
// in transactions of 200, with no policy at all.
func BenchmarkBurstPlainSQL(b *testing.B) {
	n := burstSize(b)
	for range b.N {
		b.StopTimer()
		f := newBenchFixture(b)
		ms := make([]models.Mention, n)
		for i := range ms {
			ms[i] = complaint{id: fmt.Sprintf("p%d", i), author: fmt.Sprintf("C %d", i), rating: rating(1), text: "Down.", posted: f.postedAt()}.mention()
		}
		res, err := f.st.SaveMentions(f.ctx, f.src["trustpilot"], ms)
		if err != nil {
			b.Fatal(err)
		}
		db, err := f.st.DB()
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0, cpu := time.Now(), testutil.CPUTime()
		now := time.Now().UTC()
		for start := 0; start < n; start += 200 {
			tx, err := db.BeginTx(f.ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			for _, id := range res.NewIDs[start:min(start+200, n)] {
				if _, err := tx.Exec("INSERT INTO analyses (mention_id, mention_version, business_id, label, complaint, severity, created_at) VALUES (?, 1, ?, 'negative', true, 3, ?)", id, f.biz.ID, now); err != nil {
					b.Fatal(err)
				}
				var tid int64
				if err := tx.QueryRow("INSERT INTO tasks (business_id, mention_id, kind, state, dedup_key, issue, due_at, opened_at, created_at, updated_at) VALUES (?, ?, 'apology', 'open', ?, 'outage/app down', ?, ?, ?, ?) RETURNING id",
					f.biz.ID, id, fmt.Sprintf("apology:%d", id), now, now, now, now).Scan(&tid); err != nil {
					b.Fatal(err)
				}
				if _, err := tx.Exec("INSERT INTO task_events (task_id, actor, action, note, at) VALUES (?, 'earshot', 'opened', '', ?)", tid, now); err != nil {
					b.Fatal(err)
				}
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)/time.Since(t0).Seconds(), "complaints/s")
		b.ReportMetric(float64((testutil.CPUTime()-cpu).Microseconds())/float64(n), "cpu-µs/complaint")
	}
}
