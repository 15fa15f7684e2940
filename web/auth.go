package web

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/earshot/earshot/auth"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
	"github.com/earshot/earshot/tasks"
)

// errHidden is what a request for another business's task gets: the same
// not-found as a task that does not exist, so IDs cannot be probed.
var errHidden = store.ErrNotFound

// authorizeTask loads a task and checks that p may take action on it. A
// task of a business p has no role in is store.ErrNotFound; a role too
// low for the action is auth.ErrForbidden.
func (s *server) authorizeTask(ctx context.Context, p auth.Principal, id int64, a auth.Action) (models.Task, error) {
	t, err := s.Store.Task(ctx, id)
	if err != nil {
		return t, err
	}
	if err := p.Authorize(t.BusinessID, a); err != nil {
		if errors.Is(err, auth.ErrNotMember) {
			return t, errHidden
		}
		return t, err
	}
	return t, nil
}

// visibleBusinesses lists the businesses p may see.
func (s *server) visibleBusinesses(ctx context.Context, p auth.Principal) ([]models.Business, error) {
	bs, err := s.Store.Businesses(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(bs, func(b models.Business) bool { return !p.Sees(b.ID) }), nil
}

// visibleTasks is alerts.ListTasks limited to the businesses p may see:
// one list for an account that sees everything, else one per business,
// merged soonest deadline first. o.Business, when set, must be one of
// them (else the list is empty).
func (s *server) visibleTasks(ctx context.Context, p auth.Principal, o tasks.ListOptions) ([]tasks.TaskView, error) {
	now := s.Clock.Now().UTC()
	if p.EveryBusiness() {
		return s.Tasks.List(ctx, now, o)
	}
	bs, err := s.visibleBusinesses(ctx, p)
	if err != nil {
		return nil, err
	}
	var out []tasks.TaskView
	for _, b := range bs {
		if o.Business != "" && o.Business != b.Name {
			continue
		}
		one := o
		one.Business = b.Name
		ts, err := s.Tasks.List(ctx, now, one)
		if err != nil {
			return nil, err
		}
		out = append(out, ts...)
	}
	slices.SortStableFunc(out, func(a, b tasks.TaskView) int {
		return cmp.Or(a.DueAt.Compare(b.DueAt), cmp.Compare(a.ID, b.ID))
	})
	if o.Limit > 0 && len(out) > o.Limit {
		out = out[:o.Limit]
	}
	return out, nil
}

// statusOf maps an authorization or lookup error to an HTTP status.
func statusOf(err error) int {
	switch {
	case errors.Is(err, store.ErrNotFound), errors.Is(err, auth.ErrNotMember):
		return http.StatusNotFound
	case errors.Is(err, auth.ErrForbidden):
		return http.StatusForbidden
	}
	return http.StatusConflict
}
