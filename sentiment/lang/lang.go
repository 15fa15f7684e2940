// Package lang tells which language a mention is written in, well enough
// on the short texts reviews and posts are made of ("Sehr schlecht",
// "最悪", "Muy mal servicio 😡") that no complaint is dropped or misread
// for its language.
//
// The order of evidence, strongest first:
//
//  1. the language the site itself declares for the mention (a Trustpilot
//     review's "language", a tweet's "lang"), when it names one;
//  2. decisive scripts: kana is Japanese, hangul Korean, Cyrillic Russian
//     (and so on); text of Chinese characters alone is Japanese when it
//     uses forms only Japanese writes (悪, 気, 対 ...), Chinese when it uses
//     simplified forms or Chinese function characters (这, 们, 的, 很 ...),
//     and otherwise the business's locale decides (ja for a Japanese
//     business, zh elsewhere);
//  3. for Latin script, the words: each word known to a language's list
//     of everyday review words votes for it (split between the languages
//     that share it), letters such as ñ, ß or œ add their vote, English
//     wins ties, and the trigram detector github.com/abadojack/whatlanggo
//     casts one more vote, carrying the decision alone for longer texts
//     made of words no list knows.
//
// A trigram model alone misreads two-word phrases ("Terrible service" as
// French, "Muy bueno" as Italian); word lists alone know no long text.
// Both together pass the short-mention set in testdata (see
// BENCHMARKS.md). github.com/pemistahl/lingua-go was measured too and is
// more accurate on its own, but it embeds every language's model (+132
// MB of binary, 364 MB resident in its accurate mode).
package lang

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/abadojack/whatlanggo"
)

// Und is the code for text whose language cannot be told (emoji only, a
// number, one unknown word).
const Und = "und"

// Analysed are the languages earshot analyses itself; every other
// language is named and left for a human read.
var Analysed = map[string]bool{"en": true, "ja": true, "es": true, "de": true, "fr": true}

// Source says which evidence decided a language.
type Source string

const (
	SourceDeclared Source = "declared" // the site's own language field
	SourceScript   Source = "script"   // a decisive script (kana, hangul, ...)
	SourceWords    Source = "words"    // words and letters of the text
	SourceLocale   Source = "locale"   // the business's locale broke a tie
	SourceNone     Source = "none"     // nothing to go on
)

// Result is a detected language.
type Result struct {
	Code   string // ISO 639-1 ("en", "ja"), or Und
	Source Source
}

// Detector detects languages. It holds no state besides its word lists
// and is safe for concurrent use.
type Detector struct {
	vocab map[string]uint16 // word -> bit set of latinLangs
	wl    whatlanggo.Options
}

// latinLangs are the Latin-script languages told apart by their words;
// the index is the bit in vocab.
var latinLangs = []string{"en", "es", "de", "fr", "it", "pt", "nl"}

var wlCodes = map[whatlanggo.Lang]string{whatlanggo.Eng: "en", whatlanggo.Spa: "es", whatlanggo.Deu: "de",
	whatlanggo.Fra: "fr", whatlanggo.Ita: "it", whatlanggo.Por: "pt", whatlanggo.Nld: "nl"}

// Options extends the built-in word lists: language -> extra words (the
// English analyzer passes its sentiment lexicon and the vocabulary of its
// learned model, so every English word counts as English). An extra word
// that another language's built-in list holds is not added: English
// corpora quote "das", "nous" and "muy", and those must stay evidence of
// German, French and Spanish.
type Options struct {
	Words map[string][]string
}

// New builds a detector from the built-in word lists and opts.
func New(opts Options) *Detector {
	d := &Detector{vocab: make(map[string]uint16, 4096), wl: whatlanggo.Options{Whitelist: map[whatlanggo.Lang]bool{}}}
	for l := range wlCodes {
		d.wl.Whitelist[l] = true
	}
	for i, l := range latinLangs {
		for _, w := range strings.Fields(wordLists[l]) {
			d.vocab[w] |= 1 << i
		}
	}
	for i, l := range latinLangs {
		for _, w := range opts.Words[l] {
			w = strings.ToLower(w)
			if strings.ContainsAny(w, " ") || d.vocab[w]&^(1<<i) != 0 {
				continue
			}
			d.vocab[w] |= 1 << i
		}
	}
	return d
}

