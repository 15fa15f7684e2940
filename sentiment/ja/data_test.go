package ja

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Sentence is one labelled sentence of testdata.
type sentence struct{ label, domain, text string }

var fileDomain = map[string]string{"reviews_restaurant.tsv": "restaurant", "reviews_hotel.tsv": "hospitality", "reviews_retail.tsv": "retail", "reviews_software.tsv": "software"}

// loadSet reads the labelled sentences; every fifth line of each file is
// the dev split the lexicon was tuned on, the rest the test split.
func loadSet(t testing.TB, dev bool) []sentence {
	var out []sentence
	files, _ := filepath.Glob("testdata/reviews_*.tsv")
	for _, fn := range files {
		f, err := os.Open(fn)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		n := 0
		for sc.Scan() {
			l, txt, ok := strings.Cut(sc.Text(), "\t")
			if !ok {
				continue
			}
			if (n%5 == 0) == dev {
				out = append(out, sentence{l, fileDomain[filepath.Base(fn)], txt})
			}
			n++
		}
		f.Close()
	}
	return out
}

func labelOf(c float64) string {
	switch {
	case c >= 0.1:
		return "pos"
	case c <= -0.1:
		return "neg"
	}
	return "neu"
}

func TestDevSet(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the dictionary")
	}
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, dev := range []bool{true, false} {
		set := loadSet(t, dev)
		ok := 0
		for _, s := range set {
			r := a.Analyze(s.text, s.domain)
			if got := labelOf(r.Compound); got == s.label {
				ok++
			} else if dev || os.Getenv("JA_SHOW_TEST") != "" {
				t.Logf("%s -> %s (%.2f) %s %v", s.label, got, r.Compound, s.text, r.Aspects)
			}
		}
		t.Logf("dev=%v: %d/%d = %.3f", dev, ok, len(set), float64(ok)/float64(len(set)))
	}
}
