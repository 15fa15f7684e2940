package store_test

import (
	"context"
	"testing"

	"github.com/earshot/earshot/models"
)

// TestBusinessLocale: the locale is stored, and a config edit changes it
// on the existing row.
func TestBusinessLocale(t *testing.T) {
	ctx := context.Background()
	for name, s := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			b, _, err := s.SyncBusiness(ctx, models.Business{Name: "sakura", TimeZone: "Asia/Tokyo", Locale: "ja"}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := s.Business(ctx, b.ID); got.Locale != "ja" {
				t.Errorf("stored locale %q, want ja", got.Locale)
			}
			if _, _, err := s.SyncBusiness(ctx, models.Business{Name: "sakura", TimeZone: "Asia/Tokyo", Locale: "en"}, nil, nil); err != nil {
				t.Fatal(err)
			}
			if got, _ := s.BusinessByName(ctx, "sakura"); got.ID != b.ID || got.Locale != "en" {
				t.Errorf("after edit: id %d locale %q; want %d and en", got.ID, got.Locale, b.ID)
			}
		})
	}
}
