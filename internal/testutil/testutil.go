// Package testutil holds helpers shared by earshot's tests.
package testutil

import (
	"os"
	"path/filepath"
	"testing"
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
