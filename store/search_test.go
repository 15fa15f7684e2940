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

// TestTaskSearch searches tasks by their mention's words on SQLite
// (FTS5) and PostgreSQL (tsvector 'simple', copied onto the task): every
// word must match, in title, text or author, regardless of case; an
// edited review is found by its new words and no longer by its old ones;
// query syntax typed by a user (FTS5's or tsquery's) is searched for as
// words, never run, and never an error.
func TestTaskSearch(t *testing.T) {
	for name, s := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			src := setup(t, s)
			ms := []models.Mention{
				{ExternalID: "s1", Author: "Ana Pérez", Title: "Cold soup", Text: "The soup was cold and the waiter rude."},
				{ExternalID: "s2", Author: "Ben", Title: "Charged twice", Text: "They charged my card twice."},
				{ExternalID: "s3", Author: "Kenji", Title: "ラーメン", Text: "スープ 冷たい 店員 失礼"},
				{ExternalID: "s4", Author: "Dee", Title: "OR NEAR", Text: `Quote " and star * and (parens) and OR.`},
			}
			res, err := s.SaveMentions(ctx, src, ms)
			if err != nil {
				t.Fatal(err)
			}
			byExt := map[string]int64{}
			for i, id := range res.NewIDs {
				task := models.Task{BusinessID: src.BusinessID, MentionID: id, Kind: models.TaskApology, State: models.TaskOpen,
					DedupKey: fmt.Sprintf("apology:%d", id), DueAt: s.Now().Add(time.Duration(i) * time.Hour)}
				if _, err := s.CreateTask(ctx, &task); err != nil {
					t.Fatal(err)
				}
				byExt[ms[i].ExternalID] = task.ID
			}
			search := func(q string) []string {
				t.Helper()
				page, _, err := s.TaskPage(ctx, store.TaskFilter{BusinessID: src.BusinessID, Search: q}, store.TaskCursor{}, 50)
				if err != nil {
					t.Fatalf("search %q: %v", q, err)
				}
				var out []string
				for _, task := range page {
					for ext, id := range byExt {
						if id == task.ID {
							out = append(out, ext)
						}
					}
				}
				slices.Sort(out)
				return out
			}
			for _, c := range []struct {
				q    string
				want []string
			}{
				{"soup", []string{"s1"}},
				{"SOUP rude", []string{"s1"}},
				{"soup twice", nil},
				{"twice", []string{"s2"}},
				{"pérez", []string{"s1"}},
				{"kenji", []string{"s3"}},
				{"冷たい", []string{"s3"}},
				{`OR`, []string{"s4"}},
				{`" * ( NEAR`, []string{"s4"}},
				{`"><script>`, nil},
				{"ラーメン", []string{"s3"}},
				{`'&|!:*()`, []string{"s1", "s2", "s3", "s4"}},
				{`rude'&|!:*()`, []string{"s1"}},
				{`soup:* | twice`, nil},
				{`!card & (twice <-> charged)`, []string{"s2"}},
				{"   ", []string{"s1", "s2", "s3", "s4"}},
			} {
				t.Run(c.q, func(t *testing.T) {
					if got := search(c.q); !slices.Equal(got, c.want) {
						t.Errorf("search %q = %v, want %v", c.q, got, c.want)
					}
				})
			}
			edited, retitled := ms[1], ms[2]
			edited.Text = "Refunded after all, thanks."
			retitled.Title = "Ramen night"
			if _, err := s.SaveMentions(ctx, src, []models.Mention{edited, retitled}); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				q    string
				want []string
			}{
				{"refunded", []string{"s2"}},
				{"card", nil},
				{"ramen", []string{"s3"}},
				{"ラーメン", nil},
				{"冷たい", []string{"s3"}},
			} {
				t.Run("after the edit/"+c.q, func(t *testing.T) {
					if got := search(c.q); !slices.Equal(got, c.want) {
						t.Errorf("search %q = %v, want %v", c.q, got, c.want)
					}
				})
			}
			n, err := s.CountTaskFilter(ctx, store.TaskFilter{BusinessID: src.BusinessID, Search: "soup"}, 0)
			if err != nil || n != 1 {
				t.Errorf("count of soup = %d, %v", n, err)
			}
		})
	}
}

// TestTaskSortsPageOnce walks every sort in pages of 2: each task comes
// once, in the sort's order, and a cursor of one sort is refused by
// another.
func TestTaskSortsPageOnce(t *testing.T) {
	for name, s := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			src := setup(t, s)
			var ms []models.Mention
			for i := range 7 {
				ms = append(ms, models.Mention{ExternalID: fmt.Sprintf("o%d", i), Author: "A", Text: "Bad."})
			}
			res, err := s.SaveMentions(ctx, src, ms)
			if err != nil {
				t.Fatal(err)
			}
			base := s.Now().Truncate(time.Second)
			for i, id := range res.NewIDs {
				task := models.Task{BusinessID: src.BusinessID, MentionID: id, Kind: models.TaskApology, State: models.TaskOpen, Severity: i % 3,
					DedupKey: fmt.Sprintf("apology:%d", id), DueAt: base.Add(time.Duration(i%2) * time.Hour), OpenedAt: base.Add(-time.Duration(i%4) * time.Minute)}
				if _, err := s.CreateTask(ctx, &task); err != nil {
					t.Fatal(err)
				}
			}
			for _, sort := range store.TaskSorts {
				t.Run(string(sort), func(t *testing.T) {
					f := store.TaskFilter{BusinessID: src.BusinessID, Sort: sort}
					all, _, err := s.TaskPage(ctx, f, store.TaskCursor{}, 100)
					if err != nil {
						t.Fatal(err)
					}
					var got []int64
					var cur store.TaskCursor
					for range 10 {
						tok, err := store.ParseTaskCursor(cur.String())
						if err != nil {
							t.Fatal(err)
						}
						page, next, err := s.TaskPage(ctx, f, tok, 2)
						if err != nil {
							t.Fatal(err)
						}
						for _, x := range page {
							got = append(got, x.ID)
						}
						if next.IsZero() {
							break
						}
						cur = next
					}
					var want []int64
					for _, x := range all {
						want = append(want, x.ID)
					}
					if !slices.Equal(got, want) || len(got) != 7 {
						t.Errorf("paged %v, unpaged %v", got, want)
					}
					for i := 1; i < len(all); i++ {
						a, b := all[i-1], all[i]
						switch sort {
						case store.SortNewest:
							if a.OpenedAt.Before(b.OpenedAt) {
								t.Errorf("newest: %d opened before %d", a.ID, b.ID)
							}
						case store.SortSeverity:
							if a.Severity < b.Severity {
								t.Errorf("severity: %d (%d) before %d (%d)", a.ID, a.Severity, b.ID, b.Severity)
							}
						}
					}
				})
			}
			_, next, err := s.TaskPage(ctx, store.TaskFilter{BusinessID: src.BusinessID, Sort: store.SortNewest}, store.TaskCursor{}, 2)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.TaskPage(ctx, store.TaskFilter{BusinessID: src.BusinessID}, next, 2); err == nil {
				t.Error("a newest-first cursor was accepted for the deadline order")
			}
		})
	}
}
