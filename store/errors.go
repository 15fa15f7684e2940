package store

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

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
	// ErrDatabaseGone means the SQLite file earshot opened was deleted or
	// replaced while it ran: writes would go to a file nobody can open
	// again, so earshot stops instead.
	ErrDatabaseGone = errors.New("database file deleted or replaced")
	// ErrJobLocked means another replica runs, or already ran, this
	// scheduled job run.
	ErrJobLocked = errors.New("job run taken by another replica")
	// ErrDiskFull means the database's disk has too little space left to
	// be trusted with the next write.
	ErrDiskFull = errors.New("disk full")
	// ErrReadOnly means a test write to the database failed.
	ErrReadOnly = errors.New("database does not accept writes")
	// ErrBadCursor means a page cursor was not one a list handed out.
	ErrBadCursor = errors.New("invalid page cursor")
	// ErrBadSort means a list was asked for an order it does not have.
	ErrBadSort = errors.New("unknown sort")
)

// Sentinels of accounts, tokens and one-tap links.
var (
	// ErrExists means a row with the same unique name is already stored.
	ErrExists = errors.New("already exists")
	// ErrLinkUsed means a one-tap link was already used once.
	ErrLinkUsed = errors.New("link already used")
)

// IsTransient reports whether err is the database asking to try again
// later (a deadlock between replicas' transactions, a serialization
// failure, a lock not available, SQLite busy): nothing is wrong with the
// rows involved, so they must not be set aside as bad.
func IsTransient(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "40P01", "40001", "55P03":
			return true
		}
	}
	s := err.Error()
	return strings.Contains(s, "database is locked") || strings.Contains(s, "SQLITE_BUSY")
}
