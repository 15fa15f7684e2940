package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
	"github.com/jonboulle/clockwork"
)

// openStores returns a fresh SQLite store, and a PostgreSQL one when
// EARSHOT_TEST_POSTGRES holds a DSN, so every test runs on both dialects.
func openStores(t *testing.T) map[string]*store.Store {
	t.Helper()
	ctx := context.Background()
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	out := map[string]*store.Store{}
	s, err := store.Open(ctx, store.Options{Driver: "sqlite", Path: filepath.Join(t.TempDir(), "earshot.db"), Clock: clock})
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	out["sqlite"] = s
	if dsn := os.Getenv("EARSHOT_TEST_POSTGRES"); dsn != "" {
		pg, err := store.Open(ctx, store.Options{Driver: "postgres", DSN: dsn, Clock: clock})
		if err != nil {
			t.Fatalf("open postgres: %v", err)
		}
		t.Cleanup(func() { pg.Close() })
		out["postgres"] = pg
	}
	return out
}

func rating(v float64) *float64 { return &v }

// setup stores a business with one source under a name unique to the
// test, so tests sharing one PostgreSQL database do not collide.
func setup(t *testing.T, s *store.Store) models.Source {
	t.Helper()
	name := fmt.Sprintf("biz-%d", time.Now().UnixNano())
	_, srcs, err := s.SyncBusiness(context.Background(), models.Business{Name: name, Domain: "restaurant", TimeZone: "Europe/London", Keywords: []string{"rosie"}},
		[]models.User{{Name: "Rosie", Email: "rosie@example.com", Role: models.RoleOwner}},
		[]models.Source{{Name: "site", Kind: "jsonld", Target: "http://127.0.0.1/reviews", IntervalSeconds: 60}})
	if err != nil {
		t.Fatalf("sync business: %v", err)
	}
	return srcs[0]
}

func TestSaveMentionsIdempotentAndEdits(t *testing.T) {
	for name, s := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			src := setup(t, s)
			posted := time.Date(2026, 11, 20, 18, 30, 0, 0, time.UTC)
			batch := []models.Mention{
				{ExternalID: "r1", Author: "Ann", Rating: rating(2), Text: "Cold food, slow waitstaff.", PostedAt: posted, URL: "http://x/r1"},
				{ExternalID: "r2", Author: "Bob", Rating: rating(5), Text: "Lovely.", PostedAt: posted},
			}
			res, err := s.SaveMentions(ctx, src, batch)
			if err != nil {
				t.Fatal(err)
			}
			if res.New != 2 || res.Updated != 0 || len(res.NewIDs) != 2 {
				t.Fatalf("first save: %+v, want 2 new", res)
			}
			// The same page scraped again stores nothing.
			res, err = s.SaveMentions(ctx, src, batch)
			if err != nil {
				t.Fatal(err)
			}
			if res.New != 0 || res.Updated != 0 || res.Unchanged != 2 {
				t.Fatalf("second save: %+v, want 2 unchanged", res)
			}
			// Ann downgrades to 1 star and the owner replies to Bob.
			edited := []models.Mention{
				{ExternalID: "r1", Author: "Ann", Rating: rating(1), Text: "Cold food, slow waitstaff. Still no refund.", PostedAt: posted},
				{ExternalID: "r2", Author: "Bob", Rating: rating(5), Text: "Lovely.", PostedAt: posted, Reply: "Thank you Bob!"},
			}
			res, err = s.SaveMentions(ctx, src, edited)
			if err != nil {
				t.Fatal(err)
			}
			if res.Updated != 2 || len(res.Edits) != 1 || len(res.Replied) != 1 {
				t.Fatalf("edit save: %+v, want 2 updated, 1 edit, 1 reply", res)
			}
			e := res.Edits[0]
			if *e.OldRating != 2 || *e.NewRating != 1 || e.Version != 2 {
				t.Errorf("edit = %+v, want rating 2 -> 1 at version 2", e)
			}
			m, err := s.Mention(ctx, e.MentionID)
			if err != nil {
				t.Fatal(err)
			}
			if m.Version != 2 || *m.Rating != 1 || m.EditedAt == nil || !m.PostedAt.Equal(posted) {
				t.Errorf("stored mention = %+v", m)
			}
			vs, err := s.MentionVersions(ctx, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) != 1 || vs[0].Text != "Cold food, slow waitstaff." || *vs[0].Rating != 2 {
				t.Errorf("history = %+v, want the original text and rating", vs)
			}
			srcs, err := s.Sources(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range srcs {
				if x.ID == src.ID && x.TotalMentions != 2 {
					t.Errorf("source total = %d, want 2", x.TotalMentions)
				}
			}
		})
	}
}