// Normalize turns a site's language tag ("ja-JP", "en_US", "jpn",
// "Japanese") into an ISO 639-1 code, or "" when it names none ("und",
// "", "zxx").
func Normalize(tag string) string {
	t := strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(t, "-_"); i > 0 {
		t = t[:i]
	}
	switch t {
	case "", "und", "zxx", "mul", "unknown", "xx":
		return ""
	}
	if len(t) == 2 {
		return t
	}
	if len(t) == 3 {
		if l := whatlanggo.CodeToLang(t); l != -1 {
			if c := l.Iso6391(); c != "" {
				return c
			}
		}
		if c, ok := threeLetter[t]; ok {
			return c
		}
	}
	if c, ok := languageNames[t]; ok {
		return c
	}
	return ""
}

var threeLetter = map[string]string{"zho": "zh", "chi": "zh", "cmn": "zh", "ger": "de", "fre": "fr", "jpn": "ja", "eng": "en", "spa": "es"}

var languageNames = map[string]string{"english": "en", "japanese": "ja", "spanish": "es", "german": "de", "french": "fr",
	"chinese": "zh", "italian": "it", "portuguese": "pt", "dutch": "nl", "korean": "ko", "russian": "ru", "日本語": "ja"}

// Detect names the language of text. declared is the site's own language
// field for the mention ("" when it gives none); locale is the business's
// locale ("ja", "en-GB", "" when unset), used only to break a tie between
// Japanese and Chinese in text of Chinese characters alone.
func (d *Detector) Detect(text, declared, locale string) Result {
	r, latin := d.detect(text, locale)
	if c := Normalize(declared); c != "" && r.Code != Und {
		// The site's field wins unless the script says otherwise: a page
		// declared "en" (often the page's language, not the review's)
		// cannot hold a review in kana, nor a "ja" page an English one.
		if latin == !nonLatinLang[c] {
			return Result{Code: c, Source: SourceDeclared}
		}
	} else if c != "" && hasLetters(text) {
		return Result{Code: c, Source: SourceDeclared}
	}
	return r
}

// nonLatinLang are languages not written in Latin script.
var nonLatinLang = map[string]bool{"ja": true, "zh": true, "ko": true, "ru": true, "uk": true, "bg": true, "ar": true, "he": true,
	"el": true, "th": true, "hi": true, "fa": true, "sr": true, "mk": true, "be": true, "ka": true, "hy": true}

