package cli_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/alerts"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

// seedTasks writes a config and a database holding two complaints with
// their tasks, through the same functions `earshot serve` uses.
func seedTasks(t *testing.T) (cfgPath string, ids []int64) {
	t.Helper()
	return seedTasksFor(t, "")
}

// seedTasksFor is seedTasks with more YAML for the business (a locale).
func seedTasksFor(t *testing.T, business string) (cfgPath string, ids []int64) {
	t.Helper()
	dir := t.TempDir()
	cfgPath = filepath.Join(dir, "earshot.yaml")
	yml := fmt.Sprintf(`database: {path: %q}
smtp: {mailbox: %q}
channels:
  - {name: owner-email, type: email, to: ["owner@example.com"]}
businesses:
  - name: rosies
    display_name: "Rosie's Diner"
%[3]s    users:
      - {name: Rosie, email: owner@example.com, role: owner}
      - {name: Sam, email: sam@example.com, role: staff}
    sources:
      - {name: trustpilot, kind: trustpilot, url: "https://www.trustpilot.com/review/rosies.example"}
`, filepath.Join(dir, "earshot.db"), filepath.Join(dir, "mailbox"), business)
	if err := os.WriteFile(cfgPath, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cfg, err := config.Load(cfgPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, store.Options{Path: cfg.Database.Path})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	b := cfg.Businesses[0]
	biz, srcs, err := st.SyncBusiness(ctx, models.Business{Name: b.Name, DisplayName: b.DisplayName, TimeZone: "UTC"},
		[]models.User{{Name: "Rosie", Email: "owner@example.com", Role: "owner"}, {Name: "Sam", Email: "sam@example.com", Role: "staff"}},
		[]models.Source{{Name: "trustpilot", Kind: "trustpilot", Target: b.Sources[0].URL}})
	if err != nil {
		t.Fatal(err)
	}
	_ = biz
	al, err := alerts.New(cfg, st, alerts.Options{})
	if err != nil {
		t.Fatal(err)
	}
	one, two := 1.0, 2.0
	res, err := st.SaveMentions(ctx, srcs[0], []models.Mention{
		{ExternalID: "a", Author: "Dana\x1b[31m", Rating: &one, Text: "Cold food and a rude waiter.", URL: "https://www.trustpilot.com/reviews/a"},
		{ExternalID: "b", Author: "Lee", Rating: &two, Text: "Slow.", URL: "https://www.trustpilot.com/reviews/b"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range res.NewIDs {
		m, _ := st.Mention(ctx, id)
		a := models.Analysis{MentionID: id, MentionVersion: 1, BusinessID: m.BusinessID, Complaint: true, Severity: 3,
			Aspects: []models.Aspect{{Category: "food", Term: "cold food", Polarity: models.PolarityNegative}}}
		if err := st.Tx(ctx, func(tx *store.Store) error { return al.OnAnalysis(ctx, tx, m, a) }); err != nil {
			t.Fatal(err)
		}
		ts, _ := st.Tasks(ctx, store.TaskFilter{MentionID: id})
		ids = append(ids, ts[0].ID)
	}
	return cfgPath, ids
}

func TestTasksCommand(t *testing.T) {
	cfg, ids := seedTasks(t)
	env := map[string]string{"USER": "sam"}
	id := fmt.Sprint(ids[0])
	steps := []cliStep{
		{[]string{"tasks", "list"}, 0, []string{"ID", "DEADLINE", "open", "due in", "Sam", "Cold food"}, []string{"\x1b"}},
		{[]string{"tasks", "show", id}, 0, []string{"Draft reply:", "Hi Dana", "History:", "opened", "Answer at the link above"}, []string{"\x1b"}},
		{[]string{"tasks", "ack", id, "--as", "Sam"}, 0, []string{"acknowledged by Sam"}, nil},
		{[]string{"tasks", "ack", id}, 1, []string{"cannot ack", "acknowledged"}, nil},
		{[]string{"tasks", "assign", id, "rosie"}, 0, []string{"assigned to Rosie"}, nil},
		{[]string{"tasks", "list", "--assignee", "Rosie"}, 0, []string{"acknowledged", "Rosie"}, []string{"Lee"}},
		{[]string{"tasks", "reply", id, "--text", "So sorry, Dana."}, 0, []string{"recorded", "Follow-up in 3 days"}, nil},
		{[]string{"tasks", "reply", fmt.Sprint(ids[1]), "--post"}, 1, []string{"cannot be posted", "without --post"}, nil},
		{[]string{"tasks", "resolve", id}, 0, []string{"resolved"}, nil},
		{[]string{"tasks", "list", "--overdue"}, 0, []string{"No tasks need work."}, nil},
		{[]string{"tasks", "show", "999"}, 1, []string{"not found"}, nil},
		{[]string{"tasks", "show", "abc"}, 2, []string{"not a task ID"}, nil},
		{[]string{"tasks", "frobnicate"}, 2, []string{"unknown tasks command"}, nil},
	}
	runSteps(t, env, cfg, steps)
}

// cliStep is one command of a scripted CLI session: its arguments, the
// exit code and what its output must and must not contain.
type cliStep struct {
	args     []string
	code     int
	want     []string
	unwanted []string
}

// runSteps runs the steps in order against cfg, each as a subtest.
func runSteps(t *testing.T, env map[string]string, cfg string, steps []cliStep) {
	t.Helper()
	for _, s := range steps {
		t.Run(strings.Join(s.args, " "), func(t *testing.T) {
			r := run(t, env, append([]string{"-config", cfg}, s.args...)...)
			if r.code != s.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, s.code, r.stdout, r.stderr)
			}
			all := r.stdout + r.stderr
			for _, w := range s.want {
				if !strings.Contains(all, w) {
					t.Errorf("output lacks %q:\n%s", w, all)
				}
			}
			for _, w := range s.unwanted {
				if strings.Contains(all, w) {
					t.Errorf("output has %q:\n%s", w, all)
				}
			}
		})
	}
}

func TestTasksCorrectionsAndAnalyzeBusiness(t *testing.T) {
	cfg, ids := seedTasks(t)
	env := map[string]string{"USER": "sam"}
	id := fmt.Sprint(ids[1])
	steps := []cliStep{
		{[]string{"tasks", "not-complaint", id, "--as", "Sam"}, 0, []string{"closed as not a complaint (Sam)"}, nil},
		{[]string{"tasks", "show", id}, 0, []string{"resolved", "not_complaint", "closed: not a complaint (corrected by Sam)"}, nil},
		{[]string{"tasks", "not-complaint", id}, 1, []string{"cannot mark not a complaint", "resolved"}, nil},
		{[]string{"tasks", "complaint", "abc"}, 2, []string{"not a mention ID"}, nil},
		{[]string{"analyze", "--business", "rosies", "--source", "mastodon", "Rosie's Diner lost my booking and nobody called back"}, 0,
			[]string{`relevant: names "Rosie's Diner"`}, nil},
		{[]string{"analyze", "--business", "rosies", "--source", "hackernews", "Java at Netflix is a disaster, the build is broken"}, 0,
			[]string{"not about the business: no name, handle or keyword", "complaint:  no"}, nil},
		{[]string{"analyze", "--business", "nobody", "some text"}, 1, []string{"nobody"}, nil},
	}
	runSteps(t, env, cfg, steps)
}
