package sentiment

import (
	"context"
	"strings"
	"testing"

	"github.com/earshot/earshot/models"
)

// TestOwnerIssues pins what an owner reads in an alert: whether a mention
// is a complaint and which issues it names, in short words that read well
// alone ("cold food, rude waiter") and after "the" in an apology draft.
func TestOwnerIssues(t *testing.T) {
	type asp struct{ cat, term, pol string }
	neg := models.PolarityNegative
	cases := []struct {
		name      string
		in        Input
		complaint bool
		minSev    int
		want      []asp
		absent    []string // terms that must not appear
	}{
		{"late cold repeat delivery without stars",
			Input{Text: "Third time this month my delivery from Rosie's Diner arrived late and cold. Done with them.", SourceKind: "rss", Domain: "restaurant"},
			true, 3, []asp{{"service", "late delivery", neg}, {"food", "cold food", neg}}, []string{"delivery"}},
		{"polite 2-star double charge",
			Input{Text: "The staff were lovely, but I was charged twice for the same meal and there is still no refund after a week.", Rating: stars(2), Domain: "restaurant"},
			true, 4, []asp{{"price", "double charge", neg}, {"price", "missing refund", neg}, {"staff attitude", "staff", models.PolarityPositive}},
			[]string{"charged", "charged twice"}},
		{"the meal is not the issue of a double charge",
			Input{Text: "I was charged twice for the same meal.", Rating: stars(2), Domain: "restaurant"},
			true, 4, []asp{{"price", "double charge", neg}}, nil},
		{"wait, cold food and a rude waiter",
			Input{Text: "We waited 45 minutes for our mains and the food arrived cold. Our waiter was rude when we asked about it. Never again.", Rating: stars(1), Domain: "restaurant"},
			true, 4, []asp{{"wait time", "45-minute wait", neg}, {"food", "cold food", neg}, {"service", "rude waiter", neg}},
			[]string{"food", "waiter", "wait"}},
		{"allergy: nuts are food, not service",
			Input{Text: "We told the waiter about my daughter's nut allergy and the dessert still had nuts in it. She had an allergic reaction and we spent the night in A&E.", Rating: stars(1), Domain: "restaurant"},
			true, 5, []asp{{"health and safety", "allergic reaction", neg}, {"food", "nuts", neg}}, []string{"nut allergy", "allergy"}},
		{"5-star with one loud remark: an issue, no complaint",
			Input{Text: "Lovely brunch and a great beer selection. The music was a bit loud on Saturday, but we will be back.", Rating: stars(5), Domain: "restaurant"},
			false, 0, []asp{{"ambience", "loud music", neg}, {"food", "brunch", models.PolarityPositive}}, []string{"music"}},
		{"a mild remark without stars is no complaint",
			Input{Text: "Great food and friendly staff, though the music was a bit loud.", Domain: "restaurant"},
			false, 0, []asp{{"ambience", "loud music", neg}}, nil},
		{"social wait and ignored, title repeated",
			Input{Title: "@rosiesdiner waited an hour for a table", Text: "@rosiesdiner waited an hour for a table tonight and the staff just ignored us. So disappointed 😡", SourceKind: "rss", Domain: "restaurant"},
			true, 1, []asp{{"wait time", "hour-long wait", neg}, {"staff attitude", "inattentive staff", neg}}, []string{"table tonight", "staff"}},
		{"opinion word beside a named issue still counts",
			Input{Text: "The pasta was awful and we waited 45 minutes.", Domain: "restaurant"},
			true, 1, []asp{{"food", "pasta", neg}, {"wait time", "45-minute wait", neg}}, nil},
		{"shipping wait in retail",
			Input{Text: "Shipping took three weeks and the package arrived damaged.", Domain: "retail"},
			true, 1, []asp{{"shipping", "slow shipping", neg}, {"delivery", "damaged package", neg}}, []string{"shipping"}},
		{"no delivery issue for software",
			Input{Text: "The confirmation email never arrived.", Domain: "software"},
			true, 1, nil, []string{"missing delivery"}},
		{"a cold beer is no issue, a cold burger is",
			Input{Text: "The burger was cold, but the beer was cold and great.", Domain: "restaurant"},
			true, 1, []asp{{"food", "cold burger", neg}}, []string{"cold beer"}},
		{"the cause of a sickness is named once",
			Input{Text: "Got food poisoning after the chicken, threw up all night.", Domain: "restaurant"},
			true, 5, []asp{{"health and safety", "food poisoning", neg}}, []string{"illness"}},
		{"a late customer is no late delivery",
			Input{Text: "We were late for our reservation but they kept our table.", Domain: "restaurant"},
			false, 0, nil, []string{"late delivery"}},
		{"a late order is",
			Input{Text: "Our order was late again.", Domain: "restaurant"},
			true, 1, []asp{{"service", "late order", neg}}, nil},
		{"negated cue names no issue",
			Input{Text: "The waiter was not rude at all, and the soup was hot.", Domain: "restaurant"},
			false, 0, nil, []string{"rude waiter", "cold food"}},
	}
	a := analyzer(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := a.Analyze(context.Background(), c.in)
			if got.Complaint != c.complaint {
				t.Errorf("complaint = %v, want %v (reasons %q)", got.Complaint, c.complaint, got.Reasons)
			}
			if got.Severity < c.minSev {
				t.Errorf("severity = %d, want ≥ %d (reasons %q)", got.Severity, c.minSev, got.Reasons)
			}
			for _, w := range c.want {
				x, ok := aspect(got, w.term)
				if !ok {
					t.Errorf("no aspect %q in %+v", w.term, got.Aspects)
					continue
				}
				if x.Category != w.cat || x.Polarity != w.pol {
					t.Errorf("aspect %q = %s/%s, want %s/%s", w.term, x.Category, x.Polarity, w.cat, w.pol)
				}
			}
			for _, term := range c.absent {
				if _, ok := aspect(got, term); ok {
					t.Errorf("junk aspect %q in %+v", term, got.Aspects)
				}
			}
			seen := map[string]bool{}
			for _, x := range got.Issues() {
				k := strings.ToLower(x.Term)
				if seen[k] {
					t.Errorf("issue %q named twice in %+v", x.Term, got.Aspects)
				}
				seen[k] = true
			}
		})
	}
}
