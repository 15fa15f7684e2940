package alerts

import (
	"context"
	"errors"
	"github.com/earshot/earshot/notify"
	"github.com/earshot/earshot/tasks"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers/mastodon"
	"github.com/earshot/earshot/scrapers/twitter"
	"github.com/earshot/earshot/store"
)

func TestAssignAndList(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	social := f.process(complaint{source: "mastodon", id: "1", author: "@kim", severity: 2, text: "Cold coffee"})
	review := f.process(complaint{id: "r1", author: "Dana", rating: rating(1), severity: 3, text: "Rude waiter\x1b[31m"})
	if _, err := f.svc.Assign(f.ctx, f.task(review.ID).ID, "max", "Rosie"); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.Assign(f.ctx, f.task(review.ID).ID, "Zed", "Rosie")
	if !errors.Is(err, tasks.ErrUnknownUser) || !strings.Contains(err.Error(), "Rosie, Max, Sam") {
		t.Fatalf("assigning to a stranger: %v", err)
	}
	if _, err := f.svc.Ack(f.ctx, 999, "Sam"); !tasks.IsNotFound(err) {
		t.Fatalf("ack of a missing task: %v", err)
	}

	f.clock.Advance(90 * time.Minute)
	cases := []struct {
		name string
		o    tasks.ListOptions
		want []int64
	}{
		{"everything needing work, soonest deadline first", tasks.ListOptions{}, []int64{social.ID, review.ID}},
		{"overdue only", tasks.ListOptions{Overdue: true}, []int64{social.ID}},
		{"by assignee", tasks.ListOptions{Assignee: "Max"}, []int64{review.ID}},
		{"by business", tasks.ListOptions{Business: "rosies"}, []int64{social.ID, review.ID}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			views, err := f.svc.List(f.ctx, f.clock.Now(), c.o)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, v := range views {
				got = append(got, v.MentionID)
			}
			if len(got) != len(c.want) {
				t.Fatalf("mentions %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("mentions %v, want %v", got, c.want)
				}
			}
		})
	}
	views, _ := f.svc.List(f.ctx, f.clock.Now(), tasks.ListOptions{})
	if views[0].Remaining != "overdue by 30 minutes" || !views[0].Overdue {
		t.Errorf("social task: %q", views[0].Remaining)
	}
	if strings.ContainsRune(views[1].Excerpt, '\x1b') {
		t.Errorf("excerpt keeps a terminal escape: %q", views[1].Excerpt)
	}
	if _, err := f.svc.List(f.ctx, f.clock.Now(), tasks.ListOptions{Business: "nope"}); !tasks.IsNotFound(err) {
		t.Errorf("unknown business: %v", err)
	}
}

func TestReplyWithPost(t *testing.T) {
	var mu sync.Mutex
	var forms []url.Values
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		v, _ := url.ParseQuery(string(body))
		mu.Lock()
		forms = append(forms, v)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, `{"id":"2","url":"https://mastodon.example/@rosies/2"}`)
	}))
	defer srv.Close()
	f := newFixture(t, fixtureOpts{env: map[string]string{mastodon.EnvAccessToken: "tok"}})
	f.setAPIBase("mastodon", srv.URL)
	m := f.process(complaint{source: "mastodon", id: "109", author: "@dana", severity: 2, text: "Cold coffee", issues: []string{"drinks/cold coffee"}})
	task := f.task(m.ID)
	if !strings.Contains(task.Draft, "direct message") || len([]rune(task.Draft)) > 500 {
		t.Fatalf("social draft %q should invite a DM within Mastodon's limit", task.Draft)
	}

	status = http.StatusBadGateway
	if _, err := f.svc.Reply(f.ctx, task.ID, tasks.ReplyOptions{Post: true, Actor: "Sam"}); err == nil {
		t.Fatal("a failed post must fail the reply")
	}
	if got, _ := f.st.Task(f.ctx, task.ID); got.State != models.TaskOpen {
		t.Fatalf("a failed post changed the task to %s", got.State)
	}
	status = http.StatusOK
	got, err := f.svc.Reply(f.ctx, task.ID, tasks.ReplyOptions{Post: true, Actor: "Sam"})
	if err != nil {
		t.Fatal(err)
	}
	if got.State != models.TaskReplied || got.ReplyText != task.Draft {
		t.Errorf("task after post: %+v", got)
	}
	last := forms[len(forms)-1]
	if last.Get("in_reply_to_id") != "109" || last.Get("status") != task.Draft {
		t.Errorf("posted %v", last)
	}

	// Sites without an API: the error says what to do instead.
	rm := f.process(complaint{id: "r1", author: "Dana", rating: rating(1), severity: 3, text: "Cold food."})
	_, err = f.svc.Reply(f.ctx, f.task(rm.ID).ID, tasks.ReplyOptions{Post: true})
	if !errors.Is(err, tasks.ErrNoPoster) || !strings.Contains(err.Error(), rm.URL) {
		t.Errorf("post to trustpilot: %v", err)
	}
	// Too long for X: refused before anything is sent.
	xm := f.process(complaint{source: "x", id: "1850000000000000001", author: "@lee", severity: 2, text: "meh"})
	_, err = f.svc.Reply(f.ctx, f.task(xm.ID).ID, tasks.ReplyOptions{Post: true, Text: strings.Repeat("sorry ", 60)})
	if err == nil || !strings.Contains(err.Error(), "280") {
		t.Errorf("overlong tweet: %v", err)
	}
}

