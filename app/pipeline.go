package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/health"
	"github.com/earshot/earshot/store"
)

// ScrapeOptions tune one scrape run.
type ScrapeOptions struct {
	Backfill bool
	MaxPages int
	Progress func(source string, pages, mentions int)
}

// RunReport is the outcome of one scrape of one source.
type RunReport struct {
	Source   models.Source
	Business string
	Run      models.SourceRun
	Err      error
}

// ScrapeAll scrapes every configured source whose "business/source" name
// matches one of only (all when only is empty), one after the other.
func (a *App) ScrapeAll(ctx context.Context, opts ScrapeOptions, only ...string) ([]RunReport, error) {
	var out []RunReport
	for _, j := range a.sources {
		if len(only) > 0 && !matchesAny(j, only) {
			continue
		}
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
		out = append(out, a.scrape(ctx, j, opts))
	}
	if len(only) > 0 && len(out) == 0 {
		return nil, fmt.Errorf("app: %w: %s (configured: %s)", ErrNoSuchSource, strings.Join(only, ", "), strings.Join(a.sourceNames(), ", "))
	}
	return out, nil
}

func matchesAny(j *sourceJob, names []string) bool {
	for _, n := range names {
		if n == j.Name() || n == j.src.Name || n == j.biz.Name {
			return true
		}
	}
	return false
}

func (a *App) sourceNames() []string {
	var out []string
	for _, j := range a.sources {
		out = append(out, j.Name())
	}
	return out
}

// scrape runs one source: fetch, store what was read (even when a later
// page failed), mark replied tasks, record health, and tell the owner once
// when the source has failed BrokenAfter times in a row.
func (a *App) scrape(ctx context.Context, j *sourceJob, opts ScrapeOptions) RunReport {
	log := a.Log.With("source", j.Name(), "kind", j.src.Kind)
	start := a.Clock.Now().UTC()
	run := models.SourceRun{SourceID: j.src.ID, StartedAt: start}
	rep := RunReport{Source: j.src, Business: j.biz.Name}
	seen := a.Store.SeenFunc(ctx, j.src.ID)
	cur, err := a.Store.Source(ctx, j.src.ID)
	if err == nil {
		j.src = cur
	}
	req := scrapers.Request{Target: j.src.Target, APIBase: j.src.APIBase, API: j.src.API, Cursor: j.src.Cursor, Seen: seen, Backfill: opts.Backfill, MaxPages: opts.MaxPages}
	if opts.Progress != nil {
		req.Progress = func(p, m int) { opts.Progress(j.Name(), p, m) }
	}
	res, ferr := j.scraper.Fetch(ctx, req)
	run.Pages, run.Parsed = res.Pages, len(res.Mentions)
	var saved store.SaveResult
	serr := a.Store.Tx(ctx, func(tx *store.Store) error {
		var err error
		saved, err = tx.SaveMentions(ctx, j.src, res.Mentions)
		if err != nil {
			return err
		}
		if res.Aggregate != nil {
			if err := tx.SaveAggregateRating(ctx, j.src, *res.Aggregate); err != nil {
				return err
			}
		}
		if len(saved.Replied) > 0 {
			return a.Alerter.OnReplies(ctx, tx, saved.Replied)
		}
		return nil
	})
	if serr != nil {
		// The site answered but the database refused what it said (a
		// value PostgreSQL rejects, a full disk): the source is collecting
		// nothing, which the owner must hear about like any broken source.
		// Its health records the failure; the cursor stays, so the next
		// run reads the same mentions again.
		log.Error("saving mentions failed", "err", serr, "parsed", run.Parsed)
		a.Metrics.jobFailures.WithLabelValues("scrape").Inc()
		a.Metrics.scrapeErrors.WithLabelValues(j.src.Kind, models.ErrorClassStore).Inc()
		if ferr != nil {
			log.Warn("scrape also failed", "class", scrapers.Classify(ferr), "err", ferr)
		}
		ferr = fmt.Errorf("app: %d mentions read from %s could not be saved: %w", run.Parsed, j.Name(), serr)
		res.Cursor = ""
	} else {
		run.New, run.Updated = saved.New, saved.Updated
		a.Metrics.mentionsStored.WithLabelValues(j.src.Kind).Add(float64(saved.New))
	}
	run.Warning = strings.Join(res.Warnings, "; ")
	switch {
	case serr != nil:
		run.ErrorClass = models.ErrorClassStore
		run.Error = ferr.Error()
		rep.Err = ferr
	case ferr != nil:
		run.ErrorClass = scrapers.Classify(ferr)
		run.Error = ferr.Error()
		rep.Err = ferr
		a.Metrics.scrapeErrors.WithLabelValues(j.src.Kind, run.ErrorClass).Inc()
		log.Warn("scrape failed", "class", run.ErrorClass, "err", ferr, "parsed", run.Parsed)
	default:
		log.Info("scraped", "pages", run.Pages, "parsed", run.Parsed, "new", run.New, "updated", run.Updated)
	}
	if run.Warning != "" {
		log.Warn("scrape incomplete", "warning", run.Warning)
	}
	fin := a.Clock.Now().UTC()
	run.FinishedAt = &fin
	cursor := ""
	if ferr == nil && serr == nil {
		cursor = res.Cursor
	}
	src, err := a.Store.RecordRun(ctx, run, cursor)
	if err != nil {
		log.Error("recording run failed", "err", err)
		rep.Err = err
		return rep
	}
	j.src = src
	rep.Source, rep.Run = src, run
	if src.ConsecutiveFailures >= a.Config.Scraping.BrokenAfter && src.BrokenAlertedAt == nil {
		err := a.Store.Tx(ctx, func(tx *store.Store) error {
			if err := a.Alerter.OnSourceBroken(ctx, tx, src); err != nil {
				return err
			}
			return tx.MarkSourceBrokenAlerted(ctx, src.ID)
		})
		if err != nil {
			log.Error("queueing broken-source alert failed", "err", err)
		} else {
			log.Warn("source broken; owner alerted", "failures", src.ConsecutiveFailures)
		}
	}
	if run.ErrorClass == models.ErrorClassNone && run.New == 0 && src.QuietAlertedAt == nil {
		a.checkQuiet(ctx, log, src, fin)
	}
	return rep
}

