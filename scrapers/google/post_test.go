package google

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
)

// fakeGBP is a loopback OAuth token endpoint and Business Profile API:
// reviews.list answers without the review's full name (only reviewId),
// and the reply endpoint accepts only the token the refresh gave.
type fakeGBP struct {
	mu       sync.Mutex
	refreshs int
	replies  []string // "path body"
}

func (f *fakeGBP) serve(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/token":
			r.ParseForm()
			if r.Form.Get("grant_type") != "refresh_token" || r.Form.Get("refresh_token") != "refresh-s3cr3t" ||
				r.Form.Get("client_id") != "cid" || r.Form.Get("client_secret") != "client-s3cr3t" {
				w.WriteHeader(http.StatusBadRequest)
				io.WriteString(w, `{"error":"invalid_grant"}`)
				return
			}
			f.refreshs++
			io.WriteString(w, `{"access_token":"fresh-token","token_type":"Bearer","expires_in":3600}`)
		case r.Header.Get("Authorization") != "Bearer fresh-token":
			w.WriteHeader(http.StatusUnauthorized)
		case r.Method == http.MethodGet && r.URL.Path == "/v4/accounts/7/locations/42/reviews":
			io.WriteString(w, `{"reviews":[{"reviewId":"R-1","reviewer":{"displayName":"Ana"},"starRating":"ONE","comment":"Cold food.","createTime":"2026-11-20T18:00:00Z"}],"totalReviewCount":1}`)
		case r.Method == http.MethodGet && r.URL.Path == "/v4/accounts/7/locations/42/reviews/R-1":
			review := map[string]any{"reviewId": "R-1", "comment": "Cold food."}
			if n := len(f.replies); n > 0 {
				var last map[string]string
				_, body, _ := strings.Cut(f.replies[n-1], " ")
				json.Unmarshal([]byte(body), &last)
				review["reviewReply"] = map[string]string{"comment": last["comment"], "updateTime": "2026-11-21T09:00:00Z"}
			}
			json.NewEncoder(w).Encode(review)
		case r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/reply"):
			b, _ := io.ReadAll(r.Body)
			f.replies = append(f.replies, r.URL.Path+" "+string(b))
			io.WriteString(w, `{"comment":"ok"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// A review scraped from an answer that gives only its reviewId is
// replied to at its full resource name, with a token refreshed from the
// same credentials the scraper uses.
func TestReplyToScrapedReview(t *testing.T) {
	f := &fakeGBP{}
	srv := f.serve(t)
	creds := map[string]string{EnvClientID: "cid", EnvClientSecret: "client-s3cr3t", EnvRefreshToken: "refresh-s3cr3t"}
	getenv := func(k string) string { return creds[k] }

	src, err := New(scrapers.Options{Getenv: getenv})
	if err != nil {
		t.Fatal(err)
	}
	res, err := src.Fetch(context.Background(), scrapers.Request{Target: "accounts/7/locations/42", APIBase: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Mentions) != 1 {
		t.Fatalf("%d mentions, want 1", len(res.Mentions))
	}
	m := res.Mentions[0]

	p, err := NewPoster(scrapers.PostOptions{APIBase: srv.URL, Client: srv.Client(), Getenv: getenv})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Reply(context.Background(), m, "Ana, we are sorry."); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.replies) != 1 {
		t.Fatalf("replies %q, want one", f.replies)
	}
	path, body, _ := strings.Cut(f.replies[0], " ")
	if path != "/v4/accounts/7/locations/42/reviews/R-1/reply" {
		t.Errorf("PUT %s, want /v4/accounts/7/locations/42/reviews/R-1/reply", path)
	}
	var got map[string]string
	if err := json.Unmarshal([]byte(body), &got); err != nil || got["comment"] != "Ana, we are sorry." {
		t.Errorf("body %s", body)
	}
	if f.refreshs != 2 {
		t.Errorf("%d token refreshes, want one for the scrape and one for the reply", f.refreshs)
	}
}

func TestPosterCredentials(t *testing.T) {
	f := &fakeGBP{}
	srv := f.serve(t)
	cases := []struct {
		name string
		env  map[string]string
		new  error  // error from NewPoster
		post string // substring of the Reply error
	}{
		{"nothing set names every variable", nil, scrapers.ErrNoCredentials, ""},
		{"refresh refused", map[string]string{EnvClientID: "cid", EnvClientSecret: "client-s3cr3t", EnvRefreshToken: "revoked-s3cr3t"}, nil, "refreshing the access token failed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			getenv := func(k string) string { return c.env[k] }
			p, err := NewPoster(scrapers.PostOptions{APIBase: srv.URL, Client: srv.Client(), Getenv: getenv})
			if c.new != nil {
				if !errors.Is(err, c.new) {
					t.Fatalf("NewPoster: %v, want %v", err, c.new)
				}
				for _, v := range []string{EnvClientID, EnvClientSecret, EnvRefreshToken} {
					if !strings.Contains(err.Error(), v) {
						t.Errorf("error %q does not name %s", err, v)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			_, err = p.Reply(context.Background(), models.Mention{SourceKind: Kind, ExternalID: "R-1", PlatformID: "accounts/7/locations/42/reviews/R-1"}, "hi")
			if err == nil || !strings.Contains(err.Error(), c.post) || strings.Contains(err.Error(), "s3cr3t") {
				t.Fatalf("Reply: %v, want %q without secrets", err, c.post)
			}
			if len(f.replies) != 0 {
				t.Errorf("a reply was sent: %q", f.replies)
			}
		})
	}
}

// TestFindReply reads the review back, as a retry after a crash mid-post
// does: the reply is found only once the review carries it, with the
// same text.
func TestFindReply(t *testing.T) {
	f := &fakeGBP{}
	srv := f.serve(t)
	creds := map[string]string{EnvClientID: "cid", EnvClientSecret: "client-s3cr3t", EnvRefreshToken: "refresh-s3cr3t"}
	p, err := NewPoster(scrapers.PostOptions{APIBase: srv.URL, Client: srv.Client(), Getenv: func(k string) string { return creds[k] }})
	if err != nil {
		t.Fatal(err)
	}
	finder := p.(scrapers.ReplyFinder)
	m := models.Mention{SourceKind: Kind, ExternalID: "R-1", PlatformID: "accounts/7/locations/42/reviews/R-1", URL: "https://maps.example/r1"}
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		before func()
		text   string
		found  bool
	}{
		{"no reply yet", func() {}, "Ana, we are sorry.", false},
		{"the reply is there", func() {
			if _, err := p.Reply(ctx, m, "Ana, we are sorry."); err != nil {
				t.Fatal(err)
			}
		}, "Ana, we are sorry.", true},
		{"another text is there", func() {}, "Ana, please call us.", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.before()
			ref, found, err := finder.FindReply(ctx, m, tc.text)
			if err != nil || found != tc.found {
				t.Fatalf("FindReply = %q, %v, %v; want found %v", ref, found, err, tc.found)
			}
			if found && ref != m.URL {
				t.Errorf("ref %q, want the review's URL", ref)
			}
		})
	}
}
