package alerts

import (
	"fmt"
	"strings"
	"testing"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

// runBurst stores n complaints about one issue within one burst window
// and analyses them as the pipeline does (200 per transaction), returning
// the statements the analysis ran.
func runBurst(t testing.TB, f *fixture, n int, sameAuthor bool) int64 {
	t.Helper()
	ms := make([]models.Mention, n)
	for i := range ms {
		author := fmt.Sprintf("Customer %d", i)
		if sameAuthor {
			author = "Amazon Customer"
		}
		c := complaint{id: fmt.Sprintf("burst%d", i), author: author, rating: rating(1), severity: 3, text: "The app is down again.", posted: f.postedAt()}
		ms[i] = c.mention()
	}
	res, err := f.st.SaveMentions(f.ctx, f.src["trustpilot"], ms)
	if err != nil || len(res.NewIDs) != n {
		t.Fatalf("save: %v (%d new)", err, len(res.NewIDs))
	}
	loaded, err := f.st.Mentions(f.ctx, res.NewIDs)
	if err != nil {
		t.Fatal(err)
	}
	counter := f.st.CountQueries()
	for start := 0; start < n; start += 200 {
		ids := res.NewIDs[start:min(start+200, n)]
		if err := f.st.Tx(f.ctx, func(tx *store.Store) error {
			for _, id := range ids {
				m := loaded[id]
				c := complaint{severity: 3, issues: []string{"outage/app down"}}
				a := c.analysis(m)
				if _, err := tx.SaveAnalysis(f.ctx, &a); err != nil {
					return err
				}
				if err := f.al.OnAnalysis(f.ctx, tx, m, a); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	return counter.Load()
}

// TestBurstQueriesPerComplaintConstant is the promise that a brand's bad
// day costs the same per complaint however bad it gets: 2,000 complaints
// about one issue in one window run no more statements per complaint
// than 200 do (grouping into the incident updates one row instead of
// re-reading the burst), and so do 2,000 complaints by one common
// author name.
func TestBurstQueriesPerComplaintConstant(t *testing.T) {
	for _, c := range []struct {
		name       string
		sameAuthor bool
	}{{"unique authors", false}, {"one author name", true}} {
		t.Run(c.name, func(t *testing.T) {
			extra := "alerts:\n  max_per_recipient_per_hour: 100000\n"
			small := runBurst(t, newFixture(t, fixtureOpts{extra: extra}), 200, c.sameAuthor)
			large := runBurst(t, newFixture(t, fixtureOpts{extra: extra}), 2000, c.sameAuthor)
			per200, per2000 := float64(small)/200, float64(large)/2000
			t.Logf("statements per complaint: %.2f at 200, %.2f at 2,000", per200, per2000)
			if per2000 > per200*1.05 {
				t.Errorf("statements per complaint grew with the burst: %.2f at 200, %.2f at 2,000", per200, per2000)
			}
			if per200 > 30 {
				t.Errorf("%.1f statements per complaint, want a small constant", per200)
			}
		})
	}
}

// TestLargeBurstIsOneIncident: 2,000 complaints in one window are one
// incident alert, naming the first tasks and counting the rest, and
// every task belongs to the incident.
func TestLargeBurstIsOneIncident(t *testing.T) {
	f := newFixture(t, fixtureOpts{extra: "alerts:\n  max_per_recipient_per_hour: 100000\n"})
	runBurst(t, f, 500, false)
	inc := f.notifications("incident")
	if len(inc) == 0 {
		t.Fatal("no incident alert")
	}
	if got := inc[len(inc)-1].Subject; !strings.Contains(got, "500 complaints about app down") {
		t.Errorf("incident subject %q, want 500 complaints", got)
	}
	if !strings.Contains(inc[len(inc)-1].Body, "and 475 more complaints") {
		t.Errorf("incident body does not count the complaints it does not list:\n%s", inc[len(inc)-1].Body)
	}
	ts := f.tasks()
	if len(ts) != 500 {
		t.Fatalf("%d tasks, want 500", len(ts))
	}
	leader := ts[0].ID
	for _, task := range ts {
		leader = min(leader, task.ID)
	}
	for _, task := range ts {
		if task.IncidentID == nil || *task.IncidentID != leader {
			t.Fatalf("task %d incident %v, want %d", task.ID, task.IncidentID, leader)
		}
	}
	if n := len(f.notifications("alert")); n > 2 {
		t.Errorf("%d single alerts besides the incident, want at most the 2 before the threshold", n)
	}
}
