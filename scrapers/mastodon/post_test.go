package mastodon

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
)

// Real servers refuse an ActivityPub URI as in_reply_to_id, and a reply
// without the customer's @handle never reaches them.
func TestReplyUsesStatusIDAndMentionsTheAuthor(t *testing.T) {
	var form url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		form = r.PostForm
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id":"2","url":"https://m.example/@rosies/2"}`))
	}))
	defer srv.Close()
	p, err := NewPoster(scrapers.PostOptions{APIBase: srv.URL, Getenv: func(string) string { return "tok" }})
	if err != nil {
		t.Fatal(err)
	}
	m := models.Mention{ExternalID: "https://else.example/users/sam/statuses/1111", PlatformID: "109876", AuthorHandle: "@sam@else.example"}
	if _, err := p.Reply(context.Background(), m, "Sorry about that!"); err != nil {
		t.Fatal(err)
	}
	if got := form.Get("in_reply_to_id"); got != "109876" {
		t.Errorf("in_reply_to_id = %q, want the server's status id", got)
	}
	if got := form.Get("status"); !strings.HasPrefix(got, "@sam@else.example ") {
		t.Errorf("status = %q, want it to start with the customer's handle", got)
	}
	m.PlatformID = ""
	if _, err := p.Reply(context.Background(), m, "Sorry"); err == nil {
		t.Error("replied with an ActivityPub URI as in_reply_to_id")
	}
}
