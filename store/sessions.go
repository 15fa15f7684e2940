package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// session is a row of the sessions table.
type session struct {
	Token  string `gorm:"primaryKey"`
	Data   []byte
	Expiry time.Time
}

// SessionStore keeps web sessions in the database, so every replica
// knows them and a restart signs nobody out. It implements scs.Store and
// scs.CtxStore of github.com/alexedwards/scs/v2.
type SessionStore struct{ s *Store }

// Sessions returns the session store on this database.
func (s *Store) Sessions() *SessionStore { return &SessionStore{s: s} }

// FindCtx returns the data of a live session.
func (ss *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var row session
	err := ss.s.q(ctx).Where("token = ? AND expiry > ?", token, ss.s.Now()).First(&row).Error
	if err != nil {
		if errors.Is(notFound(err), ErrNotFound) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("store: find session: %w", err)
	}
	return row.Data, true, nil
}

// CommitCtx saves a session's data until expiry.
func (ss *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	row := session{Token: token, Data: b, Expiry: expiry.UTC()}
	err := ss.s.q(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "token"}},
		DoUpdates: clause.AssignmentColumns([]string{"data", "expiry"}),
	}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("store: save session: %w", err)
	}
	return nil
}

// DeleteCtx removes a session (logout, token renewal).
func (ss *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	if err := ss.s.q(ctx).Where("token = ?", token).Delete(&session{}).Error; err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// Find is FindCtx without a context.
func (ss *SessionStore) Find(token string) ([]byte, bool, error) {
	return ss.FindCtx(context.Background(), token)
}

// Commit is CommitCtx without a context.
func (ss *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return ss.CommitCtx(context.Background(), token, b, expiry)
}

// Delete is DeleteCtx without a context.
func (ss *SessionStore) Delete(token string) error {
	return ss.DeleteCtx(context.Background(), token)
}

// PurgeExpired deletes sessions past their expiry and returns how many.
func (ss *SessionStore) PurgeExpired(ctx context.Context) (int64, error) {
	r := ss.s.q(ctx).Where("expiry <= ?", ss.s.Now()).Delete(&session{})
	if r.Error != nil {
		return 0, fmt.Errorf("store: purge sessions: %w", r.Error)
	}
	return r.RowsAffected, nil
}
