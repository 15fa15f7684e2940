package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

// TestTaskPageWalksTheWholeListOnce pages through tasks with equal and
// follow-up deadlines, in pages of 3: every task comes exactly once, in
// the order of the unpaged list, and COUNT agrees.
func TestTaskPageWalksTheWholeListOnce(t *testing.T) {
	for name, s := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			src := setup(t, s)
			base := s.Now().Truncate(time.Second)
			var ms []models.Mention
			for i := range 11 {
				ms = append(ms, models.Mention{ExternalID: fmt.Sprintf("p%d", i), Author: "A", Text: "Bad."})
			}
			res, err := s.SaveMentions(ctx, src, ms)
			if err != nil {
				t.Fatal(err)
			}
			for i, id := range res.NewIDs {
				task := models.Task{BusinessID: src.BusinessID, MentionID: id, Kind: models.TaskApology, State: models.TaskOpen,
					DedupKey: fmt.Sprintf("apology:%d", id), DueAt: base.Add(time.Duration(i%3) * time.Hour)}
				if i%4 == 0 {
					f := base.Add(90 * time.Minute)
					task.FollowUpAt, task.State = &f, models.TaskReplied
				}
				if _, err := s.CreateTask(ctx, &task); err != nil {
					t.Fatal(err)
				}
			}
			want, err := s.Tasks(ctx, store.TaskFilter{BusinessID: src.BusinessID})
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			var cur store.TaskCursor
			for pages := 0; ; pages++ {
				if pages > 10 {
					t.Fatal("paging does not end")
				}
				tok, err := store.ParseTaskCursor(cur.String())
				if err != nil {
					t.Fatal(err)
				}
				page, next, err := s.TaskPage(ctx, store.TaskFilter{BusinessID: src.BusinessID}, tok, 3)
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range page {
					got = append(got, p.ID)
				}
				if next.IsZero() {
					break
				}
				cur = next
			}
			var wantIDs []int64
			for _, w := range want {
				wantIDs = append(wantIDs, w.ID)
			}
			if !slices.Equal(got, wantIDs) {
				t.Errorf("paged %v, want %v", got, wantIDs)
			}
			n, err := s.CountTaskFilter(ctx, store.TaskFilter{BusinessID: src.BusinessID, States: []models.TaskState{models.TaskOpen}}, 0)
			if err != nil || n != 8 {
				t.Errorf("count of open tasks %d (%v), want 8", n, err)
			}
			late, err := s.CountTaskFilter(ctx, store.TaskFilter{BusinessID: src.BusinessID, States: []models.TaskState{models.TaskOpen}, OverdueAt: base.Add(30 * time.Minute)}, 0)
			if err != nil || late != 3 {
				t.Errorf("count of overdue open tasks %d (%v), want 3", late, err)
			}
			if capped, err := s.CountTaskFilter(ctx, store.TaskFilter{BusinessID: src.BusinessID}, 4); err != nil || capped != 4 {
				t.Errorf("count up to 4: %d (%v), want 4", capped, err)
			}
			if _, err := store.ParseTaskCursor("not-a-cursor"); !errors.Is(err, store.ErrBadCursor) {
				t.Errorf("bad cursor: %v, want ErrBadCursor", err)
			}
		})
	}
}

