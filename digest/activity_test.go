package digest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
	"github.com/jonboulle/clockwork"
)

// TestActivityMatchesQueries checks that the one-pass DigestActivity,
// which Build uses, yields exactly what the separate aggregate queries
// (DigestMentionBuckets, DigestAspectBuckets, DigestExtremeMentions)
// compute, for this week's days and for the previous weeks.
func TestActivityMatchesQueries(t *testing.T) {
	testActivity(t, newFixture(t))
}

// TestActivityMatchesQueriesPostgres is the same on PostgreSQL, where
// posting times come back as timestamps rather than text.
func TestActivityMatchesQueriesPostgres(t *testing.T) {
	testActivity(t, newFixtureWith(t, func(clock clockwork.Clock, path string) *store.Store { return openPostgres(t, clock) }))
}

func testActivity(t *testing.T, f *fixture) {
	f.seedWeek47(t)
	// Cases the seed lacks: a wording repeated within one analysis, a
	// neutral and a category-less aspect (not counted), a mention not yet
	// analyzed, and an edited mention whose re-analysis replaces its
	// verdict and aspects.
	at := day(week47, 2, 15, 30)
	f.mention(t, "google", at, ptr(2.0), "Rep", "slow slow", "negative", -0.6, true,
		aspect{"wait time", "slow", "negative"}, aspect{"wait time", "slow", "negative"},
		aspect{"decor", "walls", "neutral"}, aspect{"", "thing", "negative"})
	ctx := context.Background()
	src := f.src["google"]
	if _, err := f.st.SaveMentions(ctx, src, []models.Mention{{ExternalID: "pending", Text: "not analyzed yet", PostedAt: at}}); err != nil {
		t.Fatal(err)
	}
	edited := f.mention(t, "google", at.Add(time.Hour), ptr(5.0), "Ed", "great", "positive", 0.9, false, aspect{"food", "pizza", "positive"})
	ext := fmt.Sprintf("google-%d", f.n)
	if _, err := f.st.SaveMentions(ctx, src, []models.Mention{{ExternalID: ext, Text: "cold pizza", Rating: ptr(1.0), PostedAt: at.Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SaveAnalysis(ctx, &models.Analysis{MentionID: edited, MentionVersion: 2, BusinessID: f.biz.ID, Compound: -0.99, Label: "negative",
		Aspects: []models.Aspect{{Category: "food", Term: "cold", Polarity: "negative"}}}); err != nil {
		t.Fatal(err)
	}
	checkActivity(t, f.st, f.biz.ID, 3)
	// And the cases above did reach the figures.
	act, err := f.st.DigestActivity(ctx, f.biz.ID, []time.Time{week47.Day(0, london), week47.Day(7, london)}, rankings(1)...)
	if err != nil || len(act.Worst) != 1 || act.Worst[0].ID != edited || act.Worst[0].Text != "cold pizza" {
		t.Fatalf("worst %+v, %v", act.Worst, err)
	}
	for _, a := range act.Aspects {
		if a.Category == "wait time" && a.Term == "slow" && a.Mentions != 1 || a.Category == "decor" || a.Category == "" || a.Term == "cold" && a.Mentions != 1 {
			t.Errorf("aspect %+v", a)
		}
	}
}

func checkActivity(t testing.TB, st *store.Store, bizID int64, quotes int) {
	t.Helper()
	ctx := context.Background()
	var days, weeks []time.Time
	for i := 0; i <= 7; i++ {
		days = append(days, week47.Day(i, london))
	}
	for i := prevWeeks; i >= 0; i-- {
		weeks = append(weeks, week47.Add(-i).Day(0, london))
	}
	// Build reads the week in two halves and merges their quotes.
	early, err := st.DigestActivity(ctx, bizID, days[:5], rankings(quotes)...)
	if err != nil {
		t.Fatal(err)
	}
	late, err := st.DigestActivity(ctx, bizID, days[4:], rankings(quotes)...)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []bool{true, false} {
		want, err := st.DigestExtremeMentions(ctx, bizID, days[0], days[7], w, quotes)
		if err != nil {
			t.Fatal(err)
		}
		a, b := early.Best, late.Best
		if w {
			a, b = early.Worst, late.Worst
		}
		if g, w := fmtQuotes(mergeQuotes(w, quotes, a, b)), fmtQuotes(want); g != w {
			t.Errorf("merged quotes\n got %s\nwant %s", g, w)
		}
	}
	for _, bounds := range [][]time.Time{days, weeks} {
		act, err := st.DigestActivity(ctx, bizID, bounds, rankings(quotes)...)
		if err != nil {
			t.Fatal(err)
		}
		buckets, err := st.DigestMentionBuckets(ctx, bizID, bounds)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := fmt.Sprintf("%+v", act.Buckets), fmt.Sprintf("%+v", buckets); got != want {
			t.Errorf("buckets\n got %s\nwant %s", got, want)
		}
		aspects, err := st.DigestAspectBuckets(ctx, bizID, bounds)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := fmt.Sprintf("%+v", act.Aspects), fmt.Sprintf("%+v", aspects); got != want {
			t.Errorf("aspects\n got %s\nwant %s", got, want)
		}
		from, to := bounds[0], bounds[len(bounds)-1]
		for _, w := range []bool{true, false} {
			want, err := st.DigestExtremeMentions(ctx, bizID, from, to, w, quotes)
			if err != nil {
				t.Fatal(err)
			}
			got := act.Best
			if w {
				got = act.Worst
			}
			if g, w := fmtQuotes(got), fmtQuotes(want); g != w {
				t.Errorf("quotes\n got %s\nwant %s", g, w)
			}
		}
	}
}

// fmtQuotes prints quotes with their ratings (pointers) dereferenced.
func fmtQuotes(qs []store.DigestQuote) string {
	out := ""
	for _, q := range qs {
		r := "-"
		if q.Rating != nil {
			r = fmt.Sprint(*q.Rating)
		}
		q.Rating = nil
		out += fmt.Sprintf("%+v rating %s\n", q, r)
	}
	return out
}
