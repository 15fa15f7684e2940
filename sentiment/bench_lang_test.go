package sentiment

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

func japaneseTexts(b *testing.B) []string {
	b.Helper()
	files, _ := filepath.Glob(filepath.Join("ja", "testdata", "reviews_*.tsv"))
	var out []string
	for _, fn := range files {
		f, err := os.Open(fn)
		if err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if _, t, ok := strings.Cut(sc.Text(), "\t"); ok {
				out = append(out, t)
			}
		}
		f.Close()
	}
	if len(out) == 0 {
		b.Fatal("no Japanese sentences")
	}
	return out
}

// BenchmarkAnalyzeJapanese is the full analysis of Japanese review
// sentences (detection, tokenizer, lexicon, cues, issues, complaint),
// dictionary loaded once before the timer. Run with -cpu 1 for the
// one-core figure.
func BenchmarkAnalyzeJapanese(b *testing.B) {
	texts := japaneseTexts(b)
	a := analyzer(b)
	ctx := context.Background()
	a.Analyze(ctx, Input{Text: texts[0]}) // loads the dictionary
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a.Analyze(ctx, Input{Text: texts[i%len(texts)], Domain: "restaurant"})
	}
	reportRate(b)
}

// BenchmarkAnalyzeMultilingual is Spanish, German and French.
func BenchmarkAnalyzeMultilingual(b *testing.B) {
	texts := []string{"La comida llegó fría y el camarero fue grosero", "Das Essen war kalt und der Service unfreundlich",
		"Service très lent, plus jamais", "Muy mal servicio", "Sehr schlecht", "Excelente comida, muy buena atención",
		"Wir haben eine Stunde gewartet und das Essen war nicht gut.", "Très bon accueil, je recommande vivement ce restaurant."}
	a := analyzer(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a.Analyze(ctx, Input{Text: texts[i%len(texts)], Domain: "restaurant"})
	}
	reportRate(b)
}

// BenchmarkResidentJapanese reports the memory of a process holding the
// analyzer with the Japanese dictionary loaded, after analysing every
// Japanese sentence: Go heap in use and resident set (Linux).
func BenchmarkResidentJapanese(b *testing.B) {
	a := analyzer(b)
	texts := japaneseTexts(b)
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		for _, t := range texts {
			a.Analyze(ctx, Input{Text: t})
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
	if data, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			for _, k := range []string{"VmRSS:", "VmHWM:"} {
				if strings.HasPrefix(l, k) {
					if kb, err := strconv.Atoi(strings.Fields(l)[1]); err == nil {
						b.ReportMetric(float64(kb)/1024, strings.ToLower(strings.TrimSuffix(k, ":"))+"-MB")
					}
				}
			}
		}
	}
}
