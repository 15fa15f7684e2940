package scrapertest

import (
	"os"
	"testing"

	"github.com/earshot/earshot/models"
)

// ReadFile returns the contents of a test page or capture, failing the
// test when it cannot be read: a missing input is a broken test, never a
// parser result to check.
func ReadFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ParseFile reads the page at path and parses it as if fetched from
// pageURL, failing the test when either step fails. It opens every test
// of a real capture, which then checks what the page must yield.
func ParseFile[Info any](t testing.TB, path, pageURL string, parse func([]byte, string) ([]models.Mention, Info, error)) ([]models.Mention, Info) {
	t.Helper()
	ms, info, err := parse(ReadFile(t, path), pageURL)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return ms, info
}