// TestCountTaskSplitEqualsTwoCounts checks the inbox's one-pass count
// against the two COUNTs it replaced, on both dialects: the open figure
// and the overdue one (deadline passed, or follow-up due), with a search
// in the filter, and that the cap stops the pass.
func TestCountTaskSplitEqualsTwoCounts(t *testing.T) {
	for name, s := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			src := setup(t, s)
			base := s.Now().Truncate(time.Second)
			var ms []models.Mention
			for i := range 12 {
				text := "Bad."
				if i%2 == 0 {
					text = "Rude waiter."
				}
				ms = append(ms, models.Mention{ExternalID: fmt.Sprintf("c%d", i), Author: "A", Text: text})
			}
			res, err := s.SaveMentions(ctx, src, ms)
			if err != nil {
				t.Fatal(err)
			}
			states := []models.TaskState{models.TaskOpen, models.TaskAcknowledged, models.TaskReplied, models.TaskFollowUpDue, models.TaskResolved}
			for i, id := range res.NewIDs {
				task := models.Task{BusinessID: src.BusinessID, MentionID: id, Kind: models.TaskApology, State: states[i%len(states)],
					DedupKey: fmt.Sprintf("apology:%d", id), DueAt: base.Add(time.Duration(i%4-2) * time.Hour)}
				if _, err := s.CreateTask(ctx, &task); err != nil {
					t.Fatal(err)
				}
			}
			waiting := []models.TaskState{models.TaskOpen, models.TaskAcknowledged, models.TaskFollowUpDue}
			sub := []string{string(models.TaskOpen), string(models.TaskAcknowledged), string(models.TaskFollowUpDue)}
			active := append(slices.Clone(waiting), models.TaskReplied)
			for _, c := range []struct {
				name string
				f    store.TaskFilter
				// open are the states counted as open: f's own unless
				// f has none (the inbox's "all" lists count the active).
				open []models.TaskState
			}{
				{"all, search", store.TaskFilter{BusinessID: src.BusinessID, Search: "rude"}, active},
				{"active", store.TaskFilter{BusinessID: src.BusinessID, States: active}, nil},
				{"active search", store.TaskFilter{BusinessID: src.BusinessID, States: active, Search: "rude"}, nil},
				{"one state", store.TaskFilter{BusinessID: src.BusinessID, States: []models.TaskState{models.TaskOpen}}, nil},
			} {
				t.Run(c.name, func(t *testing.T) {
					if c.open == nil {
						c.open = c.f.States
					}
					counted := c.f
					counted.States = c.open
					wantAll, err := s.CountTaskFilter(ctx, counted, 0)
					if err != nil {
						t.Fatal(err)
					}
					late := c.f
					late.States, late.OverdueAt = waiting, base
					if len(c.f.States) == 1 {
						late.States = c.f.States
					}
					wantLate, err := s.CountTaskFilter(ctx, late, 0)
					if err != nil {
						t.Fatal(err)
					}
					if wantAll == 0 || wantLate == 0 {
						t.Fatalf("fixture too small: %d open, %d overdue", wantAll, wantLate)
					}
					all, gotLate, err := s.CountTaskSplit(ctx, counted, sub, base, 100)
					if err != nil || all != wantAll || gotLate != wantLate {
						t.Errorf("one pass: %d open, %d overdue (%v); two counts: %d, %d", all, gotLate, err, wantAll, wantLate)
					}
					if capped, _, err := s.CountTaskSplit(ctx, counted, sub, base, 1); err != nil || capped != 1 {
						t.Errorf("count up to 1: %d (%v), want 1", capped, err)
					}
					// The first page with both figures from the same query:
					// the page TaskPage gives and the counts above, also
					// when the page holds fewer tasks than match.
					wantPage, wantNext, err := s.TaskPage(ctx, c.f, store.TaskCursor{}, 2)
					if err != nil {
						t.Fatal(err)
					}
					open := make([]string, len(c.open))
					for i, st := range c.open {
						open[i] = string(st)
					}
					page, next, pAll, pLate, err := s.TaskPageSplit(ctx, c.f, 2, open, sub, base)
					if err != nil {
						t.Fatal(err)
					}
					var got, want []int64
					for i := range page {
						got = append(got, page[i].ID)
					}
					for i := range wantPage {
						want = append(want, wantPage[i].ID)
					}
					if !slices.Equal(got, want) || next != wantNext || pAll != wantAll || pLate != wantLate {
						t.Errorf("page with counts: %v next %v, %d open, %d overdue; want %v next %v, %d, %d", got, next, pAll, pLate, want, wantNext, wantAll, wantLate)
					}
				})
			}
		})
	}
}
