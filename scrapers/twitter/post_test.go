package twitter

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

type postSeen struct {
	method, path, auth string
	body               []byte
}

// fakeX is a loopback X API that records what is posted and answers
// status with answer.
func fakeX(t *testing.T, status int, answer string) (*httptest.Server, func() []postSeen) {
	var mu sync.Mutex
	var seen []postSeen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, postSeen{r.Method, r.URL.Path, r.Header.Get("Authorization"), b})
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []postSeen { mu.Lock(); defer mu.Unlock(); return append([]postSeen(nil), seen...) }
}

var postKeys = map[string]string{EnvConsumerKey: "ck", EnvConsumerSecret: "cs", EnvAccessToken: "at", EnvAccessSecret: "as"}

func TestReplyV2(t *testing.T) {
	tweet := models.Mention{SourceKind: Kind, ExternalID: "1850000000000000001", PlatformID: "1850000000000000001", Author: "ana", AuthorHandle: "@ana_p"}
	cases := []struct {
		name, text, want string
		m                models.Mention
	}{
		{"names the author so they are notified", "Sorry about the wait, we'll fix it.", "@ana_p Sorry about the wait, we'll fix it.", tweet},
		{"does not name them twice", "@Ana_P sorry about the wait", "@Ana_P sorry about the wait", tweet},
		{"a longer handle is not theirs", "thanks @ana_pete", "@ana_p thanks @ana_pete", tweet},
		{"no handle, text as is", "Sorry!", "Sorry!", models.Mention{SourceKind: Kind, ExternalID: "x", PlatformID: "42"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv, seen := fakeX(t, http.StatusCreated, `{"data":{"id":"1850000000000000099","text":"…"}}`)
			p, err := NewPoster(scrapers.PostOptions{APIBase: srv.URL, API: APIv2, Client: srv.Client(), Getenv: func(k string) string { return postKeys[k] }})
			if err != nil {
				t.Fatal(err)
			}
			ref, err := p.Reply(context.Background(), c.m, c.text)
			if err != nil {
				t.Fatal(err)
			}
			if ref != "1850000000000000099" {
				t.Errorf("reply id %q", ref)
			}
			s := seen()
			if len(s) != 1 || s[0].method != http.MethodPost || s[0].path != "/2/tweets" {
				t.Fatalf("requests %+v, want one POST /2/tweets", s)
			}
			if !strings.HasPrefix(s[0].auth, "OAuth ") || !strings.Contains(s[0].auth, `oauth_consumer_key="ck"`) {
				t.Errorf("auth %q, want OAuth 1.0a user context", s[0].auth)
			}
			var body struct {
				Text  string `json:"text"`
				Reply struct {
					InReplyToTweetID string `json:"in_reply_to_tweet_id"`
				} `json:"reply"`
			}
			if err := json.Unmarshal(s[0].body, &body); err != nil {
				t.Fatalf("body %s: %v", s[0].body, err)
			}
			if body.Text != c.want || body.Reply.InReplyToTweetID != c.m.PlatformID {
				t.Errorf("posted %+v, want text %q in reply to %s", body, c.want, c.m.PlatformID)
			}
		})
	}
}

func TestReplyV2Errors(t *testing.T) {
	env := func(k string) string { return postKeys[k] }
	t.Run("refused: status in the error, keys never", func(t *testing.T) {
		srv, _ := fakeX(t, http.StatusForbidden, `{"title":"Forbidden","detail":"You are not permitted to perform this action."}`)
		p, err := NewPoster(scrapers.PostOptions{APIBase: srv.URL, API: APIv2, Client: srv.Client(), Getenv: env})
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.Reply(context.Background(), models.Mention{PlatformID: "1"}, "hi")
		if err == nil || !strings.Contains(err.Error(), "HTTP 403") || strings.Contains(err.Error(), `"cs"`) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("not a tweet id", func(t *testing.T) {
		srv, seen := fakeX(t, http.StatusCreated, `{}`)
		p, _ := NewPoster(scrapers.PostOptions{APIBase: srv.URL, API: APIv2, Client: srv.Client(), Getenv: env})
		if _, err := p.Reply(context.Background(), models.Mention{PlatformID: "abc"}, "hi"); !errors.Is(err, scrapers.ErrBadTarget) {
			t.Fatalf("err = %v, want ErrBadTarget", err)
		}
		if len(seen()) != 0 {
			t.Error("a request was sent")
		}
	})
	t.Run("answer without an id", func(t *testing.T) {
		srv, _ := fakeX(t, http.StatusOK, `[]`)
		p, _ := NewPoster(scrapers.PostOptions{APIBase: srv.URL, API: APIv2, Client: srv.Client(), Getenv: env})
		if _, err := p.Reply(context.Background(), models.Mention{PlatformID: "1"}, "hi"); err == nil || !strings.Contains(err.Error(), "data.id") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("unknown api", func(t *testing.T) {
		if _, err := NewPoster(scrapers.PostOptions{API: "v3", Getenv: env}); err == nil || !strings.Contains(err.Error(), "v3") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("v1.1 stays on go-twitter", func(t *testing.T) {
		srv, seen := fakeX(t, http.StatusOK, `{"id_str":"7"}`)
		p, _ := NewPoster(scrapers.PostOptions{APIBase: srv.URL, API: APIv1, Client: srv.Client(), Getenv: env})
		if _, err := p.Reply(context.Background(), models.Mention{ExternalID: "1"}, "hi"); err != nil {
			t.Fatal(err)
		}
		if s := seen(); len(s) != 1 || s[0].path != "/1.1/statuses/update.json" {
			t.Fatalf("requests %+v", s)
		}
	})
}
