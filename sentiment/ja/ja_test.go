package ja

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/sentiment/internal/verdict"
)

func analyzer(t testing.TB) *Analyzer {
	t.Helper()
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func terms(r verdict.Result) []string {
	var out []string
	for _, x := range r.Aspects {
		if x.Polarity == models.PolarityNegative {
			out = append(out, x.Term)
		}
	}
	return out
}

func TestIssues(t *testing.T) {
	a := analyzer(t)
	for _, tc := range []struct {
		text, domain string
		want         []string
	}{
		{"料理が冷めていて、30分も待たされました。", "restaurant", []string{"30分待ち", "料理が冷めていた"}},
		{"店員の態度が最悪でした。二度と行きません。", "restaurant", []string{"店員の態度が悪い"}},
		{"一時間待たされた。", "restaurant", []string{"1時間待ち"}},
		{"スープがぬるかった。", "restaurant", []string{"スープがぬるかった"}},
		{"部屋が汚い。", "hospitality", []string{"部屋が汚い"}},
		{"商品が届きません。返金してください。", "retail", []string{"返金", "商品が届かない"}},
		{"アプリが落ちる。ログインできません。", "software", []string{"アプリが落ちる", "ログインできない"}},
	} {
		t.Run(tc.text, func(t *testing.T) {
			got := terms(a.Analyze(tc.text, tc.domain))
			for _, w := range tc.want {
				if !contains(got, w) {
					t.Errorf("issues %q lack %q", got, w)
				}
			}
		})
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// TestPolarity covers negation and polite forms.
func TestPolarity(t *testing.T) {
	a := analyzer(t)
	for _, tc := range []struct {
		text string
		sign int
	}{
		{"美味しい", 1},
		{"美味しくない", -1},
		{"美味しくなかった", -1},
		{"美味しくありませんでした", -1},
		{"悪くないです", 1},
		{"満足できませんでした", -1},
		{"とても良かったです", 1},
		{"二度と行きません", -1},
		{"最悪", -1},
		{"普通", 0},
		{"高すぎる", -1},
		{"美味しいけど、店員の態度が悪い", -1},
		{"少し高いけど、味は最高です", 1},
	} {
		r := a.Analyze(tc.text, "restaurant")
		sign := 0
		if r.Compound >= 0.1 {
			sign = 1
		} else if r.Compound <= -0.1 {
			sign = -1
		}
		if sign != tc.sign {
			t.Errorf("%q: compound %.2f, want sign %d", tc.text, r.Compound, tc.sign)
		}
	}
}

func TestNormalisedWidth(t *testing.T) {
	a := analyzer(t)
	// full-width digits and half-width katakana read like the usual forms
	if got := terms(a.Analyze("３０分待たされた", "restaurant")); !contains(got, "30分待ち") {
		t.Errorf("full-width wait: %q", got)
	}
	if r := a.Analyze("ｻｲｺｰ", "restaurant"); r.Compound <= 0 {
		t.Errorf("half-width katakana praise: %.2f", r.Compound)
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{"料理が冷めていて、30分も待たされました。", "最悪", "", "\xff\xfe", "虫はいなかった", "一二三四五六七八九十分待", "ｻｲｺｰ😡"} {
		f.Add(s)
	}
	a := analyzer(f)
	f.Fuzz(func(t *testing.T, s string) {
		r := a.Analyze(s, "restaurant")
		if r.Compound < -1 || r.Compound > 1 {
			t.Fatalf("compound %v", r.Compound)
		}
		for _, x := range r.Aspects {
			if !utf8.ValidString(x.Term) || strings.TrimSpace(x.Term) == "" {
				t.Fatalf("bad term %q", x.Term)
			}
		}
	})
}

// TestUserTerms: Japanese words of the user's taxonomy are aspects, and
// terms of several morphemes match.
func TestUserTerms(t *testing.T) {
	a := analyzer(t).WithTerms(map[string]map[string][]string{"restaurant": {"drinks": {"日本酒", "kombucha"}}, "vet": {"pets": {"子犬"}}})
	has := func(r verdict.Result, term, cat string) bool {
		for _, x := range r.Aspects {
			if x.Term == term && x.Category == cat {
				return true
			}
		}
		return false
	}
	if r := a.Analyze("日本酒が美味しかった。", "restaurant"); !has(r, "日本酒", "drinks") {
		t.Errorf("user term not found: %+v", r.Aspects)
	}
	if r := a.Analyze("子犬がかわいい。", "vet"); !has(r, "子犬", "pets") {
		t.Errorf("user domain not found: %+v", r.Aspects)
	}
	if r := analyzer(t).Analyze("待ち時間が長すぎる。", "restaurant"); !has(r, "待ち時間", "wait time") {
		t.Errorf("two-morpheme term not found: %+v", r.Aspects)
	}
}

// TestConcurrent: one Analyzer serves many goroutines with the same
// results as one.
func TestConcurrent(t *testing.T) {
	a := analyzer(t)
	texts := []string{"料理が冷めていて、30分も待たされました。", "とても美味しかったです。また来ます！", "部屋が汚い。", "アプリが落ちる。"}
	want := make([]float64, len(texts))
	for i, s := range texts {
		want[i] = a.Analyze(s, "restaurant").Compound
	}
	done := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func() {
			for k := 0; k < 50; k++ {
				i := k % len(texts)
				if got := a.Analyze(texts[i], "restaurant").Compound; got != want[i] {
					done <- fmt.Errorf("%q: %v, want %v", texts[i], got, want[i])
					return
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
