package tasks

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/store"
	"github.com/earshot/earshot/tasks/post"
	"github.com/jonboulle/clockwork"
)

// Options are a Service's dependencies.
type Options struct {
	// Clock stamps changes; tests inject a fake.
	Clock      clockwork.Clock
	HTTPClient *http.Client
	// Getenv reads posting credentials (EARSHOT_TWITTER_*, ...).
	Getenv func(string) string
}

// Store is what the service reads, and the transaction it changes tasks
// in; *store.Store is one. The transaction hands its callback a
// *store.Store because that is what Tx and the policy's interfaces are
// satisfied by inside it.
type Store interface {
	Tx
	Business(ctx context.Context, id int64) (models.Business, error)
	BusinessByName(ctx context.Context, name string) (models.Business, error)
	Mention(ctx context.Context, id int64) (models.Mention, error)
	Mentions(ctx context.Context, ids []int64) (map[int64]models.Mention, error)
	Source(ctx context.Context, id int64) (models.Source, error)
	TaskEvents(ctx context.Context, taskID int64) ([]models.TaskEvent, error)
	TaskPage(ctx context.Context, f store.TaskFilter, after store.TaskCursor, limit int) ([]models.Task, store.TaskCursor, error)
	CountTaskFilter(ctx context.Context, f store.TaskFilter, upTo int64) (int64, error)
	TaskPageSplit(ctx context.Context, f store.TaskFilter, limit int, open, sub []string, at time.Time) ([]models.Task, store.TaskCursor, int64, int64, error)
	CountTaskSplit(ctx context.Context, f store.TaskFilter, sub []string, at time.Time, upTo int64) (all, late int64, err error)
	Tx(ctx context.Context, fn func(tx *store.Store) error) error
	// Posting a reply: the installation secret its idempotency key is
	// keyed with, and giving a posting claim back.
	InstallSecret(ctx context.Context, name string, gen func() ([]byte, error)) ([]byte, error)
	ReleaseTaskPost(ctx context.Context, id int64, by string, settled bool) error
}

// Service is what staff do to tasks, from the CLI or the web inbox.
type Service struct {
	st          Store
	clock       clockwork.Clock
	http        *http.Client
	getenv      func(string) string
	followUp    time.Duration
	replyLimits map[string]int
	// approval names the businesses (config names) whose staff replies
	// need a manager's or owner's approval.
	approval map[string]bool
}

