package web

import (
	"cmp"
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/earshot/earshot/i18n"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
	"github.com/earshot/earshot/web/charts"
)

// The dashboard at /dashboard shows, for one business or rolled up over
// every business the signed-in account may see (a brand with many
// locations), the rating trend, mentions and complaints per day, how
// fast and how often complaints are answered in time, the top issues
// against the period before, and each source's health. Every figure is
// computed by an aggregate query in store (dashboard.go) and links to
// the inbox filtered to the tasks behind it, with these query
// parameters: business (name), state, severity, source (name), issue,
// q, from and to (UTC dates, opened on or after / on or before), all=1
// (resolved too) and overdue=1.

// dashPeriods are the periods the selector offers, in days.
var dashPeriods = []int{7, 30, 90}

const dashDefaultDays = 30

type dashLink struct {
	Label   string
	Days    int
	Href    string
	Current bool
}

type dashFigure struct {
	ID, Label, Value, Note, Href string
}

type dashBizRow struct {
	Name, Display, DashHref, InboxHref, OverdueHref string
	Mentions, Complaints, Open, Overdue             int64
	Rating                                          string
}

type dashSourceRow struct {
	Business, Name, Kind, Status, StatusClass, LastSuccess, Aggregate string
	Failures                                                          int
	Runs, Failed                                                      int64
	Href                                                              string
}

type dashRow struct {
	Label, Value, Href string
}

type dashIssueRow struct {
	Issue, Href, Move string
	This, Previous    int64
}

type dashboardPage struct {
	Title      string
	Scope      string
	Business   string
	Days       int
	From, To   string
	Periods    []dashLink
	Businesses []dashBizRow
	Choose     []dashLink
	Figures    []dashFigure
	RatingSVG  template.HTML
	Ratings    []dashRow
	DaysSVG    template.HTML
	PerDay     []struct {
		Day, Href            string
		Mentions, Complaints int64
	}
	IssuesSVG template.HTML
	Issues    []dashIssueRow
	Sources   []dashSourceRow
	Names     map[int64]string
	// pr words the page in the locale its businesses share (English
	// when they differ).
	pr i18n.Printer
}

// inboxHref is a link to the inbox filtered by the given parameters, in
// a fixed order.
// dashboardStore is what the dashboard's figures are read from.
type dashboardStore interface {
	DashMentionDays(ctx context.Context, businessIDs []int64, from, to time.Time) ([]store.DashDay, error)
	DashTaskDays(ctx context.Context, businessIDs []int64, from, to time.Time) ([]store.DashTaskDay, error)
	DashResponse(ctx context.Context, businessIDs []int64, from, to, now time.Time) (store.DashResponse, error)
	DashIssues(ctx context.Context, businessIDs []int64, from, to time.Time, limit int) ([]store.DashIssue, error)
	DashOpenTasks(ctx context.Context, businessIDs []int64, now time.Time) ([]store.DashOpen, error)
	DashSourceRuns(ctx context.Context, sourceIDs []int64, from, to time.Time) ([]store.DashSourceRuns, error)
	AggregateRatings(ctx context.Context, sourceID int64, limit int) ([]models.AggregateRating, error)
}

func inboxHref(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Set(kv[i], kv[i+1])
		}
	}
	return "/inbox?" + v.Encode()
}

