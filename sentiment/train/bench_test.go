package train

import (
	"path/filepath"
	"testing"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/jdkato/prose/v2"
)

// BenchmarkProseTagger measures prose's part-of-speech tagger per Amazon
// snippet with the model loaded once: the reason the analyzer ships a
// distilled tag table instead of calling prose per mention.
func BenchmarkProseTagger(b *testing.B) {
	items, err := ReadVader(filepath.Join(testutil.SharedDir(b, "datasets", "vader"), "amazonReviewSnippets_GroundTruth.txt"))
	if err != nil {
		b.Fatal(err)
	}
	model := prose.ModelFromData("earshot")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		doc, err := prose.NewDocument(items[i%len(items)].Text, prose.UsingModel(model), prose.WithSegmentation(false), prose.WithExtraction(false))
		if err != nil {
			b.Fatal(err)
		}
		_ = doc.Tokens()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "mentions/s")
}
