package digest

import (
	"errors"
	"testing"
	"time"

	"github.com/earshot/earshot/config"
)

func TestParseWeek(t *testing.T) {
	cases := []struct {
		in   string
		want Week
		err  bool
	}{
		{"2026-W47", Week{2026, 47}, false},
		{"2026w47", Week{2026, 47}, false},
		{" 2026-W01 ", Week{2026, 1}, false},
		{"2026-W53", Week{2026, 53}, false}, // 2026 has 53 ISO weeks
		{"2025-W53", Week{}, true},          // 2025 has 52
		{"2026-W00", Week{}, true},
		{"2026-W-1", Week{}, true},
		{"2026-47", Week{}, true},
		{"W47", Week{}, true},
		{"20261-W47", Week{}, true},
		{"2026-W+4", Week{}, true},
		{"", Week{}, true},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := ParseWeek(c.in)
			if c.err {
				if !errors.Is(err, ErrBadWeek) {
					t.Fatalf("ParseWeek(%q) = %v, %v; want ErrBadWeek", c.in, got, err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("ParseWeek(%q) = %v, %v; want %v", c.in, got, err, c.want)
			}
		})
	}
}

func TestWeekBounds(t *testing.T) {
	cases := []struct {
		week       Week
		loc        string
		start      string
		hours      float64
		prev, next Week
	}{
		{Week{2026, 47}, "Europe/London", "2026-11-16T00:00:00Z", 168, Week{2026, 46}, Week{2026, 48}},
		// Clocks go back on Sunday 25 October 2026 in London: 169 hours.
		{Week{2026, 43}, "Europe/London", "2026-10-19T00:00:00+01:00", 169, Week{2026, 42}, Week{2026, 44}},
		// And forward on 29 March: 167 hours.
		{Week{2026, 13}, "Europe/London", "2026-03-23T00:00:00Z", 167, Week{2026, 12}, Week{2026, 14}},
		// Week 1 of 2027 starts on 4 January; week 53 of 2026 precedes it.
		{Week{2027, 1}, "UTC", "2027-01-04T00:00:00Z", 168, Week{2026, 53}, Week{2027, 2}},
		// Week 1 of 2026 starts in 2025.
		{Week{2026, 1}, "America/New_York", "2025-12-29T00:00:00-05:00", 168, Week{2025, 52}, Week{2026, 2}},
	}
	for _, c := range cases {
		t.Run(c.week.String()+" "+c.loc, func(t *testing.T) {
			loc := mustLoc(c.loc)
			start, end := c.week.Bounds(loc)
			want, _ := time.Parse(time.RFC3339, c.start)
			if !start.Equal(want) {
				t.Errorf("start %v, want %v", start, want)
			}
			if h := end.Sub(start).Hours(); h != c.hours {
				t.Errorf("week lasts %v hours, want %v", h, c.hours)
			}
			if WeekOf(start, loc) != c.week || WeekOf(end.Add(-time.Nanosecond), loc) != c.week || WeekOf(end, loc) != c.next {
				t.Errorf("WeekOf disagrees with the bounds")
			}
			if c.week.Add(-1) != c.prev || c.week.Add(1) != c.next {
				t.Errorf("Add: %v / %v, want %v / %v", c.week.Add(-1), c.week.Add(1), c.prev, c.next)
			}
		})
	}
}

func FuzzParseWeek(f *testing.F) {
	for _, s := range []string{"2026-W47", "2026W1", "0001-W01", "9999-W52", "2026-W53", "-2026-W1", "２０２６-W47", "2026-W4\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWeek(s)
		if err != nil {
			if !errors.Is(err, ErrBadWeek) {
				t.Fatalf("error %v does not wrap ErrBadWeek", err)
			}
			return
		}
		again, err := ParseWeek(w.String())
		if err != nil || again != w {
			t.Fatalf("%q parsed as %v, whose String %q parses as %v, %v", s, w, w.String(), again, err)
		}
		start, end := w.Bounds(time.UTC)
		if WeekOf(start, time.UTC) != w || end.Sub(start) != 7*24*time.Hour {
			t.Fatalf("%v: bounds %v – %v", w, start, end)
		}
	})
}

func TestSchedule(t *testing.T) {
	biz := func(tz, day, clock string) config.Business {
		return config.Business{Name: "b", TimeZone: tz, Digest: config.Digest{Day: day, Time: clock}}
	}
	cases := []struct {
		name     string
		biz      config.Business
		now      time.Time
		next     time.Time
		due      bool
		dueWeek  Week
		cronSpec string
	}{
		{"Monday before 08:00 London", biz("Europe/London", "monday", "08:00"), time.Date(2026, 11, 23, 7, 0, 0, 0, london),
			time.Date(2026, 11, 23, 8, 0, 0, 0, london), true, Week{2026, 46}, "CRON_TZ=Europe/London 0 8 * * 1"},
		{"Monday at 08:00 London", biz("Europe/London", "monday", "08:00"), time.Date(2026, 11, 23, 8, 0, 0, 0, london),
			time.Date(2026, 11, 30, 8, 0, 0, 0, london), true, Week{2026, 47}, "CRON_TZ=Europe/London 0 8 * * 1"},
		{"Sunday 18:30 Tokyo", biz("Asia/Tokyo", "sunday", "18:30"), time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC),
			time.Date(2026, 11, 29, 18, 30, 0, 0, mustLoc("Asia/Tokyo")), true, Week{2026, 46}, "CRON_TZ=Asia/Tokyo 30 18 * * 0"},
		{"across the clock change", biz("Europe/London", "monday", "08:00"), time.Date(2026, 10, 20, 12, 0, 0, 0, time.UTC),
			time.Date(2026, 10, 26, 8, 0, 0, 0, time.UTC), true, Week{2026, 42}, "CRON_TZ=Europe/London 0 8 * * 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := NextRun(c.biz, c.now); !got.Equal(c.next) {
				t.Errorf("NextRun = %v, want %v", got, c.next)
			}
			w, due := DueWeek(c.biz, c.now)
			if due != c.due || w != c.dueWeek {
				t.Errorf("DueWeek = %v %v, want %v %v", w, due, c.dueWeek, c.due)
			}
			if got := CronSpec(c.biz); got != c.cronSpec {
				t.Errorf("CronSpec = %q, want %q", got, c.cronSpec)
			}
		})
	}
}
