package store

import (
	"context"
	"fmt"
	"time"

	"github.com/earshot/earshot/models"
)

// MentionFilter selects mentions for the JSON API.
type MentionFilter struct {
	// BusinessIDs limits the list to these businesses; nil means all, an
	// empty non-nil slice means none.
	BusinessIDs []int64
	SourceID    int64
	Limit       int
	Offset      int
}

// ListMentions lists mentions newest first (by first fetch).
func (s *Store) ListMentions(ctx context.Context, f MentionFilter) ([]models.Mention, error) {
	if f.BusinessIDs != nil && len(f.BusinessIDs) == 0 {
		return nil, nil
	}
	q := s.q(ctx).Model(&models.Mention{})
	if f.BusinessIDs != nil {
		q = q.Where("business_id IN ?", f.BusinessIDs)
	}
	if f.SourceID != 0 {
		q = q.Where("source_id = ?", f.SourceID)
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	if f.Offset > 0 {
		q = q.Offset(f.Offset)
	}
	var out []models.Mention
	if err := q.Order("fetched_at DESC, id DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list mentions: %w", err)
	}
	return out, nil
}

// BusinessStats are the headline numbers of one business.
type BusinessStats struct {
	Mentions     int64
	TasksByState map[string]int64
	// Overdue counts unanswered tasks past their deadline and follow-ups due.
	Overdue int64
}

// Stats counts a business's mentions and tasks as of now.
func (s *Store) Stats(ctx context.Context, businessID int64, now time.Time) (BusinessStats, error) {
	out := BusinessStats{TasksByState: map[string]int64{}}
	if err := s.q(ctx).Model(&models.Mention{}).Where("business_id = ?", businessID).Count(&out.Mentions).Error; err != nil {
		return out, fmt.Errorf("store: stats of business %d: %w", businessID, err)
	}
	var rows []struct {
		State string
		N     int64
	}
	if err := s.q(ctx).Model(&models.Task{}).Select("state, COUNT(*) AS n").Where("business_id = ?", businessID).Group("state").Scan(&rows).Error; err != nil {
		return out, fmt.Errorf("store: stats of business %d: %w", businessID, err)
	}
	for _, r := range rows {
		out.TasksByState[r.State] = r.N
	}
	err := s.q(ctx).Model(&models.Task{}).Where("business_id = ? AND (state = ? OR (state IN ? AND due_at < ?))",
		businessID, models.TaskFollowUpDue, []models.TaskState{models.TaskOpen, models.TaskAcknowledged, models.TaskAwaitingApproval}, now).Count(&out.Overdue).Error
	if err != nil {
		return out, fmt.Errorf("store: stats of business %d: %w", businessID, err)
	}
	return out, nil
}
