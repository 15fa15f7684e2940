// Package wording turns values into the short phrases alerts, task
// lists and the CLI show people. Scraped text is hostile: OneLine strips
// control characters so a review cannot inject a header or a line.
package wording

import (
	"strconv"
	"strings"
	"time"
	"unicode"
)

// OneLine flattens text for a subject or heading: no control characters
// (no header injection), no runs of spaces, at most max characters.
func OneLine(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		s = string(r[:max-1]) + "…"
	}
	return s
}

// Duration says a duration in words, to the minute: "3 hours 20
// minutes", "2 days 4 hours".
func Duration(d time.Duration) string {
	d = d.Round(time.Minute)
	if d < time.Minute {
		return "less than a minute"
	}
	days := int(d / (24 * time.Hour))
	hours := int(d % (24 * time.Hour) / time.Hour)
	mins := int(d % time.Hour / time.Minute)
	unit := func(n int, s string) string {
		if n == 1 {
			return "1 " + s
		}
		return strconv.Itoa(n) + " " + s + "s"
	}
	var parts []string
	switch {
	case days > 0:
		parts = append(parts, unit(days, "day"))
		if hours > 0 {
			parts = append(parts, unit(hours, "hour"))
		}
	case hours > 0:
		parts = append(parts, unit(hours, "hour"))
		if mins > 0 {
			parts = append(parts, unit(mins, "minute"))
		}
	default:
		parts = append(parts, unit(mins, "minute"))
	}
	return strings.Join(parts, " ")
}
