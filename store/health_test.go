package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

func TestHealthChecks(t *testing.T) {
	for name, s := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			for i := 0; i < 2; i++ { // the probe row is upserted, not added
				if err := s.Health(ctx); err != nil {
					t.Fatalf("healthy store: %v", err)
				}
			}
		})
	}
	t.Run("sqlite file deleted", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "earshot.db")
		s, err := store.Open(context.Background(), store.Options{Driver: "sqlite", Path: path})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.CheckFile(); err != nil {
			t.Fatal(err)
		}
		os.Remove(path)
		if err := s.CheckFile(); !errors.Is(err, store.ErrDatabaseGone) {
			t.Fatalf("CheckFile after delete = %v, want ErrDatabaseGone", err)
		}
		if err := s.Health(context.Background()); !errors.Is(err, store.ErrDatabaseGone) {
			t.Fatalf("Health after delete = %v", err)
		}
	})
}

// TestSaveMentionsCleansEveryString: a NUL, invalid UTF-8 or a bidi
// override in any string of a mention is cleaned where mentions enter
// the store, so PostgreSQL never refuses the batch, and the cleaned id
// is still recognised as seen.
func TestSaveMentionsCleansEveryString(t *testing.T) {
	for name, s := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			src := setup(t, s)
			dirty := "a\x00b\xff\u202Ec"
			m := models.Mention{SourceKind: "jsonld\x00", ExternalID: "id-" + dirty, URL: "https://x.example/" + dirty, Author: dirty,
				Title: dirty, Text: dirty, Language: "e\x00n", Reply: dirty, PostedAt: time.Now()}
			res, err := s.SaveMentions(ctx, src, []models.Mention{m})
			if err != nil {
				t.Fatalf("save: %v", err)
			}
			if res.New != 1 {
				t.Fatalf("new = %d, want 1", res.New)
			}
			got, err := s.Mention(ctx, res.NewIDs[0])
			if err != nil {
				t.Fatal(err)
			}
			want := "ab\uFFFDc"
			for field, v := range map[string]string{"source": got.SourceKind, "external_id": got.ExternalID, "url": got.URL, "author": got.Author,
				"title": got.Title, "text": got.Text, "language": got.Language, "reply": got.Reply} {
				if strings.ContainsAny(v, "\x00\u202E") || !utf8.ValidString(v) {
					t.Errorf("%s = %q is not clean", field, v)
				}
			}
			if got.Author != want || got.ExternalID != "id-"+want || got.Language != "en" {
				t.Errorf("author %q, id %q, language %q", got.Author, got.ExternalID, got.Language)
			}
			if !s.SeenFunc(ctx, src.ID)(m.ExternalID) {
				t.Error("the id as scraped (with its NUL) is not recognised as stored")
			}
			res, err = s.SaveMentions(ctx, src, []models.Mention{m})
			if err != nil || res.New != 0 || res.Updated != 0 {
				t.Errorf("second save: %+v, %v; want unchanged", res, err)
			}
		})
	}
}
