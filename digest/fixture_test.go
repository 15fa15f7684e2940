package digest

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
	"github.com/jonboulle/clockwork"
)

// The fixed dataset: Rosa's Pizzeria in London, digest of 2026-W47
// (Mon 16 – Sun 22 Nov 2026) made on Monday 23 Nov at 08:00.
var (
	london     = mustLoc("Europe/London")
	week47     = Week{2026, 47}
	digestTime = time.Date(2026, 11, 23, 8, 0, 0, 0, london)
)

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

func ptr[T any](v T) *T { return &v }

// testConfig is the business as the config file would describe it.
func testConfig(dbPath string) *config.Config {
	return &config.Config{
		Database: config.Database{Driver: "sqlite", Path: dbPath},
		Businesses: []config.Business{{
			Name: "rosas", DisplayName: "Rosa's Pizzeria", Domain: "restaurant", TimeZone: "Europe/London",
			Users: []config.User{
				{Name: "Rosa", Email: "rosa@example.com", Role: "owner"},
				{Name: "Sam", Email: "sam@example.com", Role: "staff"},
			},
			Digest: config.Digest{Day: "monday", Time: "08:00", Recipients: []string{"rosa@example.com", "Marco <marco@example.com>"}},
		}},
	}
}

type fixture struct {
	st    *store.Store
	clock *clockwork.FakeClock
	biz   models.Business
	cfg   *config.Config
	src   map[string]models.Source
	n     int
}

func openStore(t testing.TB, path string, clock clockwork.Clock) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{Driver: "sqlite", Path: path, Clock: clock})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// newFixture opens a fresh SQLite file with the business and its sources.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	return newFixtureWith(t, func(clock clockwork.Clock, path string) *store.Store { return openStore(t, path, clock) })
}

// newFixtureWith stores the business and its sources in the store open
// returns.
func newFixtureWith(t testing.TB, open func(clock clockwork.Clock, path string) *store.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	clock := clockwork.NewFakeClockAt(time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC))
	path := filepath.Join(t.TempDir(), "earshot.db")
	st := open(clock, path)
	cfg := testConfig(path)
	b := cfg.Businesses[0]
	biz, srcs, err := st.SyncBusiness(ctx,
		models.Business{Name: b.Name, DisplayName: b.DisplayName, Domain: b.Domain, TimeZone: b.TimeZone},
		[]models.User{{Name: "Rosa", Email: "rosa@example.com", Role: models.RoleOwner}},
		[]models.Source{
			{Name: "trustpilot", Kind: "trustpilot", Target: "https://www.trustpilot.example/review/rosas.example"},
			{Name: "google", Kind: "google", Target: "https://maps.example/rosas"},
			{Name: "x", Kind: "twitter", Target: "rosas pizza"},
		})
	if err != nil {
		t.Fatalf("sync business: %v", err)
	}
	f := &fixture{st: st, clock: clock, biz: biz, cfg: cfg, src: map[string]models.Source{}}
	for _, s := range srcs {
		f.src[s.Name] = s
	}
	return f
}

type aspect struct{ cat, term, pol string }

// mention stores one mention and its analysis; it returns the mention ID.
func (f *fixture) mention(t testing.TB, source string, at time.Time, rating *float64, author, text, label string, compound float64, complaint bool, aspects ...aspect) int64 {
	t.Helper()
	ctx := context.Background()
	f.n++
	src := f.src[source]
	m := models.Mention{
		ExternalID: fmt.Sprintf("%s-%d", source, f.n), URL: fmt.Sprintf("https://reviews.example/%s/%d", source, f.n),
		Author: author, Rating: rating, Text: text, PostedAt: at, Language: "en",
	}
	res, err := f.st.SaveMentions(ctx, src, []models.Mention{m})
	if err != nil || len(res.NewIDs) != 1 {
		t.Fatalf("save mention: %v %+v", err, res)
	}
	a := &models.Analysis{MentionID: res.NewIDs[0], MentionVersion: 1, BusinessID: f.biz.ID, Compound: compound, Label: label, Complaint: complaint, Analyzer: "fixture"}
	for _, x := range aspects {
		a.Aspects = append(a.Aspects, models.Aspect{Category: x.cat, Term: x.term, Polarity: x.pol, Evidence: text})
	}
	if _, err := f.st.SaveAnalysis(ctx, a); err != nil {
		t.Fatalf("save analysis: %v", err)
	}
	return res.NewIDs[0]
}

