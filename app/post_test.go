package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/earshot/earshot/app"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
	"github.com/earshot/earshot/tasks"
)

// fakeMastodon is a loopback Mastodon instance: one complaint under
// #harbourbistro, and the statuses API the poster uses. It counts every
// POST and every public status it made and does not deduplicate by
// Idempotency-Key (a real server does, for an hour), so only earshot's
// own claim and lookup keep the count at one.
type fakeMastodon struct {
	srv *httptest.Server
	mu  sync.Mutex
	// posts are the POST /api/v1/statuses requests, published the
	// statuses made; keys the Idempotency-Key of each POST.
	posts     int
	published []map[string]any
	keys      []string
	// onPost, when set, runs for each POST: before (publish=false) or
	// after (publish=true) the status is made, so a test can hold the
	// request at either moment.
	onPost func(ctx context.Context, n int, published bool)
}

const complaintID = "9001"

func newFakeMastodon(t *testing.T) *fakeMastodon {
	f := &fakeMastodon{}
	created := time.Now().UTC().Add(-10 * time.Minute).Format(time.RFC3339)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/timelines/tag/harbourbistro", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("max_id") != "" {
			io.WriteString(w, "[]")
			return
		}
		fmt.Fprintf(w, `[{"id":%q,"created_at":%q,"visibility":"public","language":"en","uri":"https://social.example/users/ana/statuses/%[1]s","url":"https://social.example/@ana/%[1]s","content":"<p>Got food poisoning at #HarbourBistro, terrible service and nobody called back. Never again.</p>","account":{"id":"1","username":"ana","acct":"ana","display_name":"Ana","followers_count":2300,"url":"https://social.example/@ana"},"tags":[{"name":"harbourbistro"}]}]`, complaintID, created)
	})
	mux.HandleFunc("GET /api/v1/accounts/verify_credentials", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"id":"42","username":"harbourbistro","acct":"harbourbistro"}`)
	})
	mux.HandleFunc("GET /api/v1/statuses/{id}/context", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		var desc []map[string]any
		for _, st := range f.published {
			if st["in_reply_to_id"] == r.PathValue("id") {
				desc = append(desc, st)
			}
		}
		f.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"ancestors": []any{}, "descendants": desc})
	})
	mux.HandleFunc("POST /api/v1/statuses", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		f.mu.Lock()
		f.posts++
		n := f.posts
		f.keys = append(f.keys, r.Header.Get("Idempotency-Key"))
		hook := f.onPost
		f.mu.Unlock()
		if hook != nil {
			hook(r.Context(), n, false)
			if r.Context().Err() != nil {
				return // the client went away before the server made the status
			}
		}
		f.mu.Lock()
		id := fmt.Sprint(20000 + len(f.published))
		st := map[string]any{"id": id, "url": f.srv.URL + "/@harbourbistro/" + id, "content": r.PostForm.Get("status"),
			"in_reply_to_id": r.PostForm.Get("in_reply_to_id"), "visibility": r.PostForm.Get("visibility"),
			"account": map[string]any{"id": "42", "username": "harbourbistro", "acct": "harbourbistro"}}
		f.published = append(f.published, st)
		f.mu.Unlock()
		if hook != nil {
			hook(r.Context(), n, true)
		}
		json.NewEncoder(w).Encode(st)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// counts returns the POSTs received, the public replies made and the
// Idempotency-Keys sent.
func (f *fakeMastodon) counts() (posts, public int, keys []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, st := range f.published {
		if st["visibility"] == "public" && st["in_reply_to_id"] == complaintID {
			public++
		}
	}
	return f.posts, public, append([]string(nil), f.keys...)
}

// postDrivers runs fn on SQLite and, when EARSHOT_TEST_POSTGRES is set,
// on PostgreSQL.
func postDrivers(t *testing.T, fn func(t *testing.T, driver string)) {
	for _, driver := range []string{"sqlite", "postgres"} {
		t.Run(driver, func(t *testing.T) {
			if driver == "postgres" && os.Getenv("EARSHOT_TEST_POSTGRES") == "" {
				t.Skip("set EARSHOT_TEST_POSTGRES to run on PostgreSQL")
			}
			fn(t, driver)
		})
	}
}

// postSetup writes a config with one Mastodon source on f, scrapes it
// and returns the app, the config file and the complaint's task.
func postSetup(t *testing.T, f *fakeMastodon, driver string) (*app.App, string, models.Task) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("EARSHOT_MASTODON_ACCESS_TOKEN", "tok")
	db := "database:\n  path: " + filepath.Join(dir, "earshot.db") + "\n"
	if driver == "postgres" {
		db = "database:\n  driver: postgres\n  dsn_env: EARSHOT_TEST_POSTGRES\n"
	}
	yml := db + `server:
  listen: 127.0.0.1:0
