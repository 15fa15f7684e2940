package store

import "errors"

// Sentinel errors callers test with errors.Is.
var (
	// ErrNotFound means the row asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrNotSQLite means the database path holds a file that is not an
	// SQLite database; earshot refuses to touch it.
	ErrNotSQLite = errors.New("file is not an SQLite database")
	// ErrLocked means another earshot serve already uses the SQLite file.
	ErrLocked = errors.New("database is in use by another earshot serve")
	// ErrUnreachable means the database server could not be reached.
	ErrUnreachable = errors.New("database unreachable")
	// ErrJobLocked means another replica runs, or already ran, this
	// scheduled job run.
	ErrJobLocked = errors.New("job run taken by another replica")
)
