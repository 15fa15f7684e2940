package alerts

import (
	"strings"
	"testing"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

// Counts of one read as one: "More than 1 alert", "1 run in a row".
func TestOneIsSingular(t *testing.T) {
	t.Run("per-recipient limit of 1", func(t *testing.T) {
		f := newFixture(t, fixtureOpts{extra: "alerts:\n  max_per_recipient_per_hour: 1\n"})
		for _, who := range []string{"Ann", "Ben"} {
			f.process(complaint{id: "p" + who, author: who, rating: rating(1), severity: 3, text: "Bad.", issues: []string{"topic/" + who}})
		}
		ns := f.notifications("limit")
		if len(ns) != 1 {
			t.Fatalf("%d limit notes, want 1", len(ns))
		}
		if !strings.Contains(ns[0].Subject, "More than 1 alert in an hour") || !strings.Contains(ns[0].Body, "You have had 1 alert in") {
			t.Errorf("limit note: %q\n%s", ns[0].Subject, ns[0].Body)
		}
	})
	t.Run("broken after one failed run", func(t *testing.T) {
		f := newFixture(t, fixtureOpts{})
		src := f.src["trustpilot"]
		fin := f.clock.Now()
		src, err := f.st.RecordRun(f.ctx, models.SourceRun{SourceID: src.ID, StartedAt: fin, FinishedAt: &fin,
			ErrorClass: models.ErrorClassHTTP, Error: "HTTP 500"}, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.st.Tx(f.ctx, func(tx *store.Store) error { return f.al.OnSourceBroken(f.ctx, tx, src) }); err != nil {
			t.Fatal(err)
		}
		ns := f.notifications("source_broken")
		if len(ns) != 1 || !strings.Contains(ns[0].Body, "1 run in a row failed") {
			t.Fatalf("broken-source note: %v", ns)
		}
	})
}
