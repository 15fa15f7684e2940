package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

// seedTasks opens tasks over five weeks from from through the store's own
// writes and then moves them the way staff and the alerter do: replies
// before and after the deadline (with a check-back date), resolutions,
// reopenings that move the deadline and clear the resolution, an update
// refused because the task moved on, and tasks of another kind, which the
// digest does not count.
func seedTasks(t *testing.T, s *store.Store, src models.Source, from time.Time) {
	t.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 5))
	var ms []models.Mention
	for i := range 300 {
		ms = append(ms, models.Mention{ExternalID: fmt.Sprintf("t%d", i), Author: "A", Text: fmt.Sprintf("complaint %d", i),
			PostedAt: from.Add(time.Duration(rng.Int64N(int64(35 * 24 * time.Hour))))})
	}
	res, err := s.SaveMentions(ctx, src, ms)
	if err != nil {
		t.Fatal(err)
	}
	// Issues the complaints raised, negative or not; the resolved ones
	// "come back" in the digest.
	issues := []string{"food", "service", "price", "cleanliness", ""}
	analyse := func(id int64, version int, cats ...string) {
		a := models.Analysis{MentionID: id, MentionVersion: version, BusinessID: src.BusinessID, Label: models.LabelNegative, Complaint: true}
		for _, c := range cats {
			pol := models.PolarityNegative
			if rng.IntN(4) == 0 {
				pol = models.PolarityPositive
			}
			a.Aspects = append(a.Aspects, models.Aspect{Category: c, Term: "t" + c, Polarity: pol})
		}
		if _, err := s.SaveAnalysis(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range res.NewIDs {
		var cats []string
		for range rng.IntN(3) {
			cats = append(cats, issues[rng.IntN(len(issues))])
		}
		analyse(id, 1, cats...)
	}
	at := func(base time.Time, upTo time.Duration) time.Time {
		return base.Add(time.Duration(rng.Int64N(int64(upTo)))).Truncate(time.Second)
	}
	var tasks []models.Task
	var edits []models.Mention
	var editIDs []int64
	for i, id := range res.NewIDs {
		opened := at(from, 35*24*time.Hour)
		task := models.Task{BusinessID: src.BusinessID, MentionID: id, Kind: models.TaskApology, State: models.TaskOpen,
			DedupKey: fmt.Sprintf("apology:%d", id), AuthorKey: "A", SourceKind: src.Kind,
			OpenedAt: opened, DueAt: opened.Add(time.Duration(1+rng.IntN(48)) * time.Hour)}
		if i%9 == 0 {
			task.Kind, task.DedupKey = "follow_up", fmt.Sprintf("follow_up:%d", id)
		}
		if _, err := s.CreateTask(ctx, &task); err != nil {
			t.Fatal(err)
		}
		tasks = append(tasks, task)
	}
	for i := range tasks {
		task := &tasks[i]
		if i%4 == 3 {
			continue // never answered
		}
		// Replies: some by the deadline, some after it.
		replied := at(task.OpenedAt, 72*time.Hour)
		followUp := replied.Add(time.Duration(1+rng.IntN(7)) * 24 * time.Hour)
		task.RepliedAt, task.FollowUpAt, task.State = &replied, &followUp, models.TaskReplied
		update := func(tx *store.Store) error {
			return tx.UpdateTask(ctx, *task, models.TaskOpen, "state", "replied_at", "follow_up_at")
		}
		if i%2 == 0 {
			err = s.Tx(ctx, update)
		} else {
			err = update(s)
		}
		if err != nil {
			t.Fatal(err)
		}
		switch i % 6 {
		case 0, 4:
			resolved := at(followUp, 48*time.Hour)
			task.ResolvedAt, task.State = &resolved, models.TaskResolved
			if err := s.UpdateTask(ctx, *task, models.TaskReplied, "state", "resolved_at"); err != nil {
				t.Fatal(err)
			}
			if i%12 == 0 {
				// The customer is unhappy again: a new deadline, and
				// neither resolved nor due for a check-back any more.
				reopened := at(resolved, 24*time.Hour)
				task.OpenedAt, task.DueAt, task.ResolvedAt, task.FollowUpAt, task.State = reopened, reopened.Add(24*time.Hour), nil, nil, models.TaskOpen
				if err := s.UpdateTask(ctx, *task, models.TaskResolved, "state", "opened_at", "due_at", "resolved_at", "follow_up_at"); err != nil {
					t.Fatal(err)
				}
			}
		case 2:
			// Resolved straight away, then edited and analysed again:
			// the new analysis raises an issue the first did not.
			resolved := at(replied, 24*time.Hour)
			task.ResolvedAt, task.State = &resolved, models.TaskResolved
			if err := s.UpdateTask(ctx, *task, models.TaskReplied, "state", "resolved_at"); err != nil {
				t.Fatal(err)
			}
			if i%4 == 2 {
				edits, editIDs = append(edits, ms[i]), append(editIDs, task.MentionID)
			}
		case 1:
			// Another replica moved the task first: nothing changes.
			stale := *task
			later := replied.Add(time.Hour)
			stale.ResolvedAt = &later
			if err := s.UpdateTask(ctx, stale, models.TaskOpen, "resolved_at"); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("stale update: %v, want ErrConflict", err)
			}
		}
	}
	for i := range edits {
		edits[i].Text += " (edited)"
	}
	if _, err := s.SaveMentions(ctx, src, edits); err != nil {
		t.Fatal(err)
	}
	for i, id := range editIDs {
		m, err := s.Mention(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		analyse(m.ID, m.Version, []string{"noise", "price", "food"}[i%3])
	}
}

// TestDigestTaskRollupsEqualScan: the digest's responsiveness counts from
// the hourly task rollups (kept current by CreateTask and UpdateTask,
// then rebuilt) equal the counts from the tasks, for the days of a week
// and for whole weeks, in a time zone with an offset.
func TestDigestTaskRollupsEqualScan(t *testing.T) {
	for name, s := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			if _, err := s.RebuildRollups(ctx); err != nil {
				t.Fatal(err)
			}
			src := setup(t, s)
			from, days, weeks := nyBounds(t, 6)
			seedTasks(t, s, src, from)
			check := func(when string) {
				var all store.DigestTaskCounts
				var resolved []string
				for _, bounds := range [][]time.Time{days, weeks, {weeks[0], weeks[len(weeks)-1]}} {
					for i := 0; i+1 < len(bounds); i++ {
						want, err := s.DigestTaskStatsScan(ctx, src.BusinessID, bounds[i], bounds[i+1])
						if err != nil {
							t.Fatal(err)
						}
						got, err := s.DigestTaskStats(ctx, src.BusinessID, bounds[i], bounds[i+1])
						if err != nil {
							t.Fatal(err)
						}
						if got != want {
							t.Errorf("%s: %s to %s: from rollups %+v, want %+v", when, bounds[i], bounds[i+1], got, want)
						}
						all = want
					}
				}
				for _, bounds := range [][]time.Time{days, weeks, {weeks[0], weeks[len(weeks)-1]}} {
					for i := 0; i+1 < len(bounds); i++ {
						want, err := s.DigestResolvedIssueCategoriesScan(ctx, src.BusinessID, bounds[i], bounds[i+1])
						if err != nil {
							t.Fatal(err)
						}
						got, err := s.DigestResolvedIssueCategories(ctx, src.BusinessID, bounds[i], bounds[i+1])
						if err != nil {
							t.Fatal(err)
						}
						if !slices.Equal(got, want) {
							t.Errorf("%s: %s to %s: resolved issues from rollups %q, want %q", when, bounds[i], bounds[i+1], got, want)
						}
						resolved = want
					}
				}
				if !slices.Contains(resolved, "noise") || slices.Contains(resolved, "") {
					t.Fatalf("seed too thin: resolved issues %q", resolved)
				}
				if all.Opened == 0 || all.Due == 0 || all.AnsweredOnTime == 0 || all.AnsweredOnTime == all.Due ||
					all.FollowUpsDue == 0 || all.FollowUpsDone == 0 {
					t.Fatalf("seed too thin: %+v", all)
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
