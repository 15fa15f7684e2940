package models

import "time"

// RoleViewer may read a business's tasks and mentions but not act on them.
// Roles rank owner > manager > staff > viewer.
const RoleViewer = "viewer"

// Roles lists the roles of an account in a business, highest first.
var Roles = []string{RoleOwner, RoleManager, RoleStaff, RoleViewer}

// AllBusinesses is the BusinessID of a membership that covers every
// business, present and future (an installation's first owner).
const AllBusinesses int64 = 0

// Account is someone who signs in to the web inbox or the JSON API. Its
// Name is also the name recorded in task histories and matched against
// the users of a business in the config, so "Max" in the config and the
// account "max" are the same person.
type Account struct {
	ID                int64      `gorm:"primaryKey" json:"id"`
	Name              string     `gorm:"not null" json:"name"`
	Email             string     `json:"email"`
	PasswordHash      string     `json:"-"`
	DisabledAt        *time.Time `json:"disabled_at,omitempty"`
	PasswordChangedAt *time.Time `json:"-"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
}

// Membership gives an account a role in one business (or, with
// BusinessID AllBusinesses, in every business).
type Membership struct {
	ID         int64     `gorm:"primaryKey" json:"-"`
	AccountID  int64     `gorm:"not null" json:"-"`
	BusinessID int64     `gorm:"not null" json:"business_id"`
	Role       string    `gorm:"not null" json:"role"`
	CreatedAt  time.Time `json:"-"`
}

// APIToken is a per-account bearer token of the JSON API. Only the
// SHA-256 of the token is stored.
type APIToken struct {
	ID         int64      `gorm:"primaryKey" json:"id"`
	AccountID  int64      `gorm:"not null" json:"account_id"`
	Label      string     `json:"label"`
	TokenHash  string     `gorm:"not null" json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}
