package web

import (
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

// visible limits list options to the businesses p may see, in SQL, so
// paging and counts stay right for staff of some businesses.
func (s *server) visible(ctx context.Context, p auth.Principal, o tasks.ListOptions) (tasks.ListOptions, error) {
	if p.EveryBusiness() {
		return o, nil
	}
	bs, err := s.visibleBusinesses(ctx, p)
	if err != nil {
		return o, err
	}
	o.BusinessIDs = []int64{}
	for _, b := range bs {
		o.BusinessIDs = append(o.BusinessIDs, b.ID)
	}
	return o, nil
}

// visibleTasks is the first page of tasks p may see.
func (s *server) visibleTasks(ctx context.Context, p auth.Principal, o tasks.ListOptions) ([]tasks.TaskView, error) {
	o, err := s.visible(ctx, p, o)
	if err != nil {
		return nil, err
	}
	page, err := s.Tasks.Page(ctx, s.Clock.Now().UTC(), o)
	return page.Tasks, err
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
