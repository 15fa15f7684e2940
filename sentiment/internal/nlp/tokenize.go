// Package nlp holds the text machinery shared by the analyzer and its
// trainer: tokenising, a VADER-style lexicon scorer, hashed features and
// the small linear models the analyzer learns from data. Keeping it in one
// internal package guarantees that training and analysis see exactly the
// same features, which is the only way a learned weight means anything.
package nlp

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Token is one word, emoticon, emoji or number of a text.
type Token struct {
	Text  string // as written, edge punctuation removed
	Lower string // lower-cased Text; emoji keep their rune
	Start int    // byte offset of Text in the analysed string
	End   int    // byte offset just past Text
	// Caps is true for an all-capitals word of at least two letters.
	Caps bool
	// Emoji is set for pictographs, which carry their own valence.
	Emoji bool
	// PunctAfter holds the punctuation that followed the word (",", "!",
	// "...") so clause boundaries survive tokenising.
	PunctAfter string
	// SentEnd is true for the last token of a sentence.
	SentEnd bool
}

// Span is a half-open token range [From, To) with the byte range of the
// sentence it covers in the text.
type Span struct {
	From, To   int
	Start, End int
}

// Emoticons recognised as whole tokens before punctuation is stripped.
var emoticons = map[string]bool{
	":)": true, ":-)": true, ":(": true, ":-(": true, ":D": true, ":-D": true, ";)": true, ";-)": true,
	":P": true, ":p": true, ":/": true, ":-/": true, ":'(": true, ":|": true, ":-|": true, "<3": true,
	"</3": true, ":o": true, ":O": true, "=)": true, "=(": true, ":]": true, ":[": true, "xD": true, "XD": true,
	":((": true, ":))": true, "):": true, "(:": true, "^^": true, "^_^": true, "-_-": true, ":s": true, ":S": true,
}

// IsEmoticon reports whether a token is a text emoticon such as ":)".
func IsEmoticon(s string) bool { return emoticons[s] }

func isEmojiRune(r rune) bool {
	return (r >= 0x1F300 && r <= 0x1FAFF) || (r >= 0x2600 && r <= 0x27BF) || (r >= 0x1F000 && r <= 0x1F2FF)
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’' || r == '-' || r == '_' || r == '&' || r == '$' || r == '%' || r == '#' || r == '@' || r == '/'
}

