package train

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/sentiment"
	"github.com/earshot/earshot/sentiment/internal/nlp"
)

func TestReadVader(t *testing.T) {
	items, err := ReadVader(filepath.Join("testdata", "vader_sample.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 5 {
		t.Fatalf("%d items, want 5 (one malformed line skipped)", len(items))
	}
	if items[1].ID != "s2" || items[1].Mean != -3.1 || items[1].Text != "Worst stay ever, the shower was broken and nobody cared." {
		t.Errorf("item 2 = %+v", items[1])
	}
	bad := filepath.Join(t.TempDir(), "bad.txt")
	if err := os.WriteFile(bad, []byte("only one field\nx\ty\tz\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadVader(bad); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("error %v, want one naming line 1", err)
	}
	if _, err := ReadVader(filepath.Join(t.TempDir(), "missing.txt")); err == nil {
		t.Error("missing file accepted")
	}
	empty := filepath.Join(t.TempDir(), "empty.txt")
	os.WriteFile(empty, nil, 0o644)
	if _, err := ReadVader(empty); !errors.Is(err, ErrNoData) {
		t.Errorf("empty file: %v, want ErrNoData", err)
	}
}

func TestReadSemEval(t *testing.T) {
	ss, err := ReadSemEval(filepath.Join("testdata", "semeval_sample.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 3 || len(ss[0].Terms) != 2 || len(ss[0].Cats) != 2 || ss[1].Cats[0].Category != "anecdotes/miscellaneous" {
		t.Fatalf("parsed %+v", ss)
	}
	for _, s := range ss {
		for _, term := range s.Terms {
			if s.Text[term.From:term.To] != term.Term {
				t.Errorf("offsets %d:%d of %q give %q", term.From, term.To, term.Term, s.Text[term.From:term.To])
			}
		}
	}
	toks, _ := nlp.Tokenize(ss[0].Text, nil, nil)
	labels := termLabels(toks, ss[0].Terms)
	want := map[string]int{"pasta": nlp.TagB, "waiter": nlp.TagB, "the": nlp.TagO, "delicious": nlp.TagO}
	for i, tk := range toks {
		if w, ok := want[tk.Lower]; ok && labels[i] != w {
			t.Errorf("label of %q = %d, want %d", tk.Text, labels[i], w)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.xml")
	os.WriteFile(bad, []byte("<sentences><sentence>"), 0o644)
	if _, err := ReadSemEval(bad); err == nil {
		t.Error("truncated XML accepted")
	}
}

func TestScoreVaderProtocol(t *testing.T) {
	items := []VaderItem{{Mean: 2}, {Mean: 1}, {Mean: -1}, {Mean: -2}, {Mean: 0.5}}
	// predictions: correct pos, neutral (no answer), correct neg, wrong (pos), correct pos
	comp := []float64{0.6, 0.01, -0.3, 0.2, 0.05}
	s := ScoreVader(items, comp)
	// 4 answers, 3 right: P = 3/4; 5 gold, 3 found: R = 3/5
	if math.Abs(s.Overall.P-0.75) > 1e-9 || math.Abs(s.Overall.R-0.6) > 1e-9 {
		t.Errorf("overall = %+v, want P 0.75 R 0.6", s.Overall)
	}
	// negative class: 1 predicted, 1 right; 2 gold
	if s.Negative.P != 1 || s.Negative.R != 0.5 {
		t.Errorf("negative = %+v, want P 1 R 0.5", s.Negative)
	}
}

// TestBuildBundleFromSamples trains on the tiny look-alike files and
// checks the result loads into the analyzer and has learned the polarity
// of its own training words.
func TestBuildBundleFromSamples(t *testing.T) {
	items, err := ReadVader(filepath.Join("testdata", "vader_sample.txt"))
	if err != nil {
		t.Fatal(err)
	}
	ss, err := ReadSemEval(filepath.Join("testdata", "semeval_sample.xml"))
	if err != nil {
		t.Fatal(err)
	}
	lex := nlp.NewLexicon()
	b := BuildBundle(lex, map[string]string{"pasta": "NN", "waiter": "NN"}, map[string][]VaderItem{"tweets": items}, ss, nil)
	data, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	an, err := sentiment.New(sentiment.Options{Model: data})
	if err != nil {
		t.Fatal(err)
	}
	pos := an.Analyze(context.Background(), sentiment.Input{Text: "The staff were wonderful."})
	neg := an.Analyze(context.Background(), sentiment.Input{Text: "Worst stay ever, the shower was broken."})
	if pos.Compound <= neg.Compound {
		t.Errorf("compound of praise %.3f <= of complaint %.3f", pos.Compound, neg.Compound)
	}
	if an.Name() != ModelVersion {
		t.Errorf("name %q, want %q", an.Name(), ModelVersion)
	}
}

// TestSharedDatasets reads the real files when they are there.
func TestSharedDatasets(t *testing.T) {
	dir := testutil.SharedDir(t, "datasets")
	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range VaderSets {
		if len(d.Vader[s.Name]) < 1000 {
			t.Errorf("%s: %d items", s.Name, len(d.Vader[s.Name]))
		}
	}
	if len(d.Restaurant) < 3000 || len(d.Laptop) < 3000 {
		t.Errorf("semeval: %d restaurant, %d laptop sentences", len(d.Restaurant), len(d.Laptop))
	}
}
