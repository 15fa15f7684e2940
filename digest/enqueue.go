package digest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/notify"
	"github.com/earshot/earshot/store"
)

// KindDigest is the notification kind of a digest email.
const KindDigest = notify.KindDigest

// ChannelEmail is the outbox channel digests are sent on: straight to
// each recipient by email, whatever channels the config defines.
const ChannelEmail = notify.ChannelEmail

// Recipients returns who gets the business's digest: the configured
// digest recipients, else every owner with an email address.
func Recipients(biz config.Business) []string {
	seen := map[string]bool{}
	var out []string
	add := func(addr string) {
		a, err := mail.ParseAddress(addr)
		if err != nil {
			return
		}
		key := strings.ToLower(a.Address)
		if !seen[key] {
			seen[key] = true
			out = append(out, a.Address)
		}
	}
	for _, r := range biz.Digest.Recipients {
		add(r)
	}
	if len(out) == 0 {
		for _, u := range biz.Users {
			if strings.EqualFold(u.Role, models.RoleOwner) && u.Email != "" {
				add(u.Email)
			}
		}
	}
	return out
}

// IdempotencyKey names one recipient's digest of one business and week.
// The outbox refuses a second notification with the same key, which is
// what sends a digest once even when two replicas, a restart or a manual
// --send try again.
func IdempotencyKey(business string, w Week, recipient string) string {
	return "digest:" + business + ":" + w.String() + ":" + strings.ToLower(recipient)
}

// Enqueue builds the business's digest for week and writes one email
// notification per recipient into the outbox, in one transaction. It
// reports how many were added: 0 when every recipient's digest for that
// week is already queued or sent (then the digest is not even built).
// Delivery and retries are the alerter's outbox sender's.
func Enqueue(ctx context.Context, st Store, cfg *config.Config, biz config.Business, week Week, now time.Time) (int, error) {
	recips := Recipients(biz)
	if len(recips) == 0 {
		return 0, fmt.Errorf("digest: business %s: %w; set businesses[].digest.recipients or give an owner an email", biz.Name, ErrNoRecipients)
	}
	keys := make([]string, len(recips))
	for i, r := range recips {
		keys[i] = IdempotencyKey(biz.Name, week, r)
	}
	have, err := st.DigestQueued(ctx, keys)
	if err != nil {
		return 0, fmt.Errorf("digest: business %s week %s: %w", biz.Name, week, err)
	}
	if have >= int64(len(keys)) {
		return 0, nil
	}
	mb, err := st.BusinessByName(ctx, biz.Name)
	if err != nil {
		return 0, fmt.Errorf("digest: business %s: %w", biz.Name, err)
	}
	d, err := Build(ctx, st, mb, week, Options{Now: now, BaseURL: cfg.Server.BaseURL})
	if err != nil {
		return 0, err
	}
	text := d.RenderText()
	html, images, err := d.RenderHTML()
	if err != nil {
		return 0, err
	}
	subject := d.Subject()
	added := 0
	err = st.Tx(ctx, func(tx *store.Store) error {
		for i, r := range recips {
			n := &models.Notification{
				BusinessID: mb.ID, Kind: KindDigest, Channel: ChannelEmail, Recipient: r,
				Subject: subject, Body: text, HTMLBody: html, InlineImages: images,
				IdempotencyKey: keys[i], NextAttemptAt: now.UTC(),
			}
			ok, err := notify.Enqueue(ctx, tx, n)
			if err != nil {
				return fmt.Errorf("digest: business %s week %s: %w", biz.Name, week, err)
			}
			if ok {
				added++
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// EnqueueDue queues, for every business whose digest send time has passed
// this week, the digest of the previous week. It is meant to run every few
// minutes: because queueing is idempotent per business, week and
// recipient, running it often costs one indexed lookup per business, and
// a digest missed while earshot was down goes out as soon as it is back
// (until the next send time). A business first stored after the week
// ended gets no digest for it: earshot was not watching yet; one without
// recipients is skipped. Errors of one business do not stop the others;
// they are returned joined.
func EnqueueDue(ctx context.Context, st Store, cfg *config.Config, now time.Time, log *slog.Logger) (int, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	total := 0
	var errs []error
	for _, biz := range cfg.Businesses {
		week, due := DueWeek(biz, now)
		if !due {
			continue
		}
		if len(Recipients(biz)) == 0 {
			// Not an error every few minutes: a business may simply not
			// want digests without saying disabled.
			log.Debug("digest: no recipients", "business", biz.Name)
			continue
		}
		mb, err := st.BusinessByName(ctx, biz.Name)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if _, end := week.Bounds(biz.Location()); !mb.CreatedAt.IsZero() && mb.CreatedAt.After(end) {
			continue
		}
		n, err := Enqueue(ctx, st, cfg, biz, week, now)
		if err != nil {
			log.Error("digest: enqueue", "business", biz.Name, "week", week.String(), "err", err)
			errs = append(errs, err)
			continue
		}
		if n > 0 {
			log.Info("digest: queued", "business", biz.Name, "week", week.String(), "recipients", n)
		}
		total += n
	}
	return total, errors.Join(errs...)
}

// WritePreview builds the digest of one business and week and writes it
// to path as a standalone HTML page (charts embedded as data: URLs), for
// `earshot digest --preview` and the demo. A zero week means the week
// containing now, so a demo that has just scraped shows its data.
func WritePreview(ctx context.Context, st Reader, biz models.Business, week Week, path string, now time.Time) error {
	if week.IsZero() {
		week = WeekOf(now, location(biz.TimeZone))
	}
	d, err := Build(ctx, st, biz, week, Options{Now: now})
	if err != nil {
		return err
	}
	html, err := d.PreviewHTML()
	if err != nil {
		return err
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("digest: preview %s: %w", path, err)
		}
	}
	if err := os.WriteFile(path, []byte(html), 0o644); err != nil {
		return fmt.Errorf("digest: preview %s: %w", path, err)
	}
	return nil
}
