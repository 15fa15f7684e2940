// Package smtpsink is a real SMTP server (github.com/emersion/go-smtp)
// that accepts every message and keeps it, for tests, benchmarks and the
// demo: alerts travel the same path as to a production mail server, and
// the test reads what arrived. Optionally each message is also written as
// an .eml file so a person can open it.
package smtpsink

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// Message is one accepted message.
type Message struct {
	From       string
	To         []string
	Data       []byte
	ReceivedAt time.Time
	// File is the .eml file the message was written to, when the sink
	// writes to a folder.
	File string
}

// Header parses the message's header.
func (m Message) Header() (mail.Header, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return nil, err
	}
	return msg.Header, nil
}

// Sink is a running server.
type Sink struct {
	srv  *smtp.Server
	ln   net.Listener
	addr string
	dir  string

	mu     sync.Mutex
	msgs   []Message
	notify chan struct{}
	// Now stamps ReceivedAt (tests inject a clock); default time.Now.
	Now func() time.Time
	// BeforeAccept, when set, sees each message after its data arrived
	// and before the server answers: it may hold the answer (a test kills
	// the sender meanwhile) and returns whether the message is kept, as a
	// server that delivers what it received even when the client is gone
	// (true) or one that drops it (false, answered 451).
	BeforeAccept func(Message) bool
}

// Start listens on addr ("127.0.0.1:0" picks a free port). When dir is
// not empty every message is also written there as an .eml file.
func Start(addr, dir string) (*Sink, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("smtpsink: listen on %s: %w", addr, err)
	}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			ln.Close()
			return nil, fmt.Errorf("smtpsink: %w", err)
		}
	}
	s := &Sink{ln: ln, addr: ln.Addr().String(), dir: dir, notify: make(chan struct{}, 1), Now: time.Now}
	s.srv = smtp.NewServer(backend{s})
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.MaxMessageBytes = 32 << 20
	s.srv.ReadTimeout = 30 * time.Second
	s.srv.WriteTimeout = 30 * time.Second
	go s.srv.Serve(ln) //nolint:errcheck // returns on Close
	return s, nil
}

// Addr is host:port.
func (s *Sink) Addr() string { return s.addr }

// Port is the port number.
func (s *Sink) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// Close stops the server. The listener is closed here too: go-smtp only
// closes listeners its Serve goroutine has registered, and Close may run
// before that goroutine does.
func (s *Sink) Close() error {
	err := s.srv.Close()
	if lerr := s.ln.Close(); lerr != nil && err == nil && !errors.Is(lerr, net.ErrClosed) {
		err = lerr
	}
	return err
}

// Messages returns a copy of what arrived so far.
func (s *Sink) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Count is the number of messages accepted.
func (s *Sink) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.msgs)
}

// Wait blocks until n messages arrived or ctx ends.
func (s *Sink) Wait(ctx context.Context, n int) error {
	for {
		if s.Count() >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("smtpsink: %d of %d messages: %w", s.Count(), n, ctx.Err())
		case <-s.notify:
		}
	}
}

func (s *Sink) add(m Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m.ReceivedAt = s.Now()
	if s.dir != "" {
		// Written before the message counts as received, so a waiter
		// that sees it can open its file.
		m.File = filepath.Join(s.dir, fmt.Sprintf("%s-%06d.eml", m.ReceivedAt.UTC().Format("20060102T150405"), len(s.msgs)+1))
		if err := os.WriteFile(m.File, m.Data, 0o644); err != nil {
			return fmt.Errorf("smtpsink: %w", err)
		}
	}
	s.msgs = append(s.msgs, m)
	select {
	case s.notify <- struct{}{}:
	default:
	}
	return nil
}

type backend struct{ s *Sink }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s    *Sink
	from string
	to   []string
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}
func (x *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := Message{From: x.from, To: x.to, Data: data}
	if hook := x.s.BeforeAccept; hook != nil && !hook(m) {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "smtpsink: message refused by the test"}
	}
	return x.s.add(m)
}
