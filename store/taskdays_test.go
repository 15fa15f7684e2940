package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

// TestDashTaskRollupsEqualScan: the dashboard's task figures from the
// daily rollups (tasks per day, per issue against the period before,
// replies, on-time answers and the reply-time histogram), kept current
// by CreateTask and UpdateTask through replies, resolutions, reopenings
// and issue changes and then rebuilt, equal the figures counted from the
// tasks, for every UTC day, for weeks and for the whole period; and a
// period that does not start at midnight is counted from the tasks.
func TestDashTaskRollupsEqualScan(t *testing.T) {
	for name, s := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			src := setup(t, s)
			other := setup(t, s)
			from := time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC)
			seedTasks(t, s, src, from)
			seedTasks(t, s, other, from)
			// Issues: set on some tasks, then moved to another issue or
			// cleared; and replies across many buckets, from seconds to
			// weeks.
			tasks, err := s.Tasks(ctx, store.TaskFilter{BusinessID: src.BusinessID})
			if err != nil {
				t.Fatal(err)
			}
			issues := []string{"food/cold", "service/slow", "price/double charge", "noise/music"}
			for i := range tasks {
				tk := tasks[i]
				tk.Issue = issues[i%len(issues)]
				if err := s.UpdateTask(ctx, tk, "", "issue"); err != nil {
					t.Fatal(err)
				}
				if i%5 == 0 {
					tk.Issue = issues[(i+1)%len(issues)]
					if i%10 == 0 {
						tk.Issue = ""
					}
					if err := s.UpdateTask(ctx, tk, "", "issue"); err != nil {
						t.Fatal(err)
					}
				}
			}
			m, err := s.SaveMentions(ctx, src, []models.Mention{{ExternalID: "fast", Text: "fast", Author: "A", PostedAt: from}})
			if err != nil {
				t.Fatal(err)
			}
			for i := range 40 {
				opened := from.Add(time.Duration(i) * 19 * time.Hour).Add(1234567 * time.Microsecond)
				replied := opened.Add(time.Duration(1<<(i%22)) * time.Second)
				tk := models.Task{BusinessID: src.BusinessID, MentionID: m.NewIDs[0], Kind: models.TaskApology, State: models.TaskReplied,
					DedupKey: fmt.Sprintf("fast:%d", i), AuthorKey: "A", SourceKind: src.Kind, Issue: issues[i%3],
					OpenedAt: opened, DueAt: opened.Add(4 * time.Hour), RepliedAt: &replied}
				if _, err := s.CreateTask(ctx, &tk); err != nil {
					t.Fatal(err)
				}
			}
			ids := []int64{src.BusinessID}
			now := from.AddDate(0, 0, 20).Add(13 * time.Hour)
			var periods [][2]time.Time
			for d := range 40 {
				periods = append(periods, [2]time.Time{from.AddDate(0, 0, d), from.AddDate(0, 0, d+1)})
			}
			for w := range 6 {
				periods = append(periods, [2]time.Time{from.AddDate(0, 0, 7*w), from.AddDate(0, 0, 7*w+7)})
			}
			periods = append(periods, [2]time.Time{from, from.AddDate(0, 0, 42)}, [2]time.Time{from.Add(5 * time.Hour), from.AddDate(0, 0, 30)})
			check := func(when string) {
				var whole store.DashResponse
				for _, p := range periods {
					got, err := s.DashResponse(ctx, ids, p[0], p[1], now)
					if err != nil {
						t.Fatal(err)
					}
					want, err := s.DashResponseScan(ctx, ids, p[0], p[1], now)
					if err != nil {
						t.Fatal(err)
					}
					if got != want {
						t.Errorf("%s: response %s to %s: from rollups %+v, want %+v", when, p[0], p[1], got, want)
					}
					gotDays, err := s.DashTaskDays(ctx, ids, p[0], p[1])
					if err != nil {
						t.Fatal(err)
					}
					wantDays, err := s.DashTaskDaysScan(ctx, ids, p[0], p[1])
					if err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(gotDays, wantDays) {
						t.Errorf("%s: tasks per day %s to %s: from rollups %v, want %v", when, p[0], p[1], gotDays, wantDays)
					}
					gotIssues, err := s.DashIssues(ctx, ids, p[0], p[1], 10)
					if err != nil {
						t.Fatal(err)
					}
					wantIssues, err := s.DashIssuesScan(ctx, ids, p[0], p[1], 10)
					if err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(gotIssues, wantIssues) {
						t.Errorf("%s: issues %s to %s: from rollups %v, want %v", when, p[0], p[1], gotIssues, wantIssues)
					}
					if p == [2]time.Time{from, from.AddDate(0, 0, 42)} {
						whole = want
					}
				}
				buckets := 0
				for _, c := range whole.Replies {
					if c > 0 {
						buckets++
					}
				}
				if whole.Replied == 0 || whole.OnTime == 0 || whole.OnTime == whole.Replied || whole.Due == whole.Opened || buckets < 15 {
					t.Fatalf("seed too thin: %+v (%d buckets used)", whole, buckets)
				}
			}
			check("kept current")
			if _, err := s.RebuildRollups(ctx); err != nil {
				t.Fatal(err)
			}
			check("rebuilt")
		})
	}
}

// TestReplyQuantile: the median and 90th percentile from the histogram
// are within their bucket of the exact figures, for reply times from
// seconds to weeks.
func TestReplyQuantile(t *testing.T) {
	for _, c := range []struct {
		name    string
		replies []time.Duration
	}{
		{"one reply", []time.Duration{3 * time.Hour}},
		{"under a minute", []time.Duration{10 * time.Second, 20 * time.Second, 50 * time.Second}},
		{"minutes to days", []time.Duration{5 * time.Minute, 40 * time.Minute, 2 * time.Hour, 3 * time.Hour, 7 * time.Hour, 26 * time.Hour, 5 * 24 * time.Hour}},
		{"same time", []time.Duration{90 * time.Minute, 90 * time.Minute, 90 * time.Minute, 90 * time.Minute}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var h store.ReplyHistogram
			for _, d := range c.replies {
				i := 0
				for i < store.ReplyBuckets-1 && store.ReplyBound(i) <= d {
					i++
				}
				h[i]++
			}
			for _, q := range []float64{0.5, 0.9} {
				exact := c.replies[int(q*float64(len(c.replies)-1))]
				got, ok := h.Quantile(q)
				if !ok {
					t.Fatalf("q%.0f: no estimate", 100*q)
				}
				lo, hi := exact*100/127, exact*127/100
				if exact < time.Minute {
					lo, hi = 0, time.Minute
				}
				if got < lo || got > hi {
					t.Errorf("q%.0f: %s, exact %s", 100*q, got, exact)
				}
			}
		})
	}
	if _, ok := (store.ReplyHistogram{}).Quantile(0.5); ok {
		t.Errorf("an empty histogram has a median")
	}
}
