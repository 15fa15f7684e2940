// Package store is earshot's only door to the database. It speaks gorm to
// an embedded SQLite file by default and to PostgreSQL when several
// replicas share one database; the schema is versioned SQL migrations
// (goose), one set per dialect, embedded in the binary. Every write that
// must not be lost or doubled (a page of mentions, an analysis with the
// task and notification it causes) happens in one transaction guarded by
// unique keys, so reruns and replicas are harmless.
package store

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/jonboulle/clockwork"
	"github.com/ncruces/go-sqlite3"
	"github.com/ncruces/go-sqlite3/gormlite"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

//go:embed migrations
var migrations embed.FS

// Options says which database to open.
type Options struct {
	// Driver is "sqlite" or "postgres".
	Driver string
	// Path is the SQLite file.
	Path string
	// DSN is the PostgreSQL connection string.
	DSN string
	// Logger receives gorm's and goose's messages.
	Logger *slog.Logger
	// Clock stamps created/updated times; nil means the real clock.
	Clock clockwork.Clock
	// NoMigrate skips applying migrations on open.
	NoMigrate bool
}

// Store wraps the database handle. It is safe for concurrent use; Tx
// hands a Store bound to one transaction to a function.
type Store struct {
	db     *gorm.DB
	driver string
	clock  clockwork.Clock
	log    *slog.Logger
	// file is the identity of the SQLite file at open (nil on
	// PostgreSQL), so a deleted or replaced file is noticed.
	file *fileIdentity
	// memo remembers, for one transaction only, the businesses, sources
	// and users it read: the alerter asks for the same few on every
	// complaint of a batch. Nil outside a transaction.
	memo *txMemo
	// rollups gathers the transaction's changes to the digest rollups,
	// written at commit (rollupBuffer). Nil outside a transaction.
	rollups *rollupBuffer
}

// pgIdleConns is how many PostgreSQL connections a replica keeps open
// between jobs.
const pgIdleConns = 16

const sqliteHeader = "SQLite format 3\x00"

// Open connects, checks the file or server, and applies pending
// migrations.
func Open(ctx context.Context, o Options) (*Store, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = clockwork.NewRealClock()
	}
	clock := o.Clock
	gcfg := &gorm.Config{
		Logger: logger.NewSlogLogger(o.Logger.With("component", "gorm"), logger.Config{
			SlowThreshold:             time.Second,
			LogLevel:                  logger.Warn,
			IgnoreRecordNotFoundError: true,
			ParameterizedQueries:      true, // never log scraped text
		}),
		NowFunc:                func() time.Time { return clock.Now().UTC() },
		SkipDefaultTransaction: true,
		// No gorm prepared-statement cache: inside a transaction gorm's
		// cache hands each query a transaction-bound statement that lives
		// until commit, so a batch of 200 analyses held thousands of
		// statements (and SQLite's memory) at once. SQLite connections
		// keep a bounded cache of their own instead (stmtcache.go);
		// pgx caches statements per connection.
		PrepareStmt:    false,
		TranslateError: true,
	}
	var (
		dial gorm.Dialector
		what string
	)
	switch o.Driver {
	case "", "sqlite":
		o.Driver = "sqlite"
		if err := checkSQLiteFile(o.Path); err != nil {
			return nil, err
		}
		if dir := filepath.Dir(o.Path); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("store: create directory for %s: %w", o.Path, err)
			}
		}
		dsn := "file:" + (&url.URL{Path: o.Path}).EscapedPath() +
			// Times as fixed-width UTC text with milliseconds (the
			// driver's TimeFormat4, SQLite's own layout): they sort and compare as text in
			// time order, and latencies keep sub-second precision.
			"?_txlock=immediate&_timefmt=" + url.QueryEscape(string(sqlite3.TimeFormat4)) +
			"&_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)" +
			"&_pragma=synchronous(normal)&_pragma=foreign_keys(on)&_pragma=temp_store(memory)"
		conn, err := newSQLiteConnector(dsn)
		if err != nil {
			return nil, fmt.Errorf("store: open SQLite file %s: %w", o.Path, err)
		}
		dial = gormlite.OpenDB(sql.OpenDB(conn))
		what = "SQLite file " + o.Path
	case "postgres":
		dial = postgres.Open(o.DSN)
		what = "PostgreSQL"
	default:
		return nil, fmt.Errorf("store: unknown driver %q (use sqlite or postgres)", o.Driver)
	}
	db, err := gorm.Open(dial, gcfg)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w: %w", what, ErrUnreachable, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", what, err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pctx); err != nil {
		sqlDB.Close()
		if o.Driver == "sqlite" {
			return nil, fmt.Errorf("store: open %s: %w", what, err)
		}
		return nil, fmt.Errorf("store: connect to %s: %w: %w", what, ErrUnreachable, err)
	}
	if o.Driver == "sqlite" {
		// One writer at a time is what SQLite allows anyway; a small pool
		// keeps readers concurrent under WAL.
		sqlDB.SetMaxOpenConns(4)
		// and keeps all four: a connection closed when idle loses its
		// prepared statements (stmtcache.go), and opening one costs a
		// new SQLite instance.
		sqlDB.SetMaxIdleConns(4)
	} else {
		// No cap on open connections: gorm prepares a statement under a
		// process-wide lock on a connection from the pool, so a full pool
		// whose transactions wait for that lock would deadlock. The
		// scheduler bounds concurrent jobs instead (app.maxConcurrentJobs).
		sqlDB.SetMaxIdleConns(pgIdleConns)
	}
	s := &Store{db: db, driver: o.Driver, clock: clock, log: o.Logger}
	if o.Driver == "sqlite" {
		if s.file, err = openedFile(o.Path); err != nil {
			sqlDB.Close()
			return nil, err
		}
	}
	if !o.NoMigrate {
		if _, err := s.Migrate(ctx); err != nil {
			sqlDB.Close()
			return nil, err
		}
	}
	return s, nil
}

