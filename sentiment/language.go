package sentiment

import (
	"strings"

	"github.com/earshot/earshot/sentiment/lang"
)

// newDetector builds the language detector with every English word the
// analyzer knows (its sentiment lexicon, the vocabulary of its learned
// part-of-speech table and the taxonomy terms), so English words always
// count as English.
func (a *Analyzer) newDetector(pos map[string]string) *lang.Detector {
	words := make([]string, 0, len(a.lex.Words)+len(pos)+256)
	for w := range a.lex.Words {
		words = append(words, w)
	}
	for w := range pos {
		words = append(words, w)
	}
	for _, cats := range builtinPacks {
		for _, terms := range cats {
			for _, t := range terms {
				words = append(words, strings.Fields(t)...)
			}
		}
	}
	return lang.New(lang.Options{Words: map[string][]string{"en": words}})
}

// languageNames name the languages in reasons, for the owner.
var languageNames = map[string]string{"zh": "Chinese", "it": "Italian", "pt": "Portuguese", "nl": "Dutch", "ko": "Korean",
	"ru": "Russian", "ar": "Arabic", "he": "Hebrew", "el": "Greek", "th": "Thai", "hi": "Hindi", "ja": "Japanese",
	"es": "Spanish", "de": "German", "fr": "French", "en": "English", "sv": "Swedish", "pl": "Polish", "tr": "Turkish",
	"da": "Danish", "no": "Norwegian", "fi": "Finnish", "cs": "Czech", "uk": "Ukrainian", "vi": "Vietnamese", "id": "Indonesian"}

func languageName(code string) string {
	if n, ok := languageNames[code]; ok {
		return n
	}
	return code
}