// New builds the service; the follow-up delay and reply length limits
// come from cfg.
func New(cfg *config.Config, st Store, o Options) *Service {
	if o.Clock == nil {
		o.Clock = clockwork.NewRealClock()
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	approval := map[string]bool{}
	for _, b := range cfg.Businesses {
		approval[b.Name] = b.ApprovalRequired()
	}
	return &Service{st: st, clock: o.Clock, http: o.HTTPClient, getenv: o.Getenv,
		followUp: cfg.Alerts.FollowUp.D(), replyLimits: cfg.Alerts.ReplyLimits, approval: approval}
}

// In returns the service working inside tx, so an action commits (or
// rolls back) together with the caller's other writes.
func (s *Service) In(tx Store) *Service {
	c := *s
	c.st = tx
	return &c
}

// changeTx is what an action's fields are set from inside its
// transaction: the task's mention, its business's users, and the
// corrections staff make.
type changeTx interface {
	Tx
	Mention(ctx context.Context, id int64) (models.Mention, error)
	AddCorrection(ctx context.Context, c *models.Correction) error
}

// change reads task id, lets apply set the fields ev changes, and moves
// it, in one transaction.
func (s *Service) change(ctx context.Context, id int64, ev Event, actor string, apply func(tx changeTx, t *models.Task, now time.Time) (columns []string, note string, err error)) (models.Task, error) {
	var out models.Task
	err := s.st.Tx(ctx, func(tx *store.Store) error {
		t, err := tx.Task(ctx, id)
		if err != nil {
			return fmt.Errorf("tasks: %w", err)
		}
		if _, err := Next(t.State, ev); err != nil {
			return fmt.Errorf("tasks: cannot %s task %d: %w", verb(ev), id, err)
		}
		now := tx.Now()
		from := t.State
		cols, note, err := apply(tx, &t, now)
		if err != nil {
			return err
		}
		if err := Move(ctx, tx, &t, from, Change{Event: ev, Actor: actor, Note: note, At: now, Columns: cols}); err != nil {
			return err
		}
		out = t
		return nil
	})
	return out, err
}

// Ack records that someone is on it; escalation carries on until the
// reply, since acknowledging answers nobody.
func (s *Service) Ack(ctx context.Context, id int64, actor string) (models.Task, error) {
	return s.change(ctx, id, EventAck, actor, func(tx changeTx, t *models.Task, now time.Time) ([]string, string, error) {
		t.AckedAt = &now
		if t.Assignee == "" {
			t.Assignee = actor
		}
		return []string{"acked_at", "assignee"}, "", nil
	})
}

// Resolve closes a task: the customer's problem is fixed (or there is
// nothing more to do).
func (s *Service) Resolve(ctx context.Context, id int64, actor, note string) (models.Task, error) {
	return s.change(ctx, id, EventResolve, actor, func(tx changeTx, t *models.Task, now time.Time) ([]string, string, error) {
		t.ResolvedAt = &now
		return []string{"resolved_at"}, note, nil
	})
}

// NotComplaint closes a task staff say is not a complaint, and stores
// the correction with who said it, so the business's later mentions like
// this one open no task.
func (s *Service) NotComplaint(ctx context.Context, id int64, actor, note string) (models.Task, error) {
	return s.change(ctx, id, EventNotComplaint, actor, func(tx changeTx, t *models.Task, now time.Time) ([]string, string, error) {
		m, err := tx.Mention(ctx, t.MentionID)
		if err != nil {
			return nil, "", fmt.Errorf("tasks: not a complaint, task %d: %w", id, err)
		}
		c := models.Correction{BusinessID: t.BusinessID, MentionID: m.ID, TaskID: &t.ID, Verdict: models.VerdictNotComplaint,
			Actor: actor, Text: strings.TrimSpace(m.Title + " " + m.Text), CreatedAt: now}
		if err := tx.AddCorrection(ctx, &c); err != nil {
			return nil, "", err
		}
		t.ResolvedAt = &now
		why := "closed: not a complaint (corrected by " + OrNobody(actor) + ")"
		if note = strings.TrimSpace(note); note != "" {
			why += "; " + note
		}
		return []string{"resolved_at"}, why, nil
	})
}

// ConfirmComplaint records that a "needs a human read" task's mention is
// a complaint (someone read it): the task becomes an apology task, and
// the correction is stored with who said it, so similar mentions of the
// business are flagged.
func (s *Service) ConfirmComplaint(ctx context.Context, id int64, actor string) (models.Task, error) {
	return s.change(ctx, id, EventConfirmComplaint, actor, func(tx changeTx, t *models.Task, now time.Time) ([]string, string, error) {
		if t.Kind != models.TaskHumanRead {
			return nil, "", fmt.Errorf("tasks: task %d is already an %s task: %w", id, t.Kind, ErrBadTransition)
		}
		m, err := tx.Mention(ctx, t.MentionID)
		if err != nil {
			return nil, "", fmt.Errorf("tasks: complaint, task %d: %w", id, err)
		}
		c := models.Correction{BusinessID: t.BusinessID, MentionID: m.ID, TaskID: &t.ID, Verdict: models.VerdictComplaint,
			Actor: actor, Text: strings.TrimSpace(m.Title + " " + m.Text), CreatedAt: now}
		if err := tx.AddCorrection(ctx, &c); err != nil {
			return nil, "", err
		}
		t.Kind = models.TaskApology
		if t.Severity < 1 {
			t.Severity = 1
		}
		return []string{"kind", "severity"}, "read by " + OrNobody(actor) + ": a complaint; now an apology task", nil
	})
}

// Assign gives a task to a user of its business.
func (s *Service) Assign(ctx context.Context, id int64, user, actor string) (models.Task, error) {
	return s.change(ctx, id, EventAssign, actor, func(tx changeTx, t *models.Task, now time.Time) ([]string, string, error) {
		users, err := tx.Users(ctx, t.BusinessID)
		if err != nil {
			return nil, "", fmt.Errorf("tasks: assign task %d: %w", id, err)
		}
		var names []string
		for _, u := range users {
			names = append(names, u.Name)
			if strings.EqualFold(u.Name, user) {
				prev := t.Assignee
				t.Assignee = u.Name
				return []string{"assignee"}, fmt.Sprintf("from %s to %s", OrNobody(prev), u.Name), nil
			}
		}
		return nil, "", fmt.Errorf("tasks: assign task %d to %q: %w; users of this business: %s", id, user, ErrUnknownUser, strings.Join(names, ", "))
	})
}

// OrNobody names an assignee, or "nobody".
func OrNobody(s string) string {
	if s == "" {
		return "nobody"
	}
	return s
}

// ReplyOptions say what `earshot tasks reply` does.
type ReplyOptions struct {
	// Text is the reply; empty means the task's draft.
	Text string
	// Post publishes the reply through the platform's API (X, Mastodon,
	// Google Business Profile); otherwise the reply was made by hand at
	// the task's link and is only recorded.
	Post bool
	// Repost posts even though an earlier attempt stopped without an
	// outcome on a platform earshot cannot ask (ErrPostUnconfirmed): staff
	// checked the link and the reply is not there.
	Repost bool
	Actor  string
}

// Reply records (and with Post publishes) the reply to a task's
// complaint, and schedules the follow-up. When posting fails nothing is
// recorded, so the command can be run again. Posting claims the task
// first (see claimPost), so of concurrent submits only one publishes.
func (s *Service) Reply(ctx context.Context, id int64, o ReplyOptions) (models.Task, error) {
	t, err := s.st.Task(ctx, id)
	if err != nil {
		return t, fmt.Errorf("tasks: %w", err)
	}
	if err := replyable(t, s.clock.Now()); err != nil {
		return t, err
	}
	text := strings.TrimSpace(o.Text)
	if text == "" {
		text = t.Draft
	}
	if text == "" {
		return t, fmt.Errorf("tasks: reply to task %d: no text and no draft; pass --text", id)
	}
	note := "replied by hand at " + t.Link
	claim := ""
	if o.Post {
		if note, claim, err = s.post(ctx, t, text, o.Repost); err != nil {
			return t, err
		}
	}
	return s.recordReply(ctx, t, EventReply, o.Actor, text, note, claim)
}

// recordReply records the reply to task t through ev (a reply, or an
// approval), releasing the posting claim when there was one, and
// returns the task as stored.
func (s *Service) recordReply(ctx context.Context, t models.Task, ev Event, actor, text, note, claim string) (models.Task, error) {
	err := s.st.Tx(ctx, func(tx *store.Store) error {
		cur, err := tx.Task(ctx, t.ID)
		if err != nil {
			return fmt.Errorf("tasks: %w", err)
		}
		if err := markReplied(ctx, tx, cur, ev, actor, text, note, s.clock.Now().UTC(), s.followUp); err != nil {
			return err
		}
		if claim != "" {
			return tx.ReleaseTaskPost(ctx, t.ID, claim, true)
		}
		return nil
	})
	if err != nil {
		return t, err
	}
	return s.st.Task(ctx, t.ID)
}

// post publishes text as the reply to t's mention, holding the task's
// posting claim, and returns the note for the task's history and the
// claim (released by the caller with the recorded reply).
func (s *Service) post(ctx context.Context, t models.Task, text string, repost bool) (note, claim string, err error) {
	m, err := s.st.Mention(ctx, t.MentionID)
	if err != nil {
		return "", "", fmt.Errorf("tasks: reply to task %d: %w", t.ID, err)
	}
	if limit := s.replyLimits[m.SourceKind]; limit > 0 && len([]rune(text)) > limit {
		return "", "", fmt.Errorf("tasks: reply to task %d: %d characters, %s allows %d; shorten it with --text", t.ID, len([]rune(text)), m.SourceKind, limit)
	}
	if !post.Supported(m.SourceKind) {
		return "", "", fmt.Errorf("tasks: %s: %w; reply at %s and run `earshot tasks reply ID` without --post", m.SourceKind, ErrNoPoster, m.URL)
	}
	src, err := s.st.Source(ctx, m.SourceID)
	if err != nil {
		return "", "", fmt.Errorf("tasks: source of mention %d: %w", m.ID, err)
	}
	p, err := post.ForSource(src, s.http, s.getenv)
	if errors.Is(err, post.ErrNoCredentials) {
		return "", "", fmt.Errorf("tasks: %w: %w", ErrNoCredentials, err)
	}
	if err != nil {
		return "", "", err
	}
	key, err := s.postKey(ctx, t, text)
	if err != nil {
		return "", "", err
	}
	c, err := s.claimPost(ctx, t.ID, key)
	if err != nil {
		return "", "", err
	}
	// Any return without a recorded reply gives the claim back; settled
	// says whether the platform is known to hold no reply.
	settled := false
	defer func() {
		if err != nil {
			if rerr := s.st.ReleaseTaskPost(context.WithoutCancel(ctx), t.ID, c.by, settled); rerr != nil {
				err = errors.Join(err, rerr)
			}
		}
	}()
	pctx, cancel := context.WithTimeout(scrapers.WithIdempotencyKey(ctx, key), postTimeout)
	defer cancel()
	if c.unconfirmed > 0 {
		f, ok := p.(scrapers.ReplyFinder)
		switch {
		case ok:
			ref, found, ferr := f.FindReply(pctx, m, text)
			if ferr != nil {
				return "", "", fmt.Errorf("tasks: reply to task %d: an earlier attempt was interrupted and earshot could not check whether it was published: %w", t.ID, ferr)
			}
			if found {
				return postedNote(m.SourceKind, ref) + "; found on the platform after an interrupted attempt", c.by, nil
			}
		case !repost:
			return "", "", fmt.Errorf("tasks: reply to task %d: %w: an attempt stopped before %s answered, and earshot cannot ask %s whether it went out; check %s, then record it with `earshot tasks reply %d` (without --post) if it is there, or post with --repost",
				t.ID, ErrPostUnconfirmed, m.SourceKind, m.SourceKind, m.URL, t.ID)
		}
	}
	ref, err := p.Reply(pctx, m, text)
	if err != nil {
		settled = errors.Is(err, scrapers.ErrPostRefused)
		return "", "", fmt.Errorf("tasks: reply to task %d: %w", t.ID, err)
	}
	return postedNote(m.SourceKind, ref), c.by, nil
}

func postedNote(kind, ref string) string {
	note := "posted on " + kind
	if ref != "" {
		note += " (" + ref + ")"
	}
	return note
}

// PostSupported reports whether earshot can post replies to a source kind
// (X/Twitter, Mastodon, Google Business Profile).
func PostSupported(kind string) bool { return post.Supported(kind) }

// ApprovalRequired says whether replies at the business need approval
// (approval: required in its config).
func (s *Service) ApprovalRequired(ctx context.Context, businessID int64) (bool, error) {
	b, err := s.st.Business(ctx, businessID)
	if err != nil {
		return false, fmt.Errorf("tasks: %w", err)
	}
	return s.approval[b.Name], nil
}

// EditDraft saves the composer's edited reply draft; the history keeps
// each version, so what was changed before the reply is on record.
func (s *Service) EditDraft(ctx context.Context, id int64, text, actor string) (models.Task, error) {
	text = strings.TrimSpace(text)
	return s.change(ctx, id, EventEditDraft, actor, func(tx changeTx, t *models.Task, now time.Time) ([]string, string, error) {
		if text == "" {
			return nil, "", fmt.Errorf("tasks: edit draft of task %d: %w", id, ErrEmptyReply)
		}
		t.Draft = text
		return []string{"draft"}, "draft: " + text, nil
	})
}

// Suggest records a staff member's reply for approval: it becomes the
// draft and the task waits for a manager or owner (Approve, SendBack).
func (s *Service) Suggest(ctx context.Context, id int64, text, actor string) (models.Task, error) {
	text = strings.TrimSpace(text)
	return s.change(ctx, id, EventSuggest, actor, func(tx changeTx, t *models.Task, now time.Time) ([]string, string, error) {
		if text == "" {
			text = t.Draft
		}
		if text == "" {
			return nil, "", fmt.Errorf("tasks: suggest a reply to task %d: %w", id, ErrEmptyReply)
		}
		t.Draft = text
		return []string{"draft"}, "suggested: " + text, nil
	})
}

// SendBack returns a suggested reply to staff with the approver's note.
func (s *Service) SendBack(ctx context.Context, id int64, actor, note string) (models.Task, error) {
	return s.change(ctx, id, EventSendBack, actor, func(tx changeTx, t *models.Task, now time.Time) ([]string, string, error) {
		return nil, strings.TrimSpace(note), nil
	})
}

// Approve approves a suggested reply, with the approver's edits when
// o.Text is set: it is posted (o.Post) or recorded as replied, and the
// follow-up scheduled, like Reply. When posting fails nothing changes.
func (s *Service) Approve(ctx context.Context, id int64, o ReplyOptions) (models.Task, error) {
	t, err := s.st.Task(ctx, id)
	if err != nil {
		return t, fmt.Errorf("tasks: %w", err)
	}
	if _, err := Next(t.State, EventApprove); err != nil {
		return t, fmt.Errorf("tasks: cannot approve the reply to task %d: %w", id, err)
	}
	text := strings.TrimSpace(o.Text)
	if text == "" {
		text = t.Draft
	}
	if text == "" {
		return t, fmt.Errorf("tasks: approve the reply to task %d: %w", id, ErrEmptyReply)
	}
	if claimLive(t.PostClaimedBy, t.PostClaimedAt, s.clock.Now()) {
		return t, fmt.Errorf("tasks: approve the reply to task %d: %w", id, ErrPostInProgress)
	}
	note, claim := "replied by hand at "+t.Link, ""
	if o.Post {
		if note, claim, err = s.post(ctx, t, text, o.Repost); err != nil {
			return t, err
		}
	}
	return s.recordReply(ctx, t, EventApprove, o.Actor, text, "approved; "+note, claim)
}
