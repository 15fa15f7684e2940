package sentiment

import (
	"unicode"

	"github.com/earshot/earshot/sentiment/internal/nlp"
)

// stopwords of the Latin-script languages earshot can recognise. Only
// English is analysed; the others are named so the owner knows why a
// mention was not scored.
var stopwords = map[string]map[string]bool{
	"en": set("the a an and is was were are to of it this that with for not but very you i we they my our have had has be at on in so your he she his her me just all do get got can what when how if or from by about no yes will would should there their them him been it's i'm don't lol as"),
	"de": set("der die das und ist war nicht ein eine ich wir sie es zu mit auf für sehr aber auch bei uns den dem des noch nur wie schon kein keine"),
	"fr": set("le la les et est était pas un une je nous vous il elle avec pour très mais des du au aux ce cette qui que sur dans ne"),
	"es": set("el la los las y es era un una yo nosotros con para muy pero del al que por lo se nos fue está esta"),
	"it": set("il lo la gli le è era non una io noi con per molto ma del della che di sono ci siamo anche questo"),
	"nl": set("de het een en is was niet ik wij we zij met voor zeer heel maar ook van dat die op te zijn er geen"),
	"pt": set("os é era não um uma eu nós com para muito mas da que em na foi está também"),
	"sv": set("och är var inte ett jag vi med för mycket men också av att det som på till har"),
	"pl": set("jest był nie na że się jak bardzo ale też jestem byłem"),
	"tr": set("ve bir bu çok ama için ile değil ben biz gibi var yok"),
	"id": set("dan yang tidak ini itu saya kami dengan untuk sangat tapi juga ada dari"),
}

// langOrder fixes the order languages are tried in, so ties resolve the
// same way on every run.
var langOrder = []string{"en", "de", "fr", "es", "it", "nl", "pt", "sv", "pl", "tr", "id"}

func set(s string) map[string]bool {
	m := map[string]bool{}
	w := ""
	for _, r := range s + " " {
		if r == ' ' {
			if w != "" {
				m[w] = true
			}
			w = ""
			continue
		}
		w += string(r)
	}
	return m
}

// detectLanguage returns an ISO 639-1 code, or "und" when the text has too
// few words to tell (emoji only, a number). Non-Latin scripts are named by
// script; Latin text by stopword counts.
func detectLanguage(text string, toks []nlp.Token) string {
	var latin, cyr, han, kana, hangul, arabic, hebrew, greek, thai, deva, letters int
	for _, r := range text {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		switch {
		case r < 0x250:
			latin++
		case unicode.Is(unicode.Cyrillic, r):
			cyr++
		case unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r):
			kana++
		case unicode.Is(unicode.Han, r):
			han++
		case unicode.Is(unicode.Hangul, r):
			hangul++
		case unicode.Is(unicode.Arabic, r):
			arabic++
		case unicode.Is(unicode.Hebrew, r):
			hebrew++
		case unicode.Is(unicode.Greek, r):
			greek++
		case unicode.Is(unicode.Thai, r):
			thai++
		case unicode.Is(unicode.Devanagari, r):
			deva++
		}
	}
	if letters == 0 {
		return "und"
	}
	nonLatin := letters - latin
	if nonLatin*2 > letters {
		switch {
		case kana > 0:
			return "ja"
		case hangul > 0:
			return "ko"
		case han > 0:
			return "zh"
		case cyr > 0:
			return "ru"
		case arabic > 0:
			return "ar"
		case hebrew > 0:
			return "he"
		case greek > 0:
			return "el"
		case thai > 0:
			return "th"
		case deva > 0:
			return "hi"
		}
		return "und"
	}
	counts := make(map[string]int, len(langOrder))
	words := 0
	for _, t := range toks {
		if t.Emoji {
			continue
		}
		words++
		for _, lang := range langOrder {
			if stopwords[lang][t.Lower] {
				counts[lang]++
			}
		}
	}
	best, bn := "en", counts["en"]
	for _, lang := range langOrder {
		if n := counts[lang]; n > bn {
			best, bn = lang, n
		}
	}
	if best != "en" {
		// Demand real evidence before refusing to score: several stopwords
		// (two in a very short text) and at least twice the English ones.
		need := 3
		if words <= 6 {
			need = 2
		}
		if bn < need || bn <= 2*counts["en"] {
			return "en"
		}
		return best
	}
	if words < 2 && bn == 0 {
		return "und"
	}
	return "en"
}
