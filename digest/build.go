// Package digest builds the weekly reputation email: one message an owner
// reads on Monday morning that says whether the business's reputation got
// better or worse, why, and whether staff answered complaints in time.
// Build computes every figure from the store, which does the counting
// (aggregate queries, and one streamed pass over each period's mentions,
// even for 100,000 mentions a week); RenderText and RenderHTML
// turn it into the two parts of the email, with charts as HTML bar
// tables (charts.go); Enqueue puts one message per recipient in the notification
// outbox, where the alerter delivers and retries it.
package digest

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
	"golang.org/x/sync/errgroup"
)

// prevWeeks is how many earlier weeks the digest compares against.
const prevWeeks = 4

// Options tune Build.
type Options struct {
	// Now is when the digest is made: tasks overdue at this moment are
	// listed. Zero means the end of the week.
	Now time.Time
	// TopIssues bounds the issue and praise lists (default 5).
	TopIssues int
	// Quotes is how many worst and best mentions to quote (default 3).
	Quotes int
	// MaxOverdue bounds the overdue tasks listed (default 10).
	MaxOverdue int
	Logger     *slog.Logger
	// BaseURL is server.base_url: every figure links to the inbox
	// filtered to the tasks behind it. Empty renders no web links.
	BaseURL string
}

func (o *Options) defaults(end time.Time) {
	if o.Now.IsZero() {
		o.Now = end
	}
	if o.TopIssues <= 0 {
		o.TopIssues = 5
	}
	if o.Quotes <= 0 {
		o.Quotes = 3
	}
	if o.MaxOverdue <= 0 {
		o.MaxOverdue = 10
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// Digest is one business's week in figures. Every field is computed by
// Build; the renderers only format.
type Digest struct {
	Business models.Business
	Week     Week
	Location *time.Location
	// Start and End bound the week (End exclusive).
	Start, End time.Time
	// GeneratedAt is Options.Now.
	GeneratedAt time.Time
	// BaseURL is Options.BaseURL, the web app the figures link to.
	BaseURL string

	// Totals of the week and the weekly average of the four weeks before.
	Mentions   Trend
	NewReviews Trend
	// Complaints counts apology tasks opened; Flagged counts mentions the
	// analyzer flagged as complaints (the same unless tasks were merged or
	// the alerter was off).
	Complaints Trend
	Flagged    Trend
	// Rating is the average star rating of the week's reviews.
	Rating Rating
	// NegativeShare is the share (0..1) of analyzed mentions that are
	// negative: labelled negative or flagged as a complaint (a 2-star
	// "lovely staff, but charged twice" reads as mixed but is a
	// complaint), this week and over the previous four.
	NegativeShare     float64
	PrevNegativeShare float64
	HasNegativeShare  bool
	HasPrevNegative   bool
	// ComplaintsOpened counts apology tasks opened in the week.
	ComplaintsOpened int64

	Sources []SourceFigures
	// Days holds the week's mentions per day, Monday first.
	Days [7]DayFigures

	Issues         []IssueFigures
	NewIssues      []string
	ReturnedIssues []string
	Praise         []IssueFigures

	Response Response
	// Signal is how well the complaint flag served the business this
	// week: tasks staff corrected, mentions not about it, mentions
	// waiting for someone who reads their language.
	Signal store.DigestSignal
	Worst  []Quote
	Best   []Quote
	Health []SourceHealth
	// Runs counts every scrape of the week, failed or not: zero means
	// nothing watched the sources.
	Runs int64
}

// Trend is a count this week against the weekly average of the four
// weeks before.
type Trend struct {
	This    int64
	PrevAvg float64
}

// Rating is an average star rating this week and per week for the chart.
type Rating struct {
	Avg     float64
	Count   int64
	PrevAvg float64
	PrevN   int64
	HasAvg  bool
	HasPrev bool
	// Weekly holds the average of each of the five weeks, oldest first;
	// NaN-free: Have[i] says whether week i had any rating.
	Weekly [prevWeeks + 1]float64
	Have   [prevWeeks + 1]bool
}

// SourceFigures is one source's activity.
type SourceFigures struct {
	Name    string
	Kind    string
	Target  string
	Trend   Trend
	Reviews int64
}

// DayFigures is one day of the week.
type DayFigures struct {
	Date     time.Time
	Mentions int64
	Negative int64
}

// IssueFigures is an issue (or a praised aspect) with its trend.
type IssueFigures struct {
	Category string
	// Terms are the most frequent wordings, for a concrete label.
	Terms []string
	Trend Trend
	// New: not raised in the previous four weeks. Returned: raised again
	// after a complaint about it was resolved.
	New      bool
	Returned bool
}

// Response is how fast and how reliably complaints were answered.
type Response struct {
	Replied     int
	Median, P90 time.Duration
	// Due counts the apology tasks whose reply deadline fell in the week
	// and has passed, plus those answered before a deadline still ahead;
	// AnsweredOnTime those answered by their deadline. NotYetDue counts
	// the unanswered ones whose deadline is still ahead (a week still
	// running).
	Due            int64
	AnsweredOnTime int64
	NotYetDue      int64
	FollowUpsDone  int64
	FollowUpsDue   int64
	Overdue        []OverdueTask
	OverdueTotal   int64
}

// OverdueTask is an unanswered task past its deadline.
type OverdueTask struct {
	ID       int64
	Kind     string
	Severity int
	Assignee string
	DueAt    time.Time
	Late     time.Duration
	Link     string
}

// Quote is a mention quoted briefly.
type Quote struct {
	Source   string
	Author   string
	Rating   *float64
	Text     string
	URL      string
	PostedAt time.Time
	Label    string
}

// SourceHealth is a source that failed or was blocked during the week.
type SourceHealth struct {
	Name      string
	Kind      string
	Target    string
	Runs      int64
	Failed    int64
	Blocked   int64
	LastClass string
	LastError string
}

// Quiet reports a week without a single mention.
func (d *Digest) Quiet() bool { return d.Mentions.This == 0 }

// Build computes the digest of one business for one week from the store.
// Its queries run two at a time on the store's connection pool, so st must
// be the store itself, not a transaction.
func Build(ctx context.Context, st Reader, biz models.Business, week Week, opts Options) (*Digest, error) {
	if week.IsZero() {
		return nil, fmt.Errorf("digest: business %s: %w: no week given", biz.Name, ErrBadWeek)
	}
	loc := location(biz.TimeZone)
	start, end := week.Bounds(loc)
	opts.defaults(end)
	d := &Digest{Business: biz, Week: week, Location: loc, Start: start, End: end, GeneratedAt: opts.Now, BaseURL: opts.BaseURL}
	prevStart := week.Add(-prevWeeks).Day(0, loc)

	// Bounds of the four previous weeks, and of the seven days of this
	// week.
	prevBounds := make([]time.Time, 0, prevWeeks+1)
	for i := prevWeeks; i >= 0; i-- {
		prevBounds = append(prevBounds, week.Add(-i).Day(0, loc))
	}
	dayBounds := make([]time.Time, 0, 8)
	for i := 0; i <= 7; i++ {
		dayBounds = append(dayBounds, week.Day(i, loc))
	}

	var (
		early, late  store.DigestActivity
		prev         store.DigestActivity
		srcWeek      []store.DigestSourceCount
		srcPrev      []store.DigestSourceCount
		sources      []models.Source
		resolved     []string
		runs         []store.DigestRunStats
		ts, prevTS   store.DigestTaskCounts
		replyTimes   []time.Duration
		overdue      []models.Task
		overdueTotal int64
		notYetDue    int64
	)
	g, gctx := errgroup.WithContext(ctx)
	// Two queries at a time: the machine earshot targets has two cores,
	// and each SQLite connection keeps its own page cache. The week's
	// mentions, the bulk of the work, are read in two passes (Monday to
	// Thursday, Friday to Sunday) started first, so the work splits about
	// evenly over the two connections; the previous weeks' pass and the
	// small queries follow on whichever is free. With one pass over the
	// whole week, that pass alone set the pace (about 470 ms, against 390
	// for the split, on the benchmark's week on an idle machine).
	g.SetLimit(2)
	const split = 4
	g.Go(func() (err error) {
		early, err = st.DigestActivity(gctx, biz.ID, dayBounds[:split+1], rankings(opts.Quotes)...)
		return
	})
	g.Go(func() (err error) {
		late, err = st.DigestActivity(gctx, biz.ID, dayBounds[split:], rankings(opts.Quotes)...)
		return
	})
	g.Go(func() (err error) { prev, err = st.DigestActivity(gctx, biz.ID, prevBounds); return })
	g.Go(func() (err error) {
		if sources, err = st.DigestSources(gctx, biz.ID); err != nil {
			return err
		}
		ids := make([]int64, len(sources))
		for i, s := range sources {
			ids[i] = s.ID
		}
		if srcWeek, err = st.DigestSourceCounts(gctx, ids, start, end); err != nil {
			return err
		}
		if srcPrev, err = st.DigestSourceCounts(gctx, ids, prevStart, start); err != nil {
			return err
		}
		if resolved, err = st.DigestResolvedIssueCategories(gctx, biz.ID, prevStart, start); err != nil {
			return err
		}
		if ts, err = st.DigestTaskStats(gctx, biz.ID, start, end); err != nil {
			return err
		}
		// A week still running (the preview of the current week) has
		// deadlines still ahead: those count only once answered, and the
		// rest are "still open, not yet due", never "missed".
		if now := opts.Now; now.After(start) && now.Before(end) {
			passed, err := st.DigestTaskStats(gctx, biz.ID, start, now)
			if err != nil {
				return err
			}
			ahead, err := st.DigestTaskStats(gctx, biz.ID, now, end)
			if err != nil {
				return err
			}
			ts.Due = passed.Due + ahead.AnsweredOnTime
			ts.AnsweredOnTime = passed.AnsweredOnTime + ahead.AnsweredOnTime
			notYetDue = ahead.Due - ahead.AnsweredOnTime
		}
		if prevTS, err = st.DigestTaskStats(gctx, biz.ID, prevStart, start); err != nil {
			return err
		}
		if d.Signal, err = st.DigestSignalStats(gctx, biz.ID, start, end); err != nil {
			return err
		}
		if overdue, overdueTotal, err = st.DigestOverdueTasks(gctx, biz.ID, opts.Now, opts.MaxOverdue); err != nil {
			return err
		}
		runs, err = st.DigestSourceRuns(gctx, biz.ID, start, end)
		return err
	})
	g.Go(func() (err error) { replyTimes, err = st.DigestReplyTimes(gctx, biz.ID, start, end); return })
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("digest: business %s week %s: %w", biz.Name, week, err)
	}

	// Buckets 0..3 are the previous weeks, 4..10 the days of this week.
	buckets := prev.Buckets
	for _, b := range early.Buckets {
		b.Bucket += prevWeeks
		buckets = append(buckets, b)
	}
	for _, b := range late.Buckets {
		b.Bucket += prevWeeks + split
		buckets = append(buckets, b)
	}
	worst := mergeQuotes(true, opts.Quotes, early.Worst, late.Worst)
	best := mergeQuotes(false, opts.Quotes, early.Best, late.Best)
	d.addMentionFigures(buckets, srcWeek, srcPrev, sources)
	// Issues are counted per day and per previous week; addIssues adds
	// them up (a mention falls in one bucket only).
	d.addIssues(append(early.Aspects, late.Aspects...), prev.Aspects, resolved, opts.TopIssues)
	d.addResponse(ts, prevTS, replyTimes, overdue, overdueTotal, opts.Now)
	d.Response.NotYetDue = notYetDue

	names := sourceNames(sources)
	// A quiet or unanimous week must not quote the same mention as both
	// the worst and the best.
	d.Worst = quotes(worst, names, func(q store.DigestQuote) bool {
		return q.Compound < 0 || q.Label == models.LabelNegative || q.Complaint
	})
	seen := map[string]bool{}
	for _, q := range d.Worst {
		seen[q.URL+q.Text] = true
	}
	// The best of the week is praise: a rated mention needs 4 stars or
	// more (a 3-star "fine, but small portions" is not praise however
	// warm its words), an unrated post a positive tone.
	d.Best = quotes(best, names, func(q store.DigestQuote) bool {
		if q.Complaint {
			return false
		}
		if q.Rating != nil {
			return *q.Rating >= 4
		}
		return q.Compound > 0 || q.Label == models.LabelPositive
	})
	d.Best = slices.DeleteFunc(d.Best, func(q Quote) bool { return seen[q.URL+q.Text] })

	for _, r := range runs {
		d.Runs += r.Runs
		if r.Failed == 0 {
			continue
		}
		src := sourceByID(sources, r.SourceID)
		h := SourceHealth{Name: src.Name, Kind: src.Kind, Target: src.Target, Runs: r.Runs, Failed: r.Failed, Blocked: r.Blocked}
		if last, err := st.DigestLastFailure(ctx, r.SourceID, start, end); err == nil {
			h.LastClass, h.LastError = last.ErrorClass, last.Error
		} else {
			opts.Logger.Warn("digest: last failure of source", "business", biz.Name, "source", src.Name, "err", err)
		}
		d.Health = append(d.Health, h)
	}
	return d, nil
}

func location(tz string) *time.Location {
	if tz == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return time.UTC
	}
	return loc
}

