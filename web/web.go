// Package web is the staff inbox that `earshot serve` shows at /: every
// complaint that needs an answer, soonest deadline first, with the review,
// the issues found, a drafted reply and the actions staff take
// (acknowledge, mark replied or post the reply, resolve, assign). Pages
// are rendered on the server with html/template, which escapes all
// scraped text; they need no JavaScript. State-changing requests are
// POSTs guarded against cross-site forgery. Everyone signs in with an
// account (session.go); what they see and may do follows their role in
// each business (auth.go); alert emails carry one-tap links (onetap.go)
// and integrations use the JSON API (api.go, openapi.yaml).
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/earshot/earshot/auth"
	"github.com/earshot/earshot/i18n"
	"github.com/earshot/earshot/internal/textclean"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/onetap"
	"github.com/earshot/earshot/store"
	"github.com/earshot/earshot/tasks"
	"github.com/jonboulle/clockwork"
)

//go:embed templates
var templateFS embed.FS

// staticFS holds the one script of the inbox (keyboard shortcuts);
// every page works without it.
//
//go:embed static
var staticFS embed.FS

// Tasks is what the inbox shows and does to tasks; *tasks.Service is one.
type Tasks interface {
	Page(ctx context.Context, now time.Time, o tasks.ListOptions) (tasks.Page, error)
	Count(ctx context.Context, now time.Time, o tasks.ListOptions) (tasks.Counts, error)
	Show(ctx context.Context, now time.Time, id int64) (tasks.TaskDetail, error)
	Ack(ctx context.Context, id int64, actor string) (models.Task, error)
	Reply(ctx context.Context, id int64, o tasks.ReplyOptions) (models.Task, error)
	Resolve(ctx context.Context, id int64, actor, note string) (models.Task, error)
	Assign(ctx context.Context, id int64, user, actor string) (models.Task, error)
	// In is the same service inside a transaction, for an action that
	// must commit with something else (a one-tap link being spent).
	In(tx tasks.Store) *tasks.Service
	NotComplaint(ctx context.Context, id int64, actor, note string) (models.Task, error)
	// The reply composer and the approval step.
	EditDraft(ctx context.Context, id int64, text, actor string) (models.Task, error)
	Suggest(ctx context.Context, id int64, text, actor string) (models.Task, error)
	Approve(ctx context.Context, id int64, o tasks.ReplyOptions) (models.Task, error)
	SendBack(ctx context.Context, id int64, actor, note string) (models.Task, error)
	ApprovalRequired(ctx context.Context, businessID int64) (bool, error)
	ConfirmComplaint(ctx context.Context, id int64, actor string) (models.Task, error)
}

// Store is what the web app reads beside the tasks service; *store.Store
// is one. Tasks change only through Tasks; what is read here is the
// accounts and sessions of signing in, the businesses and sources a page
// names, the dashboard's figures and the one-tap links.
type Store interface {
	auth.Accounts
	onetap.Secrets
	dashboardStore
	Account(ctx context.Context, id int64) (models.Account, error)
	AccountByTokenHash(ctx context.Context, hash string) (models.Account, error)
	CountAccounts(ctx context.Context) (int64, error)
	CreateAccount(ctx context.Context, a *models.Account) error
	SetMembership(ctx context.Context, accountID, businessID int64, role string) error
	Sessions() *store.SessionStore
	Businesses(ctx context.Context) ([]models.Business, error)
	BusinessByName(ctx context.Context, name string) (models.Business, error)
	Sources(ctx context.Context) ([]models.Source, error)
	// OutboxBacklog is the sources page's "Notifications waiting".
	OutboxBacklog(ctx context.Context) ([]models.ChannelBacklog, error)
	Users(ctx context.Context, businessID int64) ([]models.User, error)
	Task(ctx context.Context, id int64) (models.Task, error)
	LatestAnalysis(ctx context.Context, mentionID int64) (models.Analysis, error)
	// The task page: its business (time zone, locale), the mention's
	// earlier versions and the conversation around it.
	Business(ctx context.Context, id int64) (models.Business, error)
	MentionVersions(ctx context.Context, mentionID int64) ([]models.MentionVersion, error)
	Conversation(ctx context.Context, m models.Mention, limit int) ([]models.Mention, error)
	ListMentions(ctx context.Context, f store.MentionFilter) ([]models.Mention, error)
	Stats(ctx context.Context, businessID int64, now time.Time) (store.BusinessStats, error)
	LinkUsed(ctx context.Context, nonce string) (time.Time, bool, error)
	// Tx spends a one-tap link in the transaction of the action it takes.
	Tx(ctx context.Context, fn func(tx *store.Store) error) error
}

