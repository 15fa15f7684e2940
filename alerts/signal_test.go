package alerts

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/models"
)

var cafe = models.Business{ID: 1, Name: "grind-house", DisplayName: "The Grind House",
	Keywords: []string{"grind house cafe"}, Handles: []string{"@GrindHouseCafe"}}

func TestRelevance(t *testing.T) {
	cases := []struct {
		name, kind, title, text string
		want                    bool
		why                     string
	}{
		{"unrelated HN comment about Java", "hackernews", "Netflix moves off Java", "The daily grind of Java at Netflix: the house build is broken and nobody answers.", false, "not about the business: no name, handle or keyword"},
		{"names the business", "hackernews", "", "Avoid The Grind House on Briggate, cold coffee.", true, `relevant: names "The Grind House"`},
		{"typographic apostrophes and case", "mastodon", "", "THE GRIND HOUSE’s flat white is cold", true, `relevant: names "The Grind House"`},
		{"a reply to its account", "twitter", "", "@grindhousecafe my order never came", true, "relevant: a reply to @grindhousecafe"},
		{"names the handle mid-text", "bluesky", "", "cold coffee again at @GrindHouseCafe today", true, "relevant: names @grindhousecafe"},
		{"a hashtag", "mastodon", "", "cold coffee #grindhousecafe", true, "relevant: names #grindhousecafe"},
		{"a configured keyword", "reddit", "", "Anyone tried grind house cafe in Leeds? Rude staff.", true, `relevant: names "grind house cafe"`},
		{"a longer word is not the handle", "twitter", "", "@grindhousecafeteria is great", false, "not about the business"},
		{"the story title names it", "hackernews", "Show HN: The Grind House booking page", "It is broken on mobile.", true, "relevant: names"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ok, why := NewSignal(cafe, nil).Relevance(models.Mention{SourceKind: c.kind, Title: c.title, Text: c.text})
			if ok != c.want || !strings.Contains(why, c.why) {
				t.Errorf("Relevance = %v %q; want %v %q", ok, why, c.want, c.why)
			}
		})
	}
}

func TestJudgeOnlyAppliesRelevanceToSocialKinds(t *testing.T) {
	an := models.Analysis{Complaint: true}
	NewSignal(cafe, nil).Judge(models.Mention{SourceKind: "trustpilot", Rating: rating(1), Text: "Cold coffee."}, &an)
	if !an.Complaint || an.Unrelated {
		t.Errorf("a review on the business's own page: complaint %v unrelated %v %q", an.Complaint, an.Unrelated, an.Reasons)
	}
	an = models.Analysis{Complaint: true}
	NewSignal(cafe, nil).Judge(models.Mention{SourceKind: "hackernews", Text: "Java at Netflix is a disaster."}, &an)
	if an.Complaint || !an.Unrelated {
		t.Errorf("an unrelated social complaint: complaint %v unrelated %v %q", an.Complaint, an.Unrelated, an.Reasons)
	}
}

func TestCorrectionsTeachTheBusiness(t *testing.T) {
	not := func(id int64, text string) models.Correction {
		return models.Correction{MentionID: id, Verdict: models.VerdictNotComplaint, Text: text, Actor: "Sam"}
	}
	yes := func(id int64, text string) models.Correction {
		return models.Correction{MentionID: id, Verdict: models.VerdictComplaint, Text: text, Actor: "Sam"}
	}
	openMic := []models.Correction{
		not(1, "The Grind House open mic night was insane, the crowd went crazy, the band was killing it"),
		not(2, "Open mic at The Grind House was insane again, crowd went crazy and the drummer was killing it"),
	}
	const newOpenMic = "The Grind House open mic was insane tonight, the crowd went crazy and the singer was killing it"
	cases := []struct {
		name      string
		cs        []models.Correction
		text      string
		model     bool
		want      bool
		reasonHas string
	}{
		{"two similar not-a-complaint corrections clear the flag", openMic, newOpenMic, true, false, "business corrections used: like 2 mentions staff marked not a complaint (1, 2)"},
		{"one is not enough", openMic[:1], newOpenMic, true, true, "model's verdict kept"},
		{"one near-duplicate is enough", openMic[:1], "The Grind House open mic night was insane, the crowd went crazy, the band was killing it!", true, false, "business corrections used"},
		{"an unlike complaint keeps its flag", openMic, "The Grind House charged me twice and the manager refused a refund", true, true, ""},
		{"a missed complaint teaches the flag", []models.Correction{yes(3, "I placed an order at The Grind House on the 5th, it has been marked delivered however I have got nothing")},
			"I placed an order at The Grind House on the 12th and it was marked delivered however I got nothing", false, true, "business corrections used: like 1 mention staff marked a complaint (3)"},
		{"no corrections, no change", nil, newOpenMic, true, true, ""},
		{"too few words to compare", openMic, "The Grind House: insane!", true, true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			an := models.Analysis{Complaint: c.model}
			NewSignal(cafe, c.cs).Judge(models.Mention{SourceKind: "mastodon", Text: c.text}, &an)
			if an.Complaint != c.want {
				t.Errorf("complaint = %v, want %v (%q)", an.Complaint, c.want, an.Reasons)
			}
			if c.reasonHas != "" && !strings.Contains(strings.Join(an.Reasons, "; "), c.reasonHas) {
				t.Errorf("reasons %q lack %q", an.Reasons, c.reasonHas)
			}
			if c.reasonHas == "" && strings.Contains(strings.Join(an.Reasons, "; "), "corrections used") {
				t.Errorf("reasons %q say corrections were used", an.Reasons)
			}
		})
	}
}

