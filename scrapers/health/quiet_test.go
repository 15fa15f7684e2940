package health

import (
	"testing"
	"time"
)

func TestQuiet(t *testing.T) {
	t0 := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	every := func(n int, gap time.Duration) []time.Time {
		var out []time.Time
		for i := 0; i < n; i++ {
			out = append(out, t0.Add(time.Duration(i)*gap))
		}
		return out
	}
	last := func(ts []time.Time) time.Time { return ts[len(ts)-1] }
	daily := every(10, day)
	hourly := every(30, time.Hour)
	p := DefaultQuietPolicy
	tests := []struct {
		name      string
		arrivals  []time.Time
		success   time.Time
		wantQuiet bool
		wantUsual time.Duration
	}{
		{"no history", nil, t0.Add(100 * day), false, 0},
		{"too little history", every(4, day), t0.Add(100 * day), false, 0},
		{"daily source silent 3 days", daily, last(daily).Add(3 * day), false, day},
		{"daily source silent exactly the threshold", daily, last(daily).Add(7 * day), false, day},
		{"daily source silent 8 days", daily, last(daily).Add(8 * day), true, day},
		{"hourly source silent 5 hours: under the week minimum", hourly, last(hourly).Add(5 * time.Hour), false, time.Hour},
		{"hourly source silent 8 days", hourly, last(hourly).Add(8 * day), true, time.Hour},
		{"weekly source silent 3 weeks", every(8, 7*day), last(every(8, 7*day)).Add(21 * day), false, 7 * day},
		{"weekly source silent 5 weeks", every(8, 7*day), last(every(8, 7*day)).Add(35 * day), true, 7 * day},
		{"one burst does not make usual short", append(every(6, 5*day), t0.Add(25*day+time.Minute), t0.Add(25*day+2*time.Minute)), t0.Add(25*day + 10*day), false, 5 * day},
		{"unsorted arrivals with duplicates", []time.Time{t0.Add(3 * day), t0, t0.Add(day), t0.Add(2 * day), t0.Add(day), t0.Add(4 * day), t0.Add(5 * day)}, t0.Add(5*day + 9*day), true, day},
		{"not run since the last arrival", daily, last(daily), false, day},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := Quiet(tt.arrivals, tt.success, p)
			if q.Quiet != tt.wantQuiet || q.Usual != tt.wantUsual {
				t.Fatalf("Quiet = %+v; want quiet %v with usual gap %v", q, tt.wantQuiet, tt.wantUsual)
			}
			if len(tt.arrivals) > 0 && q.Since.IsZero() {
				t.Errorf("no since for a source with history")
			}
		})
	}
}
