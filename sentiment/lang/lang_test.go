package lang

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

type labelled struct{ code, text string }

func loadShort(t testing.TB) []labelled {
	f, err := os.Open("testdata/short.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		if l == "" || l[0] == '#' {
			continue
		}
		code, text, ok := strings.Cut(l, "\t")
		if !ok {
			t.Fatalf("bad line %q", l)
		}
		out = append(out, labelled{code, text})
	}
	return out
}

// TestShortMentions is the accuracy target of issue 11: at least 98% of
// short mentions named right, and no English one misread.
func TestShortMentions(t *testing.T) {
	d := New(Options{})
	set := loadShort(t)
	ok := 0
	for _, x := range set {
		got := d.Detect(x.text, "", "").Code
		if got == x.code {
			ok++
			continue
		}
		t.Logf("%s -> %s: %q", x.code, got, x.text)
		if x.code == "en" {
			t.Errorf("English text misdetected as %s: %q", got, x.text)
		}
	}
	acc := float64(ok) / float64(len(set))
	t.Logf("short mentions: %d/%d = %.3f", ok, len(set), acc)
	if acc < 0.98 {
		t.Errorf("accuracy %.3f < 0.98", acc)
	}
}

func TestDetect(t *testing.T) {
	d := New(Options{})
	for _, tc := range []struct {
		text, declared, locale string
		want                   string
		src                    Source
	}{
		{"店員の態度が最悪でした。二度と行きません。", "", "", "ja", SourceScript},
		{"料理が冷めていて、30分も待たされました。", "", "", "ja", SourceScript},
		{"最悪", "", "", "ja", SourceScript},      // 悪 is a Japanese form
		{"最悪", "", "en", "ja", SourceScript},    // whatever the business
		{"普通", "", "ja", "ja", SourceLocale},    // shared by both: the locale decides
		{"普通", "", "zh-TW", "zh", SourceLocale}, // ... for a Taiwanese business too
		{"服务很差", "", "ja", "zh", SourceScript},  // simplified forms outvote the locale
		{"La comida llegó fría y el camarero fue grosero", "", "", "es", SourceWords},
		{"Das Essen war kalt und der Service unfreundlich", "", "", "de", SourceWords},
		{"Service très lent, plus jamais", "", "", "fr", SourceWords},
		{"Muy mal servicio", "", "", "es", SourceWords},
		{"Sehr schlecht", "", "", "de", SourceWords},
		{"Terrible service", "", "", "en", SourceWords},
		{"Excellent", "", "", "en", SourceWords},
		{"Servizio pessimo, mai più", "", "", "it", SourceWords},
		{"😡😡😡", "", "", Und, SourceNone},
		{"12345", "", "", Und, SourceNone},
		{"", "", "", Und, SourceNone},
		{"Muy bueno", "es-ES", "", "es", SourceDeclared}, // the site's field wins
		{"Sehr gut", "en", "", "en", SourceDeclared},     // ... among languages of the script
		{"普通", "ja-JP", "", "ja", SourceDeclared},        // the site settles kanji-only text
		{"最悪でした", "en", "", "ja", SourceScript},          // a page declared "en" holds no kana review
		{"Great food", "ja", "", "en", SourceWords},      // nor a "ja" page an English one
		{"Great food", "und", "", "en", SourceWords},     // "und" names nothing
		{"👍", "fr", "", Und, SourceNone},                 // no words: nothing to name
		{"Отличный отель", "", "", "ru", SourceScript},
		{"최악이에요", "", "", "ko", SourceScript},
		{"アプリ最高 👍 great", "", "", "ja", SourceScript}, // mixed scripts: kana decides
	} {
		t.Run(tc.text, func(t *testing.T) {
			got := d.Detect(tc.text, tc.declared, tc.locale)
			if got.Code != tc.want || got.Source != tc.src {
				t.Errorf("Detect(%q, %q, %q) = %+v, want %s by %s", tc.text, tc.declared, tc.locale, got, tc.want, tc.src)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{"ja-JP": "ja", "en_US": "en", "jpn": "ja", "deu": "de", "Japanese": "ja", "und": "", "": "", "zxx": "", "fr": "fr", "zh-Hant": "zh"} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzDetect(f *testing.F) {
	for _, s := range []string{"最悪", "Muy mal servicio", "Sehr schlecht", "😡", "a\xffb", "アプリ great", "n'est"} {
		f.Add(s, "", "")
	}
	d := New(Options{})
	f.Fuzz(func(t *testing.T, text, declared, locale string) {
		r := d.Detect(text, declared, locale)
		if r.Code == "" || r.Source == "" {
			t.Fatalf("empty result for %q: %+v", text, r)
		}
	})
}

func BenchmarkDetect(b *testing.B) {
	d := New(Options{})
	set := loadShort(b)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		x := set[i%len(set)]
		d.Detect(x.text, "", "")
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "texts/s")
}