// Tokenize splits text into tokens and sentences. It never fails: any byte
// sequence yields some (possibly empty) result, invalid UTF-8 included.
func Tokenize(text string, toks []Token, sents []Span) ([]Token, []Span) {
	toks = toks[:0]
	sents = sents[:0]
	sentFrom := 0
	sentStart := -1
	i := 0
	n := len(text)
	closeSentence := func(end int) {
		if len(toks) > sentFrom {
			toks[len(toks)-1].SentEnd = true
			sents = append(sents, Span{From: sentFrom, To: len(toks), Start: sentStart, End: end})
		}
		sentFrom = len(toks)
		sentStart = -1
	}
	for i < n {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == '\n' {
			if i+size < n && text[i+size] == '\n' || (len(toks) > sentFrom && toks[len(toks)-1].PunctAfter != "") {
				closeSentence(i)
			}
			i += size
			continue
		}
		if unicode.IsSpace(r) || r == utf8.RuneError && size <= 1 {
			i += size
			continue
		}
		// A whitespace-delimited chunk.
		j := i
		for j < n {
			r2, s2 := utf8.DecodeRuneInString(text[j:])
			if unicode.IsSpace(r2) {
				break
			}
			j += s2
		}
		chunk := text[i:j]
		if emoticons[chunk] || emoticons[strings.TrimRight(chunk, ".,!?")] && len(chunk) > 1 {
			e := strings.TrimRight(chunk, ".,!?")
			if sentStart < 0 {
				sentStart = i
			}
			toks = append(toks, Token{Text: e, Lower: strings.ToLower(e), Start: i, End: i + len(e), PunctAfter: chunk[len(e):]})
			i = j
			continue
		}
		// Walk the chunk, emitting words, emoji, and attaching punctuation.
		k := i
		for k < j {
			r2, s2 := utf8.DecodeRuneInString(text[k:])
			switch {
			case isEmojiRune(r2):
				if sentStart < 0 {
					sentStart = k
				}
				toks = append(toks, Token{Text: text[k : k+s2], Lower: text[k : k+s2], Start: k, End: k + s2, Emoji: true})
				k += s2
			case isWordRune(r2) && r2 != '\'' && r2 != '’' && r2 != '-' && r2 != '/':
				w := k
				for w < j {
					r3, s3 := utf8.DecodeRuneInString(text[w:])
					if !isWordRune(r3) {
						break
					}
					// A dot inside a word ("e.g", "3.5") is kept when followed by a letter or digit.
					w += s3
				}
				// keep decimal numbers and dotted abbreviations together
				for w+1 < j && text[w] == '.' && (isASCIIAlnum(text[w+1])) && w > k && isASCIIAlnum(text[w-1]) {
					w++
					for w < j {
						r3, s3 := utf8.DecodeRuneInString(text[w:])
						if !isWordRune(r3) {
							break
						}
						w += s3
					}
				}
				word := strings.TrimRight(text[k:w], "'’-/")
				end := k + len(word)
				if sentStart < 0 {
					sentStart = k
				}
				toks = append(toks, newWord(word, k, end))
				k = end
				if k == w {
					continue
				}
				k = w
			default:
				// punctuation
				p := k
				for p < j {
					r3, s3 := utf8.DecodeRuneInString(text[p:])
					if isEmojiRune(r3) || (isWordRune(r3) && r3 != '\'' && r3 != '’' && r3 != '-' && r3 != '/') {
						break
					}
					p += s3
				}
				punct := text[k:p]
				if len(toks) > sentFrom {
					toks[len(toks)-1].PunctAfter += punct
				}
				if strings.ContainsAny(punct, ".!?") && (p == j || !isASCIIAlnum(text[p])) && !(len(toks) > 0 && abbreviation(toks[len(toks)-1].Lower, text, punct, p)) {
					closeSentence(p)
				}
				k = p
			}
		}
		i = j
	}
	closeSentence(n)
	return toks, sents
}

func isASCIIAlnum(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

func newWord(w string, start, end int) Token {
	t := Token{Text: w, Start: start, End: end}
	upper, lower := 0, 0
	ascii := true
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= 0x80 {
			ascii = false
			break
		}
		if c >= 'A' && c <= 'Z' {
			upper++
		} else if c >= 'a' && c <= 'z' {
			lower++
		}
	}
	if ascii {
		if upper == 0 {
			t.Lower = w
		} else {
			t.Lower = strings.ToLower(w)
		}
		t.Caps = upper >= 2 && lower == 0
	} else {
		t.Lower = strings.ToLower(strings.ReplaceAll(w, "’", "'"))
		hasLower := false
		ups := 0
		for _, r := range w {
			if unicode.IsLower(r) {
				hasLower = true
			} else if unicode.IsUpper(r) {
				ups++
			}
		}
		t.Caps = ups >= 2 && !hasLower
	}
	return t
}

var abbreviations = map[string]bool{"mr": true, "mrs": true, "ms": true, "dr": true, "vs": true, "etc": true, "approx": true, "st": true, "no": true, "incl": true, "min": true, "mins": true, "hrs": true}

// abbreviation reports a "." after an abbreviation ("e.g. it", "approx.
// ten") followed by a lower-case word, which does not end a sentence.
func abbreviation(prev, text, punct string, p int) bool {
	if punct != "." || !(abbreviations[prev] || strings.Contains(prev, ".") || len(prev) == 1) {
		return false
	}
	for p < len(text) && (text[p] == ' ' || text[p] == '\t') {
		p++
	}
	return p < len(text) && text[p] >= 'a' && text[p] <= 'z'
}
