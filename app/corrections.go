package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

// MarkComplaint records a staff member's "this is a complaint" on a
// mention the model missed, and reconsiders the mention with the
// correction, which opens its task (unless it is history the alert window
// holds back, or already answered on the site). It returns the mention's
// tasks.
func (a *App) MarkComplaint(ctx context.Context, mentionID int64, actor string) ([]models.Task, error) {
	var out []models.Task
	err := a.Store.Tx(ctx, func(tx *store.Store) error {
		m, err := tx.Mention(ctx, mentionID)
		if err != nil {
			return fmt.Errorf("app: mention %d: %w", mentionID, err)
		}
		c := models.Correction{BusinessID: m.BusinessID, MentionID: m.ID, Verdict: models.VerdictComplaint,
			Actor: actor, Text: strings.TrimSpace(m.Title + " " + m.Text)}
		if err := tx.AddCorrection(ctx, &c); err != nil {
			return err
		}
		an, err := tx.LatestAnalysis(ctx, m.ID)
		if err != nil {
			return fmt.Errorf("app: mention %d is not analysed yet; run `earshot scrape` or wait for the analyzer: %w", m.ID, err)
		}
		an.Reasons = append(an.Reasons, "marked a complaint by "+actor)
		an.Complaint, an.Unrelated = true, false
		if an.Severity < 1 {
			an.Severity = 1
		}
		if err := a.Alerter.OnAnalysis(ctx, tx, m, an); err != nil {
			return err
		}
		out, err = tx.Tasks(ctx, store.TaskFilter{MentionID: m.ID})
		return err
	})
	return out, err
}
