package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/earshot/earshot/auth"
	"github.com/earshot/earshot/i18n"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
	"github.com/earshot/earshot/tasks"
)

// inboxPageSize is how many tasks one inbox page shows.
const inboxPageSize = 100

// inboxQuery is the inbox's filters, search and sort as they appear in
// its query string, so a filtered view is a link that can be bookmarked
// or sent to a colleague.
type inboxQuery struct {
	Business, Source, State, Lang, Assignee, Search, Sort string
	// Issue, From and To (UTC days, inclusive) are what the dashboard's
	// figures link with.
	Issue, From, To string
	MinSeverity     int
	Overdue, All    bool
	After           string
}

func parseInboxQuery(q url.Values) (inboxQuery, error) {
	iq := inboxQuery{Business: q.Get("business"), Source: q.Get("source"), State: q.Get("state"), Lang: strings.ToLower(q.Get("lang")),
		Assignee: q.Get("assignee"), Search: strings.TrimSpace(q.Get("q")), Sort: q.Get("sort"),
		Overdue: q.Get("overdue") == "1", All: q.Get("all") == "1", After: q.Get("after"),
		Issue: q.Get("issue"), From: q.Get("from"), To: q.Get("to")}
	for _, d := range []string{iq.From, iq.To} {
		if _, err := time.Parse(time.DateOnly, d); d != "" && err != nil {
			return iq, fmt.Errorf("date %q: use YYYY-MM-DD", d)
		}
	}
	if v := q.Get("severity"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 5 {
			return iq, fmt.Errorf("severity %q: use a number from 0 to 5", v)
		}
		iq.MinSeverity = n
	}
	if _, err := store.ParseTaskSort(iq.Sort); err != nil {
		return iq, fmt.Errorf("sort %q: use deadline, newest or severity", iq.Sort)
	}
	if iq.State != "" && !slices.Contains(append(slices.Clone(tasks.Active), tasks.Resolved), models.TaskState(iq.State)) {
		return iq, fmt.Errorf("state %q is not a task state", iq.State)
	}
	return iq, nil
}

// values is the query string of the view, without the page cursor.
func (iq inboxQuery) values() url.Values {
	v := url.Values{}
	for k, x := range map[string]string{"business": iq.Business, "source": iq.Source, "state": iq.State, "lang": iq.Lang,
		"assignee": iq.Assignee, "q": iq.Search, "issue": iq.Issue, "from": iq.From, "to": iq.To} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if iq.Sort != "" && iq.Sort != string(store.SortDeadline) {
		v.Set("sort", iq.Sort)
	}
	if iq.MinSeverity > 0 {
		v.Set("severity", strconv.Itoa(iq.MinSeverity))
	}
	if iq.Overdue {
		v.Set("overdue", "1")
	}
	if iq.All {
		v.Set("all", "1")
	}
	return v
}

func (iq inboxQuery) options() tasks.ListOptions {
	sort, _ := store.ParseTaskSort(iq.Sort)
	from, _ := time.Parse(time.DateOnly, iq.From)
	var before time.Time
	if to, err := time.Parse(time.DateOnly, iq.To); err == nil {
		before = to.AddDate(0, 0, 1)
	}
	return tasks.ListOptions{Issue: iq.Issue, OpenedFrom: from, OpenedBefore: before, Business: iq.Business, Assignee: iq.Assignee, Overdue: iq.Overdue, All: iq.All, Source: iq.Source,
		MinSeverity: iq.MinSeverity, State: models.TaskState(iq.State), Language: iq.Lang, Search: iq.Search, Sort: sort,
		Limit: inboxPageSize, Cursor: iq.After, NoTotal: true, WithCounts: true}
}

// option is one choice of a filter menu.
type option struct{ Value, Label string }

type inboxPage struct {
	Title  string
	Q      inboxQuery
	Tasks  []tasks.TaskView
	Counts tasks.Counts
	// Next is the link to the next page, empty on the last; First links
	// back to the first page when this is a later one.
	Next, First string
	// Back is the view's query string, for the bulk form to return to.
	Back string
	// The filter menus: only what the signed-in user may see.
	Businesses, Sources, States, Sorts, Severities []option
	// Assignable are the users the bulk form may assign to.
	Assignable []string
	// CanWork shows the bulk form.
	CanWork bool
	// Results are what a bulk action did to each task.
	Results []bulkResult
	zones
}

// zones writes times and labels for businesses: each task's times in
// its business's time zone and locale, and the page's labels in the
// locale of the businesses shown when they share one.
type zones struct {
	// L is the printer of the page's labels.
	L   i18n.Printer
	Now time.Time
	by  map[int64]i18n.Printer
}

