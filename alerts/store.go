package alerts

import (
	"context"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/notify"
	"github.com/earshot/earshot/store"
	"github.com/earshot/earshot/tasks"
)

// Tx is what the policy reads and writes inside the pipeline's
// transaction: the task changes tasks makes, the outbox notify writes,
// and what deciding needs to read. *store.Store is one.
type Tx interface {
	tasks.Tx
	notify.Queue
	Business(ctx context.Context, id int64) (models.Business, error)
	Corrections(ctx context.Context, businessID int64) ([]models.Correction, error)
	Source(ctx context.Context, id int64) (models.Source, error)
	Mention(ctx context.Context, id int64) (models.Mention, error)
	MentionVersions(ctx context.Context, mentionID int64) ([]models.MentionVersion, error)
	Tasks(ctx context.Context, f store.TaskFilter) ([]models.Task, error)
	TaskByDedupKey(ctx context.Context, key string) (models.Task, error)
	LatestTaskByAuthor(ctx context.Context, businessID int64, sourceKind, author, kind string) (models.Task, bool, error)
	SetIncident(ctx context.Context, incidentID int64, taskIDs []int64) error
	LiveIncidentGroup(ctx context.Context, businessID int64, issue string, since time.Time) (models.IncidentGroup, bool, error)
	SaveIncidentGroup(ctx context.Context, g *models.IncidentGroup) error
	CountNotificationsSince(ctx context.Context, channel, recipient string, since time.Time) (int, error)
	RewritePendingNotification(ctx context.Context, key string, n models.Notification) (bool, error)
	SupersedePending(ctx context.Context, taskIDs []int64, kind, reason string) (int, error)
	AtCommit(key string, fn func(ctx context.Context, tx *store.Store) error) bool
	PendingAtCommit(key string) bool
}

// Store is what the deadline check needs outside a transaction.
type Store interface {
	Tasks(ctx context.Context, f store.TaskFilter) ([]models.Task, error)
	TaskPage(ctx context.Context, f store.TaskFilter, after store.TaskCursor, limit int) ([]models.Task, store.TaskCursor, error)
	Tx(ctx context.Context, fn func(tx *store.Store) error) error
}
