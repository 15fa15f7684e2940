package store

import (
	"context"
	"io/fs"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/pressly/goose/v3"
)

// Migration 00060 gives the follow-up date its own column: tasks stored
// before it (due_at moved to the follow-up date after a reply, the
// deadline kept in reply_due_at) keep both dates.
func TestMigrationFollowUpKeepsDates(t *testing.T) {
	ctx := context.Background()
	// Rows as the schema of migration 50 holds them: raw SQL, since the
	// models have moved on since.
	s, p := storeAtMigration(t, Options{Path: filepath.Join(t.TempDir(), "earshot.db"), NoMigrate: true}, 50)
	posted := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for i, ext := range []string{"a", "b"} {
		if err := s.db.Exec(`INSERT INTO mentions (id, business_id, source_id, source_kind, external_id, text, posted_at, content_hash)
			VALUES (?, 1, 1, 'jsonld', ?, 'Cold.', ?, ?)`, i+1, ext, posted, ext).Error; err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	replied := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	followUp := replied.Add(72 * time.Hour)
	for _, row := range []struct {
		mention int64
		state   string
		due     time.Time
		replied *time.Time
		key     string
	}{
		{1, "replied", followUp, &replied, "apology:a"},
		{2, "open", deadline, nil, "apology:b"},
	} {
		if err := s.db.Exec(`INSERT INTO tasks (business_id, mention_id, kind, state, dedup_key, due_at, reply_due_at, opened_at, replied_at)
			VALUES (?, ?, 'apology', ?, ?, ?, ?, ?, ?)`, 1, row.mention, row.state, row.key, row.due, deadline, posted, row.replied).Error; err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key      string
		followUp *time.Time
	}{{"apology:a", &followUp}, {"apology:b", nil}} {
		got, err := s.TaskByDedupKey(ctx, c.key)
		if err != nil {
			t.Fatal(err)
		}
		if !got.DueAt.Equal(deadline) {
			t.Errorf("%s: due_at %v, want the reply deadline %v", c.key, got.DueAt, deadline)
		}
		switch {
		case c.followUp == nil && got.FollowUpAt != nil:
			t.Errorf("%s: follow-up %v for an unanswered task", c.key, got.FollowUpAt)
		case c.followUp != nil && (got.FollowUpAt == nil || !got.FollowUpAt.Equal(*c.followUp)):
			t.Errorf("%s: follow-up %v, want %v", c.key, got.FollowUpAt, c.followUp)
		}
	}
}

// Migration 00280 (PostgreSQL) copies each mention's words onto its
// tasks for search: tasks stored before it are found by their mention's
// title, text and author once it has run, and by nothing else.
func TestMigrationTaskSearchFillsExistingTasks(t *testing.T) {
	ctx := context.Background()
	s, p := storeAtMigration(t, Options{Driver: "postgres", DSN: testutil.FreshPostgres(t), NoMigrate: true}, 260)
	posted := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for i, m := range []struct{ ext, author, title, text string }{
		{"a", "Ana", "Cold soup", "The waiter was rude."},
		{"b", "Kenji", "", "Charged twice."},
	} {
		if err := s.db.Exec(`INSERT INTO mentions (id, business_id, source_id, source_kind, external_id, author, title, text, posted_at, content_hash)
			VALUES (?, 1, 1, 'jsonld', ?, ?, ?, ?, ?, ?)`, i+1, m.ext, m.author, m.title, m.text, posted, m.ext).Error; err != nil {
			t.Fatal(err)
		}
		if err := s.db.Exec(`INSERT INTO tasks (business_id, mention_id, kind, state, dedup_key, due_at, opened_at)
			VALUES (1, ?, 'apology', 'open', ?, ?, ?)`, i+1, "apology:"+m.ext, posted.Add(time.Duration(i)*time.Hour), posted).Error; err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"soup rude", []string{"apology:a"}},
		{"ana", []string{"apology:a"}},
		{"kenji twice", []string{"apology:b"}},
		{"charged", []string{"apology:b"}},
		{"soup twice", nil},
	} {
		t.Run(c.q, func(t *testing.T) {
			page, _, err := s.TaskPage(ctx, TaskFilter{Search: c.q}, TaskCursor{}, 10)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, task := range page {
				got = append(got, task.DedupKey)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("search %q after the migration = %v, want %v", c.q, got, c.want)
			}
		})
	}
}

// storeAtMigration opens a store (o with NoMigrate) migrated up to
// version only, with business 1 and its source 1 stored by raw SQL, and
// returns the provider that migrates it the rest of the way.
func storeAtMigration(t *testing.T, o Options, version int64) (*Store, *goose.Provider) {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	sqlDB, _ := s.db.DB()
	dir, dialect := "migrations/sqlite", goose.DialectSQLite3
	if s.driver == "postgres" {
		dir, dialect = "migrations/postgres", goose.DialectPostgres
	}
	fsys, _ := fs.Sub(migrations, dir)
	p, err := goose.NewProvider(dialect, sqlDB, fsys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO businesses (id, name) VALUES (1, 'rosies')`,
		`INSERT INTO sources (id, business_id, name, kind, target) VALUES (1, 1, 'site', 'jsonld', 'http://127.0.0.1/r')`,
	} {
		if err := s.db.Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	return s, p
}