// quietHistory is how many runs that brought new mentions say what is
// usual for a source.
const quietHistory = 50

// checkQuiet tells the owner, once per quiet spell, that a source which
// runs without errors has brought nothing new for much longer than its own
// history says is usual: a listing that moved or a selector that silently
// matches nothing looks exactly like that.
func (a *App) checkQuiet(ctx context.Context, log *slog.Logger, src models.Source, now time.Time) {
	arrivals, err := a.Store.NewMentionRunTimes(ctx, src.ID, quietHistory)
	if err != nil {
		log.Error("reading the source's history failed", "err", err)
		return
	}
	q := health.Quiet(arrivals, now, health.DefaultQuietPolicy)
	if !q.Quiet {
		return
	}
	err = a.Store.Tx(ctx, func(tx *store.Store) error {
		src.QuietSince, src.QuietUsualGap = &q.Since, q.Usual
		if err := a.Alerter.OnSourceQuiet(ctx, tx, src); err != nil {
			return err
		}
		return tx.MarkSourceQuiet(ctx, src.ID, q.Since)
	})
	if err != nil {
		log.Error("queueing quiet-source alert failed", "err", err)
		return
	}
	log.Warn("source quiet; owner alerted", "since", q.Since, "usual_gap", q.Usual)
}

// AnalyzeReport counts what one analyze pass did.
type AnalyzeReport struct {
	Analyzed   int
	Complaints int
}

// analyzeBatch is how many mentions share one transaction: large enough
// to amortise commits, small enough that a crash redoes little.
const analyzeBatch = 200