func TestCorrectionsArePerBusiness(t *testing.T) {
	other := models.Business{ID: 2, Name: "harbour-bistro", DisplayName: "Harbour Bistro"}
	cs := []models.Correction{
		{MentionID: 1, Verdict: models.VerdictNotComplaint, Text: "Harbour Bistro quiz night is brutal, killer questions, lost again"},
		{MentionID: 2, Verdict: models.VerdictNotComplaint, Text: "Harbour Bistro quiz night was brutal again, killer questions and we lost"},
	}
	// The Grind House has no corrections: the other business's do not apply.
	an := models.Analysis{Complaint: true}
	NewSignal(cafe, nil).Judge(models.Mention{SourceKind: "mastodon", Text: "The Grind House quiz night is brutal, killer questions, lost again"}, &an)
	if !an.Complaint {
		t.Errorf("cafe without corrections lost the flag: %q", an.Reasons)
	}
	an = models.Analysis{Complaint: true}
	NewSignal(other, cs).Judge(models.Mention{SourceKind: "mastodon", Text: "Harbour Bistro quiz night is brutal, killer questions, lost again tonight"}, &an)
	if an.Complaint {
		t.Errorf("business with corrections kept the flag: %q", an.Reasons)
	}
}

// TestIncidentsGroupByPostingTime: three complaints about the same issue
// read in one scrape are an incident only when they were posted within
// the burst window of each other, not when an import read them together.
func TestIncidentsGroupByPostingTime(t *testing.T) {
	cases := []struct {
		name    string
		spacing time.Duration
		want    bool
	}{
		{"posted a day apart", 24 * time.Hour, false},
		{"posted within minutes", 10 * time.Minute, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, fixtureOpts{})
			for i := 0; i < 3; i++ {
				cp := complaint{id: fmt.Sprint("p", i), author: fmt.Sprint("Guest ", i), rating: rating(1), text: "Cold food.", severity: 2, issues: []string{"food/cold food"}}
				m := cp.mention()
				m.PostedAt = start.Add(-time.Duration(i) * c.spacing)
				res, err := f.st.SaveMentions(f.ctx, f.src["trustpilot"], []models.Mention{m})
				if err != nil {
					t.Fatal(err)
				}
				stored, _ := f.st.Mention(f.ctx, res.NewIDs[0])
				f.analyse(stored, cp)
			}
			ts := f.tasks()
			if len(ts) != 3 {
				t.Fatalf("%d tasks, want 3", len(ts))
			}
			grouped := ts[len(ts)-1].IncidentID != nil
			if grouped != c.want {
				t.Errorf("grouped into an incident: %v, want %v", grouped, c.want)
			}
		})
	}
}

func TestAlertWindowAndAnsweredReviews(t *testing.T) {
	cases := []struct {
		name   string
		posted time.Duration // before now
		reply  string
		extra  string
		task   bool
		kind   string // of the task opened, when one is
	}{
		{"posted yesterday", 24 * time.Hour, "", "", true, models.TaskApology},
		{"posted 8 days ago", 8 * 24 * time.Hour, "", "", false, ""},
		{"posted 8 days ago, window 30 days", 8 * 24 * time.Hour, "", "alerts:\n  alert_window: 720h\n", true, models.TaskApology},
		{"answered on the site", time.Hour, "Sorry, Ann — the owner", "", false, ""},
		{"answered on the site, follow_up_answered off", time.Hour, "Sorry, Ann — the owner", "alerts:\n  follow_up_answered: false\n", false, ""},
		{"answered on the site, follow_up_answered on: a follow-up, no apology", time.Hour, "Sorry, Ann — the owner",
			"alerts:\n  follow_up_answered: true\n  follow_up: 48h\n", true, models.TaskFollowUp},
		{"answered 8 days ago, follow_up_answered on: history", 8 * 24 * time.Hour, "Sorry, Ann — the owner",
			"alerts:\n  follow_up_answered: true\n", false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, fixtureOpts{extra: c.extra})
			cp := complaint{id: "w", author: "Ann", rating: rating(1), text: "Cold food.", severity: 2}
			m := cp.mention()
			m.PostedAt, m.Reply = start.Add(-c.posted), c.reply
			res, err := f.st.SaveMentions(f.ctx, f.src["trustpilot"], []models.Mention{m})
			if err != nil {
				t.Fatal(err)
			}
			stored, _ := f.st.Mention(f.ctx, res.NewIDs[0])
			f.analyse(stored, cp)
			ts := f.tasks()
			if got := len(ts) == 1; got != c.task {
				t.Fatalf("task opened: %v, want %v (%+v)", got, c.task, ts)
			}
			if c.task && ts[0].Kind != c.kind {
				t.Errorf("task kind %q, want %q", ts[0].Kind, c.kind)
			}
			if c.kind != models.TaskFollowUp {
				return
			}
			// The apology was made on the site: no alert asks for another,
			// no draft offers one, and the check is due follow_up later.
			f.deliver()
			if n := len(f.notifications("alert")); n != 0 {
				t.Errorf("%d apology alerts for an answered review", n)
			}
			if n := len(f.mails()); n != 0 {
				t.Errorf("%d emails for an answered review: %+v", n, f.mails())
			}
			if ts[0].Draft != "" {
				t.Errorf("follow-up task has an apology draft: %q", ts[0].Draft)
			}
			if want := start.Add(48 * time.Hour); !ts[0].DueAt.Equal(want) {
				t.Errorf("due %v, want %v", ts[0].DueAt, want)
			}
			// Analysing the same version again opens no second task.
			f.analyse(stored, cp)
			if n := len(f.tasks()); n != 1 {
				t.Errorf("%d tasks after a re-analysis", n)
			}
		})
	}
}
