package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

// TestDashboardAggregates checks the dashboard's figures on SQLite and
// PostgreSQL against a small hand-counted history: mentions and ratings
// per day, tasks opened per day, issues this period against the one
// before (ties: the one raised more before first), the reply times and
// the on-time share, open and overdue tasks, failed runs; and that
// another business's rows never count.
func TestDashboardAggregates(t *testing.T) {
	bucketOf := func(d time.Duration) int {
		i := 0
		for i < store.ReplyBuckets-1 && store.ReplyBound(i) <= d {
			i++
		}
		return i
	}
	for dialect, s := range openStores(t) {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			src := setup(t, s)
			other := setup(t, s)
			day := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, time.UTC) }
			ms := []models.Mention{
				{ExternalID: "a", Rating: rating(5), PostedAt: day(20, 9)},
				{ExternalID: "b", Rating: rating(2), PostedAt: day(20, 23)},
				{ExternalID: "c", PostedAt: day(21, 0)},
				{ExternalID: "d", Rating: rating(1), PostedAt: day(10, 12)}, // previous period
			}
			for i := range ms {
				ms[i].Text = "text " + ms[i].ExternalID
			}
			res, err := s.SaveMentions(ctx, src, ms)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.SaveMentions(ctx, other, []models.Mention{{ExternalID: "x", Text: "x", Rating: rating(1), PostedAt: day(20, 10)}}); err != nil {
				t.Fatal(err)
			}
			now := day(22, 12)
			hrs := func(h int) *time.Time { v := day(20, 8).Add(time.Duration(h) * time.Hour); return &v }
			tasks := []models.Task{
				// Replied after 1h, 3h and 10h: median 3h; the 10h one late.
				{Issue: "food/cold", OpenedAt: day(20, 8), DueAt: day(20, 14), RepliedAt: hrs(1), State: models.TaskReplied},
				{Issue: "food/cold", OpenedAt: day(20, 8), DueAt: day(20, 14), RepliedAt: hrs(3), State: models.TaskReplied},
				{Issue: "service/rude", OpenedAt: day(20, 8), DueAt: day(20, 14), RepliedAt: hrs(10), State: models.TaskResolved},
				// Not replied: one past due (overdue), one not yet due.
				{Issue: "service/rude", OpenedAt: day(21, 8), DueAt: day(21, 20), State: models.TaskOpen},
				{OpenedAt: day(22, 8), DueAt: day(23, 8), State: models.TaskAcknowledged},
				// Previous period.
				{Issue: "service/rude", OpenedAt: day(9, 8), DueAt: day(9, 12), State: models.TaskResolved},
				{Issue: "service/rude", OpenedAt: day(9, 9), DueAt: day(9, 12), State: models.TaskResolved},
				{Issue: "price/high", OpenedAt: day(9, 9), DueAt: day(9, 12), State: models.TaskResolved},
			}
			for i := range tasks {
				tk := &tasks[i]
				tk.BusinessID, tk.MentionID, tk.Kind = src.BusinessID, res.NewIDs[0], "apology"
				tk.DedupKey = fmt.Sprintf("%s-%d-%d", dialect, src.ID, i)
				if _, err := s.CreateTask(ctx, tk); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.CreateTask(ctx, &models.Task{BusinessID: other.BusinessID, MentionID: res.NewIDs[0], Kind: "apology", Issue: "food/cold", State: models.TaskOpen,
				OpenedAt: day(20, 8), DueAt: day(20, 9), DedupKey: fmt.Sprintf("%s-other-%d", dialect, other.ID)}); err != nil {
				t.Fatal(err)
			}
			for _, run := range []models.SourceRun{{StartedAt: day(20, 1)}, {StartedAt: day(20, 2), ErrorClass: "blocked", Error: "403"}, {StartedAt: day(5, 1), ErrorClass: "blocked"}} {
				run.SourceID = src.ID
				if _, err := s.RecordRun(ctx, run, ""); err != nil {
					t.Fatal(err)
				}
			}
			ids := []int64{src.BusinessID}
			from, to := day(15, 0), day(23, 0)

			mdays, err := s.DashMentionDays(ctx, ids, from, to)
			if err != nil {
				t.Fatal(err)
			}
			want := []store.DashDay{{BusinessID: src.BusinessID, Day: "2026-11-20", Mentions: 2, Rated: 2, RatingSum: 7}, {BusinessID: src.BusinessID, Day: "2026-11-21", Mentions: 1}}
			if fmt.Sprint(mdays) != fmt.Sprint(want) {
				t.Errorf("mention days %v, want %v", mdays, want)
			}
			// An edited rating moves the day's figures (the per-day counts
			// are kept by triggers, not recomputed).
			edited := ms[1]
			edited.Rating, edited.Text = rating(4), "text b, edited"
			if _, err := s.SaveMentions(ctx, src, []models.Mention{edited}); err != nil {
				t.Fatal(err)
			}
			if mdays, err = s.DashMentionDays(ctx, ids, from, to); err != nil || len(mdays) == 0 || mdays[0].RatingSum != 9 || mdays[0].Mentions != 2 {
				t.Errorf("after an edit to 4 stars: %v, %v; want 2 mentions, rating sum 9 on 2026-11-20", mdays, err)
			}
			tdays, err := s.DashTaskDays(ctx, ids, from, to)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := fmt.Sprint(tdays), fmt.Sprint([]store.DashTaskDay{{src.BusinessID, "2026-11-20", 3}, {src.BusinessID, "2026-11-21", 1}, {src.BusinessID, "2026-11-22", 1}}); got != want {
				t.Errorf("task days %s, want %s", got, want)
			}
			issues, err := s.DashIssues(ctx, ids, from, to, 10)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := fmt.Sprint(issues), fmt.Sprint([]store.DashIssue{{"service/rude", 2, 2}, {"food/cold", 2, 0}, {"price/high", 0, 1}}); got != want {
				t.Errorf("issues %s, want %s", got, want)
			}
			r, err := s.DashResponse(ctx, ids, from, to, now)
			if err != nil {
				t.Fatal(err)
			}
			var replies store.ReplyHistogram
			for _, h := range []int{1, 3, 10} {
				replies[bucketOf(time.Duration(h)*time.Hour)]++
			}
			if want := (store.DashResponse{Opened: 5, Replied: 3, Due: 4, OnTime: 2, Replies: replies}); r != want {
				t.Errorf("response %+v, want %+v", r, want)
			}
			// The median from the histogram is within its bucket of the
			// exact 3h.
			if med, ok := r.Replies.Quantile(0.5); !ok || med < 3*time.Hour*100/126 || med > 3*time.Hour*126/100 {
				t.Errorf("median %s, want about 3h", med)
			}
			open, err := s.DashOpenTasks(ctx, ids, now)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := fmt.Sprint(open), fmt.Sprint([]store.DashOpen{{src.BusinessID, 2, 1}}); got != want {
				t.Errorf("open %s, want %s", got, want)
			}
			runs, err := s.DashSourceRuns(ctx, []int64{src.ID}, from, to)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := fmt.Sprint(runs), fmt.Sprint([]store.DashSourceRuns{{src.ID, 2, 1}}); got != want {
				t.Errorf("runs %s, want %s", got, want)
			}
			if _, err := s.DashMentionDays(ctx, nil, from, to); err == nil {
				t.Errorf("no business: no error")
			}
			if _, err := s.DashIssues(ctx, ids, to, from, 5); err == nil {
				t.Errorf("empty period: no error")
			}
		})
	}
}
