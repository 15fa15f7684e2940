package alerts

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/models"
)

// TestDraftsInReviewerLanguage: the draft is written in the language the
// reviewer wrote in, names their issues in their words, and a language
// with no template falls back to English and says so.
func TestDraftsInReviewerLanguage(t *testing.T) {
	d := testDrafter(t, config.Templates{})
	biz := models.Business{Name: "rosies", DisplayName: "Rosie's Diner"}
	neg := func(lang string, terms ...string) models.Analysis {
		a := models.Analysis{Language: lang}
		for _, x := range terms {
			a.Aspects = append(a.Aspects, models.Aspect{Category: "food", Term: x, Polarity: models.PolarityNegative, Problem: true})
		}
		return a
	}
	for _, c := range []struct {
		name     string
		m        models.Mention
		a        models.Analysis
		lang     string
		fellBack bool
		want     []string
		unwanted []string
	}{
		{"ja review: polite apology, issues in Japanese", models.Mention{Author: "田中", Rating: rating(2), SourceKind: "google"},
			neg("ja", "料理が冷めていた", "30分待ち"), "ja", false,
			[]string{"田中様", "料理が冷めていた、30分待ち", "ご迷惑をおかけしました", "申し訳ございません", "Rosie's Diner"}, []string{"Hi", "ごめん", "すみません"}},
		{"ja anonymous: お客様", models.Mention{Author: "Anonymous", Rating: rating(1), SourceKind: "google"}, neg("ja", "店員"), "ja", false,
			[]string{"お客様、", "店員"}, []string{"there", "様様"}},
		{"ja tweet: DM", models.Mention{Author: "@tanaka", SourceKind: "twitter"}, neg("ja", "店員"), "ja", false,
			[]string{"@tanaka様", "DM"}, nil},
		{"es", models.Mention{Author: "Lucía", Rating: rating(1), SourceKind: "google"}, neg("es", "comida fría", "camarero grosero"), "es", false,
			[]string{"Hola Lucía", "comida fría y camarero grosero", "Lamentamos"}, []string{"Hi"}},
		{"de", models.Mention{Author: "Jonas", Rating: rating(1), SourceKind: "google"}, neg("de", "Essen kalt"), "de", false,
			[]string{"Hallo Jonas", "Essen kalt", "tut uns sehr leid"}, nil},
		{"fr", models.Mention{Author: "Chloé", Rating: rating(1), SourceKind: "google"}, neg("fr", "service lent"), "fr", false,
			[]string{"Bonjour Chloé", "service lent", "désolés"}, nil},
		{"it: unanalysed but answered in Italian", models.Mention{Author: "Marco", Rating: rating(1), SourceKind: "google"}, models.Analysis{Language: "it"}, "it", false,
			[]string{"Ciao Marco", "Ci dispiace"}, nil},
		{"pt: no template, English draft", models.Mention{Author: "João", Rating: rating(1), SourceKind: "google"}, models.Analysis{Language: "pt"}, "en", true,
			[]string{"João,"}, nil},
		{"und: English draft", models.Mention{Author: "X", Rating: rating(1), SourceKind: "google"}, models.Analysis{Language: "und"}, "en", true,
			[]string{"X,"}, nil},
		{"en unchanged", models.Mention{Author: "Dana", Rating: rating(1), SourceKind: "google"}, neg("en", "cold food"), "en", false,
			[]string{"Dana,", "the cold food"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			lang, fb := d.Language(c.a)
			if lang != c.lang || fb != c.fellBack {
				t.Errorf("Language = %s, %v; want %s, %v", lang, fb, c.lang, c.fellBack)
			}
			got, err := d.Draft(biz, c.m, c.a)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("draft lacks %q:\n%s", w, got)
				}
			}
			for _, w := range c.unwanted {
				if strings.Contains(got, w) {
					t.Errorf("draft has %q:\n%s", w, got)
				}
			}
		})
	}
}

// TestJapaneseDraftLimitInCharacters: a 280-character limit holds 280
// Japanese characters (840 bytes), so the full draft fits where a byte
// count would have cut it; a tighter limit shortens it, still polite.
func TestJapaneseDraftLimitInCharacters(t *testing.T) {
	d := testDrafter(t, config.Templates{})
	biz := models.Business{Name: "rosies", DisplayName: "ロージーズ・ダイナー"}
	a := models.Analysis{Language: "ja", Aspects: []models.Aspect{{Term: "料理が冷めていた", Polarity: models.PolarityNegative}}}
	m := models.Mention{Author: "@tanaka", SourceKind: "twitter"}
	d.limits = map[string]int{"twitter": 280}
	full, err := d.Draft(biz, m, a)
	if err != nil {
		t.Fatal(err)
	}
	if n := utf8.RuneCountInString(full); n > 280 || len(full) <= 280 {
		t.Fatalf("full draft is %d characters, %d bytes; want ≤280 characters and >280 bytes:\n%s", n, len(full), full)
	}
	if !strings.Contains(full, "再発防止") {
		t.Errorf("full form expected within 280 characters:\n%s", full)
	}
	d.limits["twitter"] = 80
	short, err := d.Draft(biz, m, a)
	if err != nil {
		t.Fatal(err)
	}
	if n := utf8.RuneCountInString(short); n > 80 {
		t.Errorf("short draft is %d characters, limit 80:\n%s", n, short)
	}
	if !strings.Contains(short, "申し訳ございません") {
		t.Errorf("short draft lost the apology:\n%s", short)
	}
}

// TestByLanguageOverride: a business's own Japanese template replaces the
// built-in one; a broken one fails at start naming its key.
func TestByLanguageOverride(t *testing.T) {
	d := testDrafter(t, config.Templates{ByLanguage: map[string]string{"ja": `{{if .Customer}}{{.Customer}}様{{else}}お客様{{end}}、当店の者です。{{list .Issues "・" "・"}}、大変申し訳ございません。`}})
	got, err := d.Draft(models.Business{Name: "rosies"}, models.Mention{Author: "佐藤", Rating: rating(1), SourceKind: "google"},
		models.Analysis{Language: "ja", Aspects: []models.Aspect{{Term: "店員", Polarity: models.PolarityNegative}, {Term: "30分待ち", Polarity: models.PolarityNegative}}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "佐藤様、当店の者です。店員・30分待ち、大変申し訳ございません。"; got != want {
		t.Errorf("draft = %q, want %q", got, want)
	}
	cfg, err := config.Parse([]byte("businesses:\n  - name: rosies\n"), "earshot.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Alerts.Templates.ByLanguage = map[string]string{"ja": "{{.Nope}}"}
	if _, err := newDrafter(cfg); err == nil || !strings.Contains(err.Error(), "alerts.templates.by_language.ja") {
		t.Errorf("broken template error = %v, want one naming alerts.templates.by_language.ja", err)
	}
}