// task stores a complaint's apology task as the alerter leaves it: due
// at its reply deadline, with a follow-up date three days after the
// reply once answered.
func (f *fixture) task(t testing.TB, mentionID int64, state models.TaskState, opened, replyDue time.Time, replied, resolved *time.Time) {
	t.Helper()
	f.n++
	var followUp *time.Time
	if replied != nil {
		fu := replied.Add(72 * time.Hour).UTC()
		followUp = &fu
	}
	tk := &models.Task{
		BusinessID: f.biz.ID, MentionID: mentionID, Kind: models.TaskApology, State: state, DedupKey: fmt.Sprintf("apology:%d:%d", mentionID, f.n),
		Severity: 2, Channel: "review", DueAt: replyDue.UTC(), FollowUpAt: followUp, OpenedAt: opened.UTC(), RepliedAt: replied, ResolvedAt: resolved,
		Link: fmt.Sprintf("https://reviews.example/task/%d", mentionID), Assignee: "sam",
	}
	if _, err := f.st.CreateTask(context.Background(), tk); err != nil {
		t.Fatalf("create task: %v", err)
	}
}

func (f *fixture) run(t testing.TB, source string, at time.Time, class, msg string) {
	t.Helper()
	fin := at.Add(10 * time.Second)
	if _, err := f.st.RecordRun(context.Background(), models.SourceRun{SourceID: f.src[source].ID, StartedAt: at.UTC(), FinishedAt: &fin, ErrorClass: class, Error: msg}, ""); err != nil {
		t.Fatalf("record run: %v", err)
	}
}

// day returns a time on day i (0 = Monday) of week w, in London.
func day(w Week, i, hour, min int) time.Time {
	d := w.Day(i, london)
	return time.Date(d.Year(), d.Month(), d.Day(), hour, min, 0, 0, london)
}

var (
	service  = aspect{"service", "waitstaff", models.PolarityNegative}
	waiter   = aspect{"service", "waiter", models.PolarityNegative}
	cleanNeg = aspect{"cleanliness", "toilets", models.PolarityNegative}
	priceNeg = aspect{"price", "prices", models.PolarityNegative}
	foodPos  = aspect{"food", "pizza", models.PolarityPositive}
	ambPos   = aspect{"ambience", "terrace", models.PolarityPositive}
)

