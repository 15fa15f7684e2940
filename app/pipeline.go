package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/earshot/earshot/alerts"
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
	// A source that never stored a mention is being imported for the
	// first time: like a backfill, it reads history.
	first := opts.Backfill || (j.src.LastSuccessAt == nil && j.src.TotalMentions == 0)
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
	if old, _ := alerts.History(a.Config, a.Clock.Now(), res.Mentions); first && serr == nil && saved.New > 0 && old > 0 {
		if err := a.summariseImport(ctx, src, res.Mentions, saved.NewIDs); err != nil {
			log.Error("import summary failed", "err", err)
		}
	}
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

// summariseImport analyses a first import or a backfill at once, so the
// alerter can tell the owner about it in one summary (see OnImport).
func (a *App) summariseImport(ctx context.Context, src models.Source, read []models.Mention, newIDs []int64) error {
	if _, err := a.AnalyzePending(ctx); err != nil {
		return err
	}
	return a.Store.Tx(ctx, func(tx *store.Store) error {
		ts, err := tx.TasksOfMentions(ctx, newIDs)
		if err != nil {
			return err
		}
		return a.Alerter.OnImport(ctx, tx, src, alerts.Import{Read: read, Imported: len(newIDs), Tasks: ts})
	})
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
// mentions are free again. On SQLite the next batch is read and scored
// while the current one is saved (readAhead), so scoring runs on one core
// while the database writes on another. A batch that fails is split in
// two and each half retried; a mention that fails on its own is set
// aside with the reason (logged, counted in
// earshot_mentions_skipped_total and by `earshot sources`), so one bad
// mention never blocks the others.
func (a *App) AnalyzePending(ctx context.Context) (AnalyzeReport, error) {
	var rep AnalyzeReport
	add := func(batch AnalyzeReport) {
		rep.Analyzed += batch.Analyzed
		rep.Complaints += batch.Complaints
		a.Metrics.analyzed.Add(float64(batch.Analyzed))
	}
	if a.Store.Driver() != "postgres" {
		return rep, a.analyzeLocal(ctx, add)
	}
	for {
		// The first try claims and saves in one transaction; only if it
		// fails are the claimed mentions split and retried.
		batch, read, ms, err := a.analyzeClaimed(ctx)
		if err == nil && read == 0 {
			return rep, nil // nothing left that another replica has not claimed
		}
		if err != nil && ctx.Err() == nil && len(ms) > 0 {
			batch, err = a.analyzeSplit(ctx, ms, a.analyzeAll(ctx, ms))
		}
		if err != nil {
			return rep, err
		}
		// A batch analysed by nobody here was taken by another replica;
		// its rows are no longer pending on the next read.
		add(batch)
	}
}

// scoredBatch is a batch of pending mentions with their analyses.
type scoredBatch struct {
	ms  []models.Mention
	as  []models.Analysis
	err error
}

// readAhead reads the batch of pending mentions after afterID and scores
// it, in its own goroutine. The batch saved meanwhile holds only
// mentions up to afterID, so what is read is what that batch leaves; a
// row changed in between is caught by SaveAnalyses, which checks each
// mention's analysed version as it marks it.
func (a *App) readAhead(ctx context.Context, afterID int64) <-chan scoredBatch {
	out := make(chan scoredBatch, 1) // the goroutine never waits for a reader that gave up
	go func() {
		ms, err := a.Store.PendingAnalysisAfter(ctx, afterID, analyzeBatch)
		if err != nil || len(ms) == 0 {
			out <- scoredBatch{err: err}
			return
		}
		out <- scoredBatch{ms: ms, as: a.analyzeAll(ctx, ms)}
	}()
	return out
}

// analyzeLocal is AnalyzePending on SQLite, one writer: batches in ID
// order, each scored while the one before is saved. When the pass
// reaches the end it starts once more from the first mention, for
// versions stored behind it meanwhile (a scrape running beside it).
func (a *App) analyzeLocal(ctx context.Context, add func(AnalyzeReport)) error {
	after := int64(0)
	restarted := false
	next := a.readAhead(ctx, after)
	for {
		b := <-next
		if b.err != nil {
			return b.err
		}
		if len(b.ms) == 0 {
			// Once only: a mention that somehow stayed pending must not
			// keep the pass going round; the next pass picks it up.
			if after == 0 || restarted {
				return nil
			}
			after, restarted = 0, true
			next = a.readAhead(ctx, after)
			continue
		}
		after = b.ms[len(b.ms)-1].ID
		next = a.readAhead(ctx, after)
		batch, err := a.analyzeSplit(ctx, b.ms, b.as)
		if err != nil {
			return err
		}
		add(batch)
	}
}

// analyzeAll scores a batch of mentions.
func (a *App) analyzeAll(ctx context.Context, ms []models.Mention) []models.Analysis {
	as := make([]models.Analysis, len(ms))
	for i, m := range ms {
		as[i] = a.analyze(ctx, m)
		as[i].MentionID, as[i].MentionVersion, as[i].BusinessID = m.ID, m.Version, m.BusinessID
	}
	return as
}

// analyzeClaimed claims a batch (PostgreSQL) and saves its analyses and
// alerts in the same transaction; it returns what it claimed, so a
// failed batch can be split.
func (a *App) analyzeClaimed(ctx context.Context) (AnalyzeReport, int, []models.Mention, error) {
	var batch AnalyzeReport
	var ms []models.Mention
	err := a.Store.Tx(ctx, func(tx *store.Store) error {
		var err error
		if ms, err = tx.ClaimPendingAnalysis(ctx, analyzeBatch); err != nil {
			return err
		}
		batch, err = a.saveAnalyses(ctx, tx, ms, a.analyzeAll(ctx, ms))
		return err
	})
	return batch, len(ms), ms, err
}

// analyzeSplit saves a batch of analyses with their alerts in one
// transaction; when that fails it retries each half, down to a single
// mention, which is set aside. A failure that is not the mention's (the
// context ended, the database is unreachable) is returned instead.
func (a *App) analyzeSplit(ctx context.Context, ms []models.Mention, as []models.Analysis) (AnalyzeReport, error) {
	batch, err := a.analyzeTx(ctx, ms, as)
	if err == nil {
		return batch, nil
	}
	// Shutting down, or the database asking to retry (replicas'
	// transactions conflicted): the next pass redoes the batch as it is.
	if ctx.Err() != nil || store.IsTransient(err) {
		return AnalyzeReport{}, err
	}
	if len(ms) > 1 {
		half := len(ms) / 2
		r1, err := a.analyzeSplit(ctx, ms[:half], as[:half])
		if err != nil {
			return r1, err
		}
		r2, err := a.analyzeSplit(ctx, ms[half:], as[half:])
		return AnalyzeReport{Analyzed: r1.Analyzed + r2.Analyzed, Complaints: r1.Complaints + r2.Complaints}, err
	}
	// One mention fails alone. If the database cannot take even a
	// harmless write, the fault is not this mention's: stop and let the
	// next pass retry everything.
	m := ms[0]
	if skipErr := a.Store.SkipAnalysis(ctx, m, err.Error()); skipErr != nil {
		return AnalyzeReport{}, fmt.Errorf("app: analysis of mention %d failed (%w) and it could not be set aside: %w", m.ID, err, skipErr)
	}
	a.Log.Error("analysis failed; mention set aside", "mention", m.ID, "source_id", m.SourceID, "version", m.Version, "reason", err)
	a.Metrics.skipped.Inc()
	return AnalyzeReport{}, nil
}

// analyzeTx saves analyses and their alerts in one transaction.
func (a *App) analyzeTx(ctx context.Context, ms []models.Mention, as []models.Analysis) (AnalyzeReport, error) {
	var batch AnalyzeReport
	err := a.Store.Tx(ctx, func(tx *store.Store) error {
		var err error
		batch, err = a.saveAnalyses(ctx, tx, ms, as)
		return err
	})
	return batch, err
}

// saveAnalyses judges (relevance, corrections) the batch, saves it with
// multi-row statements (store.SaveAnalyses), then hands each analysis
// saved to the alerter in the batch's order, inside tx. An analysis the
// alerter would do nothing with (history read by a backfill: complaints
// before the alert window) is not handed over (alerts.Silent).
func (a *App) saveAnalyses(ctx context.Context, tx *store.Store, ms []models.Mention, as []models.Analysis) (AnalyzeReport, error) {
	var batch AnalyzeReport
	// A failed attempt must not leave IDs or judgements behind: the
	// batch may be split and retried from as.
	ans := slices.Clone(as)
	for i := range ans {
		ans[i].Aspects = slices.Clone(as[i].Aspects)
		ans[i].Reasons = slices.Clip(ans[i].Reasons)
	}
	if err := a.Alerter.JudgeAll(ctx, tx, ms, ans); err != nil {
		return batch, err
	}
	saved, err := tx.SaveAnalyses(ctx, ms, ans)
	if err != nil {
		return batch, err
	}
	silent, err := a.Alerter.Silent(ctx, tx, ms, ans)
	if err != nil {
		return batch, err
	}
	for i := range ans {
		if !saved[i] {
			continue
		}
		batch.Analyzed++
		if ans[i].Complaint {
			batch.Complaints++
		}
		if silent[i] {
			continue
		}
		if err := a.Alerter.OnAnalysis(ctx, tx, ms[i], ans[i]); err != nil {
			return batch, fmt.Errorf("app: alert on mention %d: %w", ms[i].ID, err)
		}
	}
	return batch, nil
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

// localeAnalyzer is an Analyzer that also takes the business's locale,
// which settles text the language detector cannot place (kanji-only
// text is Japanese for a "ja" business).
type localeAnalyzer interface {
	AnalyzeIn(ctx context.Context, m models.Mention, domain, locale string) models.Analysis
}

func (a *App) analyze(ctx context.Context, m models.Mention) models.Analysis {
	b := a.businesses[m.BusinessID]
	if la, ok := a.Analyzer.(localeAnalyzer); ok {
		return la.AnalyzeIn(ctx, m, b.Domain, b.Locale)
	}
	return a.Analyzer.Analyze(ctx, m, b.Domain)
}
