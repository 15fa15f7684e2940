package demo_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/demo"
)

// TestDemoEndToEnd runs `earshot demo` in-process: the real scrapers read
// the demo site over HTTP, the real analyzer flags complaints, tasks are
// opened and the owner's alerts reach a real SMTP server.
func TestDemoEndToEnd(t *testing.T) {
	var out bytes.Buffer
	dir := t.TempDir()
	res, err := demo.Run(context.Background(), demo.Options{Dir: dir, Stdout: &out})
	if err != nil {
		t.Fatalf("demo failed: %v\n%s", err, out.String())
	}
	if res.Mentions != 10 {
		t.Errorf("mentions = %d, want 10 (7 reviews + 3 posts)", res.Mentions)
	}
	// The demo site holds five complaints: cold food and a rude waiter,
	// a double charge, an allergic reaction, an hour's wait on social
	// media and a repeat late delivery. The praise must not be flagged.
	if res.Complaints < 5 || res.Complaints > 6 {
		t.Errorf("complaints = %d, want the 5 on the demo site", res.Complaints)
	}
	if res.Tasks < int64(res.Complaints) {
		t.Errorf("tasks = %d for %d complaints; every complaint needs an apology task", res.Tasks, res.Complaints)
	}
	if len(res.Emails) == 0 {
		t.Fatalf("no alert email reached the SMTP server\n%s", out.String())
	}
	files, _ := filepath.Glob(filepath.Join(res.Mailbox, "*.eml"))
	if len(files) != len(res.Emails) {
		t.Errorf("mailbox has %d files for %d emails", len(files), len(res.Emails))
	}
	for _, f := range []string{res.DBPath, res.ConfigPath} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	summary := out.String()
	for _, want := range []string{"Mentions collected", "Complaints found", "Tasks opened", "charged twice", res.DBPath, res.Mailbox} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
}

// TestDemoTwiceSameDir runs the demo twice into one folder. The demo site
// answers on a new port each time; ids of the same reviews and posts must
// not change with it, so the second run stores nothing new.
func TestDemoTwiceSameDir(t *testing.T) {
	dir := t.TempDir()
	first, err := demo.Run(context.Background(), demo.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	second, err := demo.Run(context.Background(), demo.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if first.Mentions != 10 || second.Mentions != first.Mentions {
		t.Errorf("mentions after the first run %d, after the second %d; want 10 both times", first.Mentions, second.Mentions)
	}
}
