package slack

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/earshot/earshot/models"
)

func TestSlackEscapesScrapedText(t *testing.T) {
	var got []byte
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
		w.WriteHeader(status)
	}))
	defer srv.Close()
	n := New(srv.URL+"/services/T000/B000/XXXX", srv.Client())
	note := models.Notification{IdempotencyKey: "k", Subject: "1★ from <!channel> Eve & co",
		Body: "<script>alert(1)</script> <https://evil.example|click here> <@U123>"}
	if _, err := n.Notify(context.Background(), note); err != nil {
		t.Fatal(err)
	}
	var msg message
	if err := json.Unmarshal(got, &msg); err != nil {
		t.Fatal(err)
	}
	all := msg.Text
	for _, b := range msg.Blocks {
		all += b.Text.Text
	}
	for _, bad := range []string{"<!channel>", "<script>", "<https://evil.example|", "<@U123>"} {
		if strings.Contains(all, bad) {
			t.Errorf("Slack message carries %q unescaped: %s", bad, all)
		}
	}
	if !strings.Contains(all, "&lt;!channel&gt; Eve &amp; co") {
		t.Errorf("subject not escaped as Slack expects: %s", all)
	}

	cases := []struct {
		status    int
		wantRetry bool
	}{{500, true}, {429, true}, {404, false}, {400, false}}
	for _, c := range cases {
		t.Run(http.StatusText(c.status), func(t *testing.T) {
			status = c.status
			retry, err := n.Notify(context.Background(), note)
			if err == nil || retry != c.wantRetry {
				t.Fatalf("status %d: retry=%v err=%v", c.status, retry, err)
			}
			if strings.Contains(err.Error(), "XXXX") {
				t.Fatalf("error leaks the webhook URL: %v", err)
			}
		})
	}
}
