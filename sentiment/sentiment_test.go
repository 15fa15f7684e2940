package sentiment

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers/registry"
	"github.com/earshot/earshot/sentiment/internal/nlp"
)

var shared struct {
	once sync.Once
	a    *Analyzer
	err  error
}

// analyzer returns one Analyzer for the whole test binary: building it is
// the expensive part and Analyze is safe for concurrent use.
func analyzer(t testing.TB) *Analyzer {
	t.Helper()
	shared.once.Do(func() { shared.a, shared.err = New(Options{}) })
	if shared.err != nil {
		t.Fatalf("New: %v", shared.err)
	}
	return shared.a
}

func stars(v float64) *float64 { return &v }

func hasReason(a models.Analysis, prefix string) bool {
	for _, r := range a.Reasons {
		if strings.HasPrefix(r, prefix) {
			return true
		}
	}
	return false
}

func aspect(a models.Analysis, term string) (models.Aspect, bool) {
	for _, x := range a.Aspects {
		if strings.EqualFold(x.Term, term) {
			return x, true
		}
	}
	return models.Aspect{}, false
}

func TestHardCases(t *testing.T) {
	a := analyzer(t)
	type want struct {
		label       string // "" = any
		complaint   bool
		minSeverity int
		maxSeverity int
		reason      string // a reason must start with this
		aspect      string // term that must be found ...
		aspectPol   string // ... with this polarity
		aspectCat   string // ... and this category
		language    string
	}
	cases := []struct {
		name string
		in   Input
		want want
	}{
		{"negation flips praise", Input{Text: "The food was not good."},
			want{label: models.LabelNegative, complaint: true, maxSeverity: 5, language: "en"}},
		{"negated complaint is praise", Input{Text: "Not bad at all, I really enjoyed it."},
			want{label: models.LabelPositive, maxSeverity: 0}},
		{"but: the clause after wins and each side keeps its polarity", Input{Text: "The food was great but the service was terribly slow.", Domain: "restaurant"},
			want{label: models.LabelMixed, complaint: true, maxSeverity: 5, aspect: "service", aspectPol: models.PolarityNegative, aspectCat: "service"}},
		{"but: praise after a reservation", Input{Text: "The place is small but the pasta is absolutely wonderful.", Domain: "restaurant"},
			want{label: models.LabelPositive, maxSeverity: 0, aspect: "pasta", aspectPol: models.PolarityPositive, aspectCat: "food"}},
		{"sarcasm cue turns praise into a complaint", Input{Text: "Oh great, waited 45 minutes for cold fries.", Domain: "restaurant"},
			want{label: models.LabelNegative, complaint: true, minSeverity: 1, maxSeverity: 5, reason: "sarcasm cue", aspect: "cold fries", aspectPol: models.PolarityNegative}},
		{"praise around a complaint cue is sarcasm", Input{Text: "Love waiting 40 minutes for a table!"},
			want{label: models.LabelNegative, complaint: true, maxSeverity: 5, reason: "sarcasm cue"}},
		{"honest mixed review is not sarcasm", Input{Text: "Great food but we waited 45 minutes for it.", Domain: "restaurant"},
			want{complaint: true, maxSeverity: 5, reason: "complaint cue"}},
		{"negated cue is no complaint", Input{Text: "Honestly not the worst pizza, and we weren't disappointed."},
			want{complaint: false, maxSeverity: 0}},
		{"cocktail vocabulary is no complaint", Input{Text: "Try the dirty martini, and come early to avoid the crowds!", Domain: "restaurant"},
			want{label: models.LabelPositive, complaint: false, maxSeverity: 0}},
		{"polite 2-star review is a complaint", Input{Text: "The staff were lovely and tried their best, thank you.", Rating: stars(2)},
			want{complaint: true, minSeverity: 1, maxSeverity: 5, reason: "low rating despite polite words"}},
		{"harsh 5-star remark is an issue, not a complaint", Input{Text: "Amazing pasta, best in town! The waiter was a bit rude though.", Rating: stars(5), Domain: "restaurant"},
			want{label: "", complaint: false, maxSeverity: 0, aspect: "rude waiter", aspectPol: models.PolarityNegative, aspectCat: "service"}},
		{"angry emoji only", Input{Text: "😡😡😡"},
			want{label: models.LabelNegative, complaint: true, maxSeverity: 5}},
		{"happy emoji only", Input{Text: "😍👍"},
			want{label: models.LabelPositive, maxSeverity: 0}},
		{"emoticon", Input{Text: "Service was slow today :("},
			want{label: models.LabelNegative, complaint: true, maxSeverity: 5}},
		{"German with a low rating is read and a complaint", Input{Text: "Das Essen war kalt und der Service war sehr langsam.", Rating: stars(1)},
			want{complaint: true, minSeverity: 2, maxSeverity: 5, reason: "very low rating", language: "de"}},
		{"French without rating is read, not silently neutral", Input{Text: "Le service était très lent et la nourriture pas bonne."},
			want{label: models.LabelNegative, complaint: true, maxSeverity: 5, language: "fr"}},
		{"Japanese is read", Input{Text: "料理が冷たくて、店員さんがとても失礼でした。"},
			want{label: models.LabelNegative, complaint: true, maxSeverity: 5, language: "ja"}},
		{"Italian 1-star: named, a complaint, and left for a human read", Input{Text: "Servizio pessimo, non torneremo mai più.", Rating: stars(1)},
			want{complaint: true, minSeverity: 2, maxSeverity: 5, reason: models.ReasonNeedsHumanRead, language: "it"}},
		{"empty text", Input{Text: "   "},
			want{label: models.LabelNeutral, complaint: false, maxSeverity: 0, reason: "empty text"}},
		{"empty text with 1 star is still a complaint", Input{Text: "", Rating: stars(1)},
			want{label: models.LabelNegative, complaint: true, minSeverity: 2, maxSeverity: 5, reason: "empty text"}},
		{"title is analysed with the text", Input{Title: "Never again", Text: "We had dinner here on Friday."},
			want{complaint: true, minSeverity: 2, maxSeverity: 5, reason: "churn intent"}},
		{"factual statement is neutral", Input{Text: "I ordered a pizza on Tuesday."},
			want{label: models.LabelNeutral, complaint: false, maxSeverity: 0}},
		{"shouting makes it worse", Input{Text: "WORST service EVER. Never coming back."},
			want{label: models.LabelNegative, complaint: true, minSeverity: 2, maxSeverity: 5, reason: "churn intent"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := a.Analyze(context.Background(), c.in)
			if c.want.label != "" && got.Label != c.want.label {
				t.Errorf("label = %s (compound %.3f), want %s; reasons %q", got.Label, got.Compound, c.want.label, got.Reasons)
			}
			if got.Complaint != c.want.complaint {
				t.Errorf("complaint = %v (score %.2f), want %v; reasons %q", got.Complaint, got.ComplaintScore, c.want.complaint, got.Reasons)
			}
			if got.Complaint != (got.ComplaintScore >= 0.5) {
				t.Errorf("complaint %v disagrees with its score %.2f", got.Complaint, got.ComplaintScore)
			}
			if got.Severity < c.want.minSeverity || got.Severity > c.want.maxSeverity {
				t.Errorf("severity = %d, want %d..%d; reasons %q", got.Severity, c.want.minSeverity, c.want.maxSeverity, got.Reasons)
			}
			if c.want.reason != "" && !hasReason(got, c.want.reason) {
				t.Errorf("reasons %q lack %q", got.Reasons, c.want.reason)
			}
			if strings.Contains(c.name, "not sarcasm") && hasReason(got, "sarcasm") {
				t.Errorf("reasons %q call an honest review sarcastic", got.Reasons)
			}
			if c.want.language != "" && got.Language != c.want.language {
				t.Errorf("language = %s, want %s", got.Language, c.want.language)
			}
			if c.want.aspect != "" {
				x, ok := aspect(got, c.want.aspect)
				switch {
				case !ok:
					t.Errorf("no aspect %q in %+v", c.want.aspect, got.Aspects)
				case x.Polarity != c.want.aspectPol:
					t.Errorf("aspect %q polarity = %s, want %s", x.Term, x.Polarity, c.want.aspectPol)
				case c.want.aspectCat != "" && x.Category != c.want.aspectCat:
					t.Errorf("aspect %q category = %s, want %s", x.Term, x.Category, c.want.aspectCat)
				}
			}
			if got.Analyzer == "" {
				t.Error("analyzer name missing")
			}
		})
	}
}

