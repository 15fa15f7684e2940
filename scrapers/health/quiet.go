package health

import (
	"slices"
	"time"
)

// QuietPolicy says when a source that runs without errors but brings
// nothing new has been silent for much longer than usual. A listing that
// moved, or a selector that silently matches nothing, looks exactly like
// that: every run succeeds with zero reviews.
type QuietPolicy struct {
	// Factor times the source's median gap between new mentions is how
	// long a silence must last to be unusual.
	Factor float64
	// MinSilence is the shortest silence ever reported, so a busy source
	// (a new mention every hour) is not called quiet after a slow
	// evening.
	MinSilence time.Duration
	// MinGaps is how many gaps between new mentions the history needs
	// before it says what usual is; a new source is never quiet.
	MinGaps int
}

// DefaultQuietPolicy reports a source silent for more than four times its
// median gap, and at least a week, once it has five gaps of history.
var DefaultQuietPolicy = QuietPolicy{Factor: 4, MinSilence: 7 * 24 * time.Hour, MinGaps: 5}

// Quietness is the verdict of Quiet.
type Quietness struct {
	Quiet bool
	// Since is when the last new mention arrived (zero without history).
	Since time.Time
	// Usual is the median gap between new mentions; Threshold the silence
	// that counts as quiet (the larger of Factor×Usual and MinSilence).
	Usual, Threshold time.Duration
}

// Quiet judges a source from arrivals, the times its runs stored new
// mentions (any order), and lastSuccess, its latest successful run: the
// silence is the time between the last arrival and that run, so a source
// that has not run at all is not quiet, only not run.
func Quiet(arrivals []time.Time, lastSuccess time.Time, p QuietPolicy) Quietness {
	ts := slices.Clone(arrivals)
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	ts = slices.CompactFunc(ts, func(a, b time.Time) bool { return a.Equal(b) })
	var q Quietness
	if len(ts) == 0 {
		return q
	}
	q.Since = ts[len(ts)-1]
	gaps := make([]time.Duration, 0, len(ts)-1)
	for i := 1; i < len(ts); i++ {
		gaps = append(gaps, ts[i].Sub(ts[i-1]))
	}
	if len(gaps) < max(p.MinGaps, 1) {
		return q
	}
	slices.Sort(gaps)
	q.Usual = gaps[len(gaps)/2]
	if len(gaps)%2 == 0 {
		q.Usual = (gaps[len(gaps)/2-1] + gaps[len(gaps)/2]) / 2
	}
	q.Threshold = max(time.Duration(p.Factor*float64(q.Usual)), p.MinSilence)
	q.Quiet = lastSuccess.Sub(q.Since) > q.Threshold
	return q
}
