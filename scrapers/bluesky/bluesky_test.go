package bluesky

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/internal/scrapertest"
)

const secret = "app-pass-SECRET-1234"

func pds(t *testing.T) *httptest.Server {
	return scrapertest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/xrpc/com.atproto.server.createSession":
			var in map[string]string
			json.NewDecoder(r.Body).Decode(&in)
			if in["identifier"] != "owner.bsky.social" || in["password"] != secret {
				w.WriteHeader(http.StatusUnauthorized)
				w.Write([]byte(`{"error":"AuthenticationRequired"}`))
				return
			}
			w.Write([]byte(`{"accessJwt":"jwt-1","did":"did:plc:owner"}`))
		case "/xrpc/app.bsky.feed.searchPosts":
			if r.Header.Get("Authorization") != "Bearer jwt-1" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			switch r.URL.Query().Get("q") {
			case "broken":
				w.Write([]byte(`{"posts":[{"uri":"at://x/app.bsky.feed.post/1","record":{"text":"cut`))
				return
			case "nothing":
				w.Write([]byte(`{"posts":[],"hitsTotal":0}`))
				return
			}
			name := "search1.json"
			if r.URL.Query().Get("cursor") == "2" {
				name = "search2.json"
			}
			scrapertest.WriteFile(w, r, filepath.Join("testdata", name))
		case "/xrpc/app.bsky.notification.listNotifications":
			if r.Header.Get("Authorization") != "Bearer jwt-1" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			if got := r.URL.Query()["reasons"]; strings.Join(got, ",") != "mention,reply,quote" {
				http.Error(w, "want the reasons filter", http.StatusBadRequest)
				return
			}
			name := "notifications1.json"
			if r.URL.Query().Get("cursor") == "n2" {
				name = "notifications2.json"
			}
			scrapertest.WriteFile(w, r, filepath.Join("testdata", name))
		default:
			http.NotFound(w, r)
		}
	})
}

func TestFetch(t *testing.T) {
	srv := pds(t)
	creds := map[string]string{EnvIdentifier: "owner.bsky.social", EnvAppPassword: secret}
	scrapertest.FetchCalls(t, New, srv.URL, secret, []scrapertest.Call{
		{Name: "session and two pages", Target: "harbour bistro", Env: creds, Mentions: 3, Pages: 3, WantCursor: "2026-11-20T21:00:00Z", Golden: "search.golden.json"},
		{Name: "mentions, replies and quotes from notifications", Target: MentionsTarget, Env: creds, Mentions: 3, Pages: 3, WantCursor: "2026-11-21T19:00:00Z", Golden: "notifications.golden.json"},
		{Name: "no posts", Target: "nothing", Env: creds, Mentions: 0, Pages: 2},
		{Name: "truncated answer", Target: "broken", Env: creds, Err: scrapers.ErrParse},
		{Name: "no credentials", Target: "harbour bistro", Env: map[string]string{}, Err: scrapers.ErrConfig},
		{Name: "wrong password", Target: "harbour bistro", Env: map[string]string{EnvIdentifier: "owner.bsky.social", EnvAppPassword: "nope-" + secret}, Err: scrapers.ErrConfig},
	})
}

func TestSharedCapture(t *testing.T) {
	dir := testutil.SharedDir(t, "fixtures", "bluesky", "bskyr-httptest2-2023")
	ms, info := scrapertest.ParseFile(t, filepath.Join(dir, "app.bsky.feed.searchPosts-5d343d.json"), DefaultAPIBase+"/xrpc/app.bsky.feed.searchPosts?q=x", Parse)
	if len(ms) != 23 || info.Next == "" {
		t.Errorf("%d posts (next %q), want 23 and a next page", len(ms), info.Next)
	}
	for _, m := range ms {
		if m.Author == "" || m.PostedAt.IsZero() || !strings.HasPrefix(m.URL, "https://bsky.app/profile/") {
			t.Errorf("incomplete post %+v", scrapers.ToRecord(m))
		}
	}
}

// A search answer where notifications are expected (or the reverse) is
// a parse error, never "0 mentions".
func TestWrongShape(t *testing.T) {
	search := scrapertest.ReadFile(t, filepath.Join("testdata", "search1.json"))
	notes := scrapertest.ReadFile(t, filepath.Join("testdata", "notifications1.json"))
	if _, _, err := ParseNotifications(search, "https://bsky.social/xrpc/app.bsky.notification.listNotifications"); !errors.Is(err, scrapers.ErrParse) {
		t.Errorf("search answer read as notifications: %v, want a parse error", err)
	}
	if _, _, err := Parse(notes, "https://bsky.social/xrpc/app.bsky.feed.searchPosts"); !errors.Is(err, scrapers.ErrParse) {
		t.Errorf("notifications read as a search answer: %v, want a parse error", err)
	}
	ms, _, err := ParseNotifications(notes, "https://bsky.social/xrpc/app.bsky.notification.listNotifications")
	if err != nil || len(ms) != 2 || ms[0].PlatformID != "bafyreiana1" || ms[0].AuthorHandle != "@ana.bsky.social" {
		t.Fatalf("%d mentions (%v); want 2 with the cid and handle a reply needs: %+v", len(ms), err, ms)
	}
}

func FuzzParseNotifications(f *testing.F) {
	scrapertest.FuzzParse(f, "https://bsky.social/xrpc/app.bsky.notification.listNotifications", ParseNotifications, nil)
}

func FuzzParse(f *testing.F) {
	scrapertest.FuzzParse(f, "https://bsky.social/xrpc/app.bsky.feed.searchPosts?q=x", Parse, nil)
}