func TestSeverity(t *testing.T) {
	a := analyzer(t)
	cases := []struct {
		name     string
		in       Input
		min, max int
		reason   string
	}{
		{"food poisoning is top priority", Input{Text: "My whole family got food poisoning after eating the chicken here.", Domain: "restaurant"}, 5, 5, "health and safety"},
		{"allergic reaction", Input{Text: "I told them about my nut allergy and had an allergic reaction anyway."}, 5, 5, "health and safety"},
		{"legal threat", Input{Text: "This is unacceptable, my lawyer will be in touch."}, 5, 5, "legal threat"},
		{"double billing", Input{Text: "You charged me twice for the same order.", Domain: "retail"}, 4, 5, "fraud or double billing"},
		{"discrimination", Input{Text: "The manager was openly racist towards my friends."}, 4, 5, "discrimination or harassment"},
		{"repeat problem raises severity", Input{Text: "Third time my delivery arrived late. Disappointed.", Domain: "retail"}, 2, 5, "repeat problem"},
		{"negated health cue is no emergency", Input{Text: "Six of us ate the oysters and nobody got sick, great night."}, 0, 0, ""},
		{"plain mild complaint", Input{Text: "The fries were a bit soggy."}, 1, 2, ""},
		{"reach of a social author", Input{Text: "Terrible service at this place, avoid.", SourceKind: "twitter", AuthorReach: 250000}, 3, 5, "public reach"},
		{"praise has no severity", Input{Text: "Wonderful evening, thank you so much!", AuthorReach: 250000}, 0, 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := a.Analyze(context.Background(), c.in)
			if got.Severity < c.min || got.Severity > c.max {
				t.Errorf("severity = %d, want %d..%d; reasons %q", got.Severity, c.min, c.max, got.Reasons)
			}
			if c.reason != "" && !hasReason(got, c.reason) {
				t.Errorf("reasons %q lack %q", got.Reasons, c.reason)
			}
		})
	}
}

