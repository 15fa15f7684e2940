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

func TestReadComplaints(t *testing.T) {
	items, err := ReadComplaints(filepath.Join("testdata", "complaints_sample.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 24 || !items[0].Complaint || items[0].Severity != 2 || items[0].Domain != "retail" {
		t.Fatalf("parsed %d items, first %+v", len(items), items[0])
	}
	if !strings.Contains(items[0].Text, "& I'm") {
		t.Errorf("HTML entity left in %q", items[0].Text)
	}
	bad := filepath.Join(t.TempDir(), "bad.tsv")
	os.WriteFile(bad, []byte("id\tcomplaint\tseverity\tdomain\ttext\tcause\n1\tyes\t0\tretail\thi\thi\n"), 0o644)
	if _, err := ReadComplaints(bad); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("error %v, want one naming line 2", err)
	}
	os.WriteFile(bad, []byte("id\tcomplaint\tseverity\tdomain\ttext\tcause\n"), 0o644)
	if _, err := ReadComplaints(bad); !errors.Is(err, ErrNoData) {
		t.Errorf("header only: %v, want ErrNoData", err)
	}
	// folds are stratified: each of 2 folds gets half the complaints
	fold := ComplaintFolds(items, 2)
	n := 0
	for i, it := range items {
		if it.Complaint && fold[i] == 0 {
			n++
		}
	}
	if n != 5 {
		t.Errorf("fold 0 holds %d of 10 complaints, want 5", n)
	}
}

func TestSpearman(t *testing.T) {
	cases := []struct {
		x, y []float64
		want float64
	}{
		{[]float64{1, 2, 3, 4}, []float64{10, 20, 30, 40}, 1},
		{[]float64{1, 2, 3, 4}, []float64{4, 3, 2, 1}, -1},
		{[]float64{1, 1, 2, 2}, []float64{1, 1, 2, 2}, 1},
		{[]float64{1, 2, 3}, []float64{5, 5, 5}, 0},
	}
	for _, c := range cases {
		if got := Spearman(c.x, c.y); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("Spearman(%v, %v) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
}

// TestComplaintModelLearns trains the complaint models on the small
// sample and checks they separate what they were shown, and that the
// trained bundle survives a round trip into an analyzer.
func TestComplaintModelLearns(t *testing.T) {
	items, err := ReadComplaints(filepath.Join("testdata", "complaints_sample.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := nlp.Unmarshal(sentiment.EmbeddedModel())
	if err != nil {
		t.Fatal(err)
	}
	lex := nlp.NewLexicon()
	AddComplaintModels(lex, b, items)
	p := nlp.NewPredictor(lex, b)
	sc := nlp.NewScratch()
	right := 0
	for _, it := range items {
		sc.Toks, sc.Sents = nlp.Tokenize(it.Text, sc.Toks, sc.Sents)
		v, ok := p.Complaint(sc, math.NaN())
		if !ok {
			t.Fatal("bundle without complaint model")
		}
		if (v.Prob >= b.ComplaintThreshold) == it.Complaint {
			right++
		}
		if v.Severity < 1 || v.Severity > 4 {
			t.Errorf("%q: expected severity %.2f outside 1..4", it.Text, v.Severity)
		}
	}
	if right < len(items)-2 {
		t.Errorf("%d of %d training tweets right, want nearly all", right, len(items))
	}
	data, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	b2, err := nlp.Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	if b2.Complaint == nil || b2.ComplaintThreshold != ComplaintThreshold {
		t.Fatalf("round trip lost the complaint models")
	}
}
