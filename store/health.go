package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"gorm.io/gorm/clause"
)

// MinFreeDisk is the free space below which the database's disk counts
// as full. SQLite needs room for its write-ahead log and a checkpoint; a
// write that fails half-way through a batch is what health must warn of
// before it happens.
const MinFreeDisk = 8 << 20

// fileIdentity is the device and inode of the SQLite file as opened. A
// file deleted (rm earshot.db) or replaced (a restore copied over it)
// while earshot runs keeps its old inode open: every write after that
// lands in a file that disappears at exit. Comparing the path's identity
// with the one opened catches both.
type fileIdentity struct {
	path     string
	dev, ino uint64
}

func openedFile(path string) (*fileIdentity, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	id, err := statIdentity(abs)
	if err != nil {
		return nil, fmt.Errorf("store: %s after open: %w", path, err)
	}
	return id, nil
}

func statIdentity(path string) (*fileIdentity, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return &fileIdentity{path: path}, nil
	}
	return &fileIdentity{path: path, dev: uint64(st.Dev), ino: uint64(st.Ino)}, nil
}

// CheckFile reports ErrDatabaseGone when the SQLite file at the opened
// path is no longer the one opened. It is a stat, cheap enough to run
// before every scheduled job. On PostgreSQL it returns nil.
func (s *Store) CheckFile() error {
	if s.file == nil {
		return nil
	}
	now, err := statIdentity(s.file.path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("store: %s was deleted while earshot was running: %w", s.file.path, ErrDatabaseGone)
	case err != nil:
		return fmt.Errorf("store: %s: %w: %w", s.file.path, ErrDatabaseGone, err)
	case now.dev != s.file.dev || now.ino != s.file.ino:
		return fmt.Errorf("store: %s was replaced by another file while earshot was running: %w", s.file.path, ErrDatabaseGone)
	}
	return nil
}

// CheckDisk reports ErrDiskFull when the SQLite file's file system has
// less than MinFreeDisk available. On PostgreSQL it returns nil (the
// server watches its own disk, and the write check still runs).
func (s *Store) CheckDisk() error {
	if s.file == nil {
		return nil
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(filepath.Dir(s.file.path), &st); err != nil {
		return fmt.Errorf("store: free space of %s: %w", filepath.Dir(s.file.path), err)
	}
	if free := st.Bavail * uint64(st.Bsize); free < MinFreeDisk {
		return fmt.Errorf("store: only %d KB free beside %s (need %d MB): %w", free>>10, s.file.path, MinFreeDisk>>20, ErrDiskFull)
	}
	return nil
}

// CheckWrite proves the database takes writes by upserting one row of
// health_probes: a read-only file, a full disk or a lost write lock fail
// here rather than in the middle of a scrape.
func (s *Store) CheckWrite(ctx context.Context) error {
	row := map[string]any{"id": 1, "checked_at": s.Now()}
	err := s.q(ctx).Table("health_probes").Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "id"}}, DoUpdates: clause.AssignmentColumns([]string{"checked_at"}),
	}).Create(row).Error
	if err != nil {
		return fmt.Errorf("store: test write: %w: %w", ErrReadOnly, err)
	}
	return nil
}

// Health runs every check /healthz reports: the file is still the one
// opened, its disk has room, and a write succeeds.
func (s *Store) Health(ctx context.Context) error {
	if err := s.CheckFile(); err != nil {
		return err
	}
	if err := s.CheckDisk(); err != nil {
		return err
	}
	return s.CheckWrite(ctx)
}
