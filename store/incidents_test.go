package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/earshot/earshot/models"
)

// A burst's span of posting times widens as complaints join it: the
// policy decides by that span whether a late review still belongs to the
// burst, so a span that stayed at the first complaint's time split one
// outage into several incidents.
func TestIncidentGroupKeepsItsPostingSpan(t *testing.T) {
	for name, s := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			src := setup(t, s)
			first := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
			g := models.IncidentGroup{BusinessID: src.BusinessID, Issue: "service/slow service", StartedAt: first, LastAt: first, PostedFirst: &first, PostedLast: &first, Complaints: 1}
			if err := s.SaveIncidentGroup(ctx, &g); err != nil {
				t.Fatal(err)
			}
			later := first.Add(40 * time.Minute)
			g.PostedLast, g.Complaints, g.LastAt = &later, 2, later
			if err := s.SaveIncidentGroup(ctx, &g); err != nil {
				t.Fatal(err)
			}
			got, ok, err := s.LiveIncidentGroup(ctx, src.BusinessID, g.Issue, first)
			if err != nil || !ok {
				t.Fatalf("live burst: %v %v", ok, err)
			}
			if got.PostedLast == nil || !got.PostedLast.Equal(later) || got.PostedFirst == nil || !got.PostedFirst.Equal(first) || got.Complaints != 2 {
				t.Fatalf("burst after a second complaint: posted %v–%v, %d complaints; want %v–%v, 2", got.PostedFirst, got.PostedLast, got.Complaints, first, later)
			}
		})
	}
}
