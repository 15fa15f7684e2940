package app

import (
	"context"

	"github.com/earshot/earshot/alerts"
	"github.com/earshot/earshot/models"
)

// Alerter turns analyses into tasks and notifications. The pipeline calls
// the On* methods inside the transaction that saved what caused them, so
// a task and its alert are stored together or not at all; delivery
// happens later from the outbox (App.Notify).
type Alerter interface {
	// OnAnalysis opens (or reopens) tasks for a complaint and queues the
	// owner's alert. It must be idempotent: the same analysis processed
	// twice opens one task.
	OnAnalysis(ctx context.Context, tx alerts.Tx, m models.Mention, a models.Analysis) error
	// JudgeAll applies the business's relevance (social kinds) and its
	// staff's corrections to a batch of analyses (as[i] made from ms[i])
	// before they are stored, adding the reasons.
	JudgeAll(ctx context.Context, tx alerts.JudgeTx, ms []models.Mention, as []models.Analysis) error
	// Silent reports which analyses of a batch OnAnalysis would do
	// nothing with, so the pipeline need not call it for them.
	Silent(ctx context.Context, tx alerts.SilentTx, ms []models.Mention, as []models.Analysis) ([]bool, error)
	// OnImport is told what a first import or a backfill read and the
	// tasks it opened; when it held history back it sends the owner one
	// summary in place of those tasks' alerts.
	OnImport(ctx context.Context, tx alerts.Tx, src models.Source, imp alerts.Import) error
	// OnReplies marks the tasks of mentions on which an owner reply was
	// detected by a scraper as replied.
	OnReplies(ctx context.Context, tx alerts.Tx, mentionIDs []int64) error
	// OnSourceBroken tells the owner that a source failed repeatedly and
	// why. Called once per outage.
	OnSourceBroken(ctx context.Context, tx alerts.Tx, src models.Source) error
	// OnSourceQuiet tells the owner that a source which runs without
	// errors has brought no new mention for much longer than its history
	// says is usual (src.QuietSince, src.QuietUsualGap): a listing that
	// moved or a selector that silently matches nothing looks exactly like
	// that. Called once per quiet spell.
	OnSourceQuiet(ctx context.Context, tx alerts.Tx, src models.Source) error
	// CheckDeadlines sends escalation reminders and opens due follow-ups.
	CheckDeadlines(ctx context.Context) error
}
