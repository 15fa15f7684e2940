package mastodon

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

// status is one status of the paging server: id n on server "local",
// written by remote@else.example.
func status(n int) string {
	return fmt.Sprintf(`{"id":"%d","created_at":"2026-11-20T10:00:00.000Z","uri":"https://else.example/users/remote/statuses/%d","url":"https://else.example/@remote/%d","content":"<p>post %d</p>","account":{"id":"9","username":"remote","acct":"remote@else.example"}}`, n, n, n, n)
}

// pagingServer serves a hashtag timeline and mention notifications of
// ids 30 down to 21, newest first, two per page, with Mastodon's Link
// header; and a search of 45 statuses, 40 per page by offset.
func pagingServer(t *testing.T) (string, func() []string) {
	var srvURL string
	srv, reqs := scrapertest.ServeRecorded(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		maxID, since := 31, 0
		if v := q.Get("max_id"); v != "" {
			maxID, _ = strconv.Atoi(v)
		}
		if v := q.Get("since_id"); v != "" {
			since, _ = strconv.Atoi(v)
		}
		var ids []int
		for id := maxID - 1; id > 20 && id > since && len(ids) < 2; id-- {
			ids = append(ids, id)
		}
		switch r.URL.Path {
		case "/api/v1/timelines/tag/paged", "/api/v1/notifications":
			var items []string
			for _, id := range ids {
				if r.URL.Path == "/api/v1/notifications" {
					// Notification ids differ from status ids.
					items = append(items, fmt.Sprintf(`{"id":"%d","type":"mention","status":%s}`, id, status(1000+id)))
				} else {
					items = append(items, status(id))
				}
			}
			if len(ids) > 0 {
				w.Header().Set("Link", fmt.Sprintf(`<%s%s?max_id=%d>; rel="next", <%s%s?min_id=%d>; rel="prev"`, srvURL, r.URL.Path, ids[len(ids)-1], srvURL, r.URL.Path, ids[0]))
			}
			fmt.Fprintf(w, "[%s]", strings.Join(items, ","))
		case "/api/v2/search":
			off, _ := strconv.Atoi(q.Get("offset"))
			var items []string
			for i := off; i < 45 && i < off+40; i++ {
				items = append(items, status(500-i))
			}
			fmt.Fprintf(w, `{"accounts":[],"hashtags":[],"statuses":[%s]}`, strings.Join(items, ","))
		default:
			http.NotFound(w, r)
		}
	})
	srvURL = srv.URL
	return srv.URL, func() []string {
		var out []string
		for _, u := range reqs() {
			out = append(out, u.RequestURI())
		}
		return out
	}
}

func TestPagination(t *testing.T) {
	base, requests := pagingServer(t)
	tests := []struct {
		name      string
		target    string
		cursor    string
		maxPages  int
		seen      func(string) bool
		backfill  bool
		wantN     int
		wantPages int
		wantCur   string
		wantInAll string // every request carries this
		wantNone  string // no request carries this
	}{
		{name: "hashtag to the end", target: "#paged", wantN: 10, wantPages: 6, wantCur: "30"},
		{name: "hashtag bounded by pages", target: "#paged", maxPages: 2, wantN: 4, wantPages: 2, wantCur: "30"},
		{name: "incremental hashtag keeps since_id on every page", target: "#paged", cursor: "25", wantN: 5, wantPages: 4, wantCur: "30", wantInAll: "since_id=25"},
		{name: "stops at a page of known mentions", target: "#paged", seen: func(id string) bool { return !strings.HasSuffix(id, "/30") && !strings.HasSuffix(id, "/29") }, wantN: 4, wantPages: 2, wantCur: "30"},
		{name: "backfill reads past known mentions", target: "#paged", backfill: true, maxPages: 3, seen: func(string) bool { return true }, wantN: 6, wantPages: 3, wantCur: "30"},
		{name: "mentions page by notification id", target: MentionsTarget, cursor: "notification:26", wantN: 4, wantPages: 3, wantCur: "notification:30", wantInAll: "since_id=26"},
		{name: "mentions ignore an old status-id cursor", target: MentionsTarget, cursor: "113000000000000009", maxPages: 2, wantN: 4, wantPages: 2, wantCur: "notification:30", wantNone: "since_id"},
		{name: "search pages by offset", target: "harbour", wantN: 45, wantPages: 2, wantCur: "500"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := scrapertest.Options()
			opts.Getenv = scrapertest.Env(map[string]string{EnvAccessToken: "tok"})
			src, _ := New(opts)
			before := len(requests())
			res, err := src.Fetch(context.Background(), scrapers.Request{Target: tt.target, APIBase: base, Cursor: tt.cursor, MaxPages: tt.maxPages, Seen: tt.seen, Backfill: tt.backfill})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Mentions) != tt.wantN || res.Pages != tt.wantPages || res.Cursor != tt.wantCur {
				t.Fatalf("%d mentions over %d pages, cursor %q; want %d over %d, %q", len(res.Mentions), res.Pages, res.Cursor, tt.wantN, tt.wantPages, tt.wantCur)
			}
			reqs := requests()[before:]
			if len(reqs) != tt.wantPages {
				t.Errorf("%d requests for %d pages: %v", len(reqs), tt.wantPages, reqs)
			}
			for _, r := range reqs {
				if tt.wantInAll != "" && !strings.Contains(r, tt.wantInAll) {
					t.Errorf("request %s lacks %s", r, tt.wantInAll)
				}
				if tt.wantNone != "" && strings.Contains(r, tt.wantNone) {
					t.Errorf("request %s has %s", r, tt.wantNone)
				}
			}
			for _, m := range res.Mentions {
				if m.AuthorHandle != "@remote@else.example" || m.PlatformID == "" || !strings.HasSuffix(m.ExternalID, "/"+m.PlatformID) {
					t.Errorf("mention lacks what a reply needs: handle %q, status id %q (uri %s)", m.AuthorHandle, m.PlatformID, m.ExternalID)
				}
			}
		})
	}
}

