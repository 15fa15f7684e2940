package post

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers/google"
	"github.com/earshot/earshot/scrapers/mastodon"
	"github.com/earshot/earshot/scrapers/twitter"
)

type seen struct {
	method, path, auth string
	form               url.Values
	body               []byte
}

func server(t *testing.T, status int, reply string) (*httptest.Server, *[]seen) {
	var got []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s := seen{method: r.Method, path: r.URL.Path, auth: r.Header.Get("Authorization"), body: body}
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			s.form, _ = url.ParseQuery(string(body))
		}
		if len(r.URL.RawQuery) > 0 && s.form == nil {
			s.form = r.URL.Query()
		}
		got = append(got, s)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, reply)
	}))
	t.Cleanup(srv.Close)
	return srv, &got
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestReplies(t *testing.T) {
	creds := map[string]string{
		twitter.EnvConsumerKey: "ck", twitter.EnvConsumerSecret: "cs", twitter.EnvAccessToken: "at", twitter.EnvAccessSecret: "as",
		mastodon.EnvAccessToken: "mtok", google.EnvAccessToken: "gtok",
	}
	cases := []struct {
		name, kind, extID, reply string
		check                    func(t *testing.T, s seen)
	}{
		{"x replies to the status with OAuth1", "twitter", "1850000000000000001", `{"id_str":"1850000000000000099"}`,
			func(t *testing.T, s seen) {
				if s.method != "POST" || s.path != "/1.1/statuses/update.json" {
					t.Errorf("%s %s", s.method, s.path)
				}
				if s.form.Get("in_reply_to_status_id") != "1850000000000000001" || s.form.Get("status") != "Sorry about that!" || s.form.Get("auto_populate_reply_metadata") != "true" {
					t.Errorf("form %v", s.form)
				}
				if !strings.HasPrefix(s.auth, "OAuth ") || !strings.Contains(s.auth, `oauth_consumer_key="ck"`) {
					t.Errorf("auth %q", s.auth)
				}
			}},
		{"mastodon replies to the status with the token", "mastodon", "109876", `{"id":"1","url":"https://m.example/@rosies/1"}`,
			func(t *testing.T, s seen) {
				if s.method != "POST" || s.path != "/api/v1/statuses" || s.auth != "Bearer mtok" {
					t.Errorf("%s %s %q", s.method, s.path, s.auth)
				}
				if s.form.Get("in_reply_to_id") != "109876" || s.form.Get("status") != "Sorry about that!" {
					t.Errorf("form %v", s.form)
				}
			}},
		{"google updates the review reply", "google", "accounts/1/locations/2/reviews/abc", `{}`,
			func(t *testing.T, s seen) {
				if s.method != "PUT" || s.path != "/v4/accounts/1/locations/2/reviews/abc/reply" || s.auth != "Bearer gtok" {
					t.Errorf("%s %s %q", s.method, s.path, s.auth)
				}
				var body map[string]string
				if err := json.Unmarshal(s.body, &body); err != nil || body["comment"] != "Sorry about that!" {
					t.Errorf("body %s", s.body)
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv, got := server(t, 200, c.reply)
			p, err := ForSource(models.Source{Kind: c.kind, APIBase: srv.URL}, srv.Client(), env(creds))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.Reply(context.Background(), models.Mention{ExternalID: c.extID, SourceKind: c.kind}, "Sorry about that!"); err != nil {
				t.Fatal(err)
			}
			if len(*got) != 1 {
				t.Fatalf("%d requests", len(*got))
			}
			c.check(t, (*got)[0])
		})
	}
}

func TestReplyErrors(t *testing.T) {
	srv, _ := server(t, 403, `{"error":"forbidden"}`)
	cases := []struct {
		name, kind, extID string
		env               map[string]string
		want              error
		wantText          string
	}{
		{"no credentials names the variables", "mastodon", "1", nil, ErrNoCredentials, mastodon.EnvAccessToken},
		{"twitter needs all four", "twitter", "1", map[string]string{twitter.EnvConsumerKey: "x"}, ErrNoCredentials, twitter.EnvAccessSecret},
		{"no API for trustpilot", "trustpilot", "1", nil, ErrUnsupported, "trustpilot"},
		{"bad google review name", "google", "reviews/abc", map[string]string{google.EnvAccessToken: "t"}, ErrBadTarget, "reviews/abc"},
		{"bad tweet id", "twitter", "abc", map[string]string{twitter.EnvConsumerKey: "a", twitter.EnvConsumerSecret: "b", twitter.EnvAccessToken: "c", twitter.EnvAccessSecret: "d"}, ErrBadTarget, "abc"},
		{"server refuses: status in the error, token never", "google", "accounts/1/locations/2/reviews/abc", map[string]string{google.EnvAccessToken: "sekrit"}, nil, "HTTP 403"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ForSource(models.Source{Kind: c.kind, APIBase: srv.URL}, srv.Client(), env(c.env))
			if err == nil {
				_, err = p.Reply(context.Background(), models.Mention{ExternalID: c.extID, SourceKind: c.kind}, "hi")
			}
			if err == nil || (c.want != nil && !errors.Is(err, c.want)) || !strings.Contains(err.Error(), c.wantText) {
				t.Fatalf("got %v, want %v mentioning %q", err, c.want, c.wantText)
			}
			if strings.Contains(err.Error(), "sekrit") {
				t.Fatalf("error leaks the token: %v", err)
			}
		})
	}
}

// Supported and For read the registry row: the kinds with a poster, and
// the X alias, can post; review sites without a reply API cannot.
func TestSupported(t *testing.T) {
	for kind, want := range map[string]bool{"twitter": true, "x": true, "mastodon": true, "google": true, "googleplay": false, "trustpilot": false, "rss": false, "": false} {
		if got := Supported(kind); got != want {
			t.Errorf("Supported(%q) = %v, want %v", kind, got, want)
		}
		if _, err := ForSource(models.Source{Kind: kind}, nil, env(nil)); !want && !errors.Is(err, ErrUnsupported) {
			t.Errorf("ForSource(%q): %v, want ErrUnsupported", kind, err)
		}
	}
}

// ForSource passes the source's API version: an `api: v2` X source
// replies through POST /2/tweets, a default one through v1.1.
func TestForSourceAPI(t *testing.T) {
	creds := env(map[string]string{twitter.EnvConsumerKey: "ck", twitter.EnvConsumerSecret: "cs", twitter.EnvAccessToken: "at", twitter.EnvAccessSecret: "as"})
	for api, path := range map[string]string{"v2": "/2/tweets", "": "/1.1/statuses/update.json"} {
		t.Run("api "+api, func(t *testing.T) {
			srv, got := server(t, 200, `{"id_str":"9","data":{"id":"9"}}`)
			p, err := ForSource(models.Source{Kind: "x", APIBase: srv.URL, API: api}, srv.Client(), creds)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.Reply(context.Background(), models.Mention{ExternalID: "1850000000000000001", PlatformID: "1850000000000000001", SourceKind: "twitter"}, "Sorry!"); err != nil {
				t.Fatal(err)
			}
			if len(*got) != 1 || (*got)[0].path != path {
				t.Fatalf("requests %+v, want one to %s", *got, path)
			}
		})
	}
}
