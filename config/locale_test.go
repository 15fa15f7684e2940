package config

import (
	"strings"
	"testing"
)

func TestBusinessLocale(t *testing.T) {
	for _, c := range []struct {
		name, yaml, want, err string
	}{
		{"default en", "businesses:\n  - name: a\n", "en", ""},
		{"ja", "businesses:\n  - name: a\n    locale: ja\n", "ja", ""},
		{"unknown locale named", "businesses:\n  - name: a\n    locale: klingon\n", "", `businesses[0].locale: unknown locale "klingon"; use one of en, ja`},
		{"by_language template checked", "alerts:\n  templates:\n    by_language:\n      ja: \"{{.Customer\"\nbusinesses:\n  - name: a\n", "", "alerts.templates.by_language.ja"},
		{"by_language key checked", "alerts:\n  templates:\n    by_language:\n      japanese: \"x\"\nbusinesses:\n  - name: a\n", "", `alerts.templates.by_language.japanese: "japanese" is not a language code`},
		{"by_language accepted", "alerts:\n  templates:\n    by_language:\n      ja: \"{{.Customer}}様、{{list .Issues \\\"、\\\" \\\"、\\\"}}、申し訳ございません。\"\nbusinesses:\n  - name: a\n", "en", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := Parse([]byte(c.yaml), "earshot.yaml", func(string) string { return "" })
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error = %v, want one containing %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Businesses[0].Locale; got != c.want {
				t.Errorf("locale = %q, want %q", got, c.want)
			}
		})
	}
}