func newZones(bs []models.Business, now time.Time) zones {
	z := zones{Now: now, by: map[int64]i18n.Printer{}}
	locales := map[string]bool{}
	for _, b := range bs {
		loc, err := time.LoadLocation(b.TimeZone)
		if err != nil {
			loc = time.UTC
		}
		z.by[b.ID] = i18n.For(b.Locale, loc)
		locales[z.by[b.ID].Lang()] = true
	}
	z.L = i18n.For("en", time.UTC)
	if len(locales) == 1 && len(bs) > 0 {
		z.L = i18n.For(z.by[bs[0].ID].Lang(), time.UTC)
	}
	return z
}

// P is the printer of a business (English in UTC for one not loaded).
func (z zones) P(businessID int64) i18n.Printer {
	if p, ok := z.by[businessID]; ok {
		return p
	}
	return i18n.For("en", time.UTC)
}

// At is a moment in the business's zone and locale, with the zone's
// abbreviation: "Fri 4 Dec 17:00 JST".
func (z zones) At(businessID int64, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return z.P(businessID).DateTime(t)
}

// AtP is At of an optional moment.
func (z zones) AtP(businessID int64, t *time.Time) string {
	if t == nil {
		return ""
	}
	return z.At(businessID, *t)
}

// Left is how long is left, in the business's locale, for tasks still
// waiting for a reply; the list's own words otherwise.
func (z zones) Left(v tasks.TaskView) string {
	if slices.Contains(tasks.Unanswered(), v.State) && v.State != tasks.FollowUpDue {
		return z.P(v.BusinessID).Remaining(z.Now, v.DueAt)
	}
	return v.Remaining
}

// Tr is a label in the page's locale.
func (z zones) Tr(id string) string { return z.L.T(id, nil) }

// Cat is an issue category in the page's locale.
func (z zones) Cat(name string) string { return z.L.Category(name) }

func (s *server) inbox(w http.ResponseWriter, r *http.Request) {
	iq, err := parseInboxQuery(r.URL.Query())
	if err != nil {
		http.Error(w, "earshot: "+err.Error(), http.StatusBadRequest)
		return
	}
	p, status, err := s.inboxView(r.Context(), r, iq)
	if err != nil {
		if status == http.StatusBadRequest {
			http.Error(w, "earshot: "+err.Error(), status)
			return
		}
		s.fail(w, err)
		return
	}
	s.render(w, r, "inbox", http.StatusOK, p)
}

// inboxView loads one page of the inbox as the signed-in user may see
// it: the filters go into the SQL of the page and of its counts.
func (s *server) inboxView(ctx context.Context, r *http.Request, iq inboxQuery) (inboxPage, int, error) {
	me, _ := CurrentUser(r)
	now := s.Clock.Now().UTC()
	bs, err := s.visibleBusinesses(ctx, me)
	if err != nil {
		return inboxPage{}, 0, err
	}
	p := inboxPage{Title: "Inbox", Q: iq, Back: iq.values().Encode()}
	shown := bs
	if iq.Business != "" {
		i := slices.IndexFunc(bs, func(b models.Business) bool { return b.Name == iq.Business })
		if i < 0 {
			// Another business's name gets the same answer as no such
			// business, so names cannot be probed.
			return p, http.StatusBadRequest, errors.New("no such business; choose one from the menu")
		}
		shown = bs[i : i+1]
	}
	p.zones = newZones(bs, now)
	if len(shown) == 1 {
		p.L = p.P(shown[0].ID)
	}
	p.Title = p.Tr("inbox.title")
	o, err := s.visible(ctx, me, iq.options())
	if err != nil {
		return p, 0, err
	}
	page, err := s.Tasks.Page(ctx, now, o)
	if errors.Is(err, store.ErrBadCursor) {
		return p, http.StatusBadRequest, errors.New("that page link is no longer valid; start from the inbox")
	}
	if err != nil {
		return p, 0, err
	}
	if page.Counts != nil {
		p.Counts = *page.Counts
	} else if p.Counts, err = s.Tasks.Count(ctx, now, o); err != nil {
		return p, 0, err
	}
	p.Tasks = page.Tasks
	link := iq.values()
	if o.Cursor != "" {
		p.First = "/inbox?" + link.Encode()
	}
	if page.Next != "" {
		link.Set("after", page.Next)
		p.Next = "/inbox?" + link.Encode()
	}
	if err := s.inboxMenus(ctx, me, bs, &p); err != nil {
		return p, 0, err
	}
	return p, http.StatusOK, nil
}