func hasLetters(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// detect reads the text alone; latin reports a Latin-script text.
func (d *Detector) detect(text, locale string) (Result, bool) {
	var latin, kana, han, hangul, letters int
	var other [8]int // per scripts entry
	for _, r := range text {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		switch {
		case r < 0x250 || r >= 0x1E00 && r < 0x1F00:
			latin++
		case unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || r == 'ー' || r >= 0xFF66 && r <= 0xFF9D:
			kana++
		case unicode.Is(unicode.Han, r):
			han++
		case unicode.Is(unicode.Hangul, r):
			hangul++
		default:
			for k, s := range scripts {
				if unicode.Is(s.table, r) {
					other[k]++
					break
				}
			}
		}
	}
	if letters == 0 {
		return Result{Code: Und, Source: SourceNone}, false
	}
	// A CJK character carries about a word, a Latin letter a fraction of
	// one: "iPhoneのアプリ最高" is Japanese.
	nonLatin := letters - latin + 2*(kana+han+hangul)
	if nonLatin > latin || latin < 3 && nonLatin > 0 {
		switch {
		case kana > 0:
			return Result{Code: "ja", Source: SourceScript}, false
		case hangul > 0:
			return Result{Code: "ko", Source: SourceScript}, false
		case han > 0:
			return hanOnly(text, locale), false
		}
		best, bn := "", 0
		for k, s := range scripts {
			if n := other[k]; n > bn {
				best, bn = s.code, n
			}
		}
		if best != "" {
			return Result{Code: best, Source: SourceScript}, false
		}
		return Result{Code: Und, Source: SourceNone}, false
	}
	return d.latin(text), true
}

var scripts = []struct {
	code  string
	table *unicode.RangeTable
}{
	{"ru", unicode.Cyrillic}, {"ar", unicode.Arabic}, {"he", unicode.Hebrew}, {"el", unicode.Greek},
	{"th", unicode.Thai}, {"hi", unicode.Devanagari},
}

// hanOnly tells Japanese from Chinese in text of Chinese characters only.
func hanOnly(text, locale string) Result {
	ja, zh := 0, 0
	for _, r := range text {
		switch {
		case strings.ContainsRune(japaneseOnlyHan, r):
			ja++
		case strings.ContainsRune(chineseOnlyHan, r):
			zh++
		}
	}
	for _, w := range japaneseHanWords {
		if strings.Contains(text, w) {
			ja++
		}
	}
	switch {
	case ja > zh:
		return Result{Code: "ja", Source: SourceScript}
	case zh > ja:
		return Result{Code: "zh", Source: SourceScript}
	}
	switch Normalize(locale) {
	case "ja":
		return Result{Code: "ja", Source: SourceLocale}
	case "zh":
		return Result{Code: "zh", Source: SourceLocale}
	}
	// Short kanji-only reviews on Japanese sites are common (普通, 満足),
	// Chinese ones nearly always carry a function character: with no
	// locale a short text is taken for Japanese, so it is analysed rather
	// than left aside.
	if utf8.RuneCountInString(text) <= 6 {
		return Result{Code: "ja", Source: SourceLocale}
	}
	return Result{Code: "zh", Source: SourceLocale}
}

// latin decides between the Latin-script languages. It allocates
// nothing unless the words leave the choice open, when the trigram
// detector is asked.
func (d *Detector) latin(text string) Result {
	var score [8]float64
	var buf [64]byte
	words, known := 0, 0
	vote := func(bits uint16) {
		n := 0
		for b := bits; b != 0; b &= b - 1 {
			n++
		}
		for i := range latinLangs {
			if bits&(1<<i) != 0 {
				score[i] += 1 / float64(n)
			}
		}
	}
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsLetter(r) {
			i += n
			continue
		}
		w := buf[:0]
		apos := -1
		for i < len(text) {
			r, n = utf8.DecodeRuneInString(text[i:])
			if r == '\'' || r == '’' {
				if apos < 0 {
					apos = len(w)
				}
				w = append(w, '\'')
				i += n
				continue
			}
			if !unicode.IsLetter(r) {
				break
			}
			if r < utf8.RuneSelf {
				if 'A' <= r && r <= 'Z' {
					r += 'a' - 'A'
				}
				w = append(w, byte(r))
			} else {
				r = unicode.ToLower(r)
				w = utf8.AppendRune(w, r)
				if k, ok := hintOf[r]; ok {
					score[k] += 0.6
				}
			}
			i += n
		}
		words++
		bits, ok := d.vocab[string(w)]
		if !ok && apos > 0 {
			// "n'est", "l'accueil": the word after the elision decides
			bits, ok = d.vocab[string(w[apos+1:])]
			if !ok {
				bits, ok = d.vocab[string(w[:apos])]
			}
		}
		if ok && bits != 0 {
			known++
			vote(bits)
		}
	}
	if words == 0 {
		return Result{Code: Und, Source: SourceNone}
	}
	score[0] += 0.3 // English wins ties
	best, second := 0, -1
	for i := 1; i < len(latinLangs); i++ {
		if score[i] > score[best] {
			best, second = i, best
		} else if second < 0 || score[i] > score[second] {
			second = i
		}
	}
	// the trigram vote grows with the text, so long texts of words no
	// list knows are decided by it; it is asked only when it could
	// change the outcome
	wlVote := 0.5 + 0.1*float64(words-known) + 0.2*float64(max(0, words-3))
	if words >= 3 && score[best]-score[second] <= wlVote {
		info := whatlanggo.DetectWithOptions(text, d.wl)
		if c, ok := wlCodes[info.Lang]; ok {
			for i, l := range latinLangs {
				if l == c {
					score[i] += wlVote
				}
			}
		}
		best = 0
		for i := range latinLangs {
			if score[i] > score[best] {
				best = i
			}
		}
	}
	if score[best] < 0.5 && words < 2 {
		return Result{Code: Und, Source: SourceNone}
	}
	return Result{Code: latinLangs[best], Source: SourceWords}
}

// hintOf maps each hint letter to its language's index in latinLangs.
var hintOf = func() map[rune]int {
	m := map[rune]int{}
	for i, l := range latinLangs {
		for _, r := range letterHints[l] {
			m[r] = i
		}
	}
	return m
}()