scraping:
  request_delay: 1ms
  timeout: 10s
channels:
  - name: console
    type: console
businesses:
  - name: ` + fmt.Sprintf("harbour-bistro-%d", time.Now().UnixNano()) + `
    display_name: Harbour Bistro
    domain: restaurant
    keywords: ["harbour bistro", "harbourbistro"]
    users:
      - {name: Olive, email: owner@example.com, role: owner}
    sources:
      - name: mastodon
        kind: mastodon
        query: "#harbourbistro"
        api_base: ` + f.srv.URL + `
        interval: 1h
`
	path := filepath.Join(dir, "earshot.yaml")
	if err := os.WriteFile(path, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse([]byte(yml), path, os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, app.Options{Clock: clockwork.NewRealClock()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	ctx := context.Background()
	if _, err := a.RunOnce(ctx, app.ScrapeOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, src := range a.Sources() {
		ts, err := a.Store.Tasks(ctx, store.TaskFilter{BusinessID: src.BusinessID})
		if err != nil {
			t.Fatal(err)
		}
		for _, task := range ts {
			if task.Draft != "" {
				return a, path, task
			}
		}
	}
	t.Fatal("the complaint opened no task with a draft")
	return nil, "", models.Task{}
}

// TestReplyPostedOnceUnderParallelSubmits sends eight "post the reply"
// submits for one task at once through the real inbox handler, with the
// first post held at the Mastodon server until the other seven have
// their answer: one public reply, and seven staff told it is already
// being posted. Before the posting claim the probe saw 8 replies.
//
//	go test -run TestReplyPostedOnceUnderParallelSubmits -v ./app/
func TestReplyPostedOnceUnderParallelSubmits(t *testing.T) {
	postDrivers(t, func(t *testing.T, driver string) {
		f := newFakeMastodon(t)
		a, _, task := postSetup(t, f, driver)
		h, err := a.Handler()
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		defer srv.Close()
		client := ownerClientNamed(t, a, srv.URL, fmt.Sprintf("owner-%d", time.Now().UnixNano()))
		const submits = 8
		answered := make(chan struct{}, submits)
		release := make(chan struct{})
		f.onPost = func(_ context.Context, n int, published bool) {
			if n == 1 && !published {
				<-release
			}
		}
		type answer struct {
			status int
			body   string
		}
		answers := make(chan answer, submits)
		var wg sync.WaitGroup
		for i := 0; i < submits; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				form := url.Values{"text": {"Ana, we are so sorry. Please write to us so we can put this right."}, "post": {"1"}}
				req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/tasks/%d/reply", srv.URL, task.ID), strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Origin", srv.URL)
				resp, err := client.Do(req)
				if err != nil {
					answers <- answer{status: -1, body: err.Error()}
					answered <- struct{}{}
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				answers <- answer{status: resp.StatusCode, body: string(b)}
				answered <- struct{}{}
			}()
		}
		// Seven answers while the first post is held (or a timeout, when
		// a second post got through and is what is answering).
		for i := 0; i < submits-1; i++ {
			select {
			case <-answered:
			case <-time.After(30 * time.Second):
				t.Errorf("only %d of %d other submits answered while the first post was held", i, submits-1)
				i = submits
			}
		}
		close(release)
		wg.Wait()
		close(answers)
		posted, told := 0, 0
		for ans := range answers {
			switch {
			case ans.status == http.StatusSeeOther:
				posted++
			case ans.status == http.StatusConflict && (strings.Contains(ans.body, "already being posted") || strings.Contains(ans.body, "already posted")):
				told++
			default:
				t.Errorf("a submit got HTTP %d: %.300s", ans.status, ans.body)
			}
		}
		posts, public, keys := f.counts()
		t.Logf("%s: %d submits: %d posted, %d told it is already being posted; server: %d POSTs, %d public replies", driver, submits, posted, told, posts, public)
		if public != 1 || posts != 1 || posted != 1 || told != submits-1 {
			t.Fatalf("%d public replies from %d POSTs; %d submits posted, %d told why; want 1, 1, 1, %d", public, posts, posted, told, submits-1)
		}
		if keys[0] == "" {
			t.Error("the post carried no Idempotency-Key")
		}
		got, err := a.Store.Task(context.Background(), task.ID)
		if err != nil || got.State != models.TaskReplied || got.PostClaimedBy != "" || got.PostAttempts != 0 {
			t.Fatalf("task after posting: %s, claim %q, %d unconfirmed, %v; want replied, no claim", got.State, got.PostClaimedBy, got.PostAttempts, err)
		}
	})
}

// TestReplyPostKilledMidPost runs `earshot tasks reply ID --post` as a
// real process, holds its post at the Mastodon server and SIGKILLs it:
// once after the server published the reply (earshot never heard), once
// before. Then the reply is submitted again: the first case finds the
// published reply on the server (the status's replies by our account)
// and records it without a second POST; the second posts, with the same
// Idempotency-Key the killed attempt sent. Either way one public reply.
//
//	go test -run TestReplyPostKilledMidPost -v ./app/
func TestReplyPostKilledMidPost(t *testing.T) {
	postDrivers(t, func(t *testing.T, driver string) {
		for _, tc := range []struct {
			name      string
			published bool // the server made the status before the kill
			posts     int  // POSTs the server saw at the end
			note      string
		}{
			{"killed after the platform published", true, 1, "found on the platform after an interrupted attempt"},
			{"killed before the platform published", false, 2, "posted on mastodon"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f := newFakeMastodon(t)
				a, cfgPath, task := postSetup(t, f, driver)
				arrived := make(chan struct{})
				release := make(chan struct{})
				defer func() {
					select {
					case <-release:
					default:
						close(release)
					}
				}()
				// The request is held until the killed client's connection
				// is gone (or the test ends).
				f.onPost = func(ctx context.Context, n int, published bool) {
					if n == 1 && published == tc.published {
						close(arrived)
						select {
						case <-ctx.Done():
						case <-release:
						}
					}
				}
				text := "Ana, we are so sorry. Please write to us so we can put this right."
				cmd := exec.Command(os.Args[0], "-config", cfgPath, "tasks", "reply", fmt.Sprint(task.ID), "--post", "--text", text)
				cmd.Env = append(os.Environ(), "EARSHOT_TEST_AS_CLI=1")
				cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				select {
				case <-arrived:
				case <-time.After(60 * time.Second):
					cmd.Process.Kill()
					cmd.Wait()
					t.Fatal("the reply process never posted")
				}
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
				cmd.Wait()
				ctx := context.Background()
				mid, err := a.Store.Task(ctx, task.ID)
				if err != nil {
					t.Fatal(err)
				}
				if mid.State == models.TaskReplied || mid.PostAttempts != 1 || !strings.Contains(mid.PostClaimedBy, fmt.Sprint(cmd.Process.Pid)) {
					t.Fatalf("after the kill: %s, %d unconfirmed attempts, claim %q; want the killed process's claim and no reply recorded", mid.State, mid.PostAttempts, mid.PostClaimedBy)
				}
				f.onPost = nil
				got, err := a.Tasks.Reply(ctx, task.ID, tasks.ReplyOptions{Text: text, Post: true, Actor: "Olive"})
				if err != nil {
					t.Fatalf("retry after the kill: %v", err)
				}
				posts, public, keys := f.counts()
				t.Logf("%s/%s: %d POSTs, %d public replies, keys %q", driver, tc.name, posts, public, keys)
				if public != 1 || posts != tc.posts {
					t.Fatalf("%d public replies from %d POSTs; want 1 from %d", public, posts, tc.posts)
				}
				if len(keys) == 2 && (keys[0] == "" || keys[0] != keys[1]) {
					t.Errorf("the retry sent Idempotency-Key %q, the killed attempt %q; want the same key", keys[1], keys[0])
				}
				if got.State != models.TaskReplied || got.PostClaimedBy != "" || got.PostAttempts != 0 {
					t.Fatalf("task after the retry: %s, claim %q, %d unconfirmed; want replied, no claim", got.State, got.PostClaimedBy, got.PostAttempts)
				}
				evs, err := a.Store.TaskEvents(ctx, task.ID)
				if err != nil {
					t.Fatal(err)
				}
				last := evs[len(evs)-1]
				if last.Action != string(tasks.EventReply) || !strings.Contains(last.Note, tc.note) {
					t.Errorf("last event %s %q; want a reply noted %q", last.Action, last.Note, tc.note)
				}
				// A further submit is told the reply is out.
				if _, err := a.Tasks.Reply(ctx, task.ID, tasks.ReplyOptions{Text: text, Post: true}); !errors.Is(err, tasks.ErrAlreadyReplied) {
					t.Errorf("a submit after the reply: %v; want ErrAlreadyReplied", err)
				}
			})
		}
	})
}

// TestReplyPostUnconfirmedOnX covers a platform earshot cannot ask (X):
// after an attempt that ended without an answer (here the submit gave
// up while X held the request), the next submit does not post again but
// says a reply may be out and where to check; --repost posts. An attempt
// X refused (4xx) published nothing, so the next one posts at once.
//
//	go test -run TestReplyPostUnconfirmedOnX -v ./app/
func TestReplyPostUnconfirmedOnX(t *testing.T) {
	sqliteOnly(t)
	for _, tc := range []struct {
		name        string
		first       func(w http.ResponseWriter, r *http.Request, gaveUp <-chan struct{})
		unconfirmed bool
	}{
		{"no answer", func(w http.ResponseWriter, r *http.Request, gaveUp <-chan struct{}) { <-gaveUp }, true},
		{"refused", func(w http.ResponseWriter, r *http.Request, _ <-chan struct{}) {
			http.Error(w, `{"title":"Forbidden"}`, http.StatusForbidden)
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			posts := 0
			gaveUp := make(chan struct{})
			x := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodPost || r.URL.Path != "/2/tweets" {
					http.NotFound(w, r)
					return
				}
				mu.Lock()
				posts++
				n := posts
				mu.Unlock()
				if n == 1 {
					tc.first(w, r, gaveUp)
					return
				}
				fmt.Fprintf(w, `{"data":{"id":"777%d","text":"ok"}}`, n)
			}))
			defer x.Close()
			for _, k := range []string{"EARSHOT_TWITTER_BEARER_TOKEN", "EARSHOT_TWITTER_CONSUMER_KEY", "EARSHOT_TWITTER_CONSUMER_SECRET", "EARSHOT_TWITTER_ACCESS_TOKEN", "EARSHOT_TWITTER_ACCESS_SECRET"} {
				t.Setenv(k, "test-"+k)
			}
			dir := t.TempDir()
			yml := "database:\n  path: " + filepath.Join(dir, "earshot.db") + `
