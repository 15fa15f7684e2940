package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

func storedMention(t *testing.T, s *store.Store, src models.Source, ext string) models.Mention {
	t.Helper()
	res, err := s.SaveMentions(context.Background(), src, []models.Mention{{ExternalID: ext, Author: "Dana", Rating: rating(1), Text: "Cold."}})
	if err != nil || len(res.NewIDs) != 1 {
		t.Fatalf("save mention: %v", err)
	}
	m, err := s.Mention(context.Background(), res.NewIDs[0])
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestTasksDedupAndStateGuard(t *testing.T) {
	for name, s := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			src := setup(t, s)
			m := storedMention(t, s, src, "t1")
			key := fmt.Sprintf("apology:%d", m.ID)
			task := models.Task{BusinessID: m.BusinessID, MentionID: m.ID, Kind: models.TaskApology, State: models.TaskOpen,
				DedupKey: key, Issue: "food/cold", DueAt: s.Now().Add(time.Hour)}
			created, err := s.CreateTask(ctx, &task)
			if err != nil || !created || task.ID == 0 {
				t.Fatalf("create: %v %v %+v", created, err, task)
			}
			again := models.Task{BusinessID: m.BusinessID, MentionID: m.ID, Kind: models.TaskApology, State: models.TaskOpen, DedupKey: key, DueAt: s.Now()}
			created, err = s.CreateTask(ctx, &again)
			if err != nil || created || again.ID != task.ID || again.Issue != "food/cold" {
				t.Fatalf("second create: created=%v err=%v task=%+v; want the stored one back", created, err, again)
			}
			task.State = models.TaskAcknowledged
			if err := s.UpdateTask(ctx, task, models.TaskOpen, "state"); err != nil {
				t.Fatal(err)
			}
			task.State = models.TaskResolved
			if err := s.UpdateTask(ctx, task, models.TaskOpen, "state"); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("update from a stale state: %v, want ErrConflict", err)
			}
			if err := s.UpdateTask(ctx, models.Task{ID: 9999}, "", "state"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("update of a missing task: %v", err)
			}
			won, err := s.AdvanceEscalation(ctx, task.ID, 0, 50)
			if err != nil || !won {
				t.Fatalf("advance: %v %v", won, err)
			}
			if won, _ := s.AdvanceEscalation(ctx, task.ID, 0, 50); won {
				t.Fatal("the same escalation step won twice")
			}
			ts, err := s.Tasks(ctx, store.TaskFilter{BusinessID: m.BusinessID, Issue: "food/cold", States: []models.TaskState{models.TaskAcknowledged}})
			if err != nil || len(ts) != 1 || ts[0].Escalation != 50 {
				t.Fatalf("tasks %+v %v", ts, err)
			}
		})
	}
}

func TestOutboxClaimRetrySent(t *testing.T) {
	for name, s := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			now := s.Now()
			n := models.Notification{Kind: "alert", Channel: "owner-email", Recipient: "o@example.com", Subject: "s",
				IdempotencyKey: fmt.Sprintf("k-%d", time.Now().UnixNano())}
			if ok, err := s.EnqueueNotification(ctx, &n); err != nil || !ok {
				t.Fatal(err)
			}
			// The delivery claim: one sender gets it, a second finds it taken.
			due, err := s.ClaimDueNotifications(ctx, now, 1000, now.Add(time.Minute))
			if err != nil || len(due) == 0 {
				t.Fatalf("claim: %v %v", due, err)
			}
			var mine models.Notification
			for _, d := range due {
				if d.IdempotencyKey == n.IdempotencyKey {
					mine = d
				}
			}
			if mine.ID == 0 {
				t.Fatal("the new notification was not claimed")
			}
			again, err := s.ClaimDueNotifications(ctx, now, 1000, now.Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range again {
				if d.ID == mine.ID {
					t.Fatal("a notification was claimed twice")
				}
			}
			if ok, _ := s.RewritePendingNotification(ctx, n.IdempotencyKey, models.Notification{Subject: "new"}); ok {
				t.Fatal("rewrote a notification already being sent")
			}
			if err := s.MarkNotificationRetry(ctx, mine.ID, now.Add(time.Hour), "down"); err != nil {
				t.Fatal(err)
			}
			if c, err := s.CountNotificationsSince(ctx, "owner-email", "o@example.com", now.Add(-time.Hour)); err != nil || c < 1 {
				t.Fatalf("count %d %v", c, err)
			}
			if err := s.MarkNotificationSent(ctx, mine.ID, now); err != nil {
				t.Fatal(err)
			}
			got, err := s.Notifications(ctx, store.NotificationFilter{State: models.NotificationSent})
			if err != nil || len(got) == 0 || got[len(got)-1].SentAt == nil || got[len(got)-1].Attempts != 1 {
				t.Fatalf("sent: %+v %v", got, err)
			}
		})
	}
}

func TestLatestTaskByAuthor(t *testing.T) {
	for name, s := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			src := setup(t, s)
			// Mentions and tasks get different IDs, so a join that mixed
			// up the two tables' columns would show.
			storedMention(t, s, src, "filler1")
			storedMention(t, s, src, "filler2")
			m := storedMention(t, s, src, "la1")
			task := models.Task{BusinessID: m.BusinessID, MentionID: m.ID, Kind: models.TaskApology, State: models.TaskReplied,
				DedupKey: fmt.Sprintf("apology:%d", m.ID), DueAt: s.Now()}
			if _, err := s.CreateTask(ctx, &task); err != nil {
				t.Fatal(err)
			}
			got, ok, err := s.LatestTaskByAuthor(ctx, m.BusinessID, src.Kind, "Dana", models.TaskApology)
			if err != nil || !ok || got.ID != task.ID || got.MentionID != m.ID || got.State != models.TaskReplied {
				t.Fatalf("got %+v ok=%v err=%v, want task %d of mention %d", got, ok, err, task.ID, m.ID)
			}
			if _, ok, _ := s.LatestTaskByAuthor(ctx, m.BusinessID, src.Kind, "Someone else", models.TaskApology); ok {
				t.Fatal("found a task for another author")
			}
		})
	}
}
