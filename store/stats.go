package store

import (
	"context"
	"fmt"

	"github.com/earshot/earshot/models"
)

// CountTasks counts tasks in the given states (all when none given).
func (s *Store) CountTasks(ctx context.Context, states ...models.TaskState) (int64, error) {
	q := s.q(ctx).Model(&models.Task{})
	if len(states) > 0 {
		q = q.Where("state IN ?", states)
	}
	var n int64
	if err := q.Count(&n).Error; err != nil {
		return 0, fmt.Errorf("store: count tasks: %w", err)
	}
	return n, nil
}

// SourceCount is how many mentions one source has stored.
type SourceCount struct {
	SourceID int64
	Business string
	Source   string
	Kind     string
	Mentions int64
}

// MentionCounts counts stored mentions per source.
func (s *Store) MentionCounts(ctx context.Context) ([]SourceCount, error) {
	var out []SourceCount
	err := s.q(ctx).Table("sources").
		Select("sources.id AS source_id, businesses.name AS business, sources.name AS source, sources.kind AS kind, COUNT(mentions.id) AS mentions").
		Joins("JOIN businesses ON businesses.id = sources.business_id").
		Joins("LEFT JOIN mentions ON mentions.source_id = sources.id").
		Group("sources.id, businesses.name, sources.name, sources.kind").
		Order("businesses.name, sources.name").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: count mentions per source: %w", err)
	}
	return out, nil
}

// Complaint is a complaint mention with its latest analysis, for reports.
type Complaint struct {
	Mention  models.Mention
	Analysis models.Analysis
}

// Complaints lists mentions whose latest analysis flags a complaint,
// most severe first.
func (s *Store) Complaints(ctx context.Context, businessID int64, limit int) ([]Complaint, error) {
	var as []models.Analysis
	q := s.q(ctx).Preload("Aspects").
		Joins("JOIN mentions ON mentions.id = analyses.mention_id AND mentions.analyzed_version = analyses.mention_version").
		Where("analyses.complaint = ?", true)
	if businessID != 0 {
		q = q.Where("analyses.business_id = ?", businessID)
	}
	if err := q.Order("analyses.severity DESC, analyses.id").Limit(limit).Find(&as).Error; err != nil {
		return nil, fmt.Errorf("store: list complaints: %w", err)
	}
	ids := make([]int64, len(as))
	for i, a := range as {
		ids[i] = a.MentionID
	}
	byID, err := s.Mentions(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Complaint, 0, len(as))
	for _, a := range as {
		out = append(out, Complaint{Mention: byID[a.MentionID], Analysis: a})
	}
	return out, nil
}
