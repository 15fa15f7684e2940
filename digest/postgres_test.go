package digest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/store"
	"github.com/jonboulle/clockwork"
)

// openPostgres opens a store in a fresh schema of the PostgreSQL database
// EARSHOT_TEST_POSTGRES names (a key=value or URL DSN), or skips.
func openPostgres(t *testing.T, clock clockwork.Clock) *store.Store {
	t.Helper()
	dsn := os.Getenv("EARSHOT_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("EARSHOT_TEST_POSTGRES is not set; the PostgreSQL variant of the digest test needs a server")
	}
	ctx := context.Background()
	admin, err := store.Open(ctx, store.Options{Driver: "postgres", DSN: dsn, NoMigrate: true})
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	defer admin.Close()
	db, err := admin.DB()
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("digest_test_%d", time.Now().UnixNano())
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if a, err := store.Open(ctx, store.Options{Driver: "postgres", DSN: dsn, NoMigrate: true}); err == nil {
			if db, err := a.DB(); err == nil {
				db.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE")
			}
			a.Close()
		}
	})
	sep := " "
	if strings.Contains(dsn, "://") {
		sep = "&"
		if !strings.Contains(dsn, "?") {
			sep = "?"
		}
		dsn += sep + "search_path=" + schema
	} else {
		dsn += sep + "search_path=" + schema
	}
	st, err := store.Open(ctx, store.Options{Driver: "postgres", DSN: dsn, Clock: clock})
	if err != nil {
		t.Fatalf("open postgres schema %s: %v", schema, err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestRenderTextGoldenPostgres builds the fixed dataset's digest on
// PostgreSQL: the same golden text as on SQLite.
func TestRenderTextGoldenPostgres(t *testing.T) {
	f := newFixtureWith(t, func(clock clockwork.Clock, path string) *store.Store { return openPostgres(t, clock) })
	f.seedWeek47(t)
	d, err := Build(context.Background(), f.st, f.biz, week47, Options{Now: digestTime})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	want, err := os.ReadFile("testdata/week47.txt.golden")
	if err != nil {
		t.Fatal(err)
	}
	if got := d.RenderText(); got != string(want) {
		t.Errorf("PostgreSQL digest differs from the golden file:\n%s", got)
	}
}
