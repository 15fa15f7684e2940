// Package textclean is the one place scraped text is made safe to keep
// and to show. Scraped strings are hostile: a NUL byte makes PostgreSQL
// reject a whole batch ("invalid byte sequence for encoding UTF8: 0x00"),
// invalid UTF-8 does the same, and Unicode bidi override characters
// (U+202E RIGHT-TO-LEFT OVERRIDE and friends) make "moc.elgoog" read as
// "google.com" in a subject line or a terminal. Stored strings pass
// through Store once, where a scraper hands a mention to the store;
// anything printed for people (web pages, terminals, alert subjects)
// passes through Display.
package textclean

import (
	"strings"
	"unicode/utf8"
)

// Store returns s fit for any database: valid UTF-8 (invalid bytes become
// U+FFFD), no NUL bytes, and no bidi embedding, override or isolate
// characters. Everything else, newlines and tabs included, is kept.
func Store(s string) string {
	if clean(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r == 0 || IsBidiControl(r) {
			return -1
		}
		return r
	}, s)
}

// Display returns s safe to show to a person: Store's cleaning, so text
// stored before it existed is covered too. Bidi controls are dropped
// rather than escaped: they carry no meaning a reader needs, and the
// surrounding text then renders in its natural order.
func Display(s string) string { return Store(s) }

// IsBidiControl reports whether r is one of the explicit directional
// formatting characters that can reorder what follows them: the
// embeddings and overrides U+202A–U+202E and the isolates U+2066–U+2069.
// The implicit marks (U+200E LRM, U+200F RLM, U+061C ALM) only affect
// neutral characters next to them and are kept: real right-to-left text
// uses them.
func IsBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// clean is the fast path: most strings need nothing.
func clean(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == 0 {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || IsBidiControl(r) {
			return false
		}
		i += n
	}
	return true
}