// seedWeek47 writes the fixed dataset.
func (f *fixture) seedWeek47(t testing.TB) {
	t.Helper()
	// Four earlier weeks: mostly happy, a couple of service and price
	// complaints, one of which (price) was resolved.
	for i := 1; i <= 4; i++ {
		w := week47.Add(-i)
		for j := 0; j < 4; j++ {
			f.mention(t, "trustpilot", day(w, j, 12, 0), ptr(5.0), "Regular", "Lovely pizza as always.", models.LabelPositive, 0.8, false, foodPos)
		}
		f.mention(t, "google", day(w, 4, 19, 0), ptr(4.0), "Local", "Good pizza, nice terrace.", models.LabelPositive, 0.6, false, foodPos, ambPos)
		if i%2 == 0 {
			id := f.mention(t, "google", day(w, 5, 20, 0), ptr(2.0), "Grumpy", "The waiter ignored us.", models.LabelNegative, -0.6, true, waiter)
			f.task(t, id, models.TaskReplied, day(w, 5, 20, 5), day(w, 6, 20, 5), ptr(day(w, 6, 9, 0).UTC()), nil)
		}
	}
	pid := f.mention(t, "trustpilot", day(week47.Add(-3), 2, 18, 0), ptr(2.0), "Penny", "Too expensive for what it is.", models.LabelNegative, -0.5, true, priceNeg)
	f.task(t, pid, models.TaskResolved, day(week47.Add(-3), 2, 18, 5), day(week47.Add(-3), 3, 18, 5), ptr(day(week47.Add(-3), 2, 19, 0).UTC()), ptr(day(week47.Add(-2), 1, 10, 0).UTC()))

	// Week 47: worse. Slow service, a new cleanliness problem, prices
	// back, and a hostile review.
	w := week47
	f.mention(t, "trustpilot", day(w, 0, 12, 0), ptr(5.0), "Regular", "Lovely pizza as always.", models.LabelPositive, 0.8, false, foodPos)
	f.mention(t, "trustpilot", day(w, 1, 13, 0), ptr(5.0), "Ana", "Best margherita in town, the terrace is lovely.", models.LabelPositive, 0.9, false, foodPos, ambPos)
	f.mention(t, "google", day(w, 2, 19, 30), ptr(4.0), "Local", "Pizza still great.", models.LabelPositive, 0.5, false, foodPos)
	c1 := f.mention(t, "google", day(w, 1, 20, 0), ptr(2.0), "Tom", "Waited 45 minutes, the waitstaff forgot us.", models.LabelNegative, -0.7, true, service)
	c2 := f.mention(t, "trustpilot", day(w, 2, 21, 0), ptr(1.0), "Lena", "Slow waitstaff and dirty toilets. Never again.", models.LabelNegative, -0.9, true, service, cleanNeg)
	c3 := f.mention(t, "x", day(w, 4, 22, 0), nil, "@hungry", "@rosas 50 minutes for a pizza?? the waiter vanished", models.LabelNegative, -0.6, true, waiter)
	c4 := f.mention(t, "trustpilot", day(w, 5, 14, 0), ptr(2.0), "Pat", "Prices went up again and the toilets were dirty.", models.LabelNegative, -0.5, true, priceNeg, cleanNeg)
	c5 := f.mention(t, "google", day(w, 6, 11, 0), ptr(1.0), "<script>alert('x')</script>\r\nBcc: victim@example.com",
		"Terrible.<img src=x onerror=alert(1)> Click <a href=\"javascript:alert(1)\">here</a>\nSubject: injected", models.LabelNegative, -0.95, true, service)
	f.mention(t, "x", day(w, 3, 9, 0), nil, "@fan", "@rosas pizza night!", models.LabelNeutral, 0.1, false)

	// Tasks: c1 replied in 2h (on time), c2 replied in 30h (late), c3
	// replied in 40m, c4 still open and overdue, c5 open, due after the
	// digest is made. A complaint of the week before, answered then, was
	// resolved after its follow-up this week.
	f.task(t, c1, models.TaskReplied, day(w, 1, 20, 5), day(w, 2, 20, 5), ptr(day(w, 1, 22, 5).UTC()), nil)
	f.task(t, c2, models.TaskReplied, day(w, 2, 21, 5), day(w, 3, 21, 5), ptr(day(w, 4, 3, 5).UTC()), nil)
	f.task(t, c3, models.TaskReplied, day(w, 4, 22, 5), day(w, 4, 23, 5), ptr(day(w, 4, 22, 45).UTC()), nil)
	f.task(t, c4, models.TaskOpen, day(w, 5, 14, 5), day(w, 6, 14, 5), nil, nil)
	f.task(t, c5, models.TaskOpen, day(w, 6, 11, 5), day(w.Add(1), 1, 11, 5), nil, nil)
	f.task(t, pid, models.TaskResolved, day(w.Add(-1), 2, 9, 0), day(w.Add(-1), 3, 9, 0), ptr(day(w.Add(-1), 2, 12, 0).UTC()), ptr(day(w, 1, 10, 0).UTC()))

	// Source health: google was blocked twice; the others ran fine.
	for i := 0; i < 7; i++ {
		f.run(t, "trustpilot", day(w, i, 6, 0), "", "")
		f.run(t, "x", day(w, i, 6, 0), "", "")
	}
	f.run(t, "google", day(w, 0, 6, 0), "", "")
	f.run(t, "google", day(w, 3, 6, 0), models.ErrorClassBlocked, "HTTP 429 Too Many Requests from maps.example")
	f.run(t, "google", day(w, 4, 6, 0), models.ErrorClassBlocked, "captcha page instead of reviews")
	// A mention of the next week must not count.
	f.mention(t, "trustpilot", day(w.Add(1), 0, 7, 0), ptr(1.0), "Later", "Next week's problem.", models.LabelNegative, -0.8, true, service)
}