// The reply needs the status id on our server (in_reply_to_id) and the
// author's @acct; the ActivityPub URI stays the stable external id.
func TestReplyFields(t *testing.T) {
	ms, _, err := Parse([]byte(`[{"id":"113","uri":"https://else.example/users/sam/statuses/9","content":"<p>hi</p>","account":{"acct":"sam@else.example"}},
{"id":"114","uri":"https://local.example/users/bo/statuses/114","content":"","reblog":{"id":"112","uri":"https://third.example/users/al/statuses/1","content":"<p>boosted</p>","account":{"acct":"al@third.example"}},"account":{"acct":"bo"}},
{"id":"115","uri":"https://local.example/users/lo/statuses/115","content":"<p>local</p>","account":{"acct":"lo"}}]`), "https://local.example/api/v1/timelines/tag/x")
	if err != nil {
		t.Fatal(err)
	}
	want := [][3]string{
		{"https://else.example/users/sam/statuses/9", "113", "@sam@else.example"},
		{"https://third.example/users/al/statuses/1", "112", "@al@third.example"},
		{"https://local.example/users/lo/statuses/115", "115", "@lo"},
	}
	if len(ms) != len(want) {
		t.Fatalf("%d mentions, want %d", len(ms), len(want))
	}
	for i, w := range want {
		if got := [3]string{ms[i].ExternalID, ms[i].PlatformID, ms[i].AuthorHandle}; got != w {
			t.Errorf("mention %d = %v, want %v", i, got, w)
		}
	}
}

// An answer of the wrong shape is a parse error, never "0 mentions".
func TestWrongShape(t *testing.T) {
	srv := scrapertest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/timelines/tag/object":
			w.Write([]byte(`{"data":[{"id":"1","text":"hi"}],"meta":{"result_count":1}}`))
		case "/api/v1/timelines/tag/empty":
			// 200 with no body at all
		case "/api/v1/timelines/tag/null":
			w.Write([]byte(`null`))
		case "/api/v1/timelines/tag/notstatuses":
			w.Write([]byte(`[{"id":"1","type":"mention"}]`))
		case "/api/v1/notifications":
			w.Write([]byte(`[` + status(3) + `]`))
		case "/api/v2/search":
			if r.URL.Query().Get("q") == "list" {
				w.Write([]byte(`[` + status(3) + `]`))
				return
			}
			w.Write([]byte(`{"accounts":[{"id":"1"}],"hashtags":[]}`))
		}
	})
	for _, tc := range []struct{ target, want string }{
		{"#object", "unmarshal object"},
		{"#null", "not a list"},
		{"#empty", "not valid JSON"},
		{"#notstatuses", "not a status"},
		{MentionsTarget, "no type"},
		{"list", "not valid JSON"},
		{"accounts only", `no "statuses" list`},
	} {
		t.Run(tc.target, func(t *testing.T) {
			opts := scrapertest.Options()
			opts.Getenv = scrapertest.Env(map[string]string{EnvAccessToken: "tok"})
			src, _ := New(opts)
			res, err := src.Fetch(context.Background(), scrapers.Request{Target: tc.target, APIBase: srv.URL})
			if !errors.Is(err, scrapers.ErrParse) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v (%d mentions), want a parse error saying %q", err, len(res.Mentions), tc.want)
			}
		})
	}
	if _, _, err := Parse([]byte(`null`), "x"); !errors.Is(err, scrapers.ErrParse) {
		t.Errorf("Parse(null) = %v, want a parse error", err)
	}
}