// Options configure the inbox.
type Options struct {
	// Store is the database: accounts, sessions and one-tap links live
	// beside the tasks.
	Store  Store
	Tasks  Tasks
	Clock  clockwork.Clock
	Logger *slog.Logger
	// Password (server.password_env), when set on a first run with no
	// account, becomes the password of the owner account "admin".
	Password string
	// BaseURL is server.base_url: session cookies are Secure when it is
	// https, and one-tap links start with it.
	BaseURL string
	// ChannelWarnAfter is alerts.retry.warn_after: a channel failing for
	// longer is shown as down on the sources page.
	ChannelWarnAfter time.Duration
}

type server struct {
	Options
	pages       map[string]*template.Template
	sessions    *scs.SessionManager
	limiter     *auth.Limiter
	addrLimiter *auth.Limiter
	links       *onetap.Signer
}

// New returns the inbox handler, to be mounted at /.
func New(o Options) (http.Handler, error) {
	if o.Clock == nil {
		o.Clock = clockwork.NewRealClock()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	s := &server{Options: o, pages: map[string]*template.Template{},
		limiter: auth.NewLimiter(loginMaxPerAccount, loginWindow, o.Clock), addrLimiter: auth.NewLimiter(loginMaxPerAddress, loginWindow, o.Clock)}
	s.sessions = s.newSessions()
	ctx := context.Background()
	if err := s.bootstrap(ctx); err != nil {
		return nil, fmt.Errorf("web: first run: %w", err)
	}
	links, err := onetap.New(ctx, o.Store, o.BaseURL, o.Clock)
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	s.links = links
	funcs := template.FuncMap{
		"stars": stars,
		"ratingLabel": func(r *float64) string {
			if r == nil {
				return ""
			}
			return strconv.FormatFloat(*r, 'f', -1, 64) + " of 5 stars"
		},
		"when": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.UTC().Format("2006-01-02 15:04 UTC")
		},
		"whenp": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return t.UTC().Format("2006-01-02 15:04 UTC")
		},
		"safeURL": safeURL,
		"me":      func() string { return "" },
		"tr":      func(string, ...any) string { return "" },
		"label":   tasks.Label,
	}
	for _, name := range []string{"inbox", "task", "sources", "login", "onetap", "dashboard"} {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: parse %s page: %w", name, err)
		}
		s.pages[name] = t
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/inbox", http.StatusFound) })
	mux.Handle("GET /inbox", s.page(s.inbox))
	mux.Handle("POST /inbox/bulk", s.page(s.bulk))
	mux.Handle("GET /static/", http.FileServerFS(staticFS))
	mux.Handle("GET /tasks/{id}", s.page(s.task))
	mux.Handle("POST /tasks/{id}/{action}", s.page(s.act))
	mux.Handle("GET /sources", s.page(s.sources))
	mux.Handle("GET /dashboard", s.page(s.dashboard))
	mux.HandleFunc("GET /login", s.loginForm)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /t/{token}", s.oneTapConfirm)
	mux.HandleFunc("POST /t/{token}", s.oneTapAct)
	// The API authenticates every request with a bearer token and keeps
	// no cookies, so it sits outside the session middleware.
	api := s.apiHandler()
	web := s.sessions.LoadAndSave(s.identify(mux))
	root := http.NewServeMux()
	root.Handle("/api/", api)
	root.Handle("/", web)
	return http.NewCrossOriginProtection().Handler(root), nil
}

