package scrapertest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/models"
)

// FuzzParse fuzzes a package's Parse. Every input in testdata/ (all files
// but the expected-output *.golden.json ones) is a seed, next to any the
// caller added with f.Add first, so each new test page also widens the
// fuzz corpus. On every input parse must return within HangLimit and must
// not return mentions together with an error (a source hands back what it
// read, so a half-parsed page would be stored); check, when not nil, adds
// what each mention must hold for this parser.
func FuzzParse[Info any](f *testing.F, pageURL string, parse func([]byte, string) ([]models.Mention, Info, error), check func(*testing.T, models.Mention)) {
	f.Helper()
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || strings.HasSuffix(e.Name(), ".golden.json") {
			continue
		}
		b, err := os.ReadFile(filepath.Join("testdata", e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		NoHang(t, body, func() {
			ms, _, err := parse(body, pageURL)
			if err != nil && len(ms) > 0 {
				t.Errorf("%d mentions with error %v", len(ms), err)
			}
			if check == nil {
				return
			}
			for _, m := range ms {
				check(t, m)
			}
		})
	})
}
