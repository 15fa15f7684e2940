package store

import (
	"context"
	"fmt"

	"github.com/earshot/earshot/models"
	"gorm.io/gorm/clause"
)

// SyncBusiness makes the stored business, its users and its sources match
// the config, matching by name so that IDs, cursors and health survive a
// config edit. It returns the stored business and sources with IDs. A
// source removed from the config is kept (its mentions stay linked) but no
// longer scheduled.
func (s *Store) SyncBusiness(ctx context.Context, b models.Business, users []models.User, sources []models.Source) (models.Business, []models.Source, error) {
	s.memo.reset()
	var out []models.Source
	err := s.Tx(ctx, func(tx *Store) error {
		if err := tx.q(ctx).Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "name"}},
			DoUpdates: clause.AssignmentColumns([]string{"display_name", "domain", "keywords", "handles", "time_zone", "locale", "updated_at"}),
		}).Create(&b).Error; err != nil {
			return fmt.Errorf("store: save business %s: %w", b.Name, err)
		}
		if err := tx.q(ctx).Where("name = ?", b.Name).First(&b).Error; err != nil {
			return fmt.Errorf("store: load business %s: %w", b.Name, notFound(err))
		}
		for _, u := range users {
			u.BusinessID = b.ID
			if err := tx.q(ctx).Clauses(clause.OnConflict{
				Columns:   []clause.Column{{Name: "business_id"}, {Name: "name"}},
				DoUpdates: clause.AssignmentColumns([]string{"email", "role"}),
			}).Create(&u).Error; err != nil {
				return fmt.Errorf("store: save user %s of %s: %w", u.Name, b.Name, err)
			}
		}
		for _, src := range sources {
			src.BusinessID = b.ID
			if err := tx.q(ctx).Clauses(clause.OnConflict{
				Columns:   []clause.Column{{Name: "business_id"}, {Name: "name"}},
				DoUpdates: clause.AssignmentColumns([]string{"kind", "target", "api_base", "api", "interval_seconds", "updated_at"}),
			}).Create(&src).Error; err != nil {
				return fmt.Errorf("store: save source %s of %s: %w", src.Name, b.Name, err)
			}
			var stored models.Source
			if err := tx.q(ctx).Where("business_id = ? AND name = ?", b.ID, src.Name).First(&stored).Error; err != nil {
				return fmt.Errorf("store: load source %s of %s: %w", src.Name, b.Name, notFound(err))
			}
			out = append(out, stored)
		}
		return nil
	})
	return b, out, err
}

// Business loads a business by ID.
func (s *Store) Business(ctx context.Context, id int64) (models.Business, error) {
	if b, ok := s.memo.business(id); ok {
		return b, nil
	}
	var b models.Business
	if err := s.q(ctx).First(&b, id).Error; err != nil {
		return b, fmt.Errorf("store: business %d: %w", id, notFound(err))
	}
	s.memo.putBusiness(b)
	return b, nil
}

// BusinessByName loads a business by its config name.
func (s *Store) BusinessByName(ctx context.Context, name string) (models.Business, error) {
	var b models.Business
	if err := s.q(ctx).Where("name = ?", name).First(&b).Error; err != nil {
		return b, fmt.Errorf("store: business %q: %w", name, notFound(err))
	}
	return b, nil
}

// Businesses lists every business, by name.
func (s *Store) Businesses(ctx context.Context) ([]models.Business, error) {
	var out []models.Business
	if err := s.q(ctx).Order("name").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list businesses: %w", err)
	}
	return out, nil
}

// Users lists the people of a business.
func (s *Store) Users(ctx context.Context, businessID int64) ([]models.User, error) {
	if us, ok := s.memo.userList(businessID); ok {
		return us, nil
	}
	var out []models.User
	if err := s.q(ctx).Where("business_id = ?", businessID).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list users of business %d: %w", businessID, err)
	}
	s.memo.putUsers(businessID, out)
	return out, nil
}
