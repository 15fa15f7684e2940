package alerts

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/models"
)

func testDrafter(t testing.TB, tmpl config.Templates) *drafter {
	t.Helper()
	cfg, err := config.Parse([]byte(`
businesses:
  - name: rosies
    display_name: "Rosie's Diner"
`), "earshot.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Alerts.Templates = tmpl
	d, err := newDrafter(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDrafts(t *testing.T) {
	d := testDrafter(t, config.Templates{})
	biz := models.Business{Name: "rosies", DisplayName: "Rosie's Diner"}
	many := models.Analysis{}
	for _, term := range []string{"slow service", "cold food", "dirty tables", "rude manager", "wrong bill", "noise"} {
		many.Aspects = append(many.Aspects, models.Aspect{Term: term, Polarity: models.PolarityNegative, Problem: true})
	}
	one := models.Analysis{Aspects: []models.Aspect{{Category: "service", Term: "slow service", Polarity: models.PolarityNegative, Problem: true},
		{Category: "food", Term: "tasty burger", Polarity: models.PolarityPositive}}}
	cases := []struct {
		name     string
		m        models.Mention
		a        models.Analysis
		limit    int
		want     []string
		unwanted []string
	}{
		{"review: first name, each issue, no compensation", models.Mention{Author: "Dana Scully", Rating: rating(1), SourceKind: "trustpilot"}, one, 0,
			[]string{"Dana,", "the slow service", "contact us"}, []string{"tasty", "refund", "voucher", "discount", "free"}},
		{"tweet: handle, DM invitation, 280 characters", models.Mention{Author: "@dana_s", SourceKind: "twitter"}, many, 280,
			[]string{"@dana_s", "direct message"}, nil},
		{"google play: within 350 characters", models.Mention{Author: "Dana", Rating: rating(1), SourceKind: "googleplay"}, many, 350,
			[]string{"Dana,"}, nil},
		{"anonymous author", models.Mention{Author: "  ", Rating: rating(2), SourceKind: "jsonld"}, models.Analysis{}, 0,
			[]string{"there,"}, []string{"sorry about", "for ."}},
		{"author name with line breaks", models.Mention{Author: "Eve\r\nBcc: x", Rating: rating(2), SourceKind: "jsonld"}, models.Analysis{}, 0,
			[]string{"Eve,"}, []string{"bcc"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := d.Draft(biz, c.m, c.a)
			if err != nil {
				t.Fatal(err)
			}
			if c.limit > 0 && utf8.RuneCountInString(got) > c.limit {
				t.Errorf("%d characters, limit %d: %q", utf8.RuneCountInString(got), c.limit, got)
			}
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("draft lacks %q: %q", w, got)
				}
			}
			for _, w := range c.unwanted {
				if strings.Contains(strings.ToLower(got), w) {
					t.Errorf("draft has %q: %q", w, got)
				}
			}
		})
	}
}

func TestTemplateOverrideByKind(t *testing.T) {
	d := testDrafter(t, config.Templates{ByKind: map[string]string{"twitter": "{{.Customer}}: sorry about {{and .Issues}}! DM us. {{if .Short}}(short){{end}}"}})
	a := models.Analysis{Aspects: []models.Aspect{{Term: "wait", Polarity: models.PolarityNegative, Problem: true}}}
	got, err := d.Draft(models.Business{Name: "r"}, models.Mention{Author: "@kim", SourceKind: "twitter"}, a)
	if err != nil || got != "@kim: sorry about the wait! DM us." {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestIssueWords(t *testing.T) {
	neg := func(cat, term, ev string) models.Aspect {
		return models.Aspect{Category: cat, Term: term, Evidence: ev, Polarity: models.PolarityNegative}
	}
	cases := []struct {
		name    string
		aspects []models.Aspect
		want    string
	}{
		{"nouns get an article", []models.Aspect{neg("food", "Cold food", ""), neg("service", "waiter", "")}, "the cold food|the waiter"},
		{"whole words only: wait is not waiter", []models.Aspect{neg("wait time", "wait", ""), neg("service", "waiter", "")}, "the wait|the waiter"},
		{"overlapping terms once", []models.Aspect{neg("service", "table", ""), neg("staff", "staff", ""), neg("service", "table tonight", "")}, "the table|the staff"},
		{"a verb quotes the customer's phrase", []models.Aspect{neg("other", "Charged", "The staff were lovely, but I was charged twice for the same meal.")}, "being charged twice"},
		{"praise is not an issue", []models.Aspect{{Term: "pancakes", Polarity: models.PolarityPositive}}, ""},
		{"at most three", []models.Aspect{neg("a", "one", ""), neg("b", "two", ""), neg("c", "three", ""), neg("d", "four", "")}, "the one|the two|the three"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := strings.Join(IssueWords(models.Analysis{Aspects: c.aspects}), "|"); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestFit(t *testing.T) {
	cases := []struct {
		in, want string
		limit    int
	}{
		{"Short enough.", "Short enough.", 20},
		{"First sentence here. Second sentence is long.", "First sentence here.", 30},
		{"one two three four five six", "one two three…", 16},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			if got := Fit(c.in, c.limit); got != c.want {
				t.Errorf("Fit(%q, %d) = %q", c.in, c.limit, got)
			}
		})
	}
}

func FuzzDraft(f *testing.F) {
	d := testDrafter(f, config.Templates{})
	f.Add("Dana Scully", "slow service", "trustpilot", 1.0, 280)
	f.Add("@x\r\nBcc: y", "<script>", "twitter", 0.0, 280)
	f.Add(strings.Repeat("é", 500), strings.Repeat("cold ", 200), "googleplay", 2.0, 350)
	f.Fuzz(func(t *testing.T, author, issue, kind string, stars float64, limit int) {
		if limit < 20 || limit > 5000 {
			limit = 280
		}
		d.limits = map[string]int{kind: limit}
		m := models.Mention{Author: author, SourceKind: kind}
		if stars > 0 {
			m.Rating = &stars
		}
		a := models.Analysis{Aspects: []models.Aspect{{Term: issue, Polarity: models.PolarityNegative, Problem: true}}}
		got, err := d.Draft(models.Business{Name: "b"}, m, a)
		if err != nil {
			t.Fatal(err)
		}
		if n := utf8.RuneCountInString(got); n > limit {
			t.Fatalf("%d characters over the %d limit", n, limit)
		}
		if !utf8.ValidString(got) && utf8.ValidString(author) && utf8.ValidString(issue) {
			t.Fatalf("invalid UTF-8 from valid input: %q", got)
		}
	})
}

func TestFailingTemplateStillOpensTask(t *testing.T) {
	// Passes the start-up check (the sample has two issues) but fails on
	// a complaint with none.
	f := newFixture(t, fixtureOpts{extra: "alerts:\n  templates:\n    draft: \"Sorry about {{index .Issues 1}}\"\n"})
	m := f.process(complaint{id: "r1", author: "Dana", rating: rating(1), severity: 3, text: "Bad."})
	task := f.task(m.ID)
	if !strings.HasPrefix(task.Draft, "Hi Dana") && !strings.HasPrefix(task.Draft, "Hello Dana") {
		t.Fatalf("draft %q, want the built-in template's", task.Draft)
	}
	if n := len(f.notifications("alert")); n != 1 {
		t.Fatalf("%d alerts", n)
	}
}
