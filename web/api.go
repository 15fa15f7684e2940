package web

import (
	_ "embed"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/earshot/earshot/auth"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
	"github.com/earshot/earshot/tasks"
)

// OpenAPI is the API's description (web/openapi.yaml), served at
// /api/v1/openapi.yaml. A test checks it against the handlers.
//
//go:embed openapi.yaml
var OpenAPI []byte

// apiRoute is one endpoint of the JSON API: the one table both the router
// and the OpenAPI test read.
type apiRoute struct {
	method, path string
	h            func(s *server, w http.ResponseWriter, r *http.Request, p auth.Principal)
}

var apiRoutes = []apiRoute{
	{"GET", "/api/v1/me", (*server).apiMe},
	{"GET", "/api/v1/tasks", (*server).apiTasks},
	{"GET", "/api/v1/tasks/{id}", (*server).apiTask},
	{"POST", "/api/v1/tasks/{id}/ack", (*server).apiAct},
	{"POST", "/api/v1/tasks/{id}/assign", (*server).apiAct},
	{"POST", "/api/v1/tasks/{id}/resolve", (*server).apiAct},
	{"POST", "/api/v1/tasks/{id}/reply", (*server).apiAct},
	{"POST", "/api/v1/tasks/{id}/draft", (*server).apiAct},
	{"POST", "/api/v1/tasks/{id}/suggest", (*server).apiAct},
	{"POST", "/api/v1/tasks/{id}/approve", (*server).apiAct},
	{"POST", "/api/v1/tasks/{id}/send-back", (*server).apiAct},
	{"GET", "/api/v1/mentions", (*server).apiMentions},
	{"GET", "/api/v1/sources", (*server).apiSources},
	{"GET", "/api/v1/stats", (*server).apiStats},
}

// APIRoutes lists the API's endpoints as "METHOD /path" (the OpenAPI
// document's spelling), for the test that keeps both in step.
func APIRoutes() []string {
	out := []string{"GET /api/v1/openapi.yaml"}
	for _, rt := range apiRoutes {
		out = append(out, rt.method+" "+rt.path)
	}
	return out
}

const (
	apiDefaultLimit = 50
	apiMaxLimit     = 200
	apiMaxBody      = 64 << 10
)

func (s *server) apiHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/openapi.yaml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		w.Write(OpenAPI)
	})
	for _, rt := range apiRoutes {
		h := rt.h
		mux.HandleFunc(rt.method+" "+rt.path, func(w http.ResponseWriter, r *http.Request) {
			p, err := s.apiPrincipal(r)
			if err != nil {
				w.Header().Set("WWW-Authenticate", `Bearer realm="earshot"`)
				s.apiError(w, http.StatusUnauthorized, "send Authorization: Bearer <token>; create a token with `earshot users token NAME`")
				return
			}
			h(s, w, withPrincipal(r, p), p)
		})
	}
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.apiError(w, http.StatusNotFound, "no such API endpoint; see /api/v1/openapi.yaml")
	})
	return mux
}

// apiPrincipal authenticates a bearer token. Cookies are not accepted,
// so a page on another site cannot use a signed-in browser against the
// API.
func (s *server) apiPrincipal(r *http.Request) (auth.Principal, error) {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || strings.TrimSpace(tok) == "" {
		return auth.Principal{}, auth.ErrBadCredentials
	}
	a, err := s.Store.AccountByTokenHash(r.Context(), auth.HashToken(tok))
	if err != nil {
		return auth.Principal{}, err
	}
	return auth.Load(r.Context(), s.Store, a, "token")
}

type apiErrorBody struct {
	Error string `json:"error"`
}

func (s *server) apiError(w http.ResponseWriter, status int, msg string) {
	s.apiJSON(w, status, apiErrorBody{Error: msg})
}

