package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/earshot/earshot/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// EnqueueNotification writes a notification into the outbox unless one
// with the same IdempotencyKey exists; it reports whether it was added.
// Call it inside the transaction that created the task or digest behind
// the notification, so both commit together or not at all.
func (s *Store) EnqueueNotification(ctx context.Context, n *models.Notification) (bool, error) {
	if n.IdempotencyKey == "" {
		return false, fmt.Errorf("store: enqueue %s notification: empty idempotency key", n.Kind)
	}
	if n.State == "" {
		n.State = models.NotificationPending
	}
	if n.NextAttemptAt.IsZero() {
		n.NextAttemptAt = s.Now()
	}
	if n.DeliveryKey == "" {
		n.DeliveryKey = newDeliveryKey()
	}
	n.ID = 0
	r := s.q(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(n)
	if r.Error != nil {
		return false, fmt.Errorf("store: enqueue notification %s: %w", n.IdempotencyKey, r.Error)
	}
	return r.RowsAffected > 0, nil
}

// MarkNotificationSent records that the receiving server accepted it.
func (s *Store) MarkNotificationSent(ctx context.Context, id int64, at time.Time) error {
	if err := s.q(ctx).Model(&models.Notification{}).Where("id = ?", id).
		Updates(map[string]any{"state": models.NotificationSent, "sent_at": at.UTC(), "last_error": ""}).Error; err != nil {
		return fmt.Errorf("store: mark notification %d sent: %w", id, err)
	}
	return nil
}

// MarkNotificationRetry records a failed attempt and when to try again;
// the first failure of a run also sets failing_since.
func (s *Store) MarkNotificationRetry(ctx context.Context, id int64, next time.Time, lastErr string) error {
	if err := s.q(ctx).Model(&models.Notification{}).Where("id = ?", id).
		Updates(map[string]any{"next_attempt_at": next.UTC(), "last_error": lastErr,
			"failing_since": gorm.Expr("COALESCE(failing_since, ?)", s.Now().UTC())}).Error; err != nil {
		return fmt.Errorf("store: reschedule notification %d: %w", id, err)
	}
	return nil
}

// MarkNotificationFailed gives up on a notification.
func (s *Store) MarkNotificationFailed(ctx context.Context, id int64, lastErr string) error {
	if err := s.q(ctx).Model(&models.Notification{}).Where("id = ?", id).
		Updates(map[string]any{"state": models.NotificationFailed, "last_error": lastErr,
			"failing_since": gorm.Expr("COALESCE(failing_since, ?)", s.Now().UTC())}).Error; err != nil {
		return fmt.Errorf("store: mark notification %d failed: %w", id, err)
	}
	return nil
}

// CountNotificationsSince counts the notifications queued for one
// recipient of one channel since a time, for per-recipient limits.
func (s *Store) CountNotificationsSince(ctx context.Context, channel, recipient string, since time.Time) (int, error) {
	var n int64
	if err := s.q(ctx).Model(&models.Notification{}).
		Where("channel = ? AND recipient = ? AND created_at >= ?", channel, recipient, since.UTC()).
		Count(&n).Error; err != nil {
		return 0, fmt.Errorf("store: count notifications to %s: %w", channel, err)
	}
	return int(n), nil
}

// RewritePendingNotification replaces the content of a notification that
// has not been sent yet (an incident alert that gained complaints); it
// reports false when it was already sent or does not exist.
func (s *Store) RewritePendingNotification(ctx context.Context, key string, n models.Notification) (bool, error) {
	r := s.q(ctx).Model(&models.Notification{}).
		Where("idempotency_key = ? AND state = ? AND attempts = 0", key, models.NotificationPending).
		Updates(map[string]any{"subject": n.Subject, "body": n.Body, "html_body": n.HTMLBody, "payload": n.Payload})
	if r.Error != nil {
		return false, fmt.Errorf("store: rewrite notification %s: %w", key, r.Error)
	}
	return r.RowsAffected > 0, nil
}

// NotificationFilter selects notifications; zero fields match everything.
type NotificationFilter struct {
	BusinessID int64
	TaskID     int64
	Kind       string
	State      string
	Limit      int
}

// Notifications lists notifications, oldest first.
func (s *Store) Notifications(ctx context.Context, f NotificationFilter) ([]models.Notification, error) {
	q := s.q(ctx).Model(&models.Notification{})
	if f.BusinessID != 0 {
		q = q.Where("business_id = ?", f.BusinessID)
	}
	if f.TaskID != 0 {
		q = q.Where("task_id = ?", f.TaskID)
	}
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.State != "" {
		q = q.Where("state = ?", f.State)
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var out []models.Notification
	if err := q.Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list notifications: %w", err)
	}
	return out, nil
}

// SupersedePending withdraws the pending, never-attempted notifications
// of a kind for some tasks (their individual alerts, once an incident
// alert lists them), recording why. They stay in the outbox as failed
// with that reason, so the history shows what happened to them.
func (s *Store) SupersedePending(ctx context.Context, taskIDs []int64, kind, reason string) (int, error) {
	if len(taskIDs) == 0 {
		return 0, nil
	}
	r := s.q(ctx).Model(&models.Notification{}).
		Where("task_id IN ? AND kind = ? AND state = ? AND attempts = 0", taskIDs, kind, models.NotificationPending).
		Updates(map[string]any{"state": models.NotificationFailed, "last_error": reason})
	if r.Error != nil {
		return 0, fmt.Errorf("store: withdraw %s notifications of %d tasks: %w", kind, len(taskIDs), r.Error)
	}
	return int(r.RowsAffected), nil
}

// newDeliveryKey is 128 random bits: unique across installations and
// restores without coordination.
func newDeliveryKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return "n-" + hex.EncodeToString(b[:])
}

