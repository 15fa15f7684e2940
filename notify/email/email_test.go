package email

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/smtpsink"
	"github.com/earshot/earshot/models"
)

// png is a real 1×1 PNG.
var png = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

func digest() models.Notification {
	return models.Notification{Kind: "digest", Channel: "email", Recipient: "owner@example.com", IdempotencyKey: "digest:rosies:2026-W44:owner@example.com",
		Subject: "Your week at Rosie's Diner", Body: "3 complaints, all answered.",
		HTMLBody:     `<p>3 complaints</p><img src="cid:trend">`,
		InlineImages: []models.InlineImage{{ContentID: "trend", ContentType: "image/png", Data: png}}}
}

func TestDigestWithInlineImageOverSMTP(t *testing.T) {
	sink, err := smtpsink.Start("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	n := New(config.SMTP{Host: "127.0.0.1", Port: sink.Port(), TLS: "none", From: "earshot <alerts@example.com>"}, nil)
	if retry, err := n.Notify(context.Background(), digest()); err != nil {
		t.Fatalf("notify: %v (retryable %v)", err, retry)
	}
	msgs := sink.Messages()
	if len(msgs) != 1 || msgs[0].To[0] != "owner@example.com" {
		t.Fatalf("messages %+v", msgs)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(msgs[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.Header.Get("Message-Id"); got != "<"+MessageID(digest().IdempotencyKey)+">" {
		t.Errorf("Message-ID %q is not derived from the idempotency key", got)
	}
	// Find the inline image: multipart/related holding the HTML and the
	// PNG with Content-ID <trend>.
	var found bool
	var walk func(ct string, body io.Reader)
	walk = func(ct string, body io.Reader) {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil || !strings.HasPrefix(mt, "multipart/") {
			return
		}
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				return
			}
			pct := p.Header.Get("Content-Type")
			if strings.HasPrefix(pct, "image/png") && strings.Trim(p.Header.Get("Content-Id"), "<>") == "trend" {
				found = true
			}
			walk(pct, p)
		}
	}
	walk(msg.Header.Get("Content-Type"), msg.Body)
	if !found {
		t.Fatalf("no inline PNG with Content-ID trend in:\n%s", msgs[0].Data)
	}
}

func TestMailboxWritesOneFilePerNotification(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mailbox")
	n := New(config.SMTP{Mailbox: dir, From: "alerts@example.com"}, []string{"owner@example.com"})
	for range 2 { // a retry after a crash writes the same file again
		if _, err := n.Notify(context.Background(), digest()); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("%d files, want 1", len(files))
	}
	data, _ := os.ReadFile(files[0])
	if _, err := mail.ReadMessage(bytes.NewReader(data)); err != nil || !bytes.Contains(data, []byte("Content-Id: <trend>")) && !bytes.Contains(data, []byte("Content-ID: <trend>")) {
		t.Fatalf("mailbox file is not the message (%v):\n%s", err, data)
	}
}

func TestNotifyErrors(t *testing.T) {
	probe, _ := smtpsink.Start("127.0.0.1:0", "")
	port := probe.Port()
	probe.Close()
	cases := []struct {
		name      string
		smtp      config.SMTP
		n         models.Notification
		wantRetry bool
		wantText  string
	}{
		{"server down is retryable", config.SMTP{Host: "127.0.0.1", Port: port, TLS: "none", From: "a@example.com"}, digest(), true, "127.0.0.1"},
		{"no recipient is permanent", config.SMTP{Host: "127.0.0.1", Port: port, TLS: "none", From: "a@example.com"},
			models.Notification{IdempotencyKey: "k", Subject: "s"}, false, "no recipient"},
		{"no server and no mailbox says what to set", config.SMTP{From: "a@example.com"}, digest(), false, "smtp.mailbox"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			retry, err := New(c.smtp, nil).Notify(context.Background(), c.n)
			if err == nil || retry != c.wantRetry || !strings.Contains(err.Error(), c.wantText) {
				t.Fatalf("retry=%v err=%v; want retry=%v and %q", retry, err, c.wantRetry, c.wantText)
			}
		})
	}
}

func TestHeaderSafe(t *testing.T) {
	cases := map[string]string{
		"Eve\r\nBcc: x@example.com": "Eve Bcc: x@example.com",
		"tab\there":                 "tab here",
		"line\u2028sep":             "line sep",
		"  plain  ":                 "plain",
	}
	for in, want := range cases {
		t.Run(want, func(t *testing.T) {
			if got := HeaderSafe(in); got != want {
				t.Errorf("HeaderSafe(%q) = %q, want %q", in, got, want)
			}
		})
	}
}

func FuzzHeaderSafe(f *testing.F) {
	for _, s := range []string{"Eve\r\nBcc: x@example.com", "=?utf-8?q?=0D=0A?=", strings.Repeat("é", 300), "\x00\x1b[31m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := HeaderSafe(s)
		if strings.ContainsAny(out, "\r\n\x00") {
			t.Fatalf("HeaderSafe(%q) = %q keeps a line break", s, out)
		}
		if len([]rune(out)) > 200 {
			t.Fatalf("HeaderSafe output has %d characters", len([]rune(out)))
		}
		// Built into a message, the subject never adds a header.
		n := New(config.SMTP{From: "a@example.com"}, []string{"b@example.com"})
		m, err := n.Build(models.Notification{IdempotencyKey: "k", Subject: s, Body: s})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := m.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		msg, err := mail.ReadMessage(&buf)
		if err != nil {
			t.Fatalf("message does not parse: %v", err)
		}
		for k := range msg.Header {
			switch k {
			case "Date", "Mime-Version", "Message-Id", "Subject", "User-Agent", "X-Earshot-Idempotency-Key", "X-Mailer", "From", "To", "Content-Type", "Content-Transfer-Encoding":
			default:
				t.Fatalf("unexpected header %q from subject %q", k, s)
			}
		}
	})
}
