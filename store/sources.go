package store

import (
	"context"
	"fmt"
	"time"

	"github.com/earshot/earshot/models"
	"gorm.io/gorm"
)

func gormExpr(sql string, args ...any) any { return gorm.Expr(sql, args...) }

// Sources lists every source with its health, by business then name.
func (s *Store) Sources(ctx context.Context) ([]models.Source, error) {
	var out []models.Source
	if err := s.q(ctx).Order("business_id, name").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list sources: %w", err)
	}
	return out, nil
}

// Source loads one source.
func (s *Store) Source(ctx context.Context, id int64) (models.Source, error) {
	if src, ok := s.memo.source(id); ok {
		return src, nil
	}
	var src models.Source
	if err := s.q(ctx).First(&src, id).Error; err != nil {
		return src, fmt.Errorf("store: source %d: %w", id, notFound(err))
	}
	s.memo.putSource(src)
	return src, nil
}

// RecordRun stores a finished scrape and updates the source's health:
// cursor and last success on success, last error and the count of
// consecutive failures otherwise. It returns the updated source, whose
// ConsecutiveFailures and BrokenAlertedAt tell the caller whether the
// owner must now hear that the source is broken.
func (s *Store) RecordRun(ctx context.Context, run models.SourceRun, cursor string) (models.Source, error) {
	s.memo.reset()
	var src models.Source
	err := s.Tx(ctx, func(tx *Store) error {
		run.ID = 0
		if err := tx.q(ctx).Create(&run).Error; err != nil {
			return fmt.Errorf("store: record run of source %d: %w", run.SourceID, err)
		}
		updates := map[string]any{"last_run_at": run.StartedAt}
		if run.ErrorClass == models.ErrorClassNone {
			updates["last_success_at"] = run.FinishedAt
			updates["consecutive_failures"] = 0
			updates["broken_alerted_at"] = nil
			updates["last_error"] = ""
			updates["last_error_class"] = ""
			if cursor != "" {
				updates["cursor"] = cursor
			}
			if run.New > 0 {
				// New mentions end a quiet spell.
				updates["quiet_since"] = nil
				updates["quiet_alerted_at"] = nil
			}
		} else {
			updates["consecutive_failures"] = gorm.Expr("consecutive_failures + 1")
			updates["last_error"] = run.Error
			updates["last_error_class"] = run.ErrorClass
		}
		if err := tx.q(ctx).Model(&models.Source{}).Where("id = ?", run.SourceID).Updates(updates).Error; err != nil {
			return fmt.Errorf("store: update health of source %d: %w", run.SourceID, err)
		}
		if err := tx.q(ctx).First(&src, run.SourceID).Error; err != nil {
			return fmt.Errorf("store: reload source %d: %w", run.SourceID, notFound(err))
		}
		return nil
	})
	return src, err
}

// MarkSourceBrokenAlerted records that the owner was told a source is
// broken, so the alert is sent once per outage.
func (s *Store) MarkSourceBrokenAlerted(ctx context.Context, sourceID int64) error {
	s.memo.reset()
	if err := s.q(ctx).Model(&models.Source{}).Where("id = ?", sourceID).Update("broken_alerted_at", s.Now()).Error; err != nil {
		return fmt.Errorf("store: mark source %d broken-alerted: %w", sourceID, err)
	}
	return nil
}

// MarkSourceQuiet records that a source has brought nothing new since
// since, much longer than usual, and that the owner was told: the next new
// mention clears both (RecordRun), so the owner hears once per quiet spell.
func (s *Store) MarkSourceQuiet(ctx context.Context, sourceID int64, since time.Time) error {
	if err := s.q(ctx).Model(&models.Source{}).Where("id = ?", sourceID).
		Updates(map[string]any{"quiet_since": since.UTC(), "quiet_alerted_at": s.Now()}).Error; err != nil {
		return fmt.Errorf("store: mark source %d quiet: %w", sourceID, err)
	}
	return nil
}

// NewMentionRunTimes lists when the latest limit runs that stored new
// mentions started, newest first: the history that says how often a
// source usually brings something new.
func (s *Store) NewMentionRunTimes(ctx context.Context, sourceID int64, limit int) ([]time.Time, error) {
	var runs []models.SourceRun
	if err := s.q(ctx).Select("started_at").Where("source_id = ? AND new > 0", sourceID).
		Order("started_at DESC").Limit(limit).Find(&runs).Error; err != nil {
		return nil, fmt.Errorf("store: new-mention runs of source %d: %w", sourceID, err)
	}
	out := make([]time.Time, len(runs))
	for i, r := range runs {
		out[i] = r.StartedAt
	}
	return out, nil
}

// SourceRuns lists the latest limit runs of a source, newest first.
func (s *Store) SourceRuns(ctx context.Context, sourceID int64, limit int) ([]models.SourceRun, error) {
	var out []models.SourceRun
	if err := s.q(ctx).Where("source_id = ?", sourceID).Order("started_at DESC").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: runs of source %d: %w", sourceID, err)
	}
	return out, nil
}

// SaveAggregateRating stores the site's own average rating and review
// count for a source as one scrape saw them.
func (s *Store) SaveAggregateRating(ctx context.Context, src models.Source, a models.AggregateRating) error {
	a.ID, a.SourceID, a.BusinessID = 0, src.ID, src.BusinessID
	if a.ObservedAt.IsZero() {
		a.ObservedAt = s.Now()
	}
	a.ObservedAt = a.ObservedAt.UTC()
	if err := s.q(ctx).Create(&a).Error; err != nil {
		return fmt.Errorf("store: save aggregate rating of source %s: %w", src.Name, err)
	}
	return nil
}

// AggregateRatings lists the latest limit aggregate ratings of a source,
// newest first.
func (s *Store) AggregateRatings(ctx context.Context, sourceID int64, limit int) ([]models.AggregateRating, error) {
	var out []models.AggregateRating
	if err := s.q(ctx).Where("source_id = ?", sourceID).Order("observed_at DESC, id DESC").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: aggregate ratings of source %d: %w", sourceID, err)
	}
	return out, nil
}
