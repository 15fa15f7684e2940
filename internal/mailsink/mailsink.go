// Package mailsink is a real SMTP server (github.com/emersion/go-smtp)
// that accepts every message on loopback and keeps it in memory and,
// optionally, as .eml files in a folder. earshot demo delivers the
// owner's alerts to it, and tests use it as the receiving mail server.
package mailsink

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// Message is one accepted email.
type Message struct {
	From string
	To   []string
	Data []byte
	At   time.Time
	// File is the .eml path when the sink writes to a folder.
	File string
}

// Sink is a running SMTP server.
type Sink struct {
	srv  *smtp.Server
	ln   net.Listener
	dir  string
	mu   sync.Mutex
	msgs []Message
	// notify is closed and replaced whenever a message arrives.
	notify chan struct{}
}

// Start listens on 127.0.0.1 (port 0 picks a free one) and writes
// messages into dir when dir is not empty.
func Start(addr, dir string) (*Sink, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("mailsink: create %s: %w", dir, err)
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mailsink: listen %s: %w", addr, err)
	}
	s := &Sink{ln: ln, dir: dir, notify: make(chan struct{})}
	s.srv = smtp.NewServer(backend{s})
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.ReadTimeout = 30 * time.Second
	s.srv.WriteTimeout = 30 * time.Second
	s.srv.MaxMessageBytes = 32 << 20
	go s.srv.Serve(ln) //nolint:errcheck // returns when closed
	return s, nil
}

// Addr is the host:port the sink listens on.
func (s *Sink) Addr() string { return s.ln.Addr().String() }

// Port is the TCP port.
func (s *Sink) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// Close stops the server.
func (s *Sink) Close() error { return s.srv.Close() }

// Messages returns a copy of every accepted message.
func (s *Sink) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Wait returns a channel closed when the next message arrives, for tests
// that must not sleep.
func (s *Sink) Wait() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.notify
}

func (s *Sink) add(m Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dir != "" {
		m.File = filepath.Join(s.dir, fmt.Sprintf("%04d.eml", len(s.msgs)+1))
		if err := os.WriteFile(m.File, m.Data, 0o644); err != nil {
			return fmt.Errorf("mailsink: write %s: %w", m.File, err)
		}
	}
	s.msgs = append(s.msgs, m)
	close(s.notify)
	s.notify = make(chan struct{})
	return nil
}

type backend struct{ s *Sink }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s    *Sink
	from string
	to   []string
}

func (x *session) AuthMechanisms() []string { return nil }
func (x *session) Reset()                   { x.from, x.to = "", nil }
func (x *session) Logout() error            { return nil }

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, r); err != nil {
		return err
	}
	if len(x.to) == 0 {
		return errors.New("no recipients")
	}
	return x.s.add(Message{From: x.from, To: append([]string(nil), x.to...), Data: buf.Bytes(), At: time.Now()})
}
