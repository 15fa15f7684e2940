package store

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/pressly/goose/v3"
)

// Migration 00060 gives the follow-up date its own column: tasks stored
// before it (due_at moved to the follow-up date after a reply, the
// deadline kept in reply_due_at) keep both dates.
func TestMigrationFollowUpKeepsDates(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Options{Path: filepath.Join(t.TempDir(), "earshot.db"), NoMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sqlDB, _ := s.db.DB()
	fsys, _ := fs.Sub(migrations, "migrations/sqlite")
	p, err := goose.NewProvider(goose.DialectSQLite3, sqlDB, fsys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 50); err != nil {
		t.Fatal(err)
	}
	_, srcs, err := s.SyncBusiness(ctx, models.Business{Name: "rosies", TimeZone: "UTC"}, nil,
		[]models.Source{{Name: "site", Kind: "jsonld", Target: "http://127.0.0.1/r", IntervalSeconds: 60}})
	if err != nil {
		t.Fatal(err)
	}
	posted := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	// Rows as the schema of version 50 stores them (today's SaveMentions
	// also writes tables of later versions).
	var res SaveResult
	for _, m := range []struct{ ext, author string }{{"a", "Dana"}, {"b", "Lee"}} {
		var id int64
		if err := s.db.Raw(`INSERT INTO mentions (business_id, source_id, source_kind, external_id, author, text, posted_at, content_hash, version)
			VALUES (?, ?, 'jsonld', ?, ?, 'Cold.', ?, 'h', 1) RETURNING id`, srcs[0].BusinessID, srcs[0].ID, m.ext, m.author, posted).Scan(&id).Error; err != nil {
			t.Fatal(err)
		}
		res.NewIDs = append(res.NewIDs, id)
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
		{res.NewIDs[0], "replied", followUp, &replied, "apology:a"},
		{res.NewIDs[1], "open", deadline, nil, "apology:b"},
	} {
		if err := s.db.Exec(`INSERT INTO tasks (business_id, mention_id, kind, state, dedup_key, due_at, reply_due_at, opened_at, replied_at)
			VALUES (?, ?, 'apology', ?, ?, ?, ?, ?, ?)`, srcs[0].BusinessID, row.mention, row.state, row.key, row.due, deadline, posted, row.replied).Error; err != nil {
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