func TestDomainsAndTaxonomies(t *testing.T) {
	a, err := New(Options{Taxonomies: map[string]map[string][]string{
		"restaurant": {"drinks": {"Kombucha"}},
		"vet":        {"pets": {"dog", "cat"}, "appointments": {"appointment", "waiting room"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name          string
		in            Input
		term, cat, pl string
	}{
		{"user term extends a built-in pack", Input{Text: "The kombucha was flat and tasted awful.", Domain: "restaurant"}, "kombucha", "drinks", models.PolarityNegative},
		{"user domain", Input{Text: "The waiting room was dirty and crowded.", Domain: "vet"}, "dirty waiting room", "appointments", models.PolarityNegative},
		{"retail shipping", Input{Text: "Shipping took three weeks and the package arrived damaged.", Domain: "retail"}, "slow shipping", "shipping", models.PolarityNegative},
		{"retail refund", Input{Text: "Still no refund after a month.", Domain: "retail"}, "missing refund", "refund", models.PolarityNegative},
		{"software crash", Input{Text: "The app crashes every time I open settings.", Domain: "software"}, "crashes", "crashes", models.PolarityNegative},
		{"software login", Input{Text: "I can't log in since the update, the password reset never arrives.", Domain: "software"}, "missing password reset", "login", models.PolarityNegative},
		{"hospitality room", Input{Text: "The room was spotless and the bed very comfortable.", Domain: "hospitality"}, "room", "room", models.PolarityPositive},
		{"unknown domain falls back to general", Input{Text: "The staff were friendly and helpful.", Domain: "nonsense"}, "staff", "service", models.PolarityPositive},
		{"restaurant praise", Input{Text: "Great beer selection and friendly waitstaff.", Domain: "restaurant"}, "beer selection", "drinks", models.PolarityPositive},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := a.Analyze(context.Background(), c.in)
			x, ok := aspect(got, c.term)
			if !ok {
				t.Fatalf("no aspect %q in %+v", c.term, got.Aspects)
			}
			if x.Category != c.cat || x.Polarity != c.pl {
				t.Errorf("aspect %q = %s/%s, want %s/%s", c.term, x.Category, x.Polarity, c.cat, c.pl)
			}
			// an issue is named in normalised words ("missing refund"); the
			// sentence must still hold the thing it is about
			words := strings.Fields(strings.ToLower(c.term))
			if x.Evidence == "" || !strings.Contains(strings.ToLower(x.Evidence), words[len(words)-1]) {
				t.Errorf("evidence %q does not hold the term %q", x.Evidence, c.term)
			}
		})
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	cases := []struct {
		name string
		opts Options
		want error
	}{
		{"empty term", Options{Taxonomies: map[string]map[string][]string{"restaurant": {"food": {"pizza", " "}}}}, ErrBadTaxonomy},
		{"empty category", Options{Taxonomies: map[string]map[string][]string{"restaurant": {"": {"pizza"}}}}, ErrBadTaxonomy},
		{"empty domain", Options{Taxonomies: map[string]map[string][]string{" ": {"food": {"pizza"}}}}, ErrBadTaxonomy},
		{"garbage model", Options{Model: []byte("not a model")}, ErrBadModel},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := New(c.opts)
			if !errors.Is(err, c.want) {
				t.Fatalf("New error = %v, want %v", err, c.want)
			}
		})
	}
}

func TestCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got := analyzer(t).Analyze(ctx, Input{Text: "Terrible food, awful service."})
	if got.Complaint || !hasReason(got, "not analysed") {
		t.Fatalf("cancelled analysis = %+v, want an unanalysed result that says so", got)
	}
}