channels:
  - name: console
    type: console
businesses:
  - name: harbour-bistro
    display_name: Harbour Bistro
    domain: restaurant
    keywords: ["harbour bistro"]
    users:
      - {name: Olive, email: owner@example.com, role: owner}
    sources:
      - {name: x, kind: twitter, query: "harbour bistro", api: v2, api_base: "` + x.URL + `", interval: 1h}
`
			cfg, err := config.Parse([]byte(yml), filepath.Join(dir, "earshot.yaml"), os.Getenv)
			if err != nil {
				t.Fatal(err)
			}
			a, err := app.New(context.Background(), cfg, app.Options{Clock: clockwork.NewRealClock()})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			ctx := context.Background()
			m := models.Mention{ExternalID: "1500", PlatformID: "1500", Author: "ana", AuthorHandle: "@ana", URL: "https://x.com/ana/status/1500",
				Text: "Food poisoning at Harbour Bistro, terrible service and nobody called back. Never again.", PostedAt: time.Now().Add(-time.Minute)}
			if _, err := a.Store.SaveMentions(ctx, a.Sources()[0], []models.Mention{m}); err != nil {
				t.Fatal(err)
			}
			if _, err := a.AnalyzePending(ctx); err != nil {
				t.Fatal(err)
			}
			ts, err := a.Store.Tasks(ctx, store.TaskFilter{BusinessID: a.Sources()[0].BusinessID})
			if err != nil || len(ts) == 0 {
				t.Fatalf("the complaint opened no task: %v", err)
			}
			id := ts[0].ID
			reply := tasks.ReplyOptions{Text: "Ana, we are so sorry; please DM us.", Post: true, Actor: "Olive"}

			first, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
			_, err = a.Tasks.Reply(first, id, reply)
			cancel()
			close(gaveUp)
			if err == nil {
				t.Fatal("the first attempt succeeded")
			}
			_, err = a.Tasks.Reply(ctx, id, reply)
			mu.Lock()
			n := posts
			mu.Unlock()
			if tc.unconfirmed {
				if !errors.Is(err, tasks.ErrPostUnconfirmed) || !strings.Contains(err.Error(), m.URL) || n != 1 {
					t.Fatalf("second submit: %v after %d POSTs; want ErrPostUnconfirmed naming %s and no second POST", err, n, m.URL)
				}
				reply.Repost = true
				_, err = a.Tasks.Reply(ctx, id, reply)
			}
			if err != nil {
				t.Fatalf("posting again: %v", err)
			}
			got, err := a.Store.Task(ctx, id)
			mu.Lock()
			n = posts
			mu.Unlock()
			if err != nil || got.State != models.TaskReplied || n != 2 {
				t.Fatalf("task %s after %d POSTs (%v); want replied after 2", got.State, n, err)
			}
		})
	}
}