func sourceByID(sources []models.Source, id int64) models.Source {
	for _, s := range sources {
		if s.ID == id {
			return s
		}
	}
	return models.Source{ID: id, Name: fmt.Sprintf("source %d", id)}
}

func sourceNames(sources []models.Source) map[int64]string {
	out := make(map[int64]string, len(sources))
	for _, s := range sources {
		out[s.ID] = s.Name
	}
	return out
}

func (d *Digest) addMentionFigures(buckets []store.DigestMentionBucket, srcWeek, srcPrev []store.DigestSourceCount, sources []models.Source) {
	type acc struct {
		mentions, rated, analyzed, negative, complaints int64
		ratingSum                                       float64
	}
	var weeks [prevWeeks + 1]acc
	for _, b := range buckets {
		w := b.Bucket - prevWeeks // day index within this week, or < 0
		wi := prevWeeks
		if w < 0 {
			wi = b.Bucket
		}
		a := &weeks[wi]
		a.mentions += b.Mentions
		a.rated += b.Rated
		a.ratingSum += b.RatingSum
		a.analyzed += b.Analyzed
		a.negative += b.Negative
		a.complaints += b.Complaints
		if w >= 0 && w < 7 {
			d.Days[w].Mentions += b.Mentions
			d.Days[w].Negative += b.Negative
		}
	}
	bySource := map[int64]*SourceFigures{}
	get := func(id int64) *SourceFigures {
		sf := bySource[id]
		if sf == nil {
			src := sourceByID(sources, id)
			sf = &SourceFigures{Name: src.Name, Kind: src.Kind, Target: src.Target}
			bySource[id] = sf
		}
		return sf
	}
	for _, c := range srcWeek {
		sf := get(c.SourceID)
		sf.Trend.This += c.Mentions
		sf.Reviews += c.Rated
	}
	for _, c := range srcPrev {
		get(c.SourceID).Trend.PrevAvg += float64(c.Mentions) / prevWeeks
	}
	for i := range d.Days {
		d.Days[i].Date = d.Week.Day(i, d.Location)
	}
	var prev acc
	for i, a := range weeks {
		if a.rated > 0 {
			d.Rating.Weekly[i] = a.ratingSum / float64(a.rated)
			d.Rating.Have[i] = true
		}
		if i < prevWeeks {
			prev.mentions += a.mentions
			prev.rated += a.rated
			prev.ratingSum += a.ratingSum
			prev.analyzed += a.analyzed
			prev.negative += a.negative
			prev.complaints += a.complaints
		}
	}
	cur := weeks[prevWeeks]
	d.Mentions = Trend{This: cur.mentions, PrevAvg: float64(prev.mentions) / prevWeeks}
	d.NewReviews = Trend{This: cur.rated, PrevAvg: float64(prev.rated) / prevWeeks}
	d.Flagged = Trend{This: cur.complaints, PrevAvg: float64(prev.complaints) / prevWeeks}
	d.Rating.Count, d.Rating.PrevN = cur.rated, prev.rated
	if cur.rated > 0 {
		d.Rating.Avg, d.Rating.HasAvg = cur.ratingSum/float64(cur.rated), true
	}
	if prev.rated > 0 {
		d.Rating.PrevAvg, d.Rating.HasPrev = prev.ratingSum/float64(prev.rated), true
	}
	if cur.analyzed > 0 {
		d.NegativeShare, d.HasNegativeShare = float64(cur.negative)/float64(cur.analyzed), true
	}
	if prev.analyzed > 0 {
		d.PrevNegativeShare, d.HasPrevNegative = float64(prev.negative)/float64(prev.analyzed), true
	}
	// Every source of the business is listed, silent ones too: a source
	// with no mentions this week is worth noticing.
	for _, s := range sources {
		if _, ok := bySource[s.ID]; !ok {
			bySource[s.ID] = &SourceFigures{Name: s.Name, Kind: s.Kind, Target: s.Target}
		}
	}
	for _, sf := range bySource {
		d.Sources = append(d.Sources, *sf)
	}
	sort.Slice(d.Sources, func(i, j int) bool {
		a, b := d.Sources[i], d.Sources[j]
		if a.Trend.This != b.Trend.This {
			return a.Trend.This > b.Trend.This
		}
		return a.Name < b.Name
	})
}

