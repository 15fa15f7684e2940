package tasks

import "github.com/earshot/earshot/models"

// languageNames name the languages earshot detects, for owners.
var languageNames = map[string]string{
	"ja": "Japanese", "zh": "Chinese", "ko": "Korean", "es": "Spanish", "de": "German", "fr": "French",
	"it": "Italian", "pt": "Portuguese", "nl": "Dutch", "ru": "Russian", "ar": "Arabic", "he": "Hebrew",
	"el": "Greek", "th": "Thai", "hi": "Hindi", "pl": "Polish", "sv": "Swedish", "tr": "Turkish",
	"en": "English", "und": "an unknown language",
}

// LanguageName names a language code for owners ("ja" is Japanese); an
// unknown code is shown as it is.
func LanguageName(code string) string {
	if n, ok := languageNames[code]; ok {
		return n
	}
	return code
}

// Label says what is special about a task for lists: a "needs a human
// read" task and the language of a mention that is not in English.
func Label(t models.Task) string {
	k := KindOf(t.Kind)
	switch {
	case t.Kind == models.TaskHumanRead:
		return k.Label + " (" + LanguageName(t.Language) + ")"
	case k.Label != "" && t.Language != "":
		return k.Label + ", in " + LanguageName(t.Language)
	case k.Label != "":
		return k.Label
	case t.Language != "":
		return "in " + LanguageName(t.Language)
	}
	return ""
}
