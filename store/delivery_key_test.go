package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

// A second installation (or a database restored from a backup) numbers
// its tasks from where it stands, so the outbox key "alert:1|…" repeats.
// Receivers must still see two different keys, or a deduplicating
// receiver drops the new alert as a copy of the old one.
func TestDeliveryKeyUniqueAcrossInstallations(t *testing.T) {
	ctx := context.Background()
	var keys []string
	for i := range 2 {
		s, err := store.Open(ctx, store.Options{Driver: "sqlite", Path: filepath.Join(t.TempDir(), "earshot.db")})
		if err != nil {
			t.Fatal(err)
		}
		src := setup(t, s)
		n := &models.Notification{BusinessID: src.BusinessID, Kind: "alert", Channel: "email", Recipient: "rosie@example.com", IdempotencyKey: "alert:1|email|rosie@example.com"}
		if ok, err := s.EnqueueNotification(ctx, n); err != nil || !ok {
			t.Fatalf("installation %d: enqueue: %v %v", i, ok, err)
		}
		got, err := s.Notifications(ctx, store.NotificationFilter{BusinessID: src.BusinessID})
		if err != nil || len(got) != 1 {
			t.Fatalf("installation %d: %v %v", i, got, err)
		}
		if got[0].DeliveryKey == "" || got[0].DeliveryKey == got[0].IdempotencyKey {
			t.Fatalf("installation %d: delivery key %q, want a key of its own", i, got[0].DeliveryKey)
		}
		// The same event queued again is still one notification.
		again := &models.Notification{BusinessID: src.BusinessID, Kind: "alert", Channel: "email", Recipient: "rosie@example.com", IdempotencyKey: n.IdempotencyKey}
		if ok, err := s.EnqueueNotification(ctx, again); err != nil || ok {
			t.Fatalf("installation %d: second enqueue added=%v err=%v, want deduplicated", i, ok, err)
		}
		keys = append(keys, got[0].DeliveryKey)
		s.Close()
	}
	if keys[0] == keys[1] {
		t.Fatalf("two installations gave receivers the same key %q", keys[0])
	}
}
