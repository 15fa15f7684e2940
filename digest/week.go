package digest

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Week is an ISO 8601 week ("2026-W47"): Monday to Sunday, week 1 being
// the week with the year's first Thursday. Owners think in weeks, and the
// ISO numbering is the one calendars and spreadsheets show. A week's
// bounds depend on the business's time zone: a London café's week starts
// at midnight in London.
type Week struct {
	Year int
	Num  int
}

// String writes the week as 2026-W47.
func (w Week) String() string { return fmt.Sprintf("%04d-W%02d", w.Year, w.Num) }

// IsZero reports whether the week was left unset.
func (w Week) IsZero() bool { return w == Week{} }

// ParseWeek reads a week written like 2026-W47 (or 2026W47, 2026-w47).
func ParseWeek(s string) (Week, error) {
	orig := s
	s = strings.ToUpper(strings.TrimSpace(s))
	y, n, ok := strings.Cut(s, "W")
	y = strings.TrimSuffix(y, "-")
	if !ok || len(y) != 4 || len(n) < 1 || len(n) > 2 {
		return Week{}, fmt.Errorf("digest: week %q: %w; write it like 2026-W47", orig, ErrBadWeek)
	}
	year, err1 := strconv.Atoi(y)
	num, err2 := strconv.Atoi(n)
	if err1 != nil || err2 != nil || year < 1 || strings.ContainsAny(y+n, "+-") {
		return Week{}, fmt.Errorf("digest: week %q: %w; write it like 2026-W47", orig, ErrBadWeek)
	}
	w := Week{Year: year, Num: num}
	if num < 1 || num > weeksIn(year) {
		return Week{}, fmt.Errorf("digest: week %q: %w; %d has weeks 1 to %d", orig, ErrBadWeek, year, weeksIn(year))
	}
	return w, nil
}

// weeksIn returns 52 or 53: the ISO week of 28 December is always the
// last one of its year.
func weeksIn(year int) int {
	_, w := time.Date(year, 12, 28, 12, 0, 0, 0, time.UTC).ISOWeek()
	return w
}

// WeekOf returns the ISO week that t falls in, in loc.
func WeekOf(t time.Time, loc *time.Location) Week {
	y, w := t.In(loc).ISOWeek()
	return Week{Year: y, Num: w}
}

// monday returns the calendar date of the week's Monday.
func (w Week) monday() (int, time.Month, int) {
	jan4 := time.Date(w.Year, 1, 4, 12, 0, 0, 0, time.UTC)
	off := (int(jan4.Weekday()) + 6) % 7 // days since Monday
	d := jan4.AddDate(0, 0, -off+(w.Num-1)*7)
	return d.Date()
}

// Day returns midnight starting the i-th day of the week in loc (0 is
// Monday; 7 is the next Monday). Days are counted on the calendar, so a
// week with a daylight-saving change is 167 or 169 hours long.
func (w Week) Day(i int, loc *time.Location) time.Time {
	y, m, d := w.monday()
	return time.Date(y, m, d+i, 0, 0, 0, 0, loc)
}

// Bounds returns the week's start (Monday 00:00) and end (next Monday
// 00:00) in loc.
func (w Week) Bounds(loc *time.Location) (start, end time.Time) {
	return w.Day(0, loc), w.Day(7, loc)
}

// Add returns the week n weeks later (earlier when n is negative).
func (w Week) Add(n int) Week {
	y, m, d := w.monday()
	return WeekOf(time.Date(y, m, d+7*n, 12, 0, 0, 0, time.UTC), time.UTC)
}