// RetryFailedNotifications puts failed notifications back in the queue
// for an attempt now, with a fresh give-up period; ids nil means every
// failed one. Withdrawn alerts (superseded by an incident) stay failed:
// they were never meant to go. It returns how many were requeued.
func (s *Store) RetryFailedNotifications(ctx context.Context, ids []int64, now time.Time) (int, error) {
	q := s.q(ctx).Model(&models.Notification{}).Where("state = ? AND attempts > 0", models.NotificationFailed)
	if ids != nil {
		q = q.Where("id IN ?", ids)
	}
	r := q.Updates(map[string]any{"state": models.NotificationPending, "next_attempt_at": now.UTC(), "failing_since": nil})
	if r.Error != nil {
		return 0, fmt.Errorf("store: retry failed notifications: %w", r.Error)
	}
	return int(r.RowsAffected), nil
}

// OutboxBacklog returns the backlog of every channel with anything
// pending or failed, by channel name, counted in SQL.
func (s *Store) OutboxBacklog(ctx context.Context) ([]models.ChannelBacklog, error) {
	var rows []struct {
		Channel          string
		Pending, Failing int
		Failed           int
	}
	err := s.q(ctx).Model(&models.Notification{}).
		Select(`channel,
			SUM(CASE WHEN state = ? THEN 1 ELSE 0 END) AS pending,
			SUM(CASE WHEN state = ? AND failing_since IS NOT NULL THEN 1 ELSE 0 END) AS failing,
			SUM(CASE WHEN state = ? AND attempts > 0 THEN 1 ELSE 0 END) AS failed`,
			models.NotificationPending, models.NotificationPending, models.NotificationFailed).
		Where("state IN ?", []string{models.NotificationPending, models.NotificationFailed}).
		Group("channel").Order("channel").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: outbox backlog: %w", err)
	}
	out := make([]models.ChannelBacklog, 0, len(rows))
	for _, r := range rows {
		b := models.ChannelBacklog{Channel: r.Channel, Pending: r.Pending, Failing: r.Failing, Failed: r.Failed}
		if r.Failing > 0 {
			var n models.Notification
			if err := s.q(ctx).Where("channel = ? AND state = ? AND failing_since IS NOT NULL", r.Channel, models.NotificationPending).
				Order("failing_since").Limit(1).Find(&n).Error; err != nil {
				return nil, fmt.Errorf("store: outbox backlog of %s: %w", r.Channel, err)
			}
			b.FailingSince, b.LastError = n.FailingSince, n.LastError
		}
		if b.Pending+b.Failed > 0 {
			var n models.Notification
			if err := s.q(ctx).Where("channel = ? AND state IN ?", r.Channel, []string{models.NotificationPending, models.NotificationFailed}).
				Order("created_at, id").Limit(1).Find(&n).Error; err != nil {
				return nil, fmt.Errorf("store: oldest in the outbox of %s: %w", r.Channel, err)
			}
			if !n.CreatedAt.IsZero() {
				b.Oldest = &n.CreatedAt
			}
			out = append(out, b)
		}
	}
	return out, nil
}
