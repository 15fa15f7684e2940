package store

import (
	"context"
	"fmt"
	"time"

	"github.com/earshot/earshot/models"
)

// AddCorrection records a staff verdict on a mention's complaint flag.
func (s *Store) AddCorrection(ctx context.Context, c *models.Correction) error {
	if c.CreatedAt.IsZero() {
		c.CreatedAt = s.Now()
	}
	c.ID = 0
	if err := s.q(ctx).Create(c).Error; err != nil {
		return fmt.Errorf("store: correction of mention %d: %w", c.MentionID, err)
	}
	return nil
}

// MaxCorrections bounds how many of a business's corrections the policy
// compares a mention with: the newest, which say what staff think now.
const MaxCorrections = 500

// Corrections lists a business's corrections, newest first, at most
// MaxCorrections.
func (s *Store) Corrections(ctx context.Context, businessID int64) ([]models.Correction, error) {
	var out []models.Correction
	if err := s.q(ctx).Where("business_id = ?", businessID).Order("created_at DESC, id DESC").
		Limit(MaxCorrections).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: corrections of business %d: %w", businessID, err)
	}
	return out, nil
}

// TasksOfMentions lists the tasks opened for any of the mentions ids.
func (s *Store) TasksOfMentions(ctx context.Context, ids []int64) ([]models.Task, error) {
	var out []models.Task
	for len(ids) > 0 {
		n := min(len(ids), 500)
		var part []models.Task
		if err := s.q(ctx).Where("mention_id IN ?", ids[:n]).Order("id").Find(&part).Error; err != nil {
			return nil, fmt.Errorf("store: tasks of %d mentions: %w", len(ids), err)
		}
		out = append(out, part...)
		ids = ids[n:]
	}
	return out, nil
}

// DigestSignal is what the digest says about the complaint signal in a
// week: tasks staff marked "not a complaint", social mentions stored
// but not about the business, and tasks waiting for someone who reads
// their language.
type DigestSignal struct {
	// Opened counts tasks (of any kind) opened in the week; Corrected
	// those of them staff closed as not a complaint.
	Opened, Corrected int64
	// Unrelated counts mentions analysed in the week that were not about
	// the business.
	Unrelated int64
	// HumanRead lists, by language, the tasks opened in the week for
	// mentions earshot cannot read.
	HumanRead map[string]int64
}

// DigestSignalStats counts a business's signal figures in [from, to).
func (s *Store) DigestSignalStats(ctx context.Context, businessID int64, from, to time.Time) (DigestSignal, error) {
	from, to = from.UTC(), to.UTC()
	st := DigestSignal{HumanRead: map[string]int64{}}
	wrap := func(err error) (DigestSignal, error) {
		return st, fmt.Errorf("store: digest signal of business %d: %w", businessID, err)
	}
	if err := s.q(ctx).Model(&models.Task{}).
		Where("business_id = ? AND opened_at >= ? AND opened_at < ?", businessID, from, to).
		Count(&st.Opened).Error; err != nil {
		return wrap(err)
	}
	if err := s.q(ctx).Model(&models.Task{}).
		Where("business_id = ? AND opened_at >= ? AND opened_at < ? AND id IN (SELECT task_id FROM corrections WHERE business_id = ? AND verdict = ? AND task_id IS NOT NULL)",
			businessID, from, to, businessID, models.VerdictNotComplaint).
		Count(&st.Corrected).Error; err != nil {
		return wrap(err)
	}
	if err := s.q(ctx).Model(&models.Analysis{}).
		Where("business_id = ? AND created_at >= ? AND created_at < ? AND unrelated = ?", businessID, from, to, true).
		Count(&st.Unrelated).Error; err != nil {
		return wrap(err)
	}
	var rows []struct {
		Language string
		N        int64
	}
	if err := s.q(ctx).Model(&models.Task{}).Select("language, COUNT(*) AS n").
		Where("business_id = ? AND opened_at >= ? AND opened_at < ? AND kind = ?", businessID, from, to, models.TaskHumanRead).
		Group("language").Scan(&rows).Error; err != nil {
		return wrap(err)
	}
	for _, r := range rows {
		st.HumanRead[r.Language] += r.N
	}
	return st, nil
}
