package tasks

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

const (
	// postLease is how long a posting claim holds against submits from
	// other hosts, which cannot tell whether its claimant is alive. It
	// is twice postTimeout, so a live claimant has always finished (or
	// given up) before another host takes over.
	postLease = 2 * time.Minute
	// postTimeout bounds one post (the lookup and the platform's answer,
	// go-mastodon's own 429 backoff included).
	postTimeout = postLease / 2
)

// postClaim is a won posting claim: by names the claimant (host, pid and
// a nonce), unconfirmed counts earlier attempts whose outcome was never
// recorded, so the platform is asked first.
type postClaim struct {
	by          string
	unconfirmed int
}

// replyable says why t cannot be replied to now, or nil: its state does
// not allow a reply (already replied: ErrAlreadyReplied), or a live
// posting claim holds it (ErrPostInProgress).
func replyable(t models.Task, now time.Time) error {
	if _, err := Next(t.State, EventReply); err != nil {
		if t.RepliedAt != nil && (t.State == Replied || t.State == FollowUpDue) {
			return fmt.Errorf("tasks: cannot reply to task %d: %w at %s (%w)", t.ID, ErrAlreadyReplied, t.RepliedAt.UTC().Format(time.RFC3339), err)
		}
		return fmt.Errorf("tasks: cannot reply to task %d: %w", t.ID, err)
	}
	if claimLive(t.PostClaimedBy, t.PostClaimedAt, now) {
		return fmt.Errorf("tasks: reply to task %d: %w (since %s); reload the task in a minute", t.ID, ErrPostInProgress, t.PostClaimedAt.UTC().Format(time.RFC3339))
	}
	return nil
}

// claimPost takes task id for posting, in one transaction with the state
// check: of concurrent submits exactly one gets the claim, the others
// ErrPostInProgress (or ErrAlreadyReplied once the winner recorded it).
// A claim whose claimant died (same host, process gone) or whose lease
// ran out is taken over, and the attempt it left counts as unconfirmed.
func (s *Service) claimPost(ctx context.Context, id int64, key string) (postClaim, error) {
	by, err := claimant()
	if err != nil {
		return postClaim{}, err
	}
	var c postClaim
	err = s.st.Tx(ctx, func(tx *store.Store) error {
		t, err := tx.Task(ctx, id)
		if err != nil {
			return fmt.Errorf("tasks: %w", err)
		}
		now := s.clock.Now().UTC()
		if err := replyable(t, now); err != nil {
			return err
		}
		won, err := tx.ClaimTaskPost(ctx, t, key, by, now)
		if err != nil {
			return err
		}
		if !won {
			return fmt.Errorf("tasks: reply to task %d: %w by another submit; reload the task in a minute", id, ErrPostInProgress)
		}
		c = postClaim{by: by, unconfirmed: t.PostAttempts}
		return nil
	})
	return c, err
}

// postKey is the idempotency key of posting text as t's reply: the same
// for the same task, opening and text (a retry after a crash sends the
// same one), and keyed with this installation's secret, so a restored or
// new database whose task numbers repeat never sends an old key.
func (s *Service) postKey(ctx context.Context, t models.Task, text string) (string, error) {
	secret, err := s.st.InstallSecret(ctx, "post-key", func() ([]byte, error) {
		b := make([]byte, 32)
		_, err := rand.Read(b)
		return b, err
	})
	if err != nil {
		return "", fmt.Errorf("tasks: reply to task %d: %w", t.ID, err)
	}
	mac := hmac.New(sha256.New, secret)
	fmt.Fprintf(mac, "%d\x00%d\x00%s", t.ID, t.OpenedAt.UTC().UnixNano(), text)
	return "earshot-reply-" + hex.EncodeToString(mac.Sum(nil)[:16]), nil
}

// claimant names this attempt: host and pid, so a submit on the same
// host can tell that the claimant was killed, and a nonce, so two
// attempts of one process differ.
func claimant() (string, error) {
	host, _ := os.Hostname()
	n := make([]byte, 6)
	if _, err := rand.Read(n); err != nil {
		return "", fmt.Errorf("tasks: posting claim: %w", err)
	}
	return host + " " + strconv.Itoa(os.Getpid()) + " " + hex.EncodeToString(n), nil
}

// claimLive reports whether a posting claim still holds at now: it
// lapses after postLease, and at once when its claimant ran on this host
// and its process is gone (killed mid-post; the retry need not wait).
func claimLive(by string, at *time.Time, now time.Time) bool {
	if by == "" || at == nil || now.Sub(*at) >= postLease {
		return false
	}
	f := strings.Fields(by)
	if len(f) != 3 {
		return true
	}
	host, _ := os.Hostname()
	pid, err := strconv.Atoi(f[1])
	if f[0] != host || err != nil || pid == os.Getpid() {
		return true
	}
	return !processGone(pid)
}

// processGone reports whether no process pid exists on this host.
func processGone(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return true
	}
	err = p.Signal(syscall.Signal(0))
	return errors.Is(err, os.ErrProcessDone)
}