func (s *server) dashboard(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	days := dashDefaultDays
	if d, err := strconv.Atoi(q.Get("days")); err == nil && slices.Contains(dashPeriods, d) {
		days = d
	}
	me, _ := CurrentUser(r)
	ctx := r.Context()
	all, err := s.visibleBusinesses(ctx, me)
	if err != nil {
		s.fail(w, err)
		return
	}
	bizName := q.Get("business")
	scope := all
	if bizName != "" {
		scope = slices.DeleteFunc(slices.Clone(all), func(b models.Business) bool { return b.Name != bizName })
		if len(scope) == 0 {
			// Another business's name is as unknown as a missing one.
			http.Error(w, "earshot: no such business", http.StatusNotFound)
			return
		}
	}
	pr := newZones(scope, s.Clock.Now()).L
	p := dashboardPage{Title: pr.T("dash.title", nil), Days: days, Business: bizName, Names: map[int64]string{}, pr: pr}
	for _, d := range dashPeriods {
		p.Periods = append(p.Periods, dashLink{Days: d, Current: d == days, Href: dashHref(bizName, d)})
	}
	if len(all) > 1 {
		p.Choose = append(p.Choose, dashLink{Label: pr.T("dash.all", map[string]any{"N": len(all)}), Href: dashHref("", days), Current: bizName == ""})
		for _, b := range all {
			p.Choose = append(p.Choose, dashLink{Label: display(b), Href: dashHref(b.Name, days), Current: bizName == b.Name})
		}
	}
	if len(scope) == 0 {
		p.Scope = pr.T("dash.no_business", nil)
		s.render(w, r, "dashboard", http.StatusOK, p)
		return
	}
	if err := s.fillDashboard(ctx, &p, all, scope, days); err != nil {
		s.fail(w, err)
		return
	}
	s.render(w, r, "dashboard", http.StatusOK, p)
}

func (p dashboardPage) words() i18n.Printer { return p.pr }

func dashHref(business string, days int) string {
	v := url.Values{}
	if business != "" {
		v.Set("business", business)
	}
	v.Set("days", strconv.Itoa(days))
	return "/dashboard?" + v.Encode()
}

func display(b models.Business) string { return cmp.Or(b.DisplayName, b.Name) }

func ratio(sum float64, n int64) string {
	if n == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f", sum/float64(n))
}

func change(pr i18n.Printer, this, prev int64) string {
	switch {
	case this == prev:
		return pr.T("dash.same", nil)
	case this > prev:
		return pr.T("dash.up", map[string]any{"N": prev})
	default:
		return pr.T("dash.down", map[string]any{"N": prev})
	}
}