func (d *Digest) addIssues(aspects, prevAspects []store.DigestAspectBucket, resolved []string, top int) {
	type key struct{ cat, pol string }
	figs := map[key]*IssueFigures{}
	seenBefore := map[key]bool{}
	// Wordings of this week, case-folded, with their counts.
	terms := map[key]map[string]int64{}
	get := func(a store.DigestAspectBucket) *IssueFigures {
		k := key{a.Category, a.Polarity}
		f := figs[k]
		if f == nil {
			f = &IssueFigures{Category: a.Category}
			figs[k] = f
		}
		return f
	}
	for _, a := range prevAspects {
		get(a).Trend.PrevAvg += float64(a.Mentions) / prevWeeks
		seenBefore[key{a.Category, a.Polarity}] = true
	}
	for _, a := range aspects {
		k := key{a.Category, a.Polarity}
		get(a).Trend.This += a.Mentions
		if t := strings.ToLower(strings.TrimSpace(a.Term)); t != "" && t != strings.ToLower(a.Category) {
			if terms[k] == nil {
				terms[k] = map[string]int64{}
			}
			terms[k][t] += a.Mentions
		}
	}
	for k, ts := range terms {
		words := make([]string, 0, len(ts))
		for w := range ts {
			words = append(words, w)
		}
		sort.Slice(words, func(i, j int) bool {
			if ts[words[i]] != ts[words[j]] {
				return ts[words[i]] > ts[words[j]]
			}
			return words[i] < words[j]
		})
		figs[k].Terms = words[:min(3, len(words))]
	}
	wasResolved := map[string]bool{}
	for _, c := range resolved {
		wasResolved[c] = true
	}
	var issues, praise []IssueFigures
	for k, f := range figs {
		if f.Trend.This == 0 {
			continue
		}
		if k.pol == models.PolarityNegative {
			f.New = !seenBefore[k]
			f.Returned = wasResolved[k.cat]
			issues = append(issues, *f)
		} else {
			praise = append(praise, *f)
		}
	}
	byCount := func(s []IssueFigures) {
		sort.Slice(s, func(i, j int) bool {
			if s[i].Trend.This != s[j].Trend.This {
				return s[i].Trend.This > s[j].Trend.This
			}
			return s[i].Category < s[j].Category
		})
	}
	byCount(issues)
	byCount(praise)
	// New and returning issues are listed whatever their rank.
	for _, f := range issues {
		if f.New {
			d.NewIssues = append(d.NewIssues, f.Category)
		}
		if f.Returned {
			d.ReturnedIssues = append(d.ReturnedIssues, f.Category)
		}
	}
	d.Issues = issues[:min(top, len(issues))]
	d.Praise = praise[:min(top, len(praise))]
}

