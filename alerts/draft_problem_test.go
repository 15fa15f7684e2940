package alerts

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/sentiment"
)

// TestDraftsApologiseForProblems: real complaints go through the real
// analyzer, and the draft apologises for what went wrong in the
// customer's words, never for a noun that was merely in the sentence
// ("sorry about the waiter and the dessert" when the waiter was told
// about the allergy and the dessert caused it).
func TestDraftsApologiseForProblems(t *testing.T) {
	an, err := sentiment.New(sentiment.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := testDrafter(t, config.Templates{})
	biz := models.Business{Name: "rosies", DisplayName: "Rosie's Diner"}
	for _, c := range []struct {
		name, text, kind string
		stars            float64
		want, unwanted   []string
	}{
		{"allergic reaction, waiter and dessert mentioned",
			"I had an allergic reaction to the dessert even though I told the waiter about my nut allergy.", "trustpilot", 1,
			[]string{"the allergic reaction"}, []string{"the waiter", "the dessert"}},
		{"a wait for coffee: coffee and service are only aspects",
			"We waited 45 minutes for coffee. The service was terrible.", "trustpilot", 1,
			[]string{"the 45-minute wait"}, []string{"the coffee", "the service"}},
		{"a wait for coffee in one sentence",
			"Waited 45 minutes for a coffee, awful service", "google", 1,
			[]string{"the 45-minute wait"}, []string{"the coffee", "the service"}},
		{"charged twice, meal mentioned",
			"I was charged twice for the same meal and the manager was rude.", "yelp", 1,
			[]string{"the double charge", "the rude manager"}, []string{"the meal", "the same meal"}},
		{"tweet: cold food, the order is only mentioned",
			"@rosies my order came an hour late and the food was cold", "twitter", 0,
			[]string{"cold food"}, []string{"the order"}},
		{"no problem named: no noun apologised for",
			"The burger was disgusting and the fries were soggy.", "trustpilot", 1,
			nil, []string{"the burger", "the fries", "sorry about ."}},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := sentiment.Input{Text: c.text, SourceKind: c.kind, Domain: "restaurant"}
			if c.stars > 0 {
				in.Rating = &c.stars
			}
			a := an.Analyze(context.Background(), in)
			m := models.Mention{ExternalID: "x-" + c.name, Author: "Dana", SourceKind: c.kind, Rating: in.Rating}
			for v := range 10 {
				m.ExternalID = fmt.Sprintf("%s-%d", c.name, v) // every variant of the rotation
				got, err := d.Draft(biz, m, a)
				if err != nil {
					t.Fatal(err)
				}
				for _, w := range c.want {
					if !strings.Contains(got, w) {
						t.Errorf("draft does not name %q (aspects %+v):\n%s", w, a.Aspects, got)
					}
				}
				for _, w := range c.unwanted {
					if strings.Contains(got, w) {
						t.Errorf("draft apologises for %q:\n%s", w, got)
					}
				}
			}
		})
	}
}

// TestDraftsVary: ten complaints do not all open with the same sentence,
// and the same complaint drafted again gets the same reply.
func TestDraftsVary(t *testing.T) {
	d := testDrafter(t, config.Templates{})
	biz := models.Business{Name: "rosies", DisplayName: "Rosie's Diner"}
	a := models.Analysis{Aspects: []models.Aspect{{Category: "food", Term: "cold food", Polarity: models.PolarityNegative, Problem: true}}}
	for _, c := range []struct {
		kind  string
		stars *float64
		limit int
		min   int
	}{{"trustpilot", rating(1), 0, 5}, {"twitter", nil, 280, 4}, {"googleplay", rating(2), 350, 5}} {
		t.Run(c.kind, func(t *testing.T) {
			d.limits = map[string]int{c.kind: c.limit}
			openings := map[string]bool{}
			for i := range 10 {
				m := models.Mention{ID: int64(100 + i), ExternalID: fmt.Sprintf("r%d", i), Author: fmt.Sprintf("Guest%d", i), SourceKind: c.kind, Rating: c.stars}
				got, err := d.Draft(biz, m, a)
				if err != nil {
					t.Fatal(err)
				}
				again, _ := d.Draft(biz, m, a)
				if again != got {
					t.Errorf("re-draft changed:\n%s\n%s", got, again)
				}
				if !strings.Contains(got, "cold food") {
					t.Errorf("draft lost the problem: %s", got)
				}
				first := strings.ReplaceAll(got, m.Author, "NAME")
				if i := strings.IndexAny(first, ".:"); i > 0 {
					first = first[:i]
				}
				openings[first] = true
			}
			if len(openings) < c.min {
				t.Errorf("%d distinct openings in 10 drafts, want at least %d: %v", len(openings), c.min, openings)
			}
		})
	}
}

// TestEveryVariantWithinLimits: each built-in draft, with three long
// problems and an unknown author, fits the platform limits and reads
// "Hi there"/"Hello there" rather than a broken greeting.
func TestEveryVariantWithinLimits(t *testing.T) {
	d := testDrafter(t, config.Templates{})
	biz := models.Business{Name: "rosies", DisplayName: "Rosie's Diner & Grill of the Upper West Side"}
	a := models.Analysis{}
	for _, term := range []string{"45-minute wait", "unauthorised charge", "lack of response"} {
		a.Aspects = append(a.Aspects, models.Aspect{Term: term, Polarity: models.PolarityNegative, Problem: true})
	}
	for kind, limit := range map[string]int{"twitter": 280, "googleplay": 350, "trustpilot": 0} {
		d.limits = map[string]int{kind: limit}
		seen := map[string]bool{}
		for i := 0; len(seen) < 8 && i < 500; i++ {
			m := models.Mention{ExternalID: fmt.Sprint(i), SourceKind: kind}
			got, err := d.Draft(biz, m, a)
			if err != nil {
				t.Fatal(err)
			}
			seen[got] = true
			if limit > 0 && len([]rune(got)) > limit {
				t.Errorf("%s: %d characters over %d:\n%s", kind, len([]rune(got)), limit, got)
			}
			if !strings.HasPrefix(got, "Hi there") && !strings.HasPrefix(got, "Hello there") && !strings.HasPrefix(got, "Sorry, there") {
				t.Errorf("%s: greeting of an unknown author: %s", kind, got)
			}
			if strings.Contains(got, "…") {
				t.Errorf("%s: a built-in draft was cut rather than shortened:\n%s", kind, got)
			}
		}
	}
}
