// Package webhook posts notifications as JSON to any HTTP endpoint,
// signed with HMAC-SHA256 so the receiver can check they came from
// earshot, and carrying an Idempotency-Key header so a receiver can drop
// the second copy of a retried delivery.
package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/notify/internal/httpsend"
)

// Header names of a delivery.
const (
	SignatureHeader   = "X-Earshot-Signature" // "sha256=<hex HMAC of timestamp.body>"
	TimestampHeader   = "X-Earshot-Timestamp" // Unix seconds, part of the signed text
	IdempotencyHeader = "Idempotency-Key"
)

// Notifier posts to one URL with one signing key.
type Notifier struct {
	url    string
	secret []byte
	client *http.Client
	now    func() time.Time
}

// New builds a notifier. An empty secret sends unsigned requests.
func New(url, secret string, client *http.Client, now func() time.Time) *Notifier {
	if client == nil {
		client = http.DefaultClient
	}
	if now == nil {
		now = time.Now
	}
	return &Notifier{url: url, secret: []byte(secret), client: client, now: now}
}

// Envelope is the JSON body of every delivery. Data is the notification's
// structured payload (task, mention, analysis) when it has one.
type Envelope struct {
	ID         string          `json:"id"`
	Kind       string          `json:"kind"`
	BusinessID int64           `json:"business_id"`
	TaskID     *int64          `json:"task_id,omitempty"`
	MentionID  *int64          `json:"mention_id,omitempty"`
	Subject    string          `json:"subject"`
	Text       string          `json:"text"`
	Data       json.RawMessage `json:"data,omitempty"`
}

// Sign returns the signature header value for a body sent at ts.
func Sign(secret []byte, ts string, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(ts))
	mac.Write([]byte("."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify checks a signature in constant time; receivers (and tests) use it.
func Verify(secret []byte, ts string, body []byte, sig string) bool {
	return hmac.Equal([]byte(Sign(secret, ts, body)), []byte(sig))
}

// Notify posts n.
func (w *Notifier) Notify(ctx context.Context, n models.Notification) (bool, error) {
	env := Envelope{ID: n.ReceiverKey(), Kind: string(n.Kind), BusinessID: n.BusinessID, TaskID: n.TaskID,
		MentionID: n.MentionID, Subject: n.Subject, Text: n.Body}
	if len(n.Payload) > 0 && json.Valid(n.Payload) {
		env.Data = n.Payload
	}
	body, err := json.Marshal(env)
	if err != nil {
		return false, fmt.Errorf("webhook: encode %s: %w", n.IdempotencyKey, err)
	}
	ts := strconv.FormatInt(w.now().Unix(), 10)
	headers := map[string]string{IdempotencyHeader: n.ReceiverKey(), TimestampHeader: ts}
	if len(w.secret) > 0 {
		headers[SignatureHeader] = Sign(w.secret, ts, body)
	}
	retry, err := httpsend.Post(ctx, w.client, w.url, body, headers)
	if err != nil {
		return retry, fmt.Errorf("webhook: %w", err)
	}
	return false, nil
}
