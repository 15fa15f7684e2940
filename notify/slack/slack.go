// Package slack posts notifications to a Slack incoming webhook. Text
// from reviews is escaped for Slack's mrkdwn (&, <, >), so a review cannot
// ping @channel, fake a link or hide text.
package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/notify/internal/httpsend"
)

// Notifier posts to one incoming-webhook URL.
type Notifier struct {
	url    string
	client *http.Client
}

// New builds a notifier; url is the webhook URL (a credential).
func New(url string, client *http.Client) *Notifier {
	if client == nil {
		client = http.DefaultClient
	}
	return &Notifier{url: url, client: client}
}

// Escape makes text safe inside a Slack message: it escapes the three
// characters Slack's mrkdwn treats as control characters, which also
// disarms <!channel> mentions and <url|label> links.
func Escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

type message struct {
	Text   string  `json:"text"`
	Blocks []block `json:"blocks,omitempty"`
}

type block struct {
	Type string `json:"type"`
	Text *text  `json:"text,omitempty"`
}

type text struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// Payload renders n as a Slack message: the subject in bold over the
// plain-text body, both escaped.
func Payload(n models.Notification) ([]byte, error) {
	subj := Escape(n.Subject)
	body := Escape(n.Body)
	if len(body) > 2900 { // a section block holds 3000 characters
		body = body[:2900] + "…"
	}
	msg := message{
		Text: subj,
		Blocks: []block{
			{Type: "section", Text: &text{Type: "mrkdwn", Text: "*" + subj + "*"}},
			{Type: "section", Text: &text{Type: "mrkdwn", Text: body}},
		},
	}
	if strings.TrimSpace(body) == "" {
		msg.Blocks = msg.Blocks[:1]
	}
	return json.Marshal(msg)
}

// Notify posts n. Slack has no idempotency key, so a retry after a crash
// mid-request can show a message twice; the outbox keeps that window small.
func (s *Notifier) Notify(ctx context.Context, n models.Notification) (bool, error) {
	body, err := Payload(n)
	if err != nil {
		return false, fmt.Errorf("slack: encode %s: %w", n.IdempotencyKey, err)
	}
	retry, err := httpsend.Post(ctx, s.client, s.url, body, nil)
	if err != nil {
		return retry, fmt.Errorf("slack: %w", err)
	}
	return false, nil
}
