package alerts

import (
	"testing"
	"time"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/models"
)

func TestComputeDeadline(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	london, _ := time.LoadLocation("Europe/London")
	weekdays := func(loc *time.Location) Hours {
		return HoursOf(&config.Business{TimeZone: loc.String(), Hours: config.Hours{Days: []string{"mon", "tue", "wed", "thu", "fri"}, Open: "09:00", Close: "17:00"}})
	}
	social := models.Mention{}
	review := func(n float64) models.Mention { return models.Mention{Rating: &n} }
	rules := config.DefaultDeadlines()
	cases := []struct {
		name     string
		h        Hours
		m        models.Mention
		severity int
		opened   time.Time
		wantRule string
		wantDue  time.Time
	}{
		{"social complaint: one hour, any time", weekdays(ny), social, 2,
			time.Date(2026, 10, 31, 23, 30, 0, 0, ny), "social", time.Date(2026, 11, 1, 0, 30, 0, 0, ny)},
		{"one star on a Tuesday morning: 24 business hours = three working days", weekdays(ny), review(1), 3,
			time.Date(2026, 10, 27, 10, 0, 0, 0, ny), "low-stars", time.Date(2026, 10, 30, 10, 0, 0, 0, ny)},
		{"one star late on Friday before the clocks go back: the 72-hour hard limit wins, and it is 72 real hours", weekdays(ny), review(1), 3,
			time.Date(2026, 10, 30, 16, 0, 0, 0, ny), "low-stars", time.Date(2026, 11, 2, 15, 0, 0, 0, ny)},
		{"two stars on a Saturday in London: 72 real hours across the clock change end at 10:00 GMT", weekdays(london), review(2), 2,
			time.Date(2026, 10, 24, 11, 0, 0, 0, london), "low-stars", time.Date(2026, 10, 27, 10, 0, 0, 0, london)},
		{"one star on Monday at opening: three full working days", weekdays(london), review(1), 2,
			time.Date(2026, 10, 26, 9, 0, 0, 0, london), "low-stars", time.Date(2026, 10, 28, 17, 0, 0, 0, london)},
		{"three stars: 48 hours", weekdays(ny), review(3), 2,
			time.Date(2026, 10, 27, 10, 0, 0, 0, ny), "three-stars", time.Date(2026, 10, 29, 10, 0, 0, 0, ny)},
		{"severity 5 at 01:50 on the night the clocks go back: 30 real minutes", weekdays(ny), review(4), 5,
			time.Date(2026, 11, 1, 5, 50, 0, 0, time.UTC), "critical", time.Date(2026, 11, 1, 6, 20, 0, 0, time.UTC)},
		{"four-star complaint falls to the default 48 hours", weekdays(ny), review(4), 2,
			time.Date(2026, 10, 27, 10, 0, 0, 0, ny), "default", time.Date(2026, 10, 29, 10, 0, 0, 0, ny)},
		{"a half star rounds to the nearest whole star", weekdays(ny), review(2.5), 2,
			time.Date(2026, 10, 27, 10, 0, 0, 0, ny), "three-stars", time.Date(2026, 10, 29, 10, 0, 0, 0, ny)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := ComputeDeadline(rules, config.DefaultDeadline, c.h, c.m, c.severity, c.opened)
			if d.Rule != c.wantRule || !d.DueAt.Equal(c.wantDue) {
				t.Errorf("got %s due %s, want %s due %s", d.Rule, d.DueAt.In(c.h.Loc), c.wantRule, c.wantDue.In(c.h.Loc))
			}
		})
	}
}

func TestAddBusinessTimeAcrossDST(t *testing.T) {
	// Europe/London goes back on Sunday 25 October 2026. Opening hours are
	// wall-clock times, so Monday still opens at 09:00 local, which is
	// 09:00 UTC after the change and 08:00 UTC before it.
	london, _ := time.LoadLocation("Europe/London")
	h := HoursOf(&config.Business{TimeZone: "Europe/London", Hours: config.Hours{Days: []string{"mon", "tue", "wed", "thu", "fri"}, Open: "09:00", Close: "17:00"}})
	cases := []struct {
		from time.Time
		d    time.Duration
		want time.Time
	}{
		{time.Date(2026, 10, 23, 16, 0, 0, 0, london), 2 * time.Hour, time.Date(2026, 10, 26, 10, 0, 0, 0, london)},
		{time.Date(2026, 10, 23, 18, 0, 0, 0, london), 8 * time.Hour, time.Date(2026, 10, 26, 17, 0, 0, 0, london)},
		{time.Date(2026, 10, 26, 8, 0, 0, 0, london), 30 * time.Minute, time.Date(2026, 10, 26, 9, 30, 0, 0, london)},
	}
	for _, c := range cases {
		t.Run(c.from.Format(time.RFC3339)+"+"+c.d.String(), func(t *testing.T) {
			if got := h.AddBusinessTime(c.from, c.d); !got.Equal(c.want) {
				t.Errorf("got %s, want %s", got.In(london), c.want)
			}
		})
	}
	if got := (Hours{Loc: time.UTC}).AddBusinessTime(start, time.Hour); !got.Equal(start.Add(time.Hour)) {
		t.Errorf("no opening days should count wall-clock time, got %s", got)
	}
}
