package digest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/earshot/earshot/i18n"
	"github.com/earshot/earshot/store"
)

// signalPhrase says how the complaint flag served the business in the
// week: the share of tasks staff corrected as not a complaint, the
// social mentions stored but not about the business, and the tasks
// waiting for someone who reads their language. Empty when there is
// nothing to say.
func signalPhrase(p i18n.Printer, s store.DigestSignal) string {
	var parts []string
	if s.Opened > 0 {
		parts = append(parts, p.T("digest.signal.corrected", map[string]any{"Corrected": s.Corrected, "Opened": s.Opened,
			"Pct": fmt.Sprintf("%.0f%%", 100*float64(s.Corrected)/float64(s.Opened))}))
	}
	if s.Unrelated > 0 {
		parts = append(parts, p.T("digest.signal.unrelated", map[string]any{"N": s.Unrelated}))
	}
	if len(s.HumanRead) > 0 {
		langs := make([]string, 0, len(s.HumanRead))
		for l := range s.HumanRead {
			langs = append(langs, l)
		}
		slices.Sort(langs)
		var each []string
		for _, l := range langs {
			each = append(each, p.T("digest.signal.in", map[string]any{"N": s.HumanRead[l], "Language": p.Language(l)}))
		}
		parts = append(parts, p.T("digest.signal.human_read", nil)+strings.Join(each, p.T("digest.sep", nil)))
	}
	return strings.Join(parts, p.T("digest.signal.sep", nil))
}
