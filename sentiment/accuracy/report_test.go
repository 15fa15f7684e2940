package accuracy

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/sentiment/train"
)

// TestEvaluateSmall runs the whole cross-validated report on the trainer's
// look-alike files: every set gets a row, govader is measured beside us,
// and the table names each target.
func TestEvaluateSmall(t *testing.T) {
	items, err := train.ReadVader(filepath.Join("..", "train", "testdata", "vader_sample.txt"))
	if err != nil {
		t.Fatal(err)
	}
	sem, err := train.ReadSemEval(filepath.Join("..", "train", "testdata", "semeval_sample.xml"))
	if err != nil {
		t.Fatal(err)
	}
	d := &train.Data{Vader: map[string][]train.VaderItem{}, Restaurant: append(append([]train.SemSentence(nil), sem...), sem...), Laptop: sem}
	for _, s := range train.VaderSets {
		d.Vader[s.Name] = items
	}
	if d.Complaints, err = train.ReadComplaints(filepath.Join("..", "train", "testdata", "complaints_sample.tsv")); err != nil {
		t.Fatal(err)
	}
	rep, err := Evaluate(context.Background(), d, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Vader) != len(train.VaderSets) {
		t.Fatalf("%d VADER rows, want %d", len(rep.Vader), len(train.VaderSets))
	}
	for _, row := range rep.Vader {
		if row.Ours.N != len(items) || row.Govader.Overall.F1 == 0 {
			t.Errorf("row %+v: want every item scored by both analyzers", row)
		}
	}
	if c := rep.Complaints; c == nil || c.N != len(d.Complaints) || c.Complaints != 10 || c.Govader.MacroF1 == 0 {
		t.Errorf("complaint row %+v: want every tweet scored by both analyzers", rep.Complaints)
	}
	var out bytes.Buffer
	rep.Print(&out)
	for _, want := range []string{"tweets", "amazon", "govader", "aspect category detection F1", "aspect term extraction F1", "0.96", "Complaint tweets", "macro-F1", "0.79"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if _, err := Evaluate(context.Background(), d, 1, nil); err == nil {
		t.Error("1 fold accepted")
	}
}
