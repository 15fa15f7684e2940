package alerts

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// TestAlertGolden pins what owners read: the subject, text part and
// draft of a complaint alert, an incident alert and a source-broken
// alert, against reviewed files in testdata/.
func TestAlertGolden(t *testing.T) {
	cases := []struct {
		name string
		run  func(f *fixture) string
	}{
		{"complaint", func(f *fixture) string {
			f.process(complaint{id: "r1", author: "Dana Scully", rating: rating(1), severity: 4,
				text: "Waited 45 minutes and the food arrived cold.\nThe waiter rolled his eyes.", issues: []string{"wait time/45-minute wait", "food/cold food"}, nouns: []string{"service/waiter"}})
			return render(f.notifications("alert")[0].Subject, f.notifications("alert")[0].Body)
		}},
		{"urgent-titled", func(f *fixture) string {
			f.process(urgentTitled)
			n := f.notifications("alert")[0]
			return render(n.Subject, n.Body) + "\n--- HTML ---\n" + n.HTMLBody
		}},
		{"incident", func(f *fixture) string {
			for _, who := range []string{"Ann", "Ben", "Cat"} {
				f.process(complaint{id: "s" + who, author: who, rating: rating(2), severity: 3, text: "So slow.", issues: []string{"service/slow service"}})
			}
			n := f.notifications("incident")[0]
			return render(n.Subject, n.Body)
		}},
		{"social-reminder", func(f *fixture) string {
			f.process(complaint{source: "mastodon", id: "109", author: "@kim@example.social", severity: 2, text: "Cold coffee again @rosies", issues: []string{"drinks/cold coffee"}})
			f.clock.Advance(61 * 60 * 1e9)
			f.checkDeadlines()
			n := f.notifications("reminder")[0]
			return render(n.Subject, n.Body)
		}},
		{"incident-ja", func(f *fixture) string {
			f.cfg.Businesses[0].Locale, f.cfg.Businesses[0].TimeZone = "ja", "Asia/Tokyo"
			for _, who := range []string{"佐藤", "Ben", "<b>Cat</b>"} {
				f.process(complaint{id: "s" + who, author: who, rating: rating(2), severity: 3, language: "ja", text: "提供が遅すぎます。<script>alert(1)</script>", issues: []string{"service/提供が遅い"}})
			}
			n := f.notifications("incident")[0]
			return render(n.Subject, n.Body) + "\n--- HTML ---\n" + n.HTMLBody
		}},
		{"source-broken-ja", func(f *fixture) string {
			f.cfg.Businesses[0].Locale, f.cfg.Businesses[0].TimeZone = "ja", "Asia/Tokyo"
			src := f.src["trustpilot"]
			ok := f.clock.Now().Add(-26 * time.Hour)
			src.LastSuccessAt = &ok
			fin := f.clock.Now()
			for i := 0; i < 3; i++ {
				var err error
				src, err = f.st.RecordRun(f.ctx, models.SourceRun{SourceID: src.ID, StartedAt: fin, FinishedAt: &fin,
					ErrorClass: models.ErrorClassBlocked, Error: "HTTP 429 <Too Many Requests>"}, "")
				if err != nil {
					f.t.Fatal(err)
				}
			}
			if err := f.st.Tx(f.ctx, func(tx *store.Store) error { return f.al.OnSourceBroken(f.ctx, tx, src) }); err != nil {
				f.t.Fatal(err)
			}
			n := f.notifications("source_broken")[0]
			return render(n.Subject, n.Body)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, fixtureOpts{})
			got := maskTokens(c.run(f))
			path := filepath.Join("testdata", c.name+".golden")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s:\n--- got ---\n%s\n--- want ---\n%s", c.name, path, got, want)
			}
		})
	}
}

func render(subject, body string) string { return "Subject: " + subject + "\n\n" + body }

// tokenRE matches the signed part of a one-tap link, which holds a
// random nonce and so differs on every run; golden files show TOKEN.
var tokenRE = regexp.MustCompile(`/t/[A-Za-z0-9_.-]+`)

func maskTokens(s string) string { return tokenRE.ReplaceAllString(s, "/t/TOKEN") }
