package auth

import (
	"errors"
	"slices"

	"github.com/earshot/earshot/models"
)

// Action is something an account may or may not do in a business.
type Action string

// Actions, with the lowest role allowed each in the table below.
const (
	// View reads tasks, mentions, sources and stats.
	View Action = "view"
	// Work acknowledges, assigns, resolves and records replies.
	Work Action = "work"
	// Approve approves a reply a staff member suggested.
	Approve Action = "approve"
	// Route changes who is told what (routing and channels).
	Route Action = "route"
	// Admin manages accounts and roles.
	Admin Action = "admin"
)

// minRole is the one table of permissions: the lowest role that may take
// each action.
var minRole = map[Action]string{
	View:    models.RoleViewer,
	Work:    models.RoleStaff,
	Approve: models.RoleManager,
	Route:   models.RoleManager,
	Admin:   models.RoleOwner,
}

// rank orders roles: higher may do more. An unknown role ranks 0.
func rank(role string) int {
	if i := slices.Index(models.Roles, role); i >= 0 {
		return len(models.Roles) - i
	}
	return 0
}

// ValidRole says whether role is one of owner, manager, staff, viewer.
func ValidRole(role string) bool { return rank(role) > 0 }

// Sentinels of authorization.
var (
	// ErrNotMember means the account has no role in the business: callers
	// answer as if the thing asked for did not exist (404), so staff
	// cannot probe other businesses' task IDs.
	ErrNotMember = errors.New("not a member of this business")
	// ErrForbidden means the account's role does not allow the action.
	ErrForbidden = errors.New("your role does not allow this")
	// ErrDisabled means the account is disabled.
	ErrDisabled = errors.New("account disabled")
)

// Principal is a signed-in account with its roles.
type Principal struct {
	AccountID int64
	Name      string
	// Via says how the request was authenticated: session, token, link, cli.
	Via string
	// all is the role in every business (a membership with AllBusinesses).
	all   string
	roles map[int64]string
}

// NewPrincipal builds a principal from an account's memberships, keeping
// the highest role per business.
func NewPrincipal(a models.Account, ms []models.Membership, via string) Principal {
	p := Principal{AccountID: a.ID, Name: a.Name, Via: via, roles: map[int64]string{}}
	for _, m := range ms {
		if !ValidRole(m.Role) {
			continue
		}
		if m.BusinessID == models.AllBusinesses {
			if rank(m.Role) > rank(p.all) {
				p.all = m.Role
			}
			continue
		}
		if rank(m.Role) > rank(p.roles[m.BusinessID]) {
			p.roles[m.BusinessID] = m.Role
		}
	}
	return p
}

// Role is the account's role in a business, "" when it has none.
func (p Principal) Role(businessID int64) string {
	r := p.roles[businessID]
	if rank(p.all) > rank(r) {
		return p.all
	}
	return r
}

// Can says whether the account may take action in the business.
func (p Principal) Can(businessID int64, a Action) bool {
	need, ok := minRole[a]
	return ok && rank(p.Role(businessID)) >= rank(need)
}

// Authorize returns nil when the account may take action in the
// business, ErrNotMember when it has no role there (treat as not found)
// and ErrForbidden when its role is too low.
func (p Principal) Authorize(businessID int64, a Action) error {
	if p.Role(businessID) == "" {
		return ErrNotMember
	}
	if !p.Can(businessID, a) {
		return ErrForbidden
	}
	return nil
}

// EveryBusiness says whether the account has a role in every business.
func (p Principal) EveryBusiness() bool { return p.all != "" }

// BusinessIDs lists the businesses the account has an own role in
// (besides EveryBusiness).
func (p Principal) BusinessIDs() []int64 {
	out := make([]int64, 0, len(p.roles))
	for id := range p.roles {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// Sees says whether the account may see the business at all.
func (p Principal) Sees(businessID int64) bool { return p.Role(businessID) != "" }

// CanApprove says whether the account may approve a reply in the
// business (manager or owner).
func CanApprove(p Principal, businessID int64) bool { return p.Can(businessID, Approve) }

// CanChangeRouting says whether the account may change who is told what
// in the business (manager or owner).
func CanChangeRouting(p Principal, businessID int64) bool { return p.Can(businessID, Route) }
