package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/store"
	sqlite3driver "github.com/ncruces/go-sqlite3/driver"
)

// TestSQLiteStatementCache: the SQLite connections keep their prepared
// statements between queries, yet a long transaction running thousands
// of queries of hundreds of shapes holds a bounded number of them, every
// query still gets its own arguments' answer, and the same query nested
// inside its own open result works.
func TestSQLiteStatementCache(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{Driver: "sqlite", Path: filepath.Join(t.TempDir(), "earshot.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	db, err := st.DB()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "CREATE TABLE cache_probe (id INTEGER PRIMARY KEY, v TEXT)"); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 300; i++ {
		if _, err := tx.ExecContext(ctx, "INSERT INTO cache_probe (id, v) VALUES (?, ?)", i, fmt.Sprint("v", i)); err != nil {
			t.Fatal(err)
		}
	}
	// 300 shapes of IN list, three times each: more shapes than the cache keeps.
	for round := range 3 {
		for n := 1; n <= 300; n++ {
			q := "SELECT COUNT(*) FROM cache_probe WHERE id IN (?" + strings.Repeat(",?", n-1) + ")"
			args := make([]any, n)
			for i := range args {
				args[i] = i + 1 + round
			}
			var got int
			if err := tx.QueryRowContext(ctx, q, args...).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if want := min(n, 300-round); got != want {
				t.Fatalf("round %d, IN list of %d: count %d, want %d", round, n, got, want)
			}
		}
	}
	// The same query while its own result is open.
	rows, err := tx.QueryContext(ctx, "SELECT v FROM cache_probe WHERE id <= ? ORDER BY id", 3)
	if err != nil {
		t.Fatal(err)
	}
	var outer []string
	for rows.Next() {
		var v, inner string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		if err := tx.QueryRowContext(ctx, "SELECT v FROM cache_probe WHERE id <= ? ORDER BY id", 1).Scan(&inner); err != nil || inner != "v1" {
			t.Fatalf("nested query: %q, %v", inner, err)
		}
		outer = append(outer, v)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(outer, ",") != "v1,v2,v3" {
		t.Fatalf("outer rows %v, want v1,v2,v3", outer)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	live := 0
	if err := conn.Raw(func(dc any) error {
		for range dc.(sqlite3driver.Conn).Raw().Stmts() {
			live++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if live == 0 || live > 130 {
		t.Errorf("%d statements live on the connection after 1,200 queries of 300 shapes, want some kept and at most 128", live)
	}
}
