package store

import (
	"context"
	"fmt"
	"time"

	"github.com/earshot/earshot/models"
	"gorm.io/gorm/clause"
)

// LiveIncidentGroup returns the newest burst row of a business's issue
// whose last complaint came at or after since, for update: on PostgreSQL
// the row is locked until the transaction ends, so two replicas counting
// the same burst count it once each. It reports false when the issue has
// no live burst.
func (s *Store) LiveIncidentGroup(ctx context.Context, businessID int64, issue string, since time.Time) (models.IncidentGroup, bool, error) {
	q := s.q(ctx).Where("business_id = ? AND issue = ? AND last_at >= ?", businessID, issue, since.UTC())
	if s.driver == "postgres" {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var gs []models.IncidentGroup
	if err := q.Order("last_at DESC, id DESC").Limit(1).Find(&gs).Error; err != nil {
		return models.IncidentGroup{}, false, fmt.Errorf("store: burst of %s: %w", issue, err)
	}
	if len(gs) == 0 {
		return models.IncidentGroup{}, false, nil
	}
	return gs[0], true, nil
}

// SaveIncidentGroup stores a new burst row or writes an existing one.
func (s *Store) SaveIncidentGroup(ctx context.Context, g *models.IncidentGroup) error {
	if g.ID == 0 {
		if err := s.q(ctx).Create(g).Error; err != nil {
			return fmt.Errorf("store: start burst of %s: %w", g.Issue, err)
		}
		return nil
	}
	g.UpdatedAt = s.Now()
	err := s.q(ctx).Model(&models.IncidentGroup{}).Where("id = ?", g.ID).Updates(map[string]any{
		"leader_task_id": g.LeaderTaskID, "last_at": g.LastAt.UTC(), "complaints": g.Complaints,
		"items": g.Items, "alert_round": g.AlertRound, "updated_at": g.UpdatedAt,
		"posted_first": utcPtr(g.PostedFirst), "posted_last": utcPtr(g.PostedLast),
	}).Error
	if err != nil {
		return fmt.Errorf("store: update burst %d of %s: %w", g.ID, g.Issue, err)
	}
	return nil
}

// SkipAnalysis sets a mention version aside: its analysis failed on its
// own, so it is recorded with the reason and no longer pending, and the
// mentions after it go on. Editing the mention (a new version) makes it
// pending again.
func (s *Store) SkipAnalysis(ctx context.Context, m models.Mention, reason string) error {
	row := models.SkippedMention{MentionID: m.ID, SourceID: m.SourceID, Version: m.Version, Reason: reason, SkippedAt: s.Now()}
	return s.Tx(ctx, func(tx *Store) error {
		if err := tx.q(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
			return fmt.Errorf("store: set mention %d aside: %w", m.ID, err)
		}
		mr, err := tx.mentionRollupRow(ctx, m.ID)
		if err != nil {
			return err
		}
		r := tx.q(ctx).Exec("UPDATE mentions SET analyzed_version = ?, compound = NULL WHERE id = ? AND analyzed_version < ?", m.Version, m.ID, m.Version)
		if r.Error != nil {
			return fmt.Errorf("store: set mention %d aside: %w", m.ID, r.Error)
		}
		if r.RowsAffected == 0 || mr.PostedAt.IsZero() {
			return nil
		}
		// Its earlier analysis is no longer current: out of the digest.
		rows, aspects := map[rollupKey]*rollupDelta{}, map[aspectKey]int64{}
		if err := tx.retractAnalysis(ctx, mr, rows, aspects); err != nil {
			return err
		}
		return tx.applyRollups(ctx, rows, aspects)
	})
}

// SkippedCounts counts the mentions set aside per source ID.
func (s *Store) SkippedCounts(ctx context.Context) (map[int64]int64, error) {
	var rows []struct {
		SourceID int64
		N        int64
	}
	if err := s.q(ctx).Model(&models.SkippedMention{}).Select("source_id, COUNT(*) AS n").Group("source_id").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: count mentions set aside: %w", err)
	}
	out := make(map[int64]int64, len(rows))
	for _, r := range rows {
		out[r.SourceID] = r.N
	}
	return out, nil
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
