// Package email delivers notifications as multipart (text + HTML) email
// through an SMTP server, or, without a server, as .eml files in a
// mailbox folder. Scraped text reaches it already escaped in the HTML part;
// this package makes sure nothing in a subject or name can start a new
// mail header, and derives the Message-ID from the notification's
// idempotency key so a retry after a crash is recognisable as the same
// message.
package email

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/models"
	"github.com/wneessen/go-mail"
)

// ErrNoRecipient means neither the notification nor its channel names an
// address.
var ErrNoRecipient = errors.New("no recipient address")

// Notifier sends one notification per call.
type Notifier struct {
	smtp    config.SMTP
	to      []string
	timeout time.Duration
}

// New builds a notifier for an email channel. to is the channel's
// addresses, used when a notification has no Recipient of its own.
func New(smtp config.SMTP, to []string) *Notifier {
	return &Notifier{smtp: smtp, to: to, timeout: 30 * time.Second}
}

// MessageID is the Message-ID header value derived from an idempotency
// key: the same notification always carries the same ID, so a mail
// server or client that deduplicates by Message-ID drops a second copy.
func MessageID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16]) + "@earshot"
}

// Notify sends n. Temporary failures (server down, 4xx) are retryable;
// a permanent rejection (5xx, invalid address) is not.
func (e *Notifier) Notify(ctx context.Context, n models.Notification) (bool, error) {
	msg, err := e.Build(n)
	if err != nil {
		return false, err
	}
	if e.smtp.Host == "" {
		return e.writeMailbox(n, msg)
	}
	opts := []mail.Option{mail.WithPort(e.smtp.Port), mail.WithTimeout(e.timeout), mail.WithoutNoop()}
	switch e.smtp.TLS {
	case "tls":
		opts = append(opts, mail.WithSSL())
	case "starttls":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if e.smtp.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(e.smtp.Username), mail.WithPassword(e.smtp.Password.Value()))
	}
	c, err := mail.NewClient(e.smtp.Host, opts...)
	if err != nil {
		return false, fmt.Errorf("email: client for %s: %w", e.smtp.Host, err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return retryable(err), fmt.Errorf("email: send %s to %s via %s:%d: %w", n.Kind, strings.Join(e.recipients(n), ", "), e.smtp.Host, e.smtp.Port, err)
	}
	return false, nil
}

func retryable(err error) bool {
	var se *mail.SendError
	if errors.As(err, &se) {
		if se.IsTemp() {
			return true
		}
		// Connection problems are worth retrying; a 5xx answer is not.
		switch se.Reason {
		case mail.ErrSMTPMailFrom, mail.ErrSMTPRcptTo, mail.ErrSMTPData, mail.ErrSMTPDataClose:
			return se.ErrorCode() == 0 || se.ErrorCode() < 500
		}
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	return true
}

func (e *Notifier) recipients(n models.Notification) []string {
	if n.Recipient != "" {
		return []string{n.Recipient}
	}
	return e.to
}

// Build renders n as a mail message: text part, HTML alternative with
// inline images (Content-ID, referenced as cid: in the HTML).
func (e *Notifier) Build(n models.Notification) (*mail.Msg, error) {
	rcpts := e.recipients(n)
	if len(rcpts) == 0 {
		return nil, fmt.Errorf("email: notification %s: %w", n.IdempotencyKey, ErrNoRecipient)
	}
	m := mail.NewMsg()
	if err := m.From(e.smtp.From); err != nil {
		return nil, fmt.Errorf("email: from address %q: %w", e.smtp.From, err)
	}
	if err := m.To(rcpts...); err != nil {
		return nil, fmt.Errorf("email: recipient %q: %w", strings.Join(rcpts, ", "), err)
	}
	m.Subject(HeaderSafe(n.Subject))
	m.SetMessageIDWithValue(MessageID(n.ReceiverKey()))
	m.SetGenHeader("X-Earshot-Idempotency-Key", HeaderSafe(n.ReceiverKey()))
	m.SetDate()
	body := n.Body
	if body == "" {
		body = n.Subject
	}
	m.SetBodyString(mail.TypeTextPlain, body)
	if n.HTMLBody != "" {
		m.AddAlternativeString(mail.TypeTextHTML, n.HTMLBody)
	}
	for i, img := range n.InlineImages {
		if img.ContentID == "" {
			return nil, fmt.Errorf("email: notification %s: inline image %d has no content id", n.IdempotencyKey, i)
		}
		ct := img.ContentType
		if ct == "" {
			ct = "image/png"
		}
		name := fileSafe(strings.Trim(img.ContentID, "<>"))
		if ext := strings.TrimPrefix(ct, "image/"); ext != ct && !strings.Contains(name, ".") {
			name += "." + ext
		}
		if err := m.EmbedReader(name, bytes.NewReader(img.Data),
			mail.WithFileContentID("<"+strings.Trim(img.ContentID, "<>")+">"), mail.WithFileContentType(mail.ContentType(ct))); err != nil {
			return nil, fmt.Errorf("email: notification %s: embed %s: %w", n.IdempotencyKey, img.ContentID, err)
		}
	}
	return m, nil
}

// writeMailbox stores the message as an .eml file named after its
// idempotency key, so a retry overwrites instead of adding a copy.
func (e *Notifier) writeMailbox(n models.Notification, msg *mail.Msg) (bool, error) {
	dir := e.smtp.Mailbox
	if dir == "" {
		return false, fmt.Errorf("email: no smtp.host and no smtp.mailbox configured; set one of them")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return true, fmt.Errorf("email: mailbox %s: %w", dir, err)
	}
	var buf bytes.Buffer
	if _, err := msg.WriteTo(&buf); err != nil {
		return false, fmt.Errorf("email: render %s: %w", n.IdempotencyKey, err)
	}
	sum := sha256.Sum256([]byte(n.ReceiverKey()))
	name := filepath.Join(dir, fileSafe(string(n.Kind))+"-"+hex.EncodeToString(sum[:8])+".eml")
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return true, fmt.Errorf("email: write %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, name); err != nil {
		return true, fmt.Errorf("email: write %s: %w", name, err)
	}
	return false, nil
}

// HeaderSafe removes line breaks and other control characters, so text
// from a review (an author's name in a subject) cannot add a mail header.
func HeaderSafe(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:199]) + "…"
	}
	return s
}

func fileSafe(s string) string {
	if s == "" {
		return "mail"
	}
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
}