func (s *server) render(w http.ResponseWriter, r *http.Request, page string, status int, data any) {
	var buf strings.Builder
	t, err := s.pages[page].Clone()
	if err == nil {
		p, _ := CurrentUser(r)
		pr := s.pagePrinter(r, p, data)
		t.Funcs(template.FuncMap{"me": func() string { return p.Name }, "tr": func(id string, args ...any) string {
			d := map[string]any{}
			for i, a := range args {
				d[string(rune('A'+i))] = a
			}
			return pr.T(id, d)
		}})
		err = t.Execute(&buf, data)
	}
	if err != nil {
		s.Logger.Error("render page", "page", page, "err", err)
		http.Error(w, "earshot: could not render this page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	// Bidi override characters in scraped text (U+202E and friends) would
	// reorder what staff read; the page's own markup has none, so the
	// whole page is cleaned at this one display boundary.
	fmt.Fprint(w, textclean.Display(buf.String()))
}

// worded is page data that knows its locale (the dashboard of one
// business, say).
type worded interface{ words() i18n.Printer }

// pagePrinter words a page's labels: in the data's own locale when it
// has one, else in the locale the signed-in user's businesses share, or
// before anyone signs in the one every business shares (English when
// they differ).
func (s *server) pagePrinter(r *http.Request, p auth.Principal, data any) i18n.Printer {
	if w, ok := data.(worded); ok {
		return w.words()
	}
	if p.Name == "" {
		return s.anonPrinter(r.Context(), 0)
	}
	bs, err := s.visibleBusinesses(r.Context(), p)
	if err != nil {
		return i18n.For("en", time.UTC)
	}
	return newZones(bs, s.Clock.Now()).L
}

type taskPage struct {
	Title    string
	T        tasks.TaskDetail
	Analysis *models.Analysis
	Users    []models.User
	Done     string
	Error    string
	// CanWork shows the action forms (staff and above).
	CanWork bool
	// Approval says replies at the business need approval; CanApprove
	// that the signed-in user gives it (manager, owner). Staff then
	// suggest; approvers approve or send back.
	Approval, CanApprove bool
	// Versions are the mention's earlier versions (edits), oldest first;
	// Conversation the mentions around it, newest first.
	Versions     []models.MentionVersion
	Conversation []models.Mention
	zones
}

// conversationLimit bounds the mentions shown around a task's mention.
const conversationLimit = 20

func (s *server) task(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		http.Error(w, "earshot: no such task", http.StatusNotFound)
		return
	}
	s.showTask(w, r, id, http.StatusOK, r.URL.Query().Get("done"), "")
}

func (s *server) showTask(w http.ResponseWriter, r *http.Request, id int64, status int, done, msg string) {
	me, _ := CurrentUser(r)
	if _, err := s.authorizeTask(r.Context(), me, id, auth.View); err != nil {
		s.fail(w, err)
		return
	}
	d, err := s.Tasks.Show(r.Context(), s.Clock.Now().UTC(), id)
	if err != nil {
		s.fail(w, err)
		return
	}
	p := taskPage{Title: fmt.Sprintf("Task %d", id), T: d, Done: done, Error: msg, CanWork: me.Can(d.BusinessID, auth.Work),
		CanApprove: auth.CanApprove(me, d.BusinessID)}
	ctx := r.Context()
	if a, err := s.Store.LatestAnalysis(ctx, d.MentionID); err == nil {
		p.Analysis = &a
	}
	if users, err := s.Store.Users(ctx, d.BusinessID); err == nil {
		p.Users = users
	}
	b, err := s.Store.Business(ctx, d.BusinessID)
	if err != nil {
		s.fail(w, err)
		return
	}
	p.zones = newZones([]models.Business{b}, s.Clock.Now().UTC())
	if p.Approval, err = s.Tasks.ApprovalRequired(ctx, d.BusinessID); err != nil {
		s.fail(w, err)
		return
	}
	if p.Versions, err = s.Store.MentionVersions(ctx, d.MentionID); err != nil {
		s.fail(w, err)
		return
	}
	if p.Conversation, err = s.Store.Conversation(ctx, d.Mention, conversationLimit); err != nil {
		s.fail(w, err)
		return
	}
	s.render(w, r, "task", status, p)
}

func (s *server) act(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		http.Error(w, "earshot: no such task", http.StatusNotFound)
		return
	}
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "earshot: form too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "earshot: unreadable form", http.StatusBadRequest)
		return
	}
	me, _ := CurrentUser(r)
	ctx, who := r.Context(), me.Name
	if t, err := s.authorizeTask(ctx, me, id, auth.Work); err != nil {
		if statusOf(err) == http.StatusForbidden {
			s.Logger.Info("task action refused", "task", id, "action", r.PathValue("action"), "user", who, "err", err)
			s.showTask(w, r, id, http.StatusForbidden, "", "Your role ("+me.Role(t.BusinessID)+") does not allow changing tasks; ask a manager.")
			return
		}
		s.fail(w, err)
		return
	}
	var done string
	action := r.PathValue("action")
	if action == "reply" || action == "approve" || action == "send-back" {
		if refused, err := s.refuseReply(ctx, me, id, action); err != nil {
			s.fail(w, err)
			return
		} else if refused != "" {
			s.Logger.Info("task action refused", "task", id, "action", action, "user", who, "err", refused)
			s.showTask(w, r, id, http.StatusForbidden, "", refused)
			return
		}
	}
	switch action {
	case "ack":
		_, err = s.Tasks.Ack(ctx, id, who)
		done = "acknowledged"
	case "reply":
		_, err = s.Tasks.Reply(ctx, id, tasks.ReplyOptions{Text: r.PostForm.Get("text"), Post: r.PostForm.Get("post") == "1", Actor: who})
		done = "replied"
	case "draft":
		_, err = s.Tasks.EditDraft(ctx, id, r.PostForm.Get("text"), who)
		done = "draft saved"
	case "suggest":
		_, err = s.Tasks.Suggest(ctx, id, r.PostForm.Get("text"), who)
		done = "reply sent for approval"
	case "approve":
		_, err = s.Tasks.Approve(ctx, id, tasks.ReplyOptions{Text: r.PostForm.Get("text"), Post: r.PostForm.Get("post") == "1", Actor: who})
		done = "reply approved"
	case "send-back":
		_, err = s.Tasks.SendBack(ctx, id, who, r.PostForm.Get("note"))
		done = "reply sent back"
	case "resolve":
		_, err = s.Tasks.Resolve(ctx, id, who, r.PostForm.Get("note"))
		done = "resolved"
	case "assign":
		_, err = s.Tasks.Assign(ctx, id, r.PostForm.Get("user"), who)
		done = "assigned"
	case "not-complaint":
		_, err = s.Tasks.NotComplaint(ctx, id, who, "from the inbox")
		done = "closed as not a complaint"
	case "complaint":
		_, err = s.Tasks.ConfirmComplaint(ctx, id, who)
		done = "marked a complaint"
	default:
		http.Error(w, "earshot: unknown action", http.StatusNotFound)
		return
	}
	if err != nil {
		status := http.StatusConflict
		if errors.Is(err, store.ErrNotFound) {
			status = http.StatusNotFound
		}
		s.Logger.Info("task action refused", "task", id, "action", r.PathValue("action"), "user", who, "err", err)
		s.showTask(w, r, id, status, "", userError(err))
		return
	}
	s.Logger.Info("task action", "task", id, "action", r.PathValue("action"), "user", who, "via", me.Via)
	http.Redirect(w, r, fmt.Sprintf("/tasks/%d?done=%s", id, url.QueryEscape(done)), http.StatusSeeOther)
}

