package sentiment

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/sentiment/lang"
)

// TestIssue11Sentences runs every sentence quoted in issue 11 through the
// analyzer: the language named, the complaint flagged and its issue named
// in the reviewer's words.
func TestIssue11Sentences(t *testing.T) {
	a := analyzer(t)
	for _, tc := range []struct {
		in        Input
		lang      string
		complaint bool
		issue     string // a negative aspect's term, "" for none expected
		category  string
		reason    string
	}{
		{Input{Text: "店員の態度が最悪でした。二度と行きません。", Domain: "restaurant"}, "ja", true, "店員の態度が悪い", "service", "churn intent"},
		{Input{Text: "料理が冷めていて、30分も待たされました。", Domain: "restaurant"}, "ja", true, "料理が冷めていた", "food", "complaint cue"},
		{Input{Text: "料理が冷めていて、30分も待たされました。", Domain: "restaurant"}, "ja", true, "30分待ち", "wait time", ""},
		{Input{Text: "最悪"}, "ja", true, "", "", "complaint cue"},
		{Input{Text: "La comida llegó fría y el camarero fue grosero", Domain: "restaurant"}, "es", true, "comida fría", "food", ""},
		{Input{Text: "La comida llegó fría y el camarero fue grosero", Domain: "restaurant"}, "es", true, "camarero grosero", "service", ""},
		{Input{Text: "Das Essen war kalt und der Service unfreundlich", Domain: "restaurant"}, "de", true, "Essen kalt", "food", ""},
		{Input{Text: "Das Essen war kalt und der Service unfreundlich", Domain: "restaurant"}, "de", true, "Service unfreundlich", "service", ""},
		{Input{Text: "Service très lent, plus jamais", Domain: "restaurant"}, "fr", true, "Service lent", "service", "churn intent"},
		{Input{Text: "Muy mal servicio", Domain: "restaurant"}, "es", true, "mal servicio", "service", ""},
		{Input{Text: "Sehr schlecht"}, "de", true, "", "", "negative tone"},
		// A Japanese 2-star review opens a task with its issues named.
		{Input{Text: "部屋が汚くて、フロントの対応が悪かったです。", Rating: stars(2), Domain: "hospitality"}, "ja", true, "部屋が汚い", "room", "complaint cue"},
		// An Italian reviewer is named and left for a human read; the
		// star rating still makes it a complaint.
		{Input{Text: "Il cameriere era scortese e il cibo freddo.", Rating: stars(1)}, "it", true, "", "", models.ReasonNeedsHumanRead},
		{Input{Text: "Il cameriere era scortese e il cibo freddo."}, "it", false, "", "", models.ReasonNeedsHumanRead},
	} {
		t.Run(tc.in.Text, func(t *testing.T) {
			got := a.Analyze(context.Background(), tc.in)
			if got.Language != tc.lang {
				t.Errorf("language %q, want %q", got.Language, tc.lang)
			}
			if got.Complaint != tc.complaint {
				t.Errorf("complaint %v, want %v (reasons %q)", got.Complaint, tc.complaint, got.Reasons)
			}
			if tc.issue != "" {
				found := false
				for _, x := range got.Issues() {
					if x.Term == tc.issue {
						found = true
						if x.Category != tc.category {
							t.Errorf("issue %q filed under %q, want %q", x.Term, x.Category, tc.category)
						}
					}
				}
				if !found {
					t.Errorf("issues %+v lack %q", got.Issues(), tc.issue)
				}
			}
			if tc.reason != "" && !hasReason(got, tc.reason) {
				t.Errorf("reasons %q lack %q", got.Reasons, tc.reason)
			}
			if want := tc.reason == models.ReasonNeedsHumanRead; got.NeedsHumanRead() != want {
				t.Errorf("NeedsHumanRead() = %v, want %v", got.NeedsHumanRead(), want)
			}
		})
	}
}

// TestDeclaredLanguage: the site's language field wins over the words,
// and "und" is no language.
func TestDeclaredLanguage(t *testing.T) {
	a := analyzer(t)
	for _, tc := range []struct{ text, declared, want string }{
		{"Sehr gut", "de-DE", "de"},
		{"Terrible service", "und", "en"},
		{"普通", "ja", "ja"},
		{"最悪です", "en", "ja"}, // a page tagged "en" cannot hold kana
	} {
		got := a.Analyze(context.Background(), Input{Text: tc.text, Language: tc.declared})
		if got.Language != tc.want {
			t.Errorf("%q declared %q: language %q, want %q", tc.text, tc.declared, got.Language, tc.want)
		}
	}
	m := models.Mention{Text: "Muy bueno", Language: "es"}
	if got := (MentionAnalyzer{A: a}).Analyze(context.Background(), m, ""); got.Language != "es" || got.Label != models.LabelPositive {
		t.Errorf("mention in Spanish: %+v", got)
	}
}