// checkSQLiteFile refuses a path that holds something other than an
// SQLite database, instead of letting the driver report "file is not a
// database" halfway through a migration.
func checkSQLiteFile(path string) error {
	if path == "" {
		return fmt.Errorf("store: no SQLite path configured (database.path)")
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: open %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("store: stat %s: %w", path, err)
	}
	if st.IsDir() {
		return fmt.Errorf("store: %s is a directory; database.path must name a file: %w", path, ErrNotSQLite)
	}
	if st.Size() == 0 {
		return nil
	}
	head := make([]byte, len(sqliteHeader))
	if _, err := io.ReadFull(f, head); err != nil || !bytes.Equal(head, []byte(sqliteHeader)) {
		return fmt.Errorf("store: %s: %w; point database.path at a new file or an earshot database", path, ErrNotSQLite)
	}
	return nil
}

// MigrationResult lists the migrations one call applied.
type MigrationResult struct {
	Applied []string
	Version int64
}

// Migrate applies pending migrations. On PostgreSQL a session lock keeps
// replicas that start together from migrating twice.
func (s *Store) Migrate(ctx context.Context) (MigrationResult, error) {
	sqlDB, err := s.db.DB()
	if err != nil {
		return MigrationResult{}, fmt.Errorf("store: migrate: %w", err)
	}
	dialect := goose.DialectSQLite3
	opts := []goose.ProviderOption{goose.WithSlog(s.log.With("component", "goose"))}
	if s.driver == "postgres" {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return MigrationResult{}, fmt.Errorf("store: migrate: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	fsys, err := fs.Sub(migrations, "migrations/"+s.driver)
	if err != nil {
		return MigrationResult{}, fmt.Errorf("store: migrate: %w", err)
	}
	p, err := goose.NewProvider(dialect, sqlDB, fsys, opts...)
	if err != nil {
		return MigrationResult{}, fmt.Errorf("store: migrate: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return MigrationResult{}, fmt.Errorf("store: migrate %s database: %w", s.driver, err)
	}
	var out MigrationResult
	for _, r := range results {
		out.Applied = append(out.Applied, r.Source.Path)
	}
	out.Version, err = p.GetDBVersion(ctx)
	if err != nil {
		return out, fmt.Errorf("store: migrate: read version: %w", err)
	}
	return out, nil
}

// Close releases the database.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Driver returns "sqlite" or "postgres".
func (s *Store) Driver() string { return s.driver }

// DB returns the underlying database/sql handle (for health checks).
func (s *Store) DB() (*sql.DB, error) { return s.db.DB() }

// Tx runs fn with a Store bound to one transaction: everything fn writes
// commits together or not at all.
func (s *Store) Tx(ctx context.Context, fn func(tx *Store) error) error {
	return s.db.WithContext(ctx).Transaction(func(gtx *gorm.DB) error {
		tx := &Store{db: gtx, driver: s.driver, clock: s.clock, log: s.log, file: s.file, memo: &txMemo{}, rollups: &rollupBuffer{parent: s.rollups}}
		if err := fn(tx); err != nil {
			return err
		}
		if s.rollups != nil {
			// A nested transaction (a savepoint) hands its changes to the
			// enclosing one, which writes them at its commit; had it
			// failed, they would be dropped with it.
			s.rollups.merge(tx.rollups)
			return nil
		}
		if err := tx.rollups.runAtCommit(ctx, tx); err != nil {
			return err
		}
		return tx.rollups.write(ctx, tx)
	})
}

// Now is the store's clock, so callers stamp rows consistently.
func (s *Store) Now() time.Time { return s.clock.Now().UTC() }

func (s *Store) q(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}

// CountQueries counts every statement the store (and its transactions)
// runs from now on, so tests and benchmarks can show that a cost stays
// constant per item.
func (s *Store) CountQueries() *atomic.Int64 {
	n := new(atomic.Int64)
	inc := func(*gorm.DB) { n.Add(1) }
	cb := s.db.Callback()
	name := fmt.Sprintf("earshot:count:%p", n)
	_ = cb.Create().After("gorm:create").Register(name, inc)
	_ = cb.Query().After("gorm:query").Register(name, inc)
	_ = cb.Update().After("gorm:update").Register(name, inc)
	_ = cb.Delete().After("gorm:delete").Register(name, inc)
	_ = cb.Row().After("gorm:row").Register(name, inc)
	_ = cb.Raw().After("gorm:raw").Register(name, inc)
	return n
}

// txMemo is a transaction's memory of rows it read that the transaction
// itself does not change (the writers of those rows reset it). Methods on
// a nil *txMemo remember nothing.
type txMemo struct {
	businesses map[int64]models.Business
	sources    map[int64]models.Source
	users      map[int64][]models.User
}

func (m *txMemo) reset() {
	if m != nil {
		*m = txMemo{}
	}
}

func (m *txMemo) business(id int64) (models.Business, bool) {
	if m == nil {
		return models.Business{}, false
	}
	b, ok := m.businesses[id]
	return b, ok
}

func (m *txMemo) putBusiness(b models.Business) {
	if m == nil {
		return
	}
	if m.businesses == nil {
		m.businesses = map[int64]models.Business{}
	}
	m.businesses[b.ID] = b
}

func (m *txMemo) source(id int64) (models.Source, bool) {
	if m == nil {
		return models.Source{}, false
	}
	s, ok := m.sources[id]
	return s, ok
}

func (m *txMemo) putSource(s models.Source) {
	if m == nil {
		return
	}
	if m.sources == nil {
		m.sources = map[int64]models.Source{}
	}
	m.sources[s.ID] = s
}

func (m *txMemo) userList(businessID int64) ([]models.User, bool) {
	if m == nil {
		return nil, false
	}
	us, ok := m.users[businessID]
	return slices.Clone(us), ok
}

func (m *txMemo) putUsers(businessID int64, us []models.User) {
	if m == nil {
		return
	}
	if m.users == nil {
		m.users = map[int64][]models.User{}
	}
	m.users[businessID] = slices.Clone(us)
}
