package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/earshot/earshot/auth"
	"github.com/earshot/earshot/i18n"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

// Session keys.
const (
	sessAccount = "account_id"
	sessAuthAt  = "auth_at"
)

// Login limits: a name tried from one address, and one address trying
// any names.
const (
	loginMaxPerAccount = 5
	loginMaxPerAddress = 30
	loginWindow        = 15 * time.Minute
)

// newSessions returns the session manager: server-side sessions in the
// database, an HttpOnly SameSite=Lax cookie that is Secure when the
// inbox is served over https (server.base_url).
func (s *server) newSessions() *scs.SessionManager {
	m := scs.New()
	m.Store = s.Store.Sessions()
	m.Lifetime = 12 * time.Hour
	m.IdleTimeout = 2 * time.Hour
	m.Cookie.Name = "earshot_session"
	m.Cookie.HttpOnly = true
	m.Cookie.SameSite = http.SameSiteLaxMode
	m.Cookie.Secure = strings.HasPrefix(strings.ToLower(s.BaseURL), "https://")
	m.Cookie.Path = "/"
	m.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		s.Logger.Error("session store failed", "err", err)
		http.Error(w, "earshot: the database did not answer; see the server log", http.StatusInternalServerError)
	}
	return m
}

type principalKey struct{}

// CurrentUser returns the account a request is made by (signed in with a
// session, an API token or, on one-tap pages, the link's user). Every
// handler that acts records p.Name as the actor.
func CurrentUser(r *http.Request) (auth.Principal, bool) {
	p, ok := r.Context().Value(principalKey{}).(auth.Principal)
	return p, ok
}

func withPrincipal(r *http.Request, p auth.Principal) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), principalKey{}, p))
}

// identify loads the signed-in account of a session. A session of a
// disabled account, or one older than the account's last password
// change, is ended.
func (s *server) identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		id := s.sessions.GetInt64(ctx, sessAccount)
		if id == 0 {
			next.ServeHTTP(w, r)
			return
		}
		a, err := s.Store.Account(ctx, id)
		if err == nil && a.PasswordChangedAt != nil && a.PasswordChangedAt.UnixNano() > s.sessions.GetInt64(ctx, sessAuthAt) {
			err = auth.ErrDisabled
		}
		var p auth.Principal
		if err == nil {
			p, err = auth.Load(ctx, s.Store, a, "session")
		}
		if err != nil {
			if !errors.Is(err, auth.ErrDisabled) && !errors.Is(err, store.ErrNotFound) {
				s.fail(w, err)
				return
			}
			_ = s.sessions.Destroy(ctx)
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, withPrincipal(r, p))
	})
}

// page requires a signed-in account for an HTML page; others are sent to
// the login page and come back after.
func (s *server) page(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := CurrentUser(r); !ok {
			if r.Method != http.MethodGet {
				http.Error(w, "earshot: sign in first", http.StatusUnauthorized)
				return
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		h(w, r)
	})
}

type loginPage struct {
	Title    string
	Name     string
	Next     string
	Error    string
	Notice   string
	Accounts bool
	pr       i18n.Printer
}

// anonPrinter words pages shown to someone not signed in: a one-tap
// link's page in the locale of its task's business (taskID, 0 for none),
// any other in the locale every business shares (a Tokyo café's staff
// read Japanese at the sign-in form too), English when they differ.
func (s *server) anonPrinter(ctx context.Context, taskID int64) i18n.Printer {
	bs, err := s.Store.Businesses(ctx)
	if err != nil {
		return i18n.For("en", time.UTC)
	}
	z := newZones(bs, s.Clock.Now())
	if taskID != 0 {
		if t, err := s.Store.Task(ctx, taskID); err == nil {
			return z.P(t.BusinessID)
		}
	}
	return z.L
}

func (s *server) newLoginPage(ctx context.Context, name, next string) loginPage {
	pr := s.anonPrinter(ctx, 0)
	return loginPage{Title: pr.T("login.title", nil), Name: name, Next: safeNext(next), Accounts: true, pr: pr}
}

func (s *server) loginForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := CurrentUser(r); ok {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	p := s.newLoginPage(r.Context(), "", r.URL.Query().Get("next"))
	if r.URL.Query().Get("out") == "1" {
		p.Notice = p.pr.T("login.signed_out", nil)
	}
	if n, err := s.Store.CountAccounts(r.Context()); err == nil && n == 0 {
		p.Accounts = false
	}
	s.render(w, r, "login", http.StatusOK, p)
}

