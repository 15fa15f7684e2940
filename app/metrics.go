package app

import (
	"context"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the app's Prometheus series, on a registry of its own so
// two apps in one test process do not collide.
type Metrics struct {
	reg *prometheus.Registry
	// regr registers on reg with the const label replica, so series from
	// several replicas of one deployment stay apart.
	regr           prometheus.Registerer
	jobsRun        *prometheus.CounterVec
	jobFailures    *prometheus.CounterVec
	mentionsStored *prometheus.CounterVec
	scrapeErrors   *prometheus.CounterVec
	analyzed       prometheus.Counter
	skipped        prometheus.Counter
}

func newMetrics(replica string) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		reg:  reg,
		regr: prometheus.WrapRegistererWith(prometheus.Labels{"replica": replica}, reg),
		jobsRun: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "earshot_jobs_run_total", Help: "Scheduled job runs, by job.",
		}, []string{"job"}),
		jobFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "earshot_job_failures_total", Help: "Scheduled job runs that failed, by job.",
		}, []string{"job"}),
		mentionsStored: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "earshot_mentions_stored_total", Help: "New mentions stored, by source kind.",
		}, []string{"kind"}),
		scrapeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "earshot_scrape_errors_total", Help: "Failed scrapes, by source kind and error class.",
		}, []string{"kind", "class"}),
		analyzed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "earshot_mentions_analyzed_total", Help: "Mention versions analyzed.",
		}),
		skipped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "earshot_mentions_skipped_total", Help: "Mention versions set aside because their analysis failed on its own.",
		}),
	}
	m.regr.MustRegister(m.jobsRun, m.jobFailures, m.mentionsStored, m.scrapeErrors, m.analyzed, m.skipped,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// registerStore adds gauges read from the database at scrape time, so
// every replica reports the same truth.
func (m *Metrics) registerStore(st *store.Store) {
	m.regr.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "earshot_tasks_open", Help: "Tasks not yet resolved.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		n, err := st.CountTasks(ctx, models.TaskOpen, models.TaskAcknowledged, models.TaskAwaitingApproval, models.TaskFollowUpDue)
		if err != nil {
			return -1
		}
		return float64(n)
	}))
}
