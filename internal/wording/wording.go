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

// Count writes a count with its noun in the right number: "1 page",
// "3 pages", "0 pages".
func Count(n int, noun string) string { return CountAs(n, noun, noun+"s") }

// CountAs is Count for nouns whose plural is not noun+"s".
func CountAs(n int, one, many string) string {
	if n == 1 {
		return strconv.Itoa(n) + " " + one
	}
	return strconv.Itoa(n) + " " + many
}
