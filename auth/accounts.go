package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

// ErrBadCredentials means the name or the password is wrong; which one is
// not said.
var ErrBadCredentials = errors.New("wrong name or password")

// Accounts is what signing in reads from the store (*store.Store is one).
type Accounts interface {
	AccountByName(ctx context.Context, name string) (models.Account, error)
	Memberships(ctx context.Context, a models.Account) ([]models.Membership, error)
}

// Authenticate checks a name and password and returns the account.
func Authenticate(ctx context.Context, st Accounts, name, password string) (models.Account, error) {
	a, err := st.AccountByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		CheckNoAccount(password)
		return models.Account{}, ErrBadCredentials
	}
	if err != nil {
		return models.Account{}, err
	}
	ok, err := CheckPassword(a.PasswordHash, password)
	if err != nil {
		return models.Account{}, fmt.Errorf("auth: account %q: %w", a.Name, err)
	}
	if !ok {
		return models.Account{}, ErrBadCredentials
	}
	if a.DisabledAt != nil {
		return models.Account{}, ErrDisabled
	}
	return a, nil
}

// Load returns the principal of an account, refusing a disabled one.
func Load(ctx context.Context, st Accounts, a models.Account, via string) (Principal, error) {
	if a.DisabledAt != nil {
		return Principal{}, ErrDisabled
	}
	ms, err := st.Memberships(ctx, a)
	if err != nil {
		return Principal{}, err
	}
	return NewPrincipal(a, ms, via), nil
}

// ByName returns the principal called name: the account of that name,
// or, for a person named in the config who has no account (an alert
// recipient tapping a link in an email), the roles the config gives them.
func ByName(ctx context.Context, st Accounts, name, via string) (Principal, error) {
	a, err := st.AccountByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		a = models.Account{Name: name}
	} else if err != nil {
		return Principal{}, err
	}
	return Load(ctx, st, a, via)
}
