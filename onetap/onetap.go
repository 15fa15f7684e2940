// Package onetap signs and checks the one-tap links of alert emails
// (acknowledge, assign to me): an owner on a phone acts on a complaint
// without signing in. A link carries the action, the task, the person and
// an expiry, signed with HMAC-SHA256 under a per-installation key that is
// generated and stored in the database on first use. Each link works
// once: its nonce is recorded when it is used (store.UseLink).
package onetap

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"
)

// Actions a link can take.
const (
	Ack      = "ack"
	AssignMe = "assign"
)

// DefaultExpiry is how long an alert's links work.
const DefaultExpiry = 72 * time.Hour

// secretName is the install_secrets row holding the signing key.
const secretName = "onetap-hmac-v1"

// Sentinels of link checks.
var (
	// ErrInvalid means the link was altered, truncated or not made here.
	ErrInvalid = errors.New("this link is not valid")
	// ErrExpired means the link is past its expiry.
	ErrExpired = errors.New("this link has expired")
)

// Claims are what a link says.
type Claims struct {
	Action  string
	TaskID  int64
	User    string
	Expires time.Time
	// Nonce makes each link unique, so using one does not spend another.
	Nonce string
}

// Signer makes and checks links.
type Signer struct {
	key     []byte
	baseURL string
	clock   clockwork.Clock
}

// Secrets keeps the installation's signing key (*store.Store is one).
type Secrets interface {
	InstallSecret(ctx context.Context, name string, gen func() ([]byte, error)) ([]byte, error)
}

// New loads the installation's signing key (creating it on first use)
// and returns a signer whose links start with baseURL (server.base_url).
func New(ctx context.Context, st Secrets, baseURL string, clock clockwork.Clock) (*Signer, error) {
	key, err := st.InstallSecret(ctx, secretName, func() ([]byte, error) {
		b := make([]byte, 32)
		_, err := rand.Read(b)
		return b, err
	})
	if err != nil {
		return nil, fmt.Errorf("onetap: %w", err)
	}
	if clock == nil {
		clock = clockwork.NewRealClock()
	}
	return &Signer{key: key, baseURL: strings.TrimRight(baseURL, "/"), clock: clock}, nil
}

// Link returns the URL of a one-tap link that lets user take action on
// the task until expiry. Alert emails call it with onetap.Ack or
// onetap.AssignMe and the recipient's user name.
func (s *Signer) Link(action string, taskID int64, user string, expiry time.Time) string {
	return s.baseURL + "/t/" + s.Token(action, taskID, user, expiry)
}

// Token is the signed part of a link.
func (s *Signer) Token(action string, taskID int64, user string, expiry time.Time) string {
	nonce := make([]byte, 12)
	if _, err := rand.Read(nonce); err != nil {
		panic("onetap: crypto/rand failed: " + err.Error())
	}
	b64 := base64.RawURLEncoding
	payload := strings.Join([]string{"v1", action, strconv.FormatInt(taskID, 10), b64.EncodeToString([]byte(user)),
		strconv.FormatInt(expiry.Unix(), 10), b64.EncodeToString(nonce)}, ".")
	return payload + "." + b64.EncodeToString(s.mac(payload))
}

func (s *Signer) mac(payload string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(payload))
	return m.Sum(nil)
}

// Parse checks a token's signature and expiry and returns its claims.
// An expired link returns its claims with ErrExpired, so the page can
// still name the task.
func (s *Signer) Parse(token string) (Claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 7 || parts[0] != "v1" {
		return Claims{}, ErrInvalid
	}
	b64 := base64.RawURLEncoding
	sig, err := b64.DecodeString(parts[6])
	if err != nil || !hmac.Equal(sig, s.mac(strings.Join(parts[:6], "."))) {
		return Claims{}, ErrInvalid
	}
	id, err1 := strconv.ParseInt(parts[2], 10, 64)
	user, err2 := b64.DecodeString(parts[3])
	exp, err3 := strconv.ParseInt(parts[4], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || (parts[1] != Ack && parts[1] != AssignMe) {
		return Claims{}, ErrInvalid
	}
	c := Claims{Action: parts[1], TaskID: id, User: string(user), Expires: time.Unix(exp, 0).UTC(), Nonce: parts[5]}
	if !s.clock.Now().Before(c.Expires) {
		return c, ErrExpired
	}
	return c, nil
}
