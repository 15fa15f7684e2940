package digest

import (
	"fmt"
	"strings"
	"time"

	"github.com/earshot/earshot/config"
)

// dayIndex maps the config's digest day to days after Monday.
var dayIndex = map[string]int{
	"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3,
	"friday": 4, "saturday": 5, "sunday": 6,
}

// sendClock returns the configured day (days after Monday), hour and
// minute, falling back to Monday 08:00 for values config validation would
// have refused.
func sendClock(biz config.Business) (day, hour, minute int) {
	day, ok := dayIndex[strings.ToLower(strings.TrimSpace(biz.Digest.Day))]
	if !ok {
		day = 0
	}
	hour, minute = 8, 0
	if t, err := time.Parse("15:04", biz.Digest.Time); err == nil {
		hour, minute = t.Hour(), t.Minute()
	}
	return day, hour, minute
}

// SendTime returns when the digest is due in week w: the configured day
// and time of that week in the business's time zone. The digest sent
// then covers the week before, w.Add(-1), the last complete week.
func SendTime(biz config.Business, w Week) time.Time {
	day, hour, minute := sendClock(biz)
	loc := biz.Location()
	d := w.Day(day, loc)
	return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, loc)
}

// NextRun returns the first send time strictly after now.
func NextRun(biz config.Business, now time.Time) time.Time {
	w := WeekOf(now, biz.Location())
	for i := 0; ; i++ {
		if t := SendTime(biz, w.Add(i)); t.After(now) {
			return t
		}
	}
}

// DueWeek returns the week covered by the latest digest that should have
// gone out by now: the latest send time at or before now falls in some
// week, and its digest covers the week before that. It reports false only
// for a disabled digest. Calling Enqueue for the returned week at any
// moment until the next send time is harmless, because the outbox refuses
// a second digest for the same week and recipient; that is what lets a
// scheduler that checks every few minutes catch up after a restart or
// downtime instead of skipping a week.
func DueWeek(biz config.Business, now time.Time) (Week, bool) {
	if biz.Digest.Disabled {
		return Week{}, false
	}
	w := WeekOf(now, biz.Location())
	if now.Before(SendTime(biz, w)) {
		w = w.Add(-1)
	}
	return w.Add(-1), true
}

// CronSpec returns a five-field crontab line with the business's time
// zone, for schedulers that run one job per business, e.g.
// gocron.CronJob(digest.CronSpec(biz), false).
func CronSpec(biz config.Business) string {
	day, hour, minute := sendClock(biz)
	tz := biz.TimeZone
	if tz == "" {
		tz = "UTC"
	}
	return fmt.Sprintf("CRON_TZ=%s %d %d * * %d", tz, minute, hour, (day+1)%7)
}

// LastWeek returns the last complete ISO week before now in the
// business's time zone: what `earshot digest` reports on by default.
func LastWeek(biz config.Business, now time.Time) Week {
	return WeekOf(now, biz.Location()).Add(-1)
}
