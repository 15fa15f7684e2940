package sentiment

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/jonreiter/govader"
)

// benchTexts returns the VADER paper's Amazon review snippets when the
// shared datasets are present, else the small look-alike in testdata.
func benchTexts(b *testing.B) []string {
	b.Helper()
	path := filepath.Join("testdata", "snippets.txt")
	if dir := os.Getenv("EARSHOT_SHARED"); dir != "" || sharedExists() {
		path = filepath.Join(testutil.SharedDir(b, "datasets", "vader"), "amazonReviewSnippets_GroundTruth.txt")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if p := strings.SplitN(l, "\t", 3); len(p) == 3 {
			out = append(out, p[2])
		}
	}
	if len(out) == 0 {
		b.Fatalf("%s: no snippets", path)
	}
	return out
}

func sharedExists() bool {
	_, err := os.Stat(filepath.Join("..", "..", "shared", "datasets", "vader"))
	return err == nil
}

func reportRate(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "mentions/s")
}

// BenchmarkAnalyze is the full analysis (sentiment, complaint, severity,
// aspects) per mention, model loaded once. Run with -cpu 1 for the
// one-core figure.
func BenchmarkAnalyze(b *testing.B) {
	texts := benchTexts(b)
	a := analyzer(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a.Analyze(ctx, Input{Text: texts[i%len(texts)], Domain: "retail"})
	}
	reportRate(b)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.Sys)/(1<<20), "MB-sys")
}

// BenchmarkCompound is sentiment-only scoring, to compare with govader.
func BenchmarkCompound(b *testing.B) {
	texts := benchTexts(b)
	a := analyzer(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a.Compound(texts[i%len(texts)], "")
	}
	reportRate(b)
}

// BenchmarkGovader is the baseline on the same texts in the same run.
func BenchmarkGovader(b *testing.B) {
	texts := benchTexts(b)
	g := govader.NewSentimentIntensityAnalyzer()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g.PolarityScores(texts[i%len(texts)])
	}
	reportRate(b)
}

// BenchmarkNew is the one-off cost of building an Analyzer (model decode,
// lexicon, taxonomies), paid once at start-up.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := New(Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
