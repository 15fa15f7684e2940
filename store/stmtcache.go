package store

import (
	"context"
	"database/sql/driver"
	"errors"

	"github.com/ncruces/go-sqlite3"
	sqlite3driver "github.com/ncruces/go-sqlite3/driver"
)

// maxCachedStmts bounds the statements one SQLite connection keeps
// prepared. The store runs a few dozen distinct statements; lists of
// different lengths (`id IN (?,?,?)`) add more, and past the bound they
// are prepared and finalised per use, as without the cache, so memory
// stays bounded however long a transaction runs.
const maxCachedStmts = 128

// stmtCacheConnector hands out SQLite connections that keep their
// prepared statements. Parsing a statement on the pure-Go SQLite costs
// about as much as running it (a third of a burst's CPU went to
// sqlite3Prepare), and database/sql prepares and finalises once per
// query. gorm's own cache cannot be used: inside a transaction it hands
// each query a transaction-bound statement that lives until commit
// (thousands in a batch of 200 analyses). This cache is per connection
// and bounded: a statement is reused by the next query with the same
// text on the same connection, whether in a transaction or not.
type stmtCacheConnector struct{ driver.Connector }

func newSQLiteConnector(dsn string) (driver.Connector, error) {
	c, err := (&sqlite3driver.SQLite{}).OpenConnector(dsn)
	if err != nil {
		return nil, err
	}
	return stmtCacheConnector{c}, nil
}

// sqliteConn is what the SQLite driver's connections implement (and the
// cache must keep offering: Raw for backups, the value checker that
// keeps times in the store's text format).
type sqliteConn interface {
	sqlite3driver.Conn
	driver.ExecerContext
	driver.NamedValueChecker
}

type sqliteStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
	driver.NamedValueChecker
	Reset() error
	ClearBindings() error
}

func (c stmtCacheConnector) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	sc, ok := dc.(sqliteConn)
	if !ok {
		return dc, nil
	}
	return &cachingConn{sqliteConn: sc, stmts: map[string]*cachedStmt{}}, nil
}

// cachingConn is one connection and its prepared statements. database/sql
// uses a connection from one goroutine at a time, so it needs no lock.
type cachingConn struct {
	sqliteConn
	stmts map[string]*cachedStmt
}

func (c *cachingConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if cs, ok := c.stmts[query]; ok && !cs.busy {
		cs.busy = true
		return cs, nil
	}
	ds, err := c.sqliteConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	st, ok := ds.(sqliteStmt)
	_, cached := c.stmts[query]
	if !ok || cached || len(c.stmts) >= maxCachedStmts {
		// In use by an open result (the same query nested in its own
		// loop), or the cache is full: a statement of its own, finalised
		// when done.
		return ds, nil
	}
	cs := &cachedStmt{sqliteStmt: st, busy: true}
	c.stmts[query] = cs
	return cs, nil
}

// Close finalises the cached statements first: SQLite refuses to close a
// connection with live statements.
func (c *cachingConn) Close() error {
	var errs []error
	for q, cs := range c.stmts {
		errs = append(errs, cs.sqliteStmt.Close())
		delete(c.stmts, q)
	}
	return errors.Join(append(errs, c.sqliteConn.Close())...)
}

// Raw is the driver's connection, for SQLite's own API (backups).
func (c *cachingConn) Raw() *sqlite3.Conn { return c.sqliteConn.Raw() }

// cachedStmt is a statement its connection keeps; Close resets it for
// the next query instead of finalising it. A reset statement holds no
// read snapshot, so a kept statement never pins the WAL.
type cachedStmt struct {
	sqliteStmt
	busy bool
}

func (s *cachedStmt) Close() error {
	s.busy = false
	// sqlite3_reset always resets; its error only repeats the last
	// step's, which the query already returned.
	_ = s.Reset()
	return s.ClearBindings()
}
