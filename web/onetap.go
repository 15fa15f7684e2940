package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/earshot/earshot/i18n"

	"github.com/earshot/earshot/auth"
	"github.com/earshot/earshot/onetap"
	"github.com/earshot/earshot/store"
	"github.com/earshot/earshot/tasks"
)

// oneTapPage is the page behind a one-tap link: a confirmation (GET), the
// result (POST), or why the link does not work.
type oneTapPage struct {
	Title   string
	Token   string
	Verb    string // "Acknowledge" or "Assign to me", in the page's words
	Task    *tasks.TaskView
	User    string
	Done    string // the message key of what was done
	Problem string
	// State and Remaining are the task's, in the page's words.
	State, Remaining string
	// pr words the page in the task's business's locale: whoever taps
	// the link is not signed in, so no account's settings apply.
	pr i18n.Printer
}

func (p oneTapPage) words() i18n.Printer { return p.pr }

// oneTapActions are the message keys of each action's button and result.
var oneTapActions = map[string]struct{ verb, done string }{
	onetap.Ack:      {"onetap.verb.ack", "onetap.done.ack"},
	onetap.AssignMe: {"onetap.verb.assign_me", "onetap.done.assign_me"},
}

// checkLink verifies a link and who it is for. It returns the page to
// show on a problem, with its status.
func (s *server) checkLink(ctx context.Context, token string) (onetap.Claims, auth.Principal, tasks.TaskDetail, int, oneTapPage) {
	c, err := s.links.Parse(token)
	var named int64 // the task a genuine link names, expired or not
	if err == nil || errors.Is(err, onetap.ErrExpired) {
		named = c.TaskID
	}
	pr := s.anonPrinter(ctx, named)
	page := oneTapPage{Token: token, pr: pr}
	page.Title = pr.T("onetap.title", nil)
	switch {
	case errors.Is(err, onetap.ErrExpired):
		page.Problem = pr.T("onetap.expired", nil)
		page.Task = &tasks.TaskView{}
		page.Task.ID = c.TaskID
		return c, auth.Principal{}, tasks.TaskDetail{}, http.StatusGone, page
	case err != nil:
		page.Problem = pr.T("onetap.invalid", nil)
		return c, auth.Principal{}, tasks.TaskDetail{}, http.StatusBadRequest, page
	}
	page.Verb, page.User = pr.T(oneTapActions[c.Action].verb, nil), c.User
	if at, used, err := s.Store.LinkUsed(ctx, c.Nonce); err != nil {
		page.Problem = pr.T("onetap.db", nil)
		return c, auth.Principal{}, tasks.TaskDetail{}, http.StatusInternalServerError, page
	} else if used {
		page.Problem = pr.T("onetap.used_at", map[string]any{"At": pr.DateTime(at)})
		page.Task = &tasks.TaskView{}
		page.Task.ID = c.TaskID
		return c, auth.Principal{}, tasks.TaskDetail{}, http.StatusGone, page
	}
	p, err := auth.ByName(ctx, s.Store, c.User, "link")
	if err == nil {
		_, err = s.authorizeTask(ctx, p, c.TaskID, auth.Work)
	}
	if err != nil {
		page.Problem = pr.T("onetap.forbidden", map[string]any{"User": c.User})
		return c, p, tasks.TaskDetail{}, http.StatusForbidden, page
	}
	d, err := s.Tasks.Show(ctx, s.Clock.Now().UTC(), c.TaskID)
	if err != nil {
		page.Problem = pr.T("onetap.gone", nil)
		return c, p, d, http.StatusNotFound, page
	}
	page.show(d.TaskView, s.Clock.Now())
	return c, p, d, http.StatusOK, page
}

func (s *server) oneTapConfirm(w http.ResponseWriter, r *http.Request) {
	// GET never acts: mail scanners and link previews fetch links.
	_, _, _, status, page := s.checkLink(r.Context(), r.PathValue("token"))
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, "onetap", status, page)
}

func (s *server) oneTapAct(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, p, _, status, page := s.checkLink(ctx, r.PathValue("token"))
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "no-store")
	if status != http.StatusOK {
		s.render(w, r, "onetap", status, page)
		return
	}
	// The link is spent in the same transaction as the action: a failed
	// action leaves it usable, and two taps at once act once.
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.UseLink(ctx, c.Nonce, c.TaskID, c.Action, c.User); err != nil {
			return err
		}
		svc := s.Tasks.In(tx)
		var err error
		switch c.Action {
		case onetap.Ack:
			_, err = svc.Ack(ctx, c.TaskID, p.Name)
		case onetap.AssignMe:
			_, err = svc.Assign(ctx, c.TaskID, p.Name, p.Name)
		}
		return err
	})
	if errors.Is(err, store.ErrLinkUsed) {
		page.Problem = page.pr.T("onetap.used", nil)
		s.render(w, r, "onetap", http.StatusGone, page)
		return
	}
	if err != nil {
		s.Logger.Info("one-tap action refused", "task", c.TaskID, "action", c.Action, "user", p.Name, "err", err)
		page.Problem = page.pr.T("onetap.refused", map[string]any{"Reason": err.Error()})
		s.render(w, r, "onetap", http.StatusConflict, page)
		return
	}
	s.Logger.Info("task action", "task", c.TaskID, "action", c.Action, "user", p.Name, "via", "link")
	if d, err := s.Tasks.Show(ctx, s.Clock.Now().UTC(), c.TaskID); err == nil {
		page.show(d.TaskView, s.Clock.Now())
	}
	page.Done = oneTapActions[c.Action].done
	s.render(w, r, "onetap", http.StatusOK, page)
}

// show puts the task on the page with its state and time left in the
// page's words.
func (p *oneTapPage) show(t tasks.TaskView, now time.Time) {
	p.Task = &t
	p.State = p.pr.T("state."+string(t.State), nil)
	p.Remaining = p.pr.Remaining(now, t.NextAt)
}
