package textclean

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestStore(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "Great food\n\tthanks", "Great food\n\tthanks"},
		{"nul", "urn:x\x00y", "urn:xy"},
		{"only nul", "\x00\x00", ""},
		{"invalid utf8", "caf\xe9", "caf\uFFFD"},
		{"rlo", "invoice \u202Efdp.exe", "invoice fdp.exe"},
		{"isolates", "\u2066a\u2067b\u2068c\u2069", "abc"},
		{"embeddings", "\u202Aa\u202Bb\u202Cc\u202Dd", "abcd"},
		{"rtl marks kept", "שלום\u200Fhi\u200E", "שלום\u200Fhi\u200E"},
		{"arabic kept", "خدمة سيئة", "خدمة سيئة"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Store(tc.in); got != tc.want {
				t.Errorf("Store(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if got := Display(tc.in); got != tc.want {
				t.Errorf("Display(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzStore(f *testing.F) {
	for _, s := range []string{"", "plain", "a\x00b", "caf\xe9", "\u202Eevil", "\xff\xfe\x00\u2066", "\xe2\x80", "\xe2\x80\xae"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Store(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Store(%q) = %q: invalid UTF-8", s, got)
		}
		if strings.ContainsRune(got, 0) {
			t.Fatalf("Store(%q) = %q keeps a NUL", s, got)
		}
		for _, r := range got {
			if IsBidiControl(r) {
				t.Fatalf("Store(%q) = %q keeps bidi control %U", s, got, r)
			}
		}
		if Store(got) != got {
			t.Fatalf("Store is not idempotent on %q", s)
		}
		if utf8.ValidString(s) && !strings.ContainsRune(s, 0) && len(got) > len(s) {
			t.Fatalf("Store grew valid input %q to %q", s, got)
		}
	})
}
