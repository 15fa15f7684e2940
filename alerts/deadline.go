package alerts

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/models"
)

// Policy channels of a complaint.
const (
	ChannelSocial = "social"
	ChannelReview = "review"
)

// PolicyChannel says whether a mention is a review (it has a rating) or a
// social post, which decides its deadline rules.
func PolicyChannel(m models.Mention) string {
	if m.Rating == nil {
		return ChannelSocial
	}
	return ChannelReview
}

// Hours are a business's opening hours in its time zone.
type Hours struct {
	Loc         *time.Location
	Days        [7]bool // by time.Weekday
	Open, Close time.Duration
}

// HoursOf reads the opening hours of a configured business. A business
// missing from the config gets Monday to Friday, 09:00–17:00 UTC.
func HoursOf(b *config.Business) Hours {
	h := Hours{Loc: time.UTC, Open: 9 * time.Hour, Close: 17 * time.Hour}
	for d := time.Monday; d <= time.Friday; d++ {
		h.Days[d] = true
	}
	if b == nil {
		return h
	}
	h.Loc = b.Location()
	if len(b.Hours.Days) > 0 {
		h.Days = [7]bool{}
		names := []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
		for _, d := range b.Hours.Days {
			if i := slices.Index(names, strings.ToLower(d)); i >= 0 {
				h.Days[i] = true
			}
		}
	}
	if o, ok := clock(b.Hours.Open); ok {
		h.Open = o
	}
	if c, ok := clock(b.Hours.Close); ok {
		h.Close = c
	}
	return h
}

func clock(s string) (time.Duration, bool) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, false
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, true
}

// AddBusinessTime returns the instant d of opening hours after start.
// Opening and closing times are wall-clock times in the business's zone,
// so a day on which clocks change is still 09:00 to 17:00 local time.
func (h Hours) AddBusinessTime(start time.Time, d time.Duration) time.Time {
	anyDay := false
	for _, open := range h.Days {
		anyDay = anyDay || open
	}
	if !anyDay || h.Close <= h.Open {
		return start.Add(d)
	}
	t := start.In(h.Loc)
	for range 3700 { // ten years of days: ends long before for any sane input
		y, mo, dd := t.Date()
		dayStart := time.Date(y, mo, dd, 0, 0, 0, 0, h.Loc)
		open := wall(y, mo, dd, h.Open, h.Loc)
		close := wall(y, mo, dd, h.Close, h.Loc)
		next := time.Date(y, mo, dd+1, 0, 0, 0, 0, h.Loc)
		if !h.Days[dayStart.Weekday()] || !t.Before(close) {
			t = next
			continue
		}
		if t.Before(open) {
			t = open
		}
		avail := close.Sub(t)
		if d <= avail {
			return t.Add(d)
		}
		d -= avail
		t = next
	}
	return start.Add(d)
}

func wall(y int, m time.Month, d int, off time.Duration, loc *time.Location) time.Time {
	return time.Date(y, m, d, int(off/time.Hour), int(off%time.Hour/time.Minute), 0, 0, loc)
}

// Deadline is when a complaint must be answered and which rule said so.
type Deadline struct {
	Rule   string
	DueAt  time.Time
	HardAt *time.Time
}

// ComputeDeadline applies the first matching rule of the policy to a
// complaint opened at opened.
func ComputeDeadline(rules []config.DeadlineRule, fallback time.Duration, h Hours, m models.Mention, severity int, opened time.Time) Deadline {
	ch := PolicyChannel(m)
	stars := 0
	if m.Rating != nil {
		stars = int(math.Round(*m.Rating))
	}
	for _, r := range rules {
		if r.Channel != "" && r.Channel != ch {
			continue
		}
		if len(r.Stars) > 0 && !slices.Contains(r.Stars, stars) {
			continue
		}
		if severity < r.MinSeverity {
			continue
		}
		d := Deadline{Rule: r.Name}
		if r.BusinessHours {
			d.DueAt = h.AddBusinessTime(opened, r.Within.D())
		} else {
			d.DueAt = opened.Add(r.Within.D())
		}
		if r.HardLimit > 0 {
			hard := opened.Add(r.HardLimit.D())
			d.HardAt = &hard
			if hard.Before(d.DueAt) {
				d.DueAt = hard
			}
		}
		d.DueAt = d.DueAt.UTC()
		return d
	}
	return Deadline{Rule: "default", DueAt: opened.Add(fallback).UTC()}
}
