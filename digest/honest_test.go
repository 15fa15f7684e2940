package digest

import (
	"context"
	"strings"
	"testing"

	"github.com/earshot/earshot/models"
)

// Found by running the digest of real weeks: each figure must say what
// an owner would take it to say.
func TestDigestFiguresDoNotMislead(t *testing.T) {
	ctx := context.Background()
	w := week47
	f := newFixture(t)
	// Monday: praise. Tuesday: a 2-star double charge the analyzer reads
	// as mixed (lovely staff, but charged twice): a complaint all the
	// same. Wednesday: a 3-star "fine, but" with warm words.
	f.mention(t, "trustpilot", day(w, 0, 12, 0), ptr(5.0), "Ana", "Best margherita in town.", models.LabelPositive, 0.9, false, foodPos)
	tom := f.mention(t, "trustpilot", day(w, 1, 12, 0), ptr(2.0), "Tom", "The staff were lovely, but I was charged twice and nobody answered my emails.", models.LabelMixed, 0.2, true, priceNeg)
	f.mention(t, "google", day(w, 2, 12, 0), ptr(3.0), "Dan", "Food was fine, lovely terrace, but the portions were small for the price.", models.LabelMixed, 0.45, false, ambPos)
	// Thursday: two complaints, one answered before its Friday deadline;
	// Tom's deadline passed on Wednesday without a reply; a social post
	// on Thursday evening is due on Friday and still unanswered.
	late := f.mention(t, "google", day(w, 3, 9, 0), ptr(1.0), "Lena", "Cold pizza.", models.LabelNegative, -0.8, true)
	post := f.mention(t, "x", day(w, 3, 20, 0), nil, "@hungry", "@rosas where is my order", models.LabelNegative, -0.5, true)
	f.task(t, tom, models.TaskOpen, day(w, 1, 12, 5), day(w, 2, 12, 5), nil, nil)
	f.task(t, late, models.TaskReplied, day(w, 3, 9, 5), day(w, 4, 9, 5), ptr(day(w, 3, 15, 0).UTC()), nil)
	f.task(t, post, models.TaskOpen, day(w, 3, 20, 5), day(w, 4, 20, 5), nil, nil)

	// The preview of the week while it runs: Thursday 21:00.
	now := day(w, 3, 21, 0)
	d, err := Build(ctx, f.st, f.biz, w, Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	text := d.RenderText()
	t.Run("deadlines still ahead are not missed", func(t *testing.T) {
		// Due: Tom's (passed, unanswered) and Lena's (answered early);
		// the social post is still open, not yet due.
		if d.Response.Due != 2 || d.Response.AnsweredOnTime != 1 || d.Response.NotYetDue != 1 {
			t.Errorf("response = %+v; want 1 of 2 answered in time, 1 not yet due", d.Response)
		}
		if !strings.Contains(text, "Answered before the deadline: 1 of 2 (50%); 1 still open, not yet due") {
			t.Errorf("text digest:\n%s", text)
		}
	})
	t.Run("a complaint is a negative mention", func(t *testing.T) {
		// Tom, Lena and @hungry of 5 mentions.
		if !d.HasNegativeShare || d.NegativeShare != 0.6 {
			t.Errorf("negative share = %v (%v); want 0.6", d.NegativeShare, d.HasNegativeShare)
		}
		if !strings.Contains(text, "Negative mentions:  60%") {
			t.Errorf("text digest:\n%s", text)
		}
	})
	t.Run("a 3-star review is not the best of the week", func(t *testing.T) {
		for _, q := range d.Best {
			if q.Rating != nil && *q.Rating < 4 {
				t.Errorf("best of the week quotes a %.0f★ review: %q", *q.Rating, q.Text)
			}
		}
		if len(d.Best) != 1 || d.Best[0].Author != "Ana" {
			t.Errorf("best = %+v; want Ana's 5★ review only", d.Best)
		}
	})

	// The finished week: every deadline has passed.
	d, err = Build(ctx, f.st, f.biz, w, Options{Now: digestTime})
	if err != nil {
		t.Fatal(err)
	}
	if d.Response.Due != 3 || d.Response.AnsweredOnTime != 1 || d.Response.NotYetDue != 0 {
		t.Errorf("finished week: response = %+v; want 1 of 3", d.Response)
	}
	if text := d.RenderText(); !strings.Contains(text, "Answered before the deadline: 1 of 3 (33%)\n") {
		t.Errorf("finished week:\n%s", text)
	}
}
