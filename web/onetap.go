package web

import (
	"context"
	"errors"
	"net/http"

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
	Verb    string // "Acknowledge" or "Assign to me"
	Task    *tasks.TaskView
	User    string
	Done    string
	Problem string
}

var oneTapVerbs = map[string]string{onetap.Ack: "Acknowledge", onetap.AssignMe: "Assign to me"}

// checkLink verifies a link and who it is for. It returns the page to
// show on a problem, with its status.
func (s *server) checkLink(ctx context.Context, token string) (onetap.Claims, auth.Principal, tasks.TaskDetail, int, oneTapPage) {
	page := oneTapPage{Title: "Task link", Token: token}
	c, err := s.links.Parse(token)
	switch {
	case errors.Is(err, onetap.ErrExpired):
		page.Problem = "This link has expired. Sign in to the inbox to work on the task."
		page.Task = &tasks.TaskView{}
		page.Task.ID = c.TaskID
		return c, auth.Principal{}, tasks.TaskDetail{}, http.StatusGone, page
	case err != nil:
		page.Problem = "This link is not valid: it may have been cut short by your mail program. Open the inbox instead."
		return c, auth.Principal{}, tasks.TaskDetail{}, http.StatusBadRequest, page
	}
	page.Verb, page.User = oneTapVerbs[c.Action], c.User
	if at, used, err := s.Store.LinkUsed(ctx, c.Nonce); err != nil {
		page.Problem = "The database did not answer; try again in a minute."
		return c, auth.Principal{}, tasks.TaskDetail{}, http.StatusInternalServerError, page
	} else if used {
		page.Problem = "This link was already used (" + at.UTC().Format("2006-01-02 15:04 UTC") + "); each link works once. Sign in to the inbox to do more."
		page.Task = &tasks.TaskView{}
		page.Task.ID = c.TaskID
		return c, auth.Principal{}, tasks.TaskDetail{}, http.StatusGone, page
	}
	p, err := auth.ByName(ctx, s.Store, c.User, "link")
	if err == nil {
		_, err = s.authorizeTask(ctx, p, c.TaskID, auth.Work)
	}
	if err != nil {
		page.Problem = "This link no longer works: " + c.User + " may not change this task any more."
		return c, p, tasks.TaskDetail{}, http.StatusForbidden, page
	}
	d, err := s.Tasks.Show(ctx, s.Clock.Now().UTC(), c.TaskID)
	if err != nil {
		page.Problem = "This task no longer exists."
		return c, p, d, http.StatusNotFound, page
	}
	page.Task = &d.TaskView
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
		page.Problem = "This link was already used; each link works once. Sign in to the inbox to do more."
		s.render(w, r, "onetap", http.StatusGone, page)
		return
	}
	if err != nil {
		s.Logger.Info("one-tap action refused", "task", c.TaskID, "action", c.Action, "user", p.Name, "err", err)
		page.Problem = "Nothing was changed: " + err.Error()
		s.render(w, r, "onetap", http.StatusConflict, page)
		return
	}
	s.Logger.Info("task action", "task", c.TaskID, "action", c.Action, "user", p.Name, "via", "link")
	if d, err := s.Tasks.Show(ctx, s.Clock.Now().UTC(), c.TaskID); err == nil {
		page.Task = &d.TaskView
	}
	page.Done = map[string]string{onetap.Ack: "acknowledged", onetap.AssignMe: "assigned to you"}[c.Action]
	s.render(w, r, "onetap", http.StatusOK, page)
}
