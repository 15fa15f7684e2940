package alerts

import (
	"context"
	"fmt"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
	"github.com/earshot/earshot/tasks"
)

// OnReplies marks the open tasks of mentions that got an owner reply on
// the site as replied, and schedules their follow-up.
func (a *Alerter) OnReplies(ctx context.Context, tx Tx, mentionIDs []int64) error {
	now := a.clock.Now().UTC()
	for _, id := range mentionIDs {
		m, err := tx.Mention(ctx, id)
		if err != nil {
			return fmt.Errorf("alerts: reply on mention %d: %w", id, err)
		}
		ts, err := tx.Tasks(ctx, store.TaskFilter{MentionID: id, Kind: models.TaskApology, States: tasks.From(tasks.EventReply)})
		if err != nil {
			return fmt.Errorf("alerts: reply on mention %d: %w", id, err)
		}
		for _, t := range ts {
			if err := tasks.MarkReplied(ctx, tx, t, "scraper", m.Reply, "the reply appeared on "+m.SourceKind, now, a.cfg.Alerts.FollowUp.D()); err != nil {
				return fmt.Errorf("alerts: %w", err)
			}
		}
	}
	return nil
}
