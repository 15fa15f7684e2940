package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/earshot/earshot/models"
	"gorm.io/gorm/clause"
)

// CreateAccount stores a new sign-in account. Names are unique without
// regard to case; a taken name is ErrExists.
func (s *Store) CreateAccount(ctx context.Context, a *models.Account) error {
	a.ID = 0
	a.Name = strings.TrimSpace(a.Name)
	r := s.q(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(a)
	if r.Error != nil {
		return fmt.Errorf("store: create account %q: %w", a.Name, r.Error)
	}
	if r.RowsAffected == 0 {
		return fmt.Errorf("store: create account %q: %w", a.Name, ErrExists)
	}
	return nil
}

// Account loads an account by ID.
func (s *Store) Account(ctx context.Context, id int64) (models.Account, error) {
	var a models.Account
	if err := s.q(ctx).First(&a, id).Error; err != nil {
		return a, fmt.Errorf("store: account %d: %w", id, notFound(err))
	}
	return a, nil
}

// AccountByName loads an account by name, ignoring case.
func (s *Store) AccountByName(ctx context.Context, name string) (models.Account, error) {
	var a models.Account
	if err := s.q(ctx).Where("lower(name) = ?", strings.ToLower(strings.TrimSpace(name))).First(&a).Error; err != nil {
		return a, fmt.Errorf("store: account %q: %w", name, notFound(err))
	}
	return a, nil
}

// Accounts lists every account by name.
func (s *Store) Accounts(ctx context.Context) ([]models.Account, error) {
	var out []models.Account
	if err := s.q(ctx).Order("lower(name)").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list accounts: %w", err)
	}
	return out, nil
}

// CountAccounts says how many accounts exist (0 on a first run).
func (s *Store) CountAccounts(ctx context.Context) (int64, error) {
	var n int64
	if err := s.q(ctx).Model(&models.Account{}).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("store: count accounts: %w", err)
	}
	return n, nil
}

// SetPassword replaces an account's password hash. Sessions that began
// before the change stop working (the web checks PasswordChangedAt).
func (s *Store) SetPassword(ctx context.Context, id int64, hash string) error {
	now := s.Now()
	r := s.q(ctx).Model(&models.Account{}).Where("id = ?", id).
		Updates(map[string]any{"password_hash": hash, "password_changed_at": now, "updated_at": now})
	if r.Error != nil {
		return fmt.Errorf("store: set password of account %d: %w", id, r.Error)
	}
	if r.RowsAffected == 0 {
		return fmt.Errorf("store: set password of account %d: %w", id, ErrNotFound)
	}
	return nil
}

// SetDisabled disables an account (it can no longer sign in, and its
// sessions and API tokens stop working) or enables it again.
func (s *Store) SetDisabled(ctx context.Context, id int64, disabled bool) error {
	now := s.Now()
	var at *time.Time
	if disabled {
		at = &now
	}
	r := s.q(ctx).Model(&models.Account{}).Where("id = ?", id).
		Updates(map[string]any{"disabled_at": at, "updated_at": now})
	if r.Error != nil {
		return fmt.Errorf("store: disable account %d: %w", id, r.Error)
	}
	if r.RowsAffected == 0 {
		return fmt.Errorf("store: disable account %d: %w", id, ErrNotFound)
	}
	return nil
}

// SetMembership gives an account a role in a business (AllBusinesses for
// every business), replacing the role it had there.
func (s *Store) SetMembership(ctx context.Context, accountID, businessID int64, role string) error {
	m := models.Membership{AccountID: accountID, BusinessID: businessID, Role: role}
	err := s.q(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "account_id"}, {Name: "business_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"role"}),
	}).Create(&m).Error
	if err != nil {
		return fmt.Errorf("store: set role of account %d in business %d: %w", accountID, businessID, err)
	}
	return nil
}

// Memberships returns the roles of an account: its membership rows, and
// for every business whose config names a user like the account, that
// user's role. An account can have two roles in one business this way;
// callers take the highest.
func (s *Store) Memberships(ctx context.Context, a models.Account) ([]models.Membership, error) {
	var out []models.Membership
	if err := s.q(ctx).Where("account_id = ?", a.ID).Order("business_id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: roles of account %q: %w", a.Name, err)
	}
	var users []models.User
	if err := s.q(ctx).Where("lower(name) = ?", strings.ToLower(a.Name)).Find(&users).Error; err != nil {
		return nil, fmt.Errorf("store: roles of account %q: %w", a.Name, err)
	}
	for _, u := range users {
		out = append(out, models.Membership{AccountID: a.ID, BusinessID: u.BusinessID, Role: u.Role})
	}
	return out, nil
}

// CreateAPIToken stores a token's hash for an account.
func (s *Store) CreateAPIToken(ctx context.Context, t *models.APIToken) error {
	t.ID = 0
	if err := s.q(ctx).Create(t).Error; err != nil {
		return fmt.Errorf("store: create API token for account %d: %w", t.AccountID, err)
	}
	return nil
}

// AccountByTokenHash finds the account of a live (not revoked) API token
// and stamps the token as used.
func (s *Store) AccountByTokenHash(ctx context.Context, hash string) (models.Account, error) {
	var t models.APIToken
	if err := s.q(ctx).Where("token_hash = ? AND revoked_at IS NULL", hash).First(&t).Error; err != nil {
		return models.Account{}, fmt.Errorf("store: API token: %w", notFound(err))
	}
	now := s.Now()
	if err := s.q(ctx).Model(&models.APIToken{}).Where("id = ?", t.ID).Update("last_used_at", now).Error; err != nil {
		return models.Account{}, fmt.Errorf("store: API token %d: %w", t.ID, err)
	}
	return s.Account(ctx, t.AccountID)
}

// APITokens lists an account's tokens (hashes only).
func (s *Store) APITokens(ctx context.Context, accountID int64) ([]models.APIToken, error) {
	var out []models.APIToken
	if err := s.q(ctx).Where("account_id = ?", accountID).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: API tokens of account %d: %w", accountID, err)
	}
	return out, nil
}