// An X source configured with `api: v2` posts the reply through API v2
// (POST /2/tweets), as it reads; the default still replies through v1.1.
// Posting through v1.1 alone failed on current X plans.
func TestReplyPostsThroughTheSourcesAPIVersion(t *testing.T) {
	for api, path := range map[string]string{"v2": "/2/tweets", "": "/1.1/statuses/update.json"} {
		t.Run("api "+api, func(t *testing.T) {
			var mu sync.Mutex
			var paths []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				paths = append(paths, r.URL.Path)
				mu.Unlock()
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, `{"id_str":"9","data":{"id":"9","text":"ok"}}`)
			}))
			defer srv.Close()
			f := newFixture(t, fixtureOpts{env: map[string]string{twitter.EnvConsumerKey: "ck", twitter.EnvConsumerSecret: "cs", twitter.EnvAccessToken: "at", twitter.EnvAccessSecret: "as"}})
			for i, s := range f.cfg.Businesses[0].Sources {
				if s.Name == "x" {
					f.cfg.Businesses[0].Sources[i].API = api
				}
			}
			f.setAPIBase("x", srv.URL)
			m := f.process(complaint{source: "x", id: "1850000000000000001", author: "@lee", severity: 2, text: "@rosies charged twice"})
			if _, err := f.svc.Reply(f.ctx, f.task(m.ID).ID, tasks.ReplyOptions{Post: true, Actor: "Sam", Text: "Sorry, Lee: please DM us."}); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(paths) != 1 || paths[0] != path {
				t.Fatalf("requests to %v, want one to %s", paths, path)
			}
		})
	}
}

// setAPIBase points a configured source at a test server.
func (f *fixture) setAPIBase(source, base string) {
	f.t.Helper()
	for i, s := range f.cfg.Businesses[0].Sources {
		if s.Name == source {
			f.cfg.Businesses[0].Sources[i].APIBase = base
		}
	}
	f.sync()
}

func TestTwoReplicasOpenOneTask(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	c := complaint{id: "r1", author: "Dana", rating: rating(1), severity: 3, text: "Cold food.", issues: []string{"food/cold food"}}
	res, err := f.st.SaveMentions(f.ctx, f.src["trustpilot"], []models.Mention{c.mention()})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := f.st.Mention(f.ctx, res.NewIDs[0])
	// A second process with its own connection pool on the same file.
	st2, err := store.Open(f.ctx, store.Options{Path: f.cfg.Database.Path, Clock: f.clock})
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	al2, err := New(f.cfg, st2, Options{Clock: f.clock})
	if err != nil {
		t.Fatal(err)
	}
	send2, err := notify.New(f.cfg, st2, notify.Options{Clock: f.clock, Console: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, pair := range []struct {
		st *store.Store
		al *Alerter
	}{{f.st, f.al}, {st2, al2}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := c.analysis(m)
			errs[i] = pair.st.Tx(context.Background(), func(tx *store.Store) error { return pair.al.OnAnalysis(context.Background(), tx, m, a) })
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := len(f.tasks()); n != 1 {
		t.Fatalf("%d tasks, want 1", n)
	}
	// Both replicas deliver at once: one email.
	wg.Add(2)
	go func() { defer wg.Done(); f.send.Deliver(f.ctx) }()
	go func() { defer wg.Done(); send2.Deliver(f.ctx) }()
	wg.Wait()
	if n := f.sink.Count(); n != 1 {
		t.Fatalf("%d emails, want 1", n)
	}
}