// TestJapaneseSeverity: the grave cues raise severity as in English.
func TestJapaneseSeverity(t *testing.T) {
	a := analyzer(t)
	for _, tc := range []struct {
		text   string
		minSev int
		reason string
	}{
		{"昨日ここで食べて食中毒になりました。", 5, "health and safety"},
		{"スープに異物が入っていました。", 5, "health and safety"},
		{"サラダに虫がいた。", 5, "health and safety"},
		{"弁護士に相談します。", 5, "legal threat"},
		{"二重に請求されました。詐欺です。", 4, "fraud or double billing"},
	} {
		got := a.Analyze(context.Background(), Input{Text: tc.text, Domain: "restaurant"})
		if !got.Complaint || got.Severity < tc.minSev || !hasReason(got, tc.reason) {
			t.Errorf("%q: complaint %v severity %d reasons %q, want severity >= %d and %q", tc.text, got.Complaint, got.Severity, got.Reasons, tc.minSev, tc.reason)
		}
	}
	// negated: nothing grave happened
	got := a.Analyze(context.Background(), Input{Text: "虫はいませんでした。とても清潔です。", Domain: "hospitality"})
	if got.Complaint || got.Severity != 0 {
		t.Errorf("negated insect: complaint %v severity %d reasons %q", got.Complaint, got.Severity, got.Reasons)
	}
	// stars rule as in English: 5 stars with a remark is no complaint
	got = a.Analyze(context.Background(), Input{Text: "美味しかったけど少し待たされました。", Rating: stars(5), Domain: "restaurant"})
	if got.Complaint {
		t.Errorf("5-star remark is a complaint: %q", got.Reasons)
	}
}

// TestEnglishStaysEnglish runs the detector over the VADER sets (11,852
// English tweets, reviews and editorial snippets, from ../shared): an
// English mention taken for another language would lose its English
// analysis, so at most one in a thousand may be.
func TestEnglishStaysEnglish(t *testing.T) {
	dir := testutil.SharedDir(t, "datasets", "vader")
	a := analyzer(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*GroundTruth*.txt"))
	n, bad := 0, 0
	for _, fn := range files {
		data, err := os.ReadFile(fn)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(data), "\n") {
			p := strings.SplitN(l, "\t", 3)
			if len(p) != 3 {
				continue
			}
			n++
			if c := a.det.Detect(p[2], "", "").Code; c != "en" && c != "und" {
				bad++
				t.Logf("%s: %q", c, p[2])
			}
		}
	}
	if n == 0 || bad*1000 > n {
		t.Errorf("%d of %d English texts misdetected", bad, n)
	}
}

// TestAnalysedLanguagesAreRead: every language sentiment/lang calls
// analysed is read by an analyzer, none left for a human.
func TestAnalysedLanguagesAreRead(t *testing.T) {
	a := analyzer(t)
	sample := map[string]string{"en": "Great food", "ja": "美味しい", "es": "Muy bueno", "de": "Sehr gut", "fr": "Très bon"}
	for code := range lang.Analysed {
		got := a.Analyze(context.Background(), Input{Text: sample[code], Language: code})
		if got.Language != code || got.NeedsHumanRead() || got.Label != models.LabelPositive {
			t.Errorf("%s: language %q, needs human read %v, label %q", code, got.Language, got.NeedsHumanRead(), got.Label)
		}
	}
}

// TestEuropeanSentences scores the Spanish, German and French sentences
// of sentiment/multi/testdata (written after the word lists, never used
// to tune them): 3-class label and complaint on the negative ones.
func TestEuropeanSentences(t *testing.T) {
	a := analyzer(t)
	data, err := os.ReadFile(filepath.Join("multi", "testdata", "reviews.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	n, ok, neg, flagged := 0, 0, 0, 0
	for _, l := range strings.Split(string(data), "\n") {
		p := strings.SplitN(l, "\t", 3)
		if len(p) != 3 || strings.HasPrefix(l, "#") {
			continue
		}
		got := a.Analyze(context.Background(), Input{Text: p[2], Domain: "restaurant"})
		class := map[string]string{models.LabelPositive: "pos", models.LabelNegative: "neg", models.LabelNeutral: "neu", models.LabelMixed: "mixed"}[got.Label]
		n++
		if got.Language != p[0] {
			t.Errorf("%q: language %q, want %q", p[2], got.Language, p[0])
		}
		if class == p[1] {
			ok++
		} else {
			t.Logf("%s %s -> %s (%.2f): %s", p[0], p[1], class, got.Compound, p[2])
		}
		if p[1] == "neg" {
			neg++
			if got.Complaint {
				flagged++
			}
		}
	}
	acc, rec := float64(ok)/float64(n), float64(flagged)/float64(neg)
	t.Logf("es/de/fr: %d sentences, 3-class accuracy %.3f, complaint recall on negative %.3f", n, acc, rec)
	if acc < 0.75 || rec < 0.75 {
		t.Errorf("accuracy %.3f, complaint recall %.3f: want both >= 0.75", acc, rec)
	}
}