type sourcesPage struct {
	Title   string
	Sources []models.Source
	Names   map[int64]string
	// Backlog is the outbox per channel with anything waiting; Failed
	// counts the notifications given up on across channels (the hint to
	// `earshot outbox retry` shows when there are any).
	Backlog []backlogRow
	Failed  int
}

// backlogRow is one channel's outbox backlog as the sources page shows
// it: Down once it has been failing for longer than warn_after, when the
// other channels are told.
type backlogRow struct {
	models.ChannelBacklog
	Down bool
}

func (s *server) sources(w http.ResponseWriter, r *http.Request) {
	srcs, err := s.Store.Sources(r.Context())
	if err != nil {
		s.fail(w, err)
		return
	}
	me, _ := CurrentUser(r)
	srcs = slices.DeleteFunc(srcs, func(src models.Source) bool { return !me.Sees(src.BusinessID) })
	names := map[int64]string{}
	if bs, err := s.Store.Businesses(r.Context()); err == nil {
		for _, b := range bs {
			names[b.ID] = b.DisplayName
		}
	}
	page := sourcesPage{Title: "Sources", Sources: srcs, Names: names}
	backlog, err := s.Store.OutboxBacklog(r.Context())
	if err != nil {
		s.fail(w, err)
		return
	}
	now := s.Clock.Now()
	for _, b := range backlog {
		down := b.FailingSince != nil && now.Sub(*b.FailingSince) >= s.ChannelWarnAfter
		page.Backlog = append(page.Backlog, backlogRow{ChannelBacklog: b, Down: down})
		page.Failed += b.Failed
	}
	s.render(w, r, "sources", http.StatusOK, page)
}

func (s *server) fail(w http.ResponseWriter, err error) {
	if errors.Is(err, store.ErrNotFound) {
		http.Error(w, "earshot: not found", http.StatusNotFound)
		return
	}
	if errors.Is(err, auth.ErrForbidden) {
		http.Error(w, "earshot: your role does not allow this", http.StatusForbidden)
		return
	}
	s.Logger.Error("inbox request failed", "err", err)
	http.Error(w, "earshot: the database did not answer; see the server log", http.StatusInternalServerError)
}

func stars(r *float64) string {
	if r == nil {
		return ""
	}
	n := int(*r + 0.5)
	return strings.Repeat("★", n) + strings.Repeat("☆", max(0, 5-n))
}

// safeURL lets only http(s) links through: a scraped "javascript:" URL
// becomes a harmless "#".
func safeURL(u string) template.URL {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") {
		return "#"
	}
	return template.URL(p.String())
}

// refuseReply says why p may not take a reply action on task id, or ""
// when it may: approving and sending back need a manager or owner, and
// at a business whose replies need approval so does replying directly
// (staff suggest instead).
func (s *server) refuseReply(ctx context.Context, p auth.Principal, id int64, action string) (string, error) {
	t, err := s.Store.Task(ctx, id)
	if err != nil {
		return "", err
	}
	if auth.CanApprove(p, t.BusinessID) {
		return "", nil
	}
	if action != "reply" {
		return "Only a manager or owner approves or sends back a reply; your role is " + p.Role(t.BusinessID) + ".", nil
	}
	required, err := s.Tasks.ApprovalRequired(ctx, t.BusinessID)
	if err != nil || !required {
		return "", err
	}
	return "Replies at this business need a manager's or owner's approval: suggest your reply instead.", nil
}