func (s *server) login(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "earshot: unreadable form", http.StatusBadRequest)
		return
	}
	ctx := r.Context()
	name := strings.TrimSpace(r.PostForm.Get("name"))
	p := s.newLoginPage(ctx, name, r.PostForm.Get("next"))
	addr := clientAddr(r)
	acctKey, addrKey := strings.ToLower(name)+"|"+addr, "addr|"+addr
	okA, waitA := s.limiter.Allow(acctKey)
	okB, waitB := s.addrLimiter.Allow(addrKey)
	if !okA || !okB {
		wait := max(waitA, waitB)
		s.Logger.Warn("sign-in refused: too many failures", "user", name, "addr", addr)
		w.Header().Set("Retry-After", itoa(int64(wait.Seconds())+1))
		p.Error = p.pr.T("login.too_many", map[string]any{"Wait": p.pr.Duration(wait.Truncate(time.Minute) + time.Minute)})
		s.render(w, r, "login", http.StatusTooManyRequests, p)
		return
	}
	a, err := auth.Authenticate(ctx, s.Store, name, r.PostForm.Get("password"))
	if err != nil {
		if !errors.Is(err, auth.ErrBadCredentials) && !errors.Is(err, auth.ErrDisabled) {
			s.fail(w, err)
			return
		}
		s.limiter.Fail(acctKey)
		s.addrLimiter.Fail(addrKey)
		s.Logger.Info("sign-in failed", "user", name, "addr", addr, "reason", err.Error())
		p.Error = p.pr.T("login.wrong", nil)
		if errors.Is(err, auth.ErrDisabled) {
			p.Error = p.pr.T("login.disabled", nil)
		}
		s.render(w, r, "login", http.StatusUnauthorized, p)
		return
	}
	s.limiter.Reset(acctKey)
	// A new session token at sign-in: a token planted before (session
	// fixation) is worthless afterwards.
	if err := s.sessions.RenewToken(ctx); err != nil {
		s.fail(w, err)
		return
	}
	s.sessions.Put(ctx, sessAccount, a.ID)
	// Plain numbers only: scs encodes sessions with gob.
	s.sessions.Put(ctx, sessAuthAt, s.Clock.Now().UnixNano())
	if _, err := s.Store.Sessions().PurgeExpired(ctx); err != nil {
		s.Logger.Warn("purge expired sessions", "err", err)
	}
	s.Logger.Info("signed in", "user", a.Name, "addr", addr)
	http.Redirect(w, r, p.Next, http.StatusSeeOther)
}

func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	if p, ok := CurrentUser(r); ok {
		s.Logger.Info("signed out", "user", p.Name)
	}
	if err := s.sessions.Destroy(r.Context()); err != nil {
		s.fail(w, err)
		return
	}
	http.Redirect(w, r, "/login?out=1", http.StatusSeeOther)
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.HasPrefix(next, "/login") {
		return "/inbox"
	}
	return next
}

// clientAddr is the client's IP address (without port). earshot does not
// trust X-Forwarded-For: behind a proxy all clients share one address
// limit, which errs on the safe side.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// bootstrap handles a first run: with server.password_env set and no
// account yet, it creates the owner account "admin" of every business
// with that password (the old shared-password inbox becomes one owner
// account); without, it says how to create the first owner.
func (s *server) bootstrap(ctx context.Context) error {
	n, err := s.Store.CountAccounts(ctx)
	if err != nil || n > 0 {
		return err
	}
	if s.Password == "" {
		s.Logger.Warn("no one can sign in to the inbox yet: create the first owner with `earshot users add NAME --role owner`")
		return nil
	}
	hash, err := auth.HashPassword(s.Password)
	if err != nil {
		s.Logger.Error("server.password_env is too short to become the owner's password; create the first owner with `earshot users add NAME --role owner`", "err", err)
		return nil
	}
	a := models.Account{Name: "admin", PasswordHash: hash}
	if err := s.Store.CreateAccount(ctx, &a); err != nil {
		return err
	}
	if err := s.Store.SetMembership(ctx, a.ID, models.AllBusinesses, models.RoleOwner); err != nil {
		return err
	}
	s.Logger.Warn("first run: created the owner account \"admin\" with the password from server.password_env; sign in as admin, add accounts with `earshot users add`, and change it with `earshot users passwd admin`")
	return nil
}
