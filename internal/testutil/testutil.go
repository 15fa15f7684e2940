// Package testutil holds helpers shared by earshot's tests.
package testutil

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// RepoRoot returns the directory holding go.mod, so tests can find files
// relative to the repository whatever package they run in.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("getwd: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// SharedDir returns the path of the project's shared data folder (real
// captures and datasets) and skips the test when it is absent, as it is in
// a user's clone. EARSHOT_SHARED overrides the default ../shared beside the
// repository.
func SharedDir(t testing.TB, sub ...string) string {
	t.Helper()
	dir := os.Getenv("EARSHOT_SHARED")
	if dir == "" {
		dir = filepath.Join(RepoRoot(t), "..", "shared")
	}
	dir = filepath.Join(append([]string{dir}, sub...)...)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared data not available (%s): %v", dir, err)
	}
	return dir
}

// FreshPostgres creates an empty database on the PostgreSQL server that
// EARSHOT_TEST_POSTGRES points at, drops it when the test ends, and
// returns its DSN; it skips the test when the variable is unset. Tests
// that start several processes (replicas) get a database of their own, so
// they neither see nor disturb other tests on the same server.
func FreshPostgres(t testing.TB) string {
	t.Helper()
	base := os.Getenv("EARSHOT_TEST_POSTGRES")
	if base == "" {
		t.Skip("EARSHOT_TEST_POSTGRES not set; this test needs a PostgreSQL server")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("EARSHOT_TEST_POSTGRES: %v", err)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	defer admin.Close()
	name := fmt.Sprintf("earshot_t%d_%d", os.Getpid(), time.Now().UnixNano())
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		if _, err := db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Logf("drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// CPUTime is the CPU time (user + system) the process has used so far.
// On a shared machine it shows the work a benchmark costs, which wall
// time under load does not.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ResetPeakRSS starts PeakRSS over from the current resident set (Linux:
// clear_refs 5), so one benchmark case's peak is not an earlier case's.
func ResetPeakRSS() {
	runtime.GC()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// PeakRSS is the process's peak resident set (VmHWM) in bytes, or 0 where
// /proc does not say.
func PeakRSS() int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