// AnalyzePending analyzes every mention version not yet analyzed. Each
// batch's analyses, tasks and alerts commit in one transaction, so a
// crash leaves either all of them or none, and the next pass redoes the
// rest. On PostgreSQL the batch is claimed inside that transaction
// (SELECT … FOR UPDATE SKIP LOCKED), so replicas analyse different
// batches at once; a replica that dies mid-batch rolls back and its
// mentions are free again.
func (a *App) AnalyzePending(ctx context.Context) (AnalyzeReport, error) {
	var rep AnalyzeReport
	claim := a.Store.Driver() == "postgres"
	for {
		var ms []models.Mention
		var err error
		if !claim {
			if ms, err = a.Store.PendingAnalysis(ctx, analyzeBatch); err != nil {
				return rep, err
			}
			if len(ms) == 0 {
				return rep, nil
			}
		}
		batch := AnalyzeReport{}
		read := 0
		err = a.Store.Tx(ctx, func(tx *store.Store) error {
			batch = AnalyzeReport{}
			if claim {
				var err error
				if ms, err = tx.ClaimPendingAnalysis(ctx, analyzeBatch); err != nil {
					return err
				}
			}
			read = len(ms)
			as := make([]models.Analysis, len(ms))
			for i, m := range ms {
				as[i] = a.Analyzer.Analyze(ctx, m, a.businesses[m.BusinessID].Domain)
				as[i].MentionID, as[i].MentionVersion, as[i].BusinessID = m.ID, m.Version, m.BusinessID
			}
			for i := range as {
				saved, err := tx.SaveAnalysis(ctx, &as[i])
				if err != nil {
					return err
				}
				if !saved {
					continue
				}
				batch.Analyzed++
				if as[i].Complaint {
					batch.Complaints++
				}
				if err := a.Alerter.OnAnalysis(ctx, tx, ms[i], as[i]); err != nil {
					return fmt.Errorf("app: alert on mention %d: %w", ms[i].ID, err)
				}
			}
			return nil
		})
		if err != nil {
			return rep, err
		}
		rep.Analyzed += batch.Analyzed
		rep.Complaints += batch.Complaints
		a.Metrics.analyzed.Add(float64(batch.Analyzed))
		if read == 0 {
			// Nothing left that another replica has not claimed.
			return rep, nil
		}
		// batch.Analyzed == 0 means another replica took this batch
		// (SQLite path); its rows are no longer pending on the next read.
	}
}

// Report summarises one pass of the whole pipeline.
type Report struct {
	Runs      []RunReport
	Analyze   AnalyzeReport
	Delivered int
	Took      time.Duration
}

// RunOnce runs the pipeline once over every source: scrape, analyze,
// check deadlines, deliver notifications. A failing source does not stop
// the others; its error is in its RunReport.
func (a *App) RunOnce(ctx context.Context, opts ScrapeOptions) (Report, error) {
	start := time.Now()
	var rep Report
	runs, err := a.ScrapeAll(ctx, opts)
	rep.Runs = runs
	if err != nil {
		return rep, err
	}
	if rep.Analyze, err = a.AnalyzePending(ctx); err != nil {
		return rep, err
	}
	if err := a.Alerter.CheckDeadlines(ctx); err != nil {
		return rep, err
	}
	rep.Delivered = a.deliverNow(ctx)
	rep.Took = time.Since(start)
	return rep, nil
}

// deliverNow sends what is due in the outbox right away (the owner hears
// within minutes, not at the next delivery tick) and reports how many
// were sent. A failure is only a warning: the outbox retries.
func (a *App) deliverNow(ctx context.Context) int {
	n, err := a.Notify.Deliver(ctx)
	if err != nil {
		a.Log.Warn("delivery incomplete; the outbox retries", "err", err)
	}
	return n
}

// loggedError is a job error already logged where it happened, with its
// context (a scrape failure, with its source): logJob only counts it.
type loggedError struct{ error }

func (e loggedError) Unwrap() error { return e.error }

func (a *App) logJob(name string, err error) {
	a.Metrics.jobsRun.WithLabelValues(name).Inc()
	if err != nil {
		a.Metrics.jobFailures.WithLabelValues(name).Inc()
		var logged loggedError
		if !errors.As(err, &logged) {
			a.Log.Error("job failed", "job", name, "err", err)
		}
	}
}