func (d *Digest) addResponse(ts, prev store.DigestTaskCounts, times []time.Duration, overdue []models.Task, total int64, now time.Time) {
	d.ComplaintsOpened = ts.Opened
	d.Complaints = Trend{This: ts.Opened, PrevAvg: float64(prev.Opened) / prevWeeks}
	d.Response.Due, d.Response.AnsweredOnTime = ts.Due, ts.AnsweredOnTime
	d.Response.FollowUpsDone, d.Response.FollowUpsDue = ts.FollowUpsDone, ts.FollowUpsDue
	d.Response.Replied = len(times)
	d.Response.Median = percentile(times, 50)
	d.Response.P90 = percentile(times, 90)
	d.Response.OverdueTotal = total
	for _, t := range overdue {
		d.Response.Overdue = append(d.Response.Overdue, OverdueTask{
			ID: t.ID, Kind: t.Kind, Severity: t.Severity, Assignee: t.Assignee,
			DueAt: t.DueAt, Late: now.Sub(t.DueAt), Link: t.Link,
		})
	}
}

// percentile uses the nearest-rank method: the value at rank
// ceil(p/100 × n), so the 90th percentile of ten replies is the ninth.
func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := (p*len(s) + 99) / 100
	if rank < 1 {
		rank = 1
	}
	return s[rank-1]
}

func quotes(ms []store.DigestQuote, names map[int64]string, keep func(store.DigestQuote) bool) []Quote {
	var out []Quote
	for _, m := range ms {
		if !keep(m) {
			continue
		}
		text := strings.TrimSpace(m.Text)
		if text == "" {
			text = strings.TrimSpace(m.Title)
		}
		src := names[m.SourceID]
		if src == "" {
			src = m.SourceKind
		}
		out = append(out, Quote{
			Source: src, Author: oneLine(m.Author, 60), Rating: m.Rating, Text: oneLine(text, 220),
			URL: m.URL, PostedAt: m.PostedAt, Label: m.Label,
		})
	}
	return out
}

// oneLine collapses whitespace (newlines included, so scraped text cannot
// fake a new line of the digest) and cuts to n runes at a word boundary.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "")), " ")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069') {
			return -1
		}
		return r
	}, s)
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:-") + "…"
}
