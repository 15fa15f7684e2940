package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

type installSecret struct {
	Name      string `gorm:"primaryKey"`
	Value     []byte
	CreatedAt time.Time
}

type usedLink struct {
	Nonce    string `gorm:"primaryKey"`
	TaskID   int64
	Action   string
	UserName string
	UsedAt   time.Time
}

// InstallSecret returns the per-installation secret called name,
// creating it with gen on first use. Replicas that race to create it
// all end up with the one that was stored first.
func (s *Store) InstallSecret(ctx context.Context, name string, gen func() ([]byte, error)) ([]byte, error) {
	var row installSecret
	err := s.q(ctx).Where("name = ?", name).First(&row).Error
	if err == nil {
		return row.Value, nil
	}
	if err := notFound(err); err != ErrNotFound {
		return nil, fmt.Errorf("store: secret %s: %w", name, err)
	}
	v, err := gen()
	if err != nil {
		return nil, fmt.Errorf("store: generate secret %s: %w", name, err)
	}
	row = installSecret{Name: name, Value: v, CreatedAt: s.Now()}
	if err := s.q(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
		return nil, fmt.Errorf("store: save secret %s: %w", name, err)
	}
	if err := s.q(ctx).Where("name = ?", name).First(&row).Error; err != nil {
		return nil, fmt.Errorf("store: secret %s: %w", name, notFound(err))
	}
	return row.Value, nil
}

// UseLink records that the one-tap link nonce was used. A second use is
// ErrLinkUsed; inside a transaction with the action, the link is spent
// only if the action happens.
func (s *Store) UseLink(ctx context.Context, nonce string, taskID int64, action, user string) error {
	row := usedLink{Nonce: nonce, TaskID: taskID, Action: action, UserName: user, UsedAt: s.Now()}
	r := s.q(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	if r.Error != nil {
		return fmt.Errorf("store: record use of link for task %d: %w", taskID, r.Error)
	}
	if r.RowsAffected == 0 {
		return fmt.Errorf("store: link for task %d: %w", taskID, ErrLinkUsed)
	}
	return nil
}

// LinkUsed says whether the link nonce was used, and when.
func (s *Store) LinkUsed(ctx context.Context, nonce string) (time.Time, bool, error) {
	var row usedLink
	err := s.q(ctx).Where("nonce = ?", nonce).First(&row).Error
	if err != nil {
		if notFound(err) == ErrNotFound {
			return time.Time{}, false, nil
		}
		return time.Time{}, false, fmt.Errorf("store: link: %w", err)
	}
	return row.UsedAt, true, nil
}