func TestLongTextIsCut(t *testing.T) {
	text := strings.Repeat("The soup was cold. ", 3000)
	got := analyzer(t).Analyze(context.Background(), Input{Text: text})
	if !hasReason(got, "text cut") || !got.Complaint {
		t.Fatalf("got %+v reasons %q, want a cut, still-analysed complaint", got.Label, got.Reasons)
	}
	if len(got.Aspects) > MaxAspects {
		t.Fatalf("%d aspects, want at most %d", len(got.Aspects), MaxAspects)
	}
}

func TestConcurrentUse(t *testing.T) {
	a := analyzer(t)
	texts := []string{"Great food!", "The waiter was rude and we waited an hour.", "😡", "Das ist schlecht und nicht gut.", ""}
	want := make([]models.Analysis, len(texts))
	for i, tx := range texts {
		want[i] = a.Analyze(context.Background(), Input{Text: tx, Domain: "restaurant"})
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 50; k++ {
				i := k % len(texts)
				got := a.Analyze(context.Background(), Input{Text: texts[i], Domain: "restaurant"})
				if got.Compound != want[i].Compound || got.Label != want[i].Label || len(got.Aspects) != len(want[i].Aspects) {
					errs <- texts[i]
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("concurrent analysis of %q differs from the sequential one", e)
	}
}

func TestCompoundMatchesAnalyze(t *testing.T) {
	a := analyzer(t)
	for _, tx := range []string{"Great food!", "The waiter was rude.", "I ordered a pizza on Tuesday.", "sooo goood #awesome"} {
		full := a.Analyze(context.Background(), Input{Text: tx})
		if c := round3(a.Compound(tx, "")); c != full.Compound {
			t.Errorf("%q: Compound = %.3f, Analyze compound = %.3f", tx, c, full.Compound)
		}
	}
}

func TestMentionAnalyzer(t *testing.T) {
	a := analyzer(t)
	m := models.Mention{Title: "Never again", Text: "The waiter was rude.", Rating: stars(1), SourceKind: "trustpilot", AuthorReach: 0}
	got := MentionAnalyzer{A: a}.Analyze(context.Background(), m, "restaurant")
	want := a.Analyze(context.Background(), Input{Title: m.Title, Text: m.Text, Rating: m.Rating, SourceKind: m.SourceKind, Domain: "restaurant"})
	if got.Compound != want.Compound || got.Severity != want.Severity || len(got.Aspects) != len(want.Aspects) || !got.Complaint {
		t.Fatalf("mention analysis %+v differs from the input analysis %+v", got, want)
	}
	if x, ok := aspect(got, "rude waiter"); !ok || x.Category != "service" {
		t.Errorf("aspects %+v: want rude waiter filed under service", got.Aspects)
	}
}

func TestSocialWeighting(t *testing.T) {
	a := analyzer(t)
	// The same words read as a tweet lean on the lexicon: the source kind
	// and, without one, social markers decide.
	text := "Forgot my phone at home. Great."
	asTweet := a.Analyze(context.Background(), Input{Text: text, SourceKind: "twitter"})
	asMarked := a.Analyze(context.Background(), Input{Text: text + " #fail"})
	if asTweet.Compound == 0 || asMarked.Compound == 0 {
		t.Fatalf("compounds %v %v, want scored texts", asTweet.Compound, asMarked.Compound)
	}
	if !isSocial("", mustTokens("lol ok")) || isSocial("", mustTokens("The food was fine.")) || isSocial("trustpilot", mustTokens("lol")) || !isSocial("Twitter", nil) {
		t.Error("isSocial misjudges a text")
	}
}

// TestSourceKindText pins that sentiment reads the kind's registry row:
// short posts get the social weighting, prose does not, and an RSS item
// (a social mention, but a headline and an article snippet) is prose.
// Before the row, sentiment kept its own list, which disagreed with the
// registry about rss.
func TestSourceKindText(t *testing.T) {
	for _, k := range registry.Kinds() {
		if got, want := isSocial(k.Name, nil), k.Text == registry.Post; got != want {
			t.Errorf("%s: read as a social post = %v, its row says text %q", k.Name, got, k.Text)
		}
	}
	cases := []struct {
		kind string
		want bool
	}{{"rss", false}, {"twitter", true}, {"X", true}, {"reddit", true}, {"trustpilot", false}, {"myspace", false}}
	for _, c := range cases {
		if got := isSocial(c.kind, mustTokens("lol ok")); got != c.want {
			t.Errorf("isSocial(%q) = %v, want %v", c.kind, got, c.want)
		}
	}
}

func mustTokens(s string) []nlp.Token {
	toks, _ := nlp.Tokenize(s, nil, nil)
	return toks
}

// A title that repeats a phrase of the text must not list the same cue
// twice in the reasons an owner reads in the alert.
func TestCueNamedOnceAcrossTitleAndText(t *testing.T) {
	one := 1.0
	got := analyzer(t).Analyze(context.Background(), Input{SourceKind: "jsonld", Rating: &one,
		Title: "Allergic reaction", Text: "The dessert had nuts and my daughter had an allergic reaction."})
	n := 0
	for _, r := range got.Reasons {
		if strings.HasPrefix(r, "health and safety:") {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("health and safety named %d times, want once: %q", n, got.Reasons)
	}
}
