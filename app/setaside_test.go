package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/earshot/earshot/alerts"
	"github.com/earshot/earshot/app"
	"github.com/earshot/earshot/models"
	"github.com/jonboulle/clockwork"
)

// oneBadMention fails the alert of one mention, every time: a mention
// whose analysis can never be saved.
type oneBadMention struct {
	bad   int64
	calls int
}

func (o *oneBadMention) OnAnalysis(ctx context.Context, tx alerts.Tx, m models.Mention, a models.Analysis) error {
	o.calls++
	if o.bad == 0 {
		o.bad = m.ID + 2
	}
	if m.ID == o.bad {
		return errors.New("this mention cannot be alerted on")
	}
	return nil
}
func (o *oneBadMention) OnReplies(context.Context, alerts.Tx, []int64) error            { return nil }
func (o *oneBadMention) OnSourceBroken(context.Context, alerts.Tx, models.Source) error { return nil }
func (o *oneBadMention) CheckDeadlines(context.Context) error                           { return nil }
func (o *oneBadMention) JudgeAll(context.Context, alerts.JudgeTx, []models.Mention, []models.Analysis) error {
	return nil
}
func (o *oneBadMention) Silent(_ context.Context, _ alerts.SilentTx, ms []models.Mention, _ []models.Analysis) ([]bool, error) {
	return make([]bool, len(ms)), nil
}
func (o *oneBadMention) OnSourceQuiet(context.Context, alerts.Tx, models.Source) error {
	return nil
}
func (o *oneBadMention) OnImport(context.Context, alerts.Tx, models.Source, alerts.Import) error {
	return nil
}

// TestBadMentionSetAsideNotBlocking: a batch with one mention that
// always fails is split until that mention stands alone; it is set aside
// (counted per source), every other mention is analysed, and the next
// pass finds nothing pending instead of failing again.
func TestBadMentionSetAsideNotBlocking(t *testing.T) {
	e := newEnv(t, time.Now)
	bad := &oneBadMention{}
	a, err := app.New(context.Background(), e.cfg, app.Options{Clock: clockwork.NewRealClock(), Alerter: bad})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	ctx := context.Background()
	if _, err := a.ScrapeAll(ctx, app.ScrapeOptions{}); err != nil {
		t.Fatal(err)
	}
	rep, err := a.AnalyzePending(ctx)
	if err != nil {
		t.Fatalf("analysis stopped on one bad mention: %v", err)
	}
	if rep.Analyzed != 9 {
		t.Errorf("analysed %d, want the 9 good mentions of 10", rep.Analyzed)
	}
	skipped, err := a.Store.SkippedCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	total := int64(0)
	for _, n := range skipped {
		total += n
	}
	if total != 1 {
		t.Errorf("%d mentions set aside, want 1 (%v)", total, skipped)
	}
	again, err := a.AnalyzePending(ctx)
	if err != nil || again.Analyzed != 0 {
		t.Errorf("second pass: %+v %v, want nothing pending", again, err)
	}
}