func (s *server) fillDashboard(ctx context.Context, p *dashboardPage, all, scope []models.Business, days int) error {
	pr := p.pr
	now := s.Clock.Now().UTC()
	// Periods end at the end of today (UTC) so a day's bar is whole.
	end := now.Truncate(24*time.Hour).AddDate(0, 0, 1)
	from := end.AddDate(0, 0, -days)
	prev := from.AddDate(0, 0, -days)
	weeks := max(4, days/7)
	trendFrom := end.AddDate(0, 0, -7*weeks)
	p.From, p.To = from.Format("2006-01-02"), end.AddDate(0, 0, -1).Format("2006-01-02")

	ids := make([]int64, len(scope))
	byID := map[int64]models.Business{}
	for i, b := range scope {
		ids[i] = b.ID
		byID[b.ID] = b
		p.Names[b.ID] = display(b)
	}
	bizParam := ""
	if len(scope) == 1 {
		bizParam = scope[0].Name
		p.Scope = display(scope[0])
	} else {
		p.Scope = pr.T("dash.all_businesses", map[string]any{"N": len(scope)})
	}

	first := prev
	if trendFrom.Before(first) {
		first = trendFrom
	}
	mdays, err := s.Store.DashMentionDays(ctx, ids, first, end)
	if err != nil {
		return err
	}
	tdays, err := s.Store.DashTaskDays(ctx, ids, prev, end)
	if err != nil {
		return err
	}
	resp, err := s.Store.DashResponse(ctx, ids, from, end, now)
	if err != nil {
		return err
	}
	issues, err := s.Store.DashIssues(ctx, ids, from, end, 8)
	if err != nil {
		return err
	}
	open, err := s.Store.DashOpenTasks(ctx, ids, now)
	if err != nil {
		return err
	}

	// Totals, per business and per day.
	fromDay, prevDay := from.Format("2006-01-02"), prev.Format("2006-01-02")
	type tot struct {
		mentions, rated, complaints, prevMentions, prevComplaints, prevRated int64
		sum, prevSum                                                         float64
	}
	perBiz := map[int64]*tot{}
	var all2 tot
	get := func(id int64) *tot {
		if perBiz[id] == nil {
			perBiz[id] = &tot{}
		}
		return perBiz[id]
	}
	dayM := map[string]int64{}
	dayC := map[string]int64{}
	weekSum := make([]float64, weeks)
	weekN := make([]int64, weeks)
	for _, d := range mdays {
		t := get(d.BusinessID)
		switch {
		case d.Day >= fromDay:
			t.mentions += d.Mentions
			t.rated += d.Rated
			t.sum += d.RatingSum
			dayM[d.Day] += d.Mentions
		case d.Day >= prevDay:
			t.prevMentions += d.Mentions
			t.prevRated += d.Rated
			t.prevSum += d.RatingSum
		}
		if day, err := time.Parse("2006-01-02", d.Day); err == nil && !day.Before(trendFrom) {
			wk := int(day.Sub(trendFrom).Hours() / (24 * 7))
			if wk >= 0 && wk < weeks {
				weekSum[wk] += d.RatingSum
				weekN[wk] += d.Rated
			}
		}
	}
	for _, d := range tdays {
		t := get(d.BusinessID)
		if d.Day >= fromDay {
			t.complaints += d.Tasks
			dayC[d.Day] += d.Tasks
		} else {
			t.prevComplaints += d.Tasks
		}
	}
	for _, t := range perBiz {
		all2.mentions += t.mentions
		all2.rated += t.rated
		all2.sum += t.sum
		all2.complaints += t.complaints
		all2.prevMentions += t.prevMentions
		all2.prevRated += t.prevRated
		all2.prevSum += t.prevSum
		all2.prevComplaints += t.prevComplaints
	}
	var openN, overdueN int64
	openBy := map[int64]store.DashOpen{}
	for _, o := range open {
		openN += o.Open
		overdueN += o.Overdue
		openBy[o.BusinessID] = o
	}

	period := pr.T("dash.period", map[string]any{"N": days})
	ratingNote := pr.T("dash.rating.none", nil)
	if all2.rated > 0 {
		ratingNote = pr.T("dash.rating.from", map[string]any{"N": all2.rated})
		if all2.prevRated > 0 {
			ratingNote += pr.T("dash.rating.before", map[string]any{"Avg": ratio(all2.prevSum, all2.prevRated), "N": days})
		}
	}
	onTime, onTimeNote := "–", pr.T("dash.ontime.none", nil)
	if resp.Due > 0 {
		onTime = fmt.Sprintf("%.0f%%", 100*float64(resp.OnTime)/float64(resp.Due))
		onTimeNote = pr.T("dash.ontime.note", map[string]any{"OnTime": resp.OnTime, "Due": resp.Due})
	}
	median, medianNote := "–", pr.T("dash.median.none", nil)
	if med, ok := resp.Replies.Quantile(0.5); ok {
		// From the reply-time histogram: within a bucket (±13%) of the
		// exact figure, so it is rounded and worded as an estimate.
		p90, _ := resp.Replies.Quantile(0.9)
		median = pr.T("dash.about", map[string]any{"D": humanDuration(roughly(med))})
		medianNote = pr.T("dash.median.note", map[string]any{"Replied": resp.Replied, "Opened": resp.Opened, "P90": humanDuration(roughly(p90))})
	}
	p.Figures = []dashFigure{
		{ID: "fig-rating", Label: pr.T("dash.fig.rating", nil), Value: ratio(all2.sum, all2.rated), Note: ratingNote, Href: inboxHref("business", bizParam, "all", "1", "from", p.From, "to", p.To)},
		{ID: "fig-mentions", Label: pr.T("dash.fig.mentions", map[string]any{"Period": period}), Value: strconv.FormatInt(all2.mentions, 10), Note: change(pr, all2.mentions, all2.prevMentions), Href: "/sources"},
		{ID: "fig-complaints", Label: pr.T("dash.fig.complaints", map[string]any{"Period": period}), Value: strconv.FormatInt(all2.complaints, 10), Note: change(pr, all2.complaints, all2.prevComplaints), Href: inboxHref("business", bizParam, "all", "1", "from", p.From, "to", p.To)},
		{ID: "fig-median", Label: pr.T("dash.fig.median", nil), Value: median, Note: medianNote, Href: inboxHref("business", bizParam, "state", "replied", "all", "1", "from", p.From, "to", p.To)},
		{ID: "fig-ontime", Label: pr.T("dash.fig.ontime", nil), Value: onTime, Note: onTimeNote, Href: inboxHref("business", bizParam, "all", "1", "from", p.From, "to", p.To)},
		{ID: "fig-open", Label: pr.T("dash.fig.open", nil), Value: strconv.FormatInt(openN, 10), Note: pr.T("dash.fig.open_note", map[string]any{"N": overdueN}), Href: inboxHref("business", bizParam)},
		{ID: "fig-overdue", Label: pr.T("dash.fig.overdue", nil), Value: strconv.FormatInt(overdueN, 10), Note: pr.T("dash.fig.overdue_note", nil), Href: inboxHref("business", bizParam, "overdue", "1")},
	}
	if bizParam != "" {
		p.Figures[1].Href = inboxHref("business", bizParam, "all", "1", "from", p.From, "to", p.To)
	}

	// Rating trend: weekly averages, oldest first.
	var rbars []charts.Bar
	for i := range weeks {
		ws := trendFrom.AddDate(0, 0, 7*i)
		we := ws.AddDate(0, 0, 6)
		label := pr.DayMonth(ws)
		row := dashRow{Label: pr.T("dash.week_of", map[string]any{"Day": label}), Value: pr.T("dash.no_reviews", nil), Href: inboxHref("business", bizParam, "all", "1", "from", ws.Format("2006-01-02"), "to", we.Format("2006-01-02"))}
		b := charts.Bar{Label: label, Href: row.Href}
		if weekN[i] > 0 {
			avg := weekSum[i] / float64(weekN[i])
			b.Value, b.Text = avg, fmt.Sprintf("%.1f", avg)
			row.Value = pr.T("dash.week_avg", map[string]any{"Avg": fmt.Sprintf("%.1f", avg), "N": weekN[i]})
		}
		b.Hint = row.Label + ": " + row.Value
		rbars = append(rbars, b)
		p.Ratings = append(p.Ratings, row)
	}
	p.RatingSVG = charts.Vertical(charts.Chart{ID: "chart-rating", Title: pr.T("dash.chart.rating", nil), Desc: pr.T("dash.chart.rating_desc", nil), Bars: rbars, Max: 5})

	// Mentions and complaints per day.
	var dbars []charts.Bar
	for d := from; d.Before(end); d = d.AddDate(0, 0, 1) {
		key := d.Format("2006-01-02")
		label := pr.DayMonth(d)
		if days <= 7 {
			label = pr.T("dash.day_short", map[string]any{"Weekday": pr.Weekday(d), "Day": d.Day()})
		}
		href := inboxHref("business", bizParam, "all", "1", "from", key, "to", key)
		m, c := dayM[key], dayC[key]
		dbars = append(dbars, charts.Bar{Label: label, Value: float64(m), Part: float64(c), Text: strconv.FormatInt(m, 10), Href: href,
			Hint: pr.T("dash.day_hint", map[string]any{"Day": pr.Date(d), "M": m, "C": c})})
		p.PerDay = append(p.PerDay, struct {
			Day, Href            string
			Mentions, Complaints int64
		}{pr.Date(d), href, m, c})
	}
	p.DaysSVG = charts.Vertical(charts.Chart{ID: "chart-days", Title: pr.T("dash.chart.days", nil), Desc: pr.T("dash.chart.days_desc", map[string]any{"Period": period}), Bars: dbars, Beside: true})

	// Top issues, this period against the one before.
	var ibars []charts.Bar
	for _, is := range issues {
		href := inboxHref("business", bizParam, "issue", is.Issue, "all", "1", "from", p.From, "to", p.To)
		move := change(pr, is.This, is.Previous)
		ibars = append(ibars, charts.Bar{Label: is.Issue, Value: float64(is.This), Prev: float64(is.Previous), Text: strconv.FormatInt(is.This, 10), Href: href,
			Hint: pr.T("dash.issue_hint", map[string]any{"Issue": is.Issue, "N": is.This, "Move": move})})
		p.Issues = append(p.Issues, dashIssueRow{Issue: is.Issue, Href: href, This: is.This, Previous: is.Previous, Move: move})
	}
	if len(ibars) > 0 {
		p.IssuesSVG = charts.Horizontal(charts.Chart{ID: "chart-issues", Title: pr.T("dash.chart.issues", nil), Desc: pr.T("dash.chart.issues_desc", map[string]any{"Period": period}), Bars: ibars})
	}

	// Per business (roll-up only).
	if len(scope) > 1 {
		for _, b := range scope {
			t := get(b.ID)
			o := openBy[b.ID]
			p.Businesses = append(p.Businesses, dashBizRow{Name: b.Name, Display: display(b), DashHref: dashHref(b.Name, days),
				InboxHref: inboxHref("business", b.Name), OverdueHref: inboxHref("business", b.Name, "overdue", "1"),
				Mentions: t.mentions, Complaints: t.complaints, Open: o.Open, Overdue: o.Overdue, Rating: ratio(t.sum, t.rated)})
		}
	}

	// Source health.
	srcs, err := s.Store.Sources(ctx)
	if err != nil {
		return err
	}
	srcs = slices.DeleteFunc(srcs, func(src models.Source) bool { _, ok := byID[src.BusinessID]; return !ok })
	sids := make([]int64, len(srcs))
	for i, src := range srcs {
		sids[i] = src.ID
	}
	runs, err := s.Store.DashSourceRuns(ctx, sids, from, end)
	if err != nil {
		return err
	}
	runBy := map[int64]store.DashSourceRuns{}
	for _, r := range runs {
		runBy[r.SourceID] = r
	}
	for _, src := range srcs {
		row := dashSourceRow{Business: p.Names[src.BusinessID], Name: src.Name, Kind: src.Kind, Failures: src.ConsecutiveFailures,
			Runs: runBy[src.ID].Runs, Failed: runBy[src.ID].Failed, LastSuccess: pr.T("dash.never", nil),
			Href: inboxHref("business", byID[src.BusinessID].Name, "source", src.Name, "all", "1")}
		if src.LastSuccessAt != nil {
			row.LastSuccess = pr.DateTime(*src.LastSuccessAt)
		}
		row.Status, row.StatusClass = sourceStatus(pr, src)
		if ag, err := s.Store.AggregateRatings(ctx, src.ID, 1); err == nil && len(ag) == 1 && ag[0].Rating != nil {
			row.Aggregate = pr.T("dash.aggregate", map[string]any{"Avg": fmt.Sprintf("%.1f", *ag[0].Rating), "N": ag[0].Count})
		}
		p.Sources = append(p.Sources, row)
	}
	return nil
}

