package digest

import (
	"bytes"
	"sort"

	"github.com/earshot/earshot/store"
)

// The digest quotes the week's worst and best mentions: lowest (or
// highest) sentiment first, ties broken by star rating (none counts as
// 3), then the most recent, then ID. The store streams every analyzed
// mention of the week into a ranking, which keeps only the few it
// quotes, so a week of 100,000 mentions is never sorted.

// ranking keeps the limit first mentions in the worst or best order; it
// is a store.Ranker.
type ranking struct {
	limit int
	worst bool
	top   []store.RankedMention // sorted, at most limit
}

// rankings returns the worst and best rankings of limit quotes, or none
// when no quotes are wanted.
func rankings(limit int) []store.Ranker {
	if limit <= 0 {
		return nil
	}
	return []store.Ranker{&ranking{limit: limit, worst: true}, &ranking{limit: limit}}
}

// Limit is how many mentions r keeps.
func (r *ranking) Limit() int { return r.limit }

// Worst says which order r keeps.
func (r *ranking) Worst() bool { return r.worst }

// less reports whether a ranks before b.
func (r *ranking) less(a, b store.RankedMention) bool {
	if a.Compound != b.Compound {
		return (a.Compound < b.Compound) == r.worst
	}
	if a.Rating != b.Rating {
		return (a.Rating < b.Rating) == r.worst
	}
	if c := bytes.Compare(a.Posted, b.Posted); c != 0 {
		return c > 0
	}
	return a.ID < b.ID
}

// Add offers one mention.
func (r *ranking) Add(m store.RankedMention) {
	if r.limit <= 0 {
		return
	}
	if len(r.top) == r.limit && !r.less(m, r.top[len(r.top)-1]) {
		return
	}
	m.Posted = bytes.Clone(m.Posted) // the caller reuses its buffer
	i := sort.Search(len(r.top), func(i int) bool { return r.less(m, r.top[i]) })
	if len(r.top) < r.limit {
		r.top = append(r.top, store.RankedMention{})
	}
	copy(r.top[i+1:], r.top[i:len(r.top)-1])
	r.top[i] = m
}

// IDs are the kept mentions, first first.
func (r *ranking) IDs() []int64 {
	out := make([]int64, len(r.top))
	for i, m := range r.top {
		out[i] = m.ID
	}
	return out
}

// postedKeyLayout formats a posting time as a key that sorts in time
// order (UTC, nanoseconds).
const postedKeyLayout = "2006-01-02 15:04:05.000000000"

// mergeQuotes merges quote lists in the worst (or best) order, e.g. the
// Worst or Best of DigestActivity over adjacent ranges, into the first
// limit of them in the same order.
func mergeQuotes(worst bool, limit int, lists ...[]store.DigestQuote) []store.DigestQuote {
	r := ranking{worst: worst}
	var all []store.DigestQuote
	for _, l := range lists {
		all = append(all, l...)
	}
	key := func(q store.DigestQuote) store.RankedMention {
		m := store.RankedMention{ID: q.ID, Compound: q.Compound, Rating: 3, Posted: q.PostedAt.UTC().AppendFormat(nil, postedKeyLayout)}
		if q.Rating != nil {
			m.Rating = *q.Rating
		}
		return m
	}
	sort.SliceStable(all, func(i, j int) bool { return r.less(key(all[i]), key(all[j])) })
	if len(all) > limit {
		all = all[:limit]
	}
	return all
}
