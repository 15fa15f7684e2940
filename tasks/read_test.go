package tasks

import (
	"testing"
	"time"
)

var start = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

func TestRemaining(t *testing.T) {
	cases := []struct {
		d    time.Duration
		want string
	}{
		{3*time.Hour + 20*time.Minute, "due in 3 hours 20 minutes"},
		{-(2*24*time.Hour + 4*time.Hour), "overdue by 2 days 4 hours"},
		{time.Minute, "due in 1 minute"},
		{20 * time.Second, "due in less than a minute"},
		{-25 * time.Hour, "overdue by 1 day 1 hour"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			if got := Remaining(start, start.Add(c.d)); got != c.want {
				t.Errorf("got %q", got)
			}
		})
	}
}