func TestAnalysisOncePerVersion(t *testing.T) {
	for name, s := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			src := setup(t, s)
			res, err := s.SaveMentions(ctx, src, []models.Mention{{ExternalID: "a", Text: "charged twice", Rating: rating(1)}})
			if err != nil {
				t.Fatal(err)
			}
			pending, err := s.PendingAnalysis(ctx, 1000)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, p := range pending {
				found = found || p.ID == res.NewIDs[0]
			}
			if !found {
				t.Fatalf("new mention not pending analysis")
			}
			a := models.Analysis{MentionID: res.NewIDs[0], MentionVersion: 1, BusinessID: src.BusinessID, Complaint: true, Severity: 4,
				Reasons: []string{"rating 1/5"}, Aspects: []models.Aspect{{Category: "billing", Term: "charged twice", Polarity: models.PolarityNegative}}}
			first, err := s.SaveAnalysis(ctx, &a)
			if err != nil || !first {
				t.Fatalf("first save = %v, %v", first, err)
			}
			again := a
			second, err := s.SaveAnalysis(ctx, &again)
			if err != nil || second {
				t.Fatalf("second save of the same version = %v, %v; want false, nil", second, err)
			}
			got, err := s.LatestAnalysis(ctx, res.NewIDs[0])
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Aspects) != 1 || got.Aspects[0].Term != "charged twice" || got.Reasons[0] != "rating 1/5" {
				t.Errorf("analysis round trip = %+v", got)
			}
			pending, _ = s.PendingAnalysis(ctx, 1000)
			for _, p := range pending {
				if p.ID == res.NewIDs[0] {
					t.Errorf("analyzed mention still pending")
				}
			}
		})
	}
}

func TestSaveTenThousandInOneCall(t *testing.T) {
	s := openStores(t)["sqlite"]
	ctx := context.Background()
	src := setup(t, s)
	ms := make([]models.Mention, 10000)
	for i := range ms {
		ms[i] = models.Mention{ExternalID: fmt.Sprintf("m%05d", i), Text: "ok", Rating: rating(4)}
	}
	res, err := s.SaveMentions(ctx, src, ms)
	if err != nil {
		t.Fatal(err)
	}
	if res.New != 10000 {
		t.Fatalf("new = %d, want 10000", res.New)
	}
	seen := s.SeenFunc(ctx, src.ID)
	if !seen("m09999") || seen("m10000") {
		t.Errorf("seen set wrong")
	}
}

func TestRecordRunHealth(t *testing.T) {
	s := openStores(t)["sqlite"]
	ctx := context.Background()
	src := setup(t, s)
	now := s.Now()
	for i := 1; i <= 3; i++ {
		got, err := s.RecordRun(ctx, models.SourceRun{SourceID: src.ID, StartedAt: now, FinishedAt: &now, ErrorClass: models.ErrorClassBlocked, Error: "captcha"}, "")
		if err != nil {
			t.Fatal(err)
		}
		if got.ConsecutiveFailures != i || got.LastErrorClass != "blocked" {
			t.Fatalf("after failure %d: %+v", i, got)
		}
	}
	got, err := s.RecordRun(ctx, models.SourceRun{SourceID: src.ID, StartedAt: now, FinishedAt: &now, Pages: 1, Parsed: 3}, "cursor-2")
	if err != nil {
		t.Fatal(err)
	}
	if got.ConsecutiveFailures != 0 || got.Cursor != "cursor-2" || got.LastSuccessAt == nil || got.LastError != "" {
		t.Fatalf("after success: %+v", got)
	}
}

func TestOpenRefusesNonSQLiteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.db")
	if err := os.WriteFile(path, []byte("shopping list: eggs, milk\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := store.Open(context.Background(), store.Options{Driver: "sqlite", Path: path})
	if !errors.Is(err, store.ErrNotSQLite) {
		t.Fatalf("err = %v, want ErrNotSQLite", err)
	}
	data, _ := os.ReadFile(path)
	if string(data) != "shopping list: eggs, milk\n" {
		t.Errorf("the file was modified")
	}
}

func TestOpenUnreachablePostgres(t *testing.T) {
	// Port 1 on loopback refuses connections.
	_, err := store.Open(context.Background(), store.Options{Driver: "postgres", DSN: "postgres://u:p@127.0.0.1:1/earshot?sslmode=disable&connect_timeout=2"})
	if !errors.Is(err, store.ErrUnreachable) {
		t.Fatalf("err = %v, want ErrUnreachable", err)
	}
}

func TestMigrateTwiceIsNoop(t *testing.T) {
	path := filepath.Join(t.TempDir(), "e.db")
	s, err := store.Open(context.Background(), store.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Migrate(context.Background())
	if err != nil || len(res.Applied) != 0 || res.Version < 1 {
		t.Fatalf("second migrate = %+v, %v", res, err)
	}
	s.Close()
}

// TestTimesKeepMilliseconds: latencies (mention stored → alert accepted)
// are measured in milliseconds, so stored times must keep them, and must
// compare in time order as text in SQLite.
func TestTimesKeepMilliseconds(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 11, 23, 9, 0, 5, 123_000_000, time.UTC)
	s, err := store.Open(ctx, store.Options{Path: filepath.Join(t.TempDir(), "t.db"), Clock: clockwork.NewFakeClockAt(at)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	src := setup(t, s)
	res, err := s.SaveMentions(ctx, src, []models.Mention{{ExternalID: "x", Text: "hi", PostedAt: at.Add(-900 * time.Millisecond)}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Mention(ctx, res.NewIDs[0])
	if err != nil {
		t.Fatal(err)
	}
	if !m.FetchedAt.Equal(at) || !m.PostedAt.Equal(at.Add(-900*time.Millisecond)) {
		t.Fatalf("fetched %v posted %v; want %v and 900ms earlier", m.FetchedAt, m.PostedAt, at)
	}
}

// What a reply needs (the platform's id, the author's handle) is stored,
// and filled in on a mention stored before it was read; aggregate
// ratings and the quiet state are kept per source.
func TestReplyFieldsAggregatesAndQuiet(t *testing.T) {
	for name, s := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			src := setup(t, s)
			old := models.Mention{SourceKind: "mastodon", ExternalID: "https://else.example/users/sam/statuses/9", Text: "hi", PostedAt: s.Now()}
			first, err := s.SaveMentions(ctx, src, []models.Mention{old})
			if err != nil || len(first.NewIDs) != 1 {
				t.Fatalf("save: %+v, %v", first, err)
			}
			withIDs := old
			withIDs.PlatformID, withIDs.AuthorHandle = "113000000000000009", "@sam@else.example"
			res, err := s.SaveMentions(ctx, src, []models.Mention{withIDs})
			if err != nil || res.Updated != 1 {
				t.Fatalf("update: %+v, %v", res, err)
			}
			stored, err := s.Mention(ctx, first.NewIDs[0])
			if err != nil {
				t.Fatal(err)
			}
			if stored.PlatformID != withIDs.PlatformID || stored.AuthorHandle != withIDs.AuthorHandle || stored.Version != 1 {
				t.Errorf("stored %q %q v%d; want the status id and handle, no new version", stored.PlatformID, stored.AuthorHandle, stored.Version)
			}

			r := 4.4
			for i, n := range []int{89, 90} {
				if err := s.SaveAggregateRating(ctx, src, models.AggregateRating{Rating: &r, Count: n, ObservedAt: s.Now().Add(time.Duration(i) * time.Hour)}); err != nil {
					t.Fatal(err)
				}
			}
			aggs, err := s.AggregateRatings(ctx, src.ID, 5)
			if err != nil || len(aggs) != 2 || aggs[0].Count != 90 || *aggs[0].Rating != 4.4 || aggs[0].BusinessID != src.BusinessID {
				t.Fatalf("aggregates = %+v, %v", aggs, err)
			}

			now := s.Now()
			for i := 0; i < 3; i++ {
				at := now.Add(time.Duration(i) * time.Hour)
				if _, err := s.RecordRun(ctx, models.SourceRun{SourceID: src.ID, StartedAt: at, FinishedAt: &at, New: i % 2}, ""); err != nil {
					t.Fatal(err)
				}
			}
			times, err := s.NewMentionRunTimes(ctx, src.ID, 10)
			if err != nil || len(times) != 1 || !times[0].Equal(now.Add(time.Hour)) {
				t.Fatalf("new-mention run times = %v, %v", times, err)
			}
			if err := s.MarkSourceQuiet(ctx, src.ID, now.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			got, _ := s.Source(ctx, src.ID)
			if got.QuietSince == nil || got.QuietAlertedAt == nil || !got.QuietSince.Equal(now.Add(time.Hour)) {
				t.Fatalf("quiet state not stored: %+v", got)
			}
			at := now.Add(5 * time.Hour)
			got, err = s.RecordRun(ctx, models.SourceRun{SourceID: src.ID, StartedAt: at, FinishedAt: &at, New: 2}, "")
			if err != nil || got.QuietSince != nil || got.QuietAlertedAt != nil {
				t.Fatalf("a new mention did not end the quiet spell: %+v, %v", got, err)
			}
		})
	}
}

// A mention stored under the ID an earlier scraper version gave it (one
// that included the page's host and port) is re-keyed to its current ID
// on the next scrape, not stored, analyzed and alerted a second time.
func TestLegacyIDsReKeyed(t *testing.T) {
	for name, s := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			src := setup(t, s)
			old := models.Mention{ExternalID: "http://127.0.0.1:41001/reviews#r-1", Author: "Ana", Text: "Cold soup", Rating: rating(1), PostedAt: s.Now()}
			first, err := s.SaveMentions(ctx, src, []models.Mention{old})
			if err != nil || first.New != 1 {
				t.Fatalf("first save: %+v, %v", first, err)
			}
			cur := old
			cur.ExternalID, cur.LegacyIDs = "/reviews#r-1", []string{old.ExternalID}
			fresh := models.Mention{ExternalID: "/reviews#r-2", LegacyIDs: []string{"http://127.0.0.1:52002/reviews#r-2"}, Author: "Bo", Text: "Nice", PostedAt: s.Now()}
			res, err := s.SaveMentions(ctx, src, []models.Mention{cur, fresh})
			if err != nil {
				t.Fatal(err)
			}
			if res.New != 1 || res.Unchanged != 1 || len(res.NewIDs) != 1 {
				t.Fatalf("second save: %+v; want the old mention re-keyed (unchanged) and one new", res)
			}
			m, err := s.Mention(ctx, first.NewIDs[0])
			if err != nil || m.ExternalID != "/reviews#r-1" || m.Version != 1 {
				t.Fatalf("stored mention %+v (%v), want it re-keyed in place", m, err)
			}
			if seen := s.SeenFunc(ctx, src.ID); !seen("/reviews#r-1") || seen(old.ExternalID) {
				t.Errorf("after re-keying, the current id must be the one seen")
			}
		})
	}
}
