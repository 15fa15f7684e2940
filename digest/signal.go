package digest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/earshot/earshot/store"
	"github.com/earshot/earshot/tasks"
)

// signalPhrase says how the complaint flag served the business in the
// week: the share of tasks staff corrected as not a complaint, the
// social mentions stored but not about the business, and the tasks
// waiting for someone who reads their language. Empty when there is
// nothing to say.
func signalPhrase(s store.DigestSignal) string {
	var parts []string
	if s.Opened > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d tasks corrected by staff as not a complaint (%.0f%%)",
			s.Corrected, s.Opened, 100*float64(s.Corrected)/float64(s.Opened)))
	}
	if s.Unrelated > 0 {
		parts = append(parts, fmt.Sprintf("%d social mentions not about the business (stored and counted, no task)", s.Unrelated))
	}
	if len(s.HumanRead) > 0 {
		langs := make([]string, 0, len(s.HumanRead))
		for l := range s.HumanRead {
			langs = append(langs, l)
		}
		slices.Sort(langs)
		var each []string
		for _, l := range langs {
			each = append(each, fmt.Sprintf("%d in %s", s.HumanRead[l], tasks.LanguageName(l)))
		}
		parts = append(parts, "needing a human read: "+strings.Join(each, ", "))
	}
	return strings.Join(parts, "; ")
}