// apiJSON writes v as JSON. encoding/json escapes <, > and & in strings,
// so scraped text stays inert even if a client pastes it into HTML.
func (s *server) apiJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.Logger.Error("api: encode response", "err", err)
		status, b = http.StatusInternalServerError, []byte(`{"error":"could not encode the response"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

func (s *server) apiFail(w http.ResponseWriter, err error) {
	switch st := statusOf(err); {
	case st == http.StatusNotFound:
		s.apiError(w, st, "not found")
	case st == http.StatusForbidden:
		s.apiError(w, st, "your role does not allow this")
	case errors.Is(err, store.ErrUnreachable):
		s.Logger.Error("api request failed", "err", err)
		s.apiError(w, http.StatusInternalServerError, "the database did not answer")
	default:
		s.apiError(w, http.StatusConflict, err.Error())
	}
}

// JSON shapes of the API. They are declared here, apart from the models,
// so the API stays stable when internal structs change.
type (
	apiTaskJSON struct {
		ID         int64      `json:"id"`
		BusinessID int64      `json:"business_id"`
		Business   string     `json:"business"`
		Kind       string     `json:"kind"`
		State      string     `json:"state"`
		Assignee   string     `json:"assignee"`
		Severity   int        `json:"severity"`
		Issue      string     `json:"issue"`
		DueAt      time.Time  `json:"due_at"`
		Remaining  string     `json:"remaining"`
		Overdue    bool       `json:"overdue"`
		Author     string     `json:"author"`
		Source     string     `json:"source"`
		Rating     *float64   `json:"rating"`
		Excerpt    string     `json:"excerpt"`
		Link       string     `json:"link"`
		OpenedAt   time.Time  `json:"opened_at"`
		AckedAt    *time.Time `json:"acked_at"`
		RepliedAt  *time.Time `json:"replied_at"`
		ResolvedAt *time.Time `json:"resolved_at"`
	}
	apiEventJSON struct {
		At     time.Time `json:"at"`
		Actor  string    `json:"actor"`
		Action string    `json:"action"`
		Note   string    `json:"note"`
	}
	apiTaskDetailJSON struct {
		apiTaskJSON
		Draft     string         `json:"draft"`
		ReplyText string         `json:"reply_text"`
		CanPost   bool           `json:"can_post"`
		Mention   apiMentionJSON `json:"mention"`
		Events    []apiEventJSON `json:"events"`
	}
	apiMentionJSON struct {
		ID         int64      `json:"id"`
		BusinessID int64      `json:"business_id"`
		SourceID   int64      `json:"source_id"`
		Source     string     `json:"source"`
		URL        string     `json:"url"`
		Author     string     `json:"author"`
		Rating     *float64   `json:"rating"`
		Title      string     `json:"title"`
		Text       string     `json:"text"`
		Language   string     `json:"language"`
		PostedAt   time.Time  `json:"posted_at"`
		EditedAt   *time.Time `json:"edited_at"`
		FetchedAt  time.Time  `json:"fetched_at"`
		Version    int        `json:"version"`
	}
	apiSourceJSON struct {
		ID                  int64      `json:"id"`
		BusinessID          int64      `json:"business_id"`
		Business            string     `json:"business"`
		Name                string     `json:"name"`
		Kind                string     `json:"kind"`
		LastRunAt           *time.Time `json:"last_run_at"`
		LastSuccessAt       *time.Time `json:"last_success_at"`
		LastError           string     `json:"last_error"`
		LastErrorClass      string     `json:"last_error_class"`
		ConsecutiveFailures int        `json:"consecutive_failures"`
		TotalMentions       int64      `json:"total_mentions"`
	}
	apiRoleJSON struct {
		BusinessID int64  `json:"business_id"`
		Business   string `json:"business"`
		Role       string `json:"role"`
	}
	apiStatsJSON struct {
		BusinessID   int64            `json:"business_id"`
		Business     string           `json:"business"`
		Mentions     int64            `json:"mentions"`
		Overdue      int64            `json:"overdue"`
		TasksByState map[string]int64 `json:"tasks_by_state"`
	}
)

func taskJSON(v tasks.TaskView) apiTaskJSON {
	return apiTaskJSON{ID: v.ID, BusinessID: v.BusinessID, Business: v.Business, Kind: v.Kind, State: string(v.State), Assignee: v.Assignee,
		Severity: v.Severity, Issue: v.Issue, DueAt: v.DueAt, Remaining: v.Remaining, Overdue: v.Overdue, Author: v.Author,
		Source: v.Source, Rating: v.Rating, Excerpt: v.Excerpt, Link: v.Link, OpenedAt: v.OpenedAt, AckedAt: v.AckedAt,
		RepliedAt: v.RepliedAt, ResolvedAt: v.ResolvedAt}
}

func mentionJSON(m models.Mention) apiMentionJSON {
	return apiMentionJSON{ID: m.ID, BusinessID: m.BusinessID, SourceID: m.SourceID, Source: m.SourceKind, URL: m.URL, Author: m.Author,
		Rating: m.Rating, Title: m.Title, Text: m.Text, Language: m.Language, PostedAt: m.PostedAt, EditedAt: m.EditedAt,
		FetchedAt: m.FetchedAt, Version: m.Version}
}

func taskDetailJSON(d tasks.TaskDetail) apiTaskDetailJSON {
	out := apiTaskDetailJSON{apiTaskJSON: taskJSON(d.TaskView), Draft: d.Draft, ReplyText: d.ReplyText, CanPost: d.CanPost,
		Mention: mentionJSON(d.Mention), Events: []apiEventJSON{}}
	for _, e := range d.Events {
		out.Events = append(out.Events, apiEventJSON{At: e.At, Actor: e.Actor, Action: e.Action, Note: e.Note})
	}
	return out
}

// paging reads limit and offset.
func paging(r *http.Request) (limit, offset int, msg string) {
	q := r.URL.Query()
	limit, offset = apiDefaultLimit, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > apiMaxLimit {
			return 0, 0, "limit must be a number from 1 to " + strconv.Itoa(apiMaxLimit)
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, "offset must be a number, 0 or more"
		}
		offset = n
	}
	return limit, offset, ""
}

func boolParam(r *http.Request, name string) (bool, bool) {
	switch r.URL.Query().Get(name) {
	case "", "0", "false":
		return false, true
	case "1", "true":
		return true, true
	}
	return false, false
}

type pageJSON[T any] struct {
	Items      []T  `json:"items"`
	Limit      int  `json:"limit"`
	Offset     int  `json:"offset"`
	NextOffset *int `json:"next_offset"`
}

func page[T any](all []T, limit, offset int) pageJSON[T] {
	p := pageJSON[T]{Items: []T{}, Limit: limit, Offset: offset}
	if offset < len(all) {
		p.Items = all[offset:min(len(all), offset+limit)]
	}
	if len(all) > offset+limit {
		n := offset + limit
		p.NextOffset = &n
	}
	return p
}

func (s *server) apiMe(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	bs, err := s.visibleBusinesses(r.Context(), p)
	if err != nil {
		s.apiFail(w, err)
		return
	}
	out := struct {
		Name  string        `json:"name"`
		Roles []apiRoleJSON `json:"roles"`
	}{Name: p.Name, Roles: []apiRoleJSON{}}
	for _, b := range bs {
		out.Roles = append(out.Roles, apiRoleJSON{BusinessID: b.ID, Business: b.Name, Role: p.Role(b.ID)})
	}
	s.apiJSON(w, http.StatusOK, out)
}

func (s *server) apiTasks(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	limit, offset, msg := paging(r)
	overdue, ok1 := boolParam(r, "overdue")
	all, ok2 := boolParam(r, "all")
	q := r.URL.Query()
	state := q.Get("state")
	switch {
	case msg != "":
	case !ok1 || !ok2:
		msg = "overdue and all take true or false"
	case state != "" && !slices.Contains([]models.TaskState{models.TaskOpen, models.TaskAcknowledged, models.TaskAwaitingApproval, models.TaskReplied, models.TaskFollowUpDue, models.TaskResolved}, models.TaskState(state)):
		msg = "state must be open, acknowledged, awaiting_approval, replied, follow_up_due or resolved"
	}
	if msg != "" {
		s.apiError(w, http.StatusBadRequest, msg)
		return
	}
	o := tasks.ListOptions{Business: q.Get("business"), Assignee: q.Get("assignee"), Overdue: overdue, All: all || state != "", Limit: offset + limit + 1}
	if state != "" {
		o.Limit = 0
	}
	if o.Business != "" {
		b, err := s.Store.BusinessByName(r.Context(), o.Business)
		if err != nil || !p.Sees(b.ID) {
			s.apiError(w, http.StatusNotFound, "no such business")
			return
		}
	}
	views, err := s.visibleTasks(r.Context(), p, o)
	if err != nil {
		s.apiFail(w, err)
		return
	}
	out := make([]apiTaskJSON, 0, len(views))
	for _, v := range views {
		if state == "" || string(v.State) == state {
			out = append(out, taskJSON(v))
		}
	}
	s.apiJSON(w, http.StatusOK, page(out, limit, offset))
}

func (s *server) apiTaskID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.apiError(w, http.StatusNotFound, "not found")
		return 0, false
	}
	return id, true
}

func (s *server) apiTask(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, ok := s.apiTaskID(w, r)
	if !ok {
		return
	}
	if _, err := s.authorizeTask(r.Context(), p, id, auth.View); err != nil {
		s.apiFail(w, err)
		return
	}
	d, err := s.Tasks.Show(r.Context(), s.Clock.Now().UTC(), id)
	if err != nil {
		s.apiFail(w, err)
		return
	}
	s.apiJSON(w, http.StatusOK, taskDetailJSON(d))
}

// apiAct runs one task action; the action is the last path segment.
func (s *server) apiAct(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, ok := s.apiTaskID(w, r)
	if !ok {
		return
	}
	action := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	var body struct {
		User string `json:"user"`
		Note string `json:"note"`
		Text string `json:"text"`
		// Post asks approve to publish the reply on the source where
		// earshot can (as the web form's "post" box does).
		Post bool `json:"post"`
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, apiMaxBody))
	if err != nil {
		s.apiError(w, http.StatusRequestEntityTooLarge, "the request body is larger than 64 KiB")
		return
	}
	if len(strings.TrimSpace(string(raw))) > 0 {
		if err := json.Unmarshal(raw, &body); err != nil {
			s.apiError(w, http.StatusBadRequest, "the body is not a JSON object: "+err.Error())
			return
		}
	}
	ctx := r.Context()
	if _, err := s.authorizeTask(ctx, p, id, auth.Work); err != nil {
		s.apiFail(w, err)
		return
	}
	// The web form's checks: approving and sending back need a manager
	// or owner, and so does replying where replies need approval.
	if action == "reply" || action == "approve" || action == "send-back" {
		if refused, err := s.refuseReply(ctx, p, id, action); err != nil {
			s.apiFail(w, err)
			return
		} else if refused != "" {
			s.apiError(w, http.StatusForbidden, refused)
			return
		}
	}
	switch action {
	case "ack":
		_, err = s.Tasks.Ack(ctx, id, p.Name)
	case "assign":
		if strings.TrimSpace(body.User) == "" {
			s.apiError(w, http.StatusBadRequest, `say whom to assign to: {"user": "NAME"}`)
			return
		}
		_, err = s.Tasks.Assign(ctx, id, body.User, p.Name)
	case "resolve":
		_, err = s.Tasks.Resolve(ctx, id, p.Name, body.Note)
	case "reply":
		_, err = s.Tasks.Reply(ctx, id, tasks.ReplyOptions{Text: body.Text, Actor: p.Name})
	case "draft":
		_, err = s.Tasks.EditDraft(ctx, id, body.Text, p.Name)
	case "suggest":
		_, err = s.Tasks.Suggest(ctx, id, body.Text, p.Name)
	case "approve":
		_, err = s.Tasks.Approve(ctx, id, tasks.ReplyOptions{Text: body.Text, Post: body.Post, Actor: p.Name})
	case "send-back":
		_, err = s.Tasks.SendBack(ctx, id, p.Name, body.Note)
	}
	if err != nil {
		s.Logger.Info("task action refused", "task", id, "action", action, "user", p.Name, "via", p.Via, "err", err)
		s.apiFail(w, err)
		return
	}
	s.Logger.Info("task action", "task", id, "action", action, "user", p.Name, "via", p.Via)
	d, err := s.Tasks.Show(ctx, s.Clock.Now().UTC(), id)
	if err != nil {
		s.apiFail(w, err)
		return
	}
	s.apiJSON(w, http.StatusOK, taskDetailJSON(d))
}

func (s *server) apiMentions(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	limit, offset, msg := paging(r)
	if msg != "" {
		s.apiError(w, http.StatusBadRequest, msg)
		return
	}
	f := store.MentionFilter{Limit: limit + 1, Offset: offset}
	if name := r.URL.Query().Get("business"); name != "" {
		b, err := s.Store.BusinessByName(r.Context(), name)
		if err != nil || !p.Sees(b.ID) {
			s.apiError(w, http.StatusNotFound, "no such business")
			return
		}
		f.BusinessIDs = []int64{b.ID}
	} else if !p.EveryBusiness() {
		f.BusinessIDs = p.BusinessIDs()
	}
	ms, err := s.Store.ListMentions(r.Context(), f)
	if err != nil {
		s.apiFail(w, err)
		return
	}
	out := make([]apiMentionJSON, 0, len(ms))
	for _, m := range ms {
		out = append(out, mentionJSON(m))
	}
	// ListMentions already skipped offset rows: page from 0, then report
	// the caller's offset.
	pg := page(out, limit, 0)
	pg.Offset = offset
	if pg.NextOffset != nil {
		n := offset + limit
		pg.NextOffset = &n
	}
	s.apiJSON(w, http.StatusOK, pg)
}

func (s *server) apiSources(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	bs, err := s.visibleBusinesses(r.Context(), p)
	if err != nil {
		s.apiFail(w, err)
		return
	}
	names := map[int64]string{}
	for _, b := range bs {
		names[b.ID] = b.Name
	}
	srcs, err := s.Store.Sources(r.Context())
	if err != nil {
		s.apiFail(w, err)
		return
	}
	out := []apiSourceJSON{}
	for _, src := range srcs {
		if name, ok := names[src.BusinessID]; ok {
			out = append(out, apiSourceJSON{ID: src.ID, BusinessID: src.BusinessID, Business: name, Name: src.Name, Kind: src.Kind,
				LastRunAt: src.LastRunAt, LastSuccessAt: src.LastSuccessAt, LastError: src.LastError, LastErrorClass: src.LastErrorClass,
				ConsecutiveFailures: src.ConsecutiveFailures, TotalMentions: src.TotalMentions})
		}
	}
	s.apiJSON(w, http.StatusOK, struct {
		Items []apiSourceJSON `json:"items"`
	}{out})
}

func (s *server) apiStats(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	bs, err := s.visibleBusinesses(r.Context(), p)
	if err != nil {
		s.apiFail(w, err)
		return
	}
	out := []apiStatsJSON{}
	for _, b := range bs {
		st, err := s.Store.Stats(r.Context(), b.ID, s.Clock.Now().UTC())
		if err != nil {
			s.apiFail(w, err)
			return
		}
		out = append(out, apiStatsJSON{BusinessID: b.ID, Business: b.Name, Mentions: st.Mentions, Overdue: st.Overdue, TasksByState: st.TasksByState})
	}
	s.apiJSON(w, http.StatusOK, struct {
		Items []apiStatsJSON `json:"items"`
	}{out})
}
