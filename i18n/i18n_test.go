package i18n

import (
	"slices"
	"testing"
	"time"
)

// TestCataloguesComplete fails when a key of the English catalogue is
// missing from another locale's, or a locale has a key English lacks
// (a typo that would never be shown).
func TestCataloguesComplete(t *testing.T) {
	en, err := Keys("en")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range Locales[1:] {
		t.Run(l, func(t *testing.T) {
			ks, err := Keys(l)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range en {
				if !slices.Contains(ks, k) {
					t.Errorf("key %q is in en but not in %s", k, l)
				}
			}
			for _, k := range ks {
				if !slices.Contains(en, k) {
					t.Errorf("key %q is in %s but not in en", k, l)
				}
			}
		})
	}
}

func TestFormats(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	at := time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC) // 17:00 in Tokyo, a Friday
	now := at.Add(-(27*time.Hour + 5*time.Minute))
	for _, tc := range []struct {
		locale                 string
		date, short, remaining string
		overdue, number, list  string
	}{
		{"en", "Fri 4 Dec 17:00 JST", "Fri 4 Dec 17:00", "due in 1 day 3 hours", "overdue by 1 minute", "12,345", "a, b and c"},
		{"ja", "2026年12月4日(金) 17:00 JST", "12月4日(金) 17:00", "期限まであと1日3時間", "期限を1分超過", "12,345", "a、b、c"},
		{"it", "Fri 4 Dec 17:00 JST", "Fri 4 Dec 17:00", "due in 1 day 3 hours", "overdue by 1 minute", "12,345", "a, b and c"},
	} {
		t.Run(tc.locale, func(t *testing.T) {
			p := For(tc.locale, tokyo)
			check := func(what, got, want string) {
				t.Helper()
				if got != want {
					t.Errorf("%s = %q, want %q", what, got, want)
				}
			}
			check("DateTime", p.DateTime(at), tc.date)
			check("ShortDateTime", p.ShortDateTime(at), tc.short)
			check("Remaining", p.Remaining(now, at), tc.remaining)
			check("overdue", p.Remaining(at.Add(time.Minute), at), tc.overdue)
			check("Number", p.Number(12345), tc.number)
			check("List", p.List([]string{"a", "b", "c"}), tc.list)
		})
	}
}

func TestMissingKeyShowsID(t *testing.T) {
	if got := For("ja", nil).T("no.such.key", nil); got != "no.such.key" {
		t.Errorf("missing key rendered as %q", got)
	}
}
