package accuracy

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/sentiment"
	"github.com/earshot/earshot/sentiment/train"
	"github.com/jonreiter/govader"
)

// JapaneseSentence is one hand-labelled sentence of sentiment/ja/testdata.
type JapaneseSentence struct {
	Label  string // pos, neg, neu
	Domain string
	Text   string
}

var jaFileDomain = map[string]string{"reviews_restaurant.tsv": "restaurant", "reviews_hotel.tsv": "hospitality",
	"reviews_retail.tsv": "retail", "reviews_software.tsv": "software"}

// LoadJapanese reads the labelled Japanese set; test picks the test split
// (four lines in five; every fifth line is the dev split the lexicon was
// tuned on).
func LoadJapanese(dir string, test bool) ([]JapaneseSentence, error) {
	files, err := filepath.Glob(filepath.Join(dir, "reviews_*.tsv"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("accuracy: no reviews_*.tsv in %s", dir)
	}
	sort.Strings(files)
	var out []JapaneseSentence
	for _, fn := range files {
		f, err := os.Open(fn)
		if err != nil {
			return nil, fmt.Errorf("accuracy: %w", err)
		}
		sc := bufio.NewScanner(f)
		n := 0
		for sc.Scan() {
			label, text, ok := strings.Cut(sc.Text(), "\t")
			if !ok {
				continue
			}
			if (n%5 != 0) == test {
				out = append(out, JapaneseSentence{Label: label, Domain: jaFileDomain[filepath.Base(fn)], Text: text})
			}
			n++
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("accuracy: %s: %w", fn, err)
		}
	}
	return out, nil
}

// ThreeClass scores pos/neg/neu predictions.
type ThreeClass struct {
	N        int
	Accuracy float64
	Negative train.PRF
}

func scoreThree(gold, pred []string) ThreeClass {
	ok, tp, fp, fn := 0, 0, 0, 0
	for i := range gold {
		if gold[i] == pred[i] {
			ok++
		}
		switch {
		case gold[i] == "neg" && pred[i] == "neg":
			tp++
		case pred[i] == "neg":
			fp++
		case gold[i] == "neg":
			fn++
		}
	}
	return ThreeClass{N: len(gold), Accuracy: float64(ok) / float64(max(1, len(gold))), Negative: train.NewPRF(tp, fp, fn)}
}

func classOf(label string, compound float64) string {
	switch label {
	case models.LabelPositive:
		return "pos"
	case models.LabelNegative:
		return "neg"
	case models.LabelNeutral:
		return "neu"
	}
	// mixed: the overall tone decides
	switch {
	case compound >= 0.1:
		return "pos"
	case compound <= -0.1:
		return "neg"
	}
	return "neu"
}

func vaderClass(c float64) string {
	switch {
	case c >= 0.05:
		return "pos"
	case c <= -0.05:
		return "neg"
	}
	return "neu"
}

// LanguageReport is the multilingual accuracy report.
type LanguageReport struct {
	Japanese, Govader ThreeClass
	// ComplaintRecall is the share of negative sentences flagged as
	// complaints (no star rating given); ComplaintFP the share of
	// positive ones flagged.
	ComplaintRecall, ComplaintFP float64
	Short                        DetectScore
	Took                         time.Duration
}

// DetectScore is language detection on the short-mention set.
type DetectScore struct {
	N, Correct, EnglishMissed int
	Misses                    []string
}

// EvaluateLanguages scores the analyzer on the Japanese test split in
// jaDir and its language detection on shortFile.
func EvaluateLanguages(ctx context.Context, jaDir, shortFile string) (*LanguageReport, error) {
	start := time.Now()
	set, err := LoadJapanese(jaDir, true)
	if err != nil {
		return nil, err
	}
	an, err := sentiment.New(sentiment.Options{PreloadJapanese: true})
	if err != nil {
		return nil, err
	}
	gv := govader.NewSentimentIntensityAnalyzer()
	gold := make([]string, len(set))
	ours := make([]string, len(set))
	gov := make([]string, len(set))
	negN, negFlag, posN, posFlag := 0, 0, 0, 0
	for i, s := range set {
		r := an.Analyze(ctx, sentiment.Input{Text: s.Text, Domain: s.Domain})
		gold[i], ours[i] = s.Label, classOf(r.Label, r.Compound)
		gov[i] = vaderClass(gv.PolarityScores(s.Text).Compound)
		switch s.Label {
		case "neg":
			negN++
			if r.Complaint {
				negFlag++
			}
		case "pos":
			posN++
			if r.Complaint {
				posFlag++
			}
		}
	}
	rep := &LanguageReport{Japanese: scoreThree(gold, ours), Govader: scoreThree(gold, gov),
		ComplaintRecall: float64(negFlag) / float64(max(1, negN)), ComplaintFP: float64(posFlag) / float64(max(1, posN))}
	f, err := os.Open(shortFile)
	if err != nil {
		return nil, fmt.Errorf("accuracy: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		code, text, ok := strings.Cut(l, "\t")
		if !ok || strings.HasPrefix(l, "#") {
			continue
		}
		rep.Short.N++
		got := an.Analyze(ctx, sentiment.Input{Text: text}).Language
		if got == "und" && code == "en" {
			got = "en" // read as English all the same
		}
		if got == code {
			rep.Short.Correct++
			continue
		}
		if code == "en" {
			rep.Short.EnglishMissed++
		}
		rep.Short.Misses = append(rep.Short.Misses, fmt.Sprintf("%s->%s %q", code, got, text))
	}
	rep.Took = time.Since(start)
	return rep, sc.Err()
}

// Print writes the multilingual report.
func (r *LanguageReport) Print(w io.Writer) {
	fmt.Fprintf(w, "Japanese review sentences (hand-labelled test split, n=%d; no star ratings)\n", r.Japanese.N)
	fmt.Fprintf(w, "%-36s %-8s %-8s %s\n", "metric", "earshot", "govader", "target")
	fmt.Fprintf(w, "%-36s %.3f    %.3f    0.80\n", "3-class polarity accuracy", r.Japanese.Accuracy, r.Govader.Accuracy)
	fmt.Fprintf(w, "%-36s %.3f    %.3f    0.75\n", "negative-class F1", r.Japanese.Negative.F1, r.Govader.Negative.F1)
	fmt.Fprintf(w, "%-36s %.3f    %-8s 0.75\n", "complaint recall on negative", r.ComplaintRecall, "n/a")
	fmt.Fprintf(w, "%-36s %.3f    %-8s -\n", "complaint flag on positive (FP rate)", r.ComplaintFP, "n/a")
	fmt.Fprintf(w, "\nLanguage detection, short mentions (1-10 words): %d/%d = %.3f (target 0.98), English misread: %d\n",
		r.Short.Correct, r.Short.N, float64(r.Short.Correct)/float64(max(1, r.Short.N)), r.Short.EnglishMissed)
	for _, m := range r.Short.Misses {
		fmt.Fprintf(w, "  miss %s\n", m)
	}
	fmt.Fprintf(w, "\ntook %s\n", r.Took.Round(time.Millisecond))
}