// sourceStatus is how a source is doing, in words and a class.
func sourceStatus(pr i18n.Printer, src models.Source) (string, string) {
	switch {
	case src.BrokenAlertedAt != nil && src.ConsecutiveFailures > 0:
		return pr.T("dash.status.broken", map[string]any{"Class": cmp.Or(src.LastErrorClass, "failing")}), "bad"
	case src.ConsecutiveFailures > 0:
		return pr.T("dash.status.failing", map[string]any{"Class": cmp.Or(src.LastErrorClass, "error")}), "warn"
	case src.LastRunAt == nil:
		return pr.T("dash.status.not_run", nil), "muted"
	default:
		return pr.T("dash.status.ok", nil), "ok"
	}
}

// roughly rounds an estimated duration to what its precision supports
// (about a tenth): "7m", "25m", "3h 30m", "14h", "2d 12h".
func roughly(d time.Duration) time.Duration {
	switch {
	case d < 10*time.Minute:
		return d.Round(time.Minute)
	case d < time.Hour:
		return d.Round(5 * time.Minute)
	case d < 10*time.Hour:
		return d.Round(30 * time.Minute)
	case d < 72*time.Hour:
		return d.Round(time.Hour)
	default:
		return d.Round(12 * time.Hour)
	}
}

// humanDuration is a short duration: "45m", "3h 20m", "2d 4h".
func humanDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 24*time.Hour:
		h := int(d.Hours())
		m := int(math.Mod(d.Minutes(), 60))
		if m == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh %dm", h, m)
	default:
		dd := int(d.Hours()) / 24
		h := int(d.Hours()) % 24
		if h == 0 {
			return fmt.Sprintf("%dd", dd)
		}
		return fmt.Sprintf("%dd %dh", dd, h)
	}
}