// inboxMenus fills the filter menus and the bulk form's assignees.
func (s *server) inboxMenus(ctx context.Context, me auth.Principal, bs []models.Business, p *inboxPage) error {
	kinds := map[string]bool{}
	srcs, err := s.Store.Sources(ctx)
	if err != nil {
		return err
	}
	for _, src := range srcs {
		if me.Sees(src.BusinessID) {
			kinds[src.Kind] = true
		}
	}
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range kinds {
			if !yield(k) {
				return
			}
		}
	}) {
		p.Sources = append(p.Sources, option{k, k})
	}
	names := map[string]bool{}
	for _, b := range bs {
		p.Businesses = append(p.Businesses, option{b.Name, b.DisplayName})
		if me.Can(b.ID, auth.Work) {
			p.CanWork = true
			users, err := s.Store.Users(ctx, b.ID)
			if err != nil {
				return err
			}
			for _, u := range users {
				names[u.Name] = true
			}
		}
	}
	for n := range names {
		p.Assignable = append(p.Assignable, n)
	}
	slices.Sort(p.Assignable)
	for _, st := range append(slices.Clone(tasks.Active), tasks.Resolved) {
		p.States = append(p.States, option{string(st), p.Tr("state." + string(st))})
	}
	for _, so := range store.TaskSorts {
		p.Sorts = append(p.Sorts, option{string(so), p.Tr("sort." + string(so))})
	}
	p.Severities = []option{{"", p.Tr("inbox.any")}, {"2", "2+"}, {"3", "3+"}, {"4", p.Tr("inbox.urgent")}, {"5", "5"}}
	return nil
}

// bulkResult is what a bulk action did to one task.
type bulkResult struct {
	ID    int64
	Error string
}

// bulkMax bounds one bulk action, the inbox's page size.
const bulkMax = inboxPageSize

// bulk applies one action to the ticked tasks, each through
// tasks.Service like a single action (the transition table, the history,
// the permission check), and shows what happened to each: one task
// already resolved does not stop the others.
func (s *server) bulk(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "earshot: unreadable form", http.StatusBadRequest)
		return
	}
	back, _ := url.ParseQuery(r.PostForm.Get("back"))
	iq, err := parseInboxQuery(back)
	if err != nil {
		iq = inboxQuery{}
	}
	iq.After = ""
	me, _ := CurrentUser(r)
	ctx := r.Context()
	action, user := r.PostForm.Get("action"), r.PostForm.Get("user")
	if !slices.Contains([]string{"ack", "assign", "resolve"}, action) {
		http.Error(w, "earshot: unknown bulk action", http.StatusBadRequest)
		return
	}
	if action == "assign" && strings.TrimSpace(user) == "" {
		http.Error(w, "earshot: choose whom to assign the tasks to", http.StatusBadRequest)
		return
	}
	ids := r.PostForm["id"]
	if len(ids) == 0 || len(ids) > bulkMax {
		http.Error(w, fmt.Sprintf("earshot: tick between 1 and %d tasks", bulkMax), http.StatusBadRequest)
		return
	}
	var results []bulkResult
	for _, raw := range ids {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			results = append(results, bulkResult{Error: "not a task number"})
			continue
		}
		res := bulkResult{ID: id}
		if _, err := s.authorizeTask(ctx, me, id, auth.Work); err != nil {
			res.Error = map[int]string{http.StatusNotFound: "no such task", http.StatusForbidden: "your role does not allow changing it"}[statusOf(err)]
			if res.Error == "" {
				res.Error = "the database did not answer"
			}
			results = append(results, res)
			continue
		}
		switch action {
		case "ack":
			_, err = s.Tasks.Ack(ctx, id, me.Name)
		case "assign":
			_, err = s.Tasks.Assign(ctx, id, user, me.Name)
		case "resolve":
			_, err = s.Tasks.Resolve(ctx, id, me.Name, "resolved in the inbox (bulk)")
		}
		if err != nil {
			res.Error = userError(err)
			s.Logger.Info("task action refused", "task", id, "action", action, "user", me.Name, "bulk", true, "err", err)
		} else {
			s.Logger.Info("task action", "task", id, "action", action, "user", me.Name, "via", me.Via, "bulk", true)
		}
		results = append(results, res)
	}
	p, status, err := s.inboxView(ctx, r, iq)
	if err != nil && status != http.StatusBadRequest {
		s.fail(w, err)
		return
	}
	p.Results = results
	s.render(w, r, "inbox", http.StatusOK, p)
}

// userError is an error as staff read it: the reason without the
// package prefixes of the chain ("tasks: cannot ack task 3: it is
// resolved (ack only from open)" becomes "it is resolved (ack only from
// open)").
func userError(err error) string {
	msg := err.Error()
	for _, sentinel := range []error{tasks.ErrBadTransition, tasks.ErrUnknownUser, tasks.ErrEmptyReply, store.ErrConflict} {
		if errors.Is(err, sentinel) {
			if i := strings.LastIndex(msg, ": it is "); i >= 0 && errors.Is(err, tasks.ErrBadTransition) {
				return strings.TrimSuffix(msg[i+2:], ": "+tasks.ErrBadTransition.Error())
			}
			break
		}
	}
	for _, prefix := range []string{"tasks: ", "store: ", "web: "} {
		msg = strings.ReplaceAll(msg, prefix, "")
	}
	return msg
}

// Tf is a label with data, given as name/value pairs.
func (z zones) Tf(id string, pairs ...any) string {
	data := map[string]any{}
	for i := 0; i+1 < len(pairs); i += 2 {
		data[fmt.Sprint(pairs[i])] = pairs[i+1]
	}
	return z.L.T(id, data)
}
