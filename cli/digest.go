package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/earshot/earshot/app"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/digest"
	"github.com/earshot/earshot/internal/wording"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

// runDigest previews or sends the weekly reputation digest of one
// business. The work is in package digest; this only reads flags.
func runDigest(ctx context.Context, e *Env, args []string) error {
	fs := e.FlagSet("digest", "[-business NAME] [-week 2026-W47] [-preview FILE.html] [-send]", `
Build the weekly reputation digest of a business: rating and its trend,
mentions by source, top issues and what changed, what customers praised,
how fast complaints were answered, overdue tasks, the worst and best
mentions and any source that failed during the week.

Without -preview or -send the plain-text digest is printed. -preview
writes the HTML email (charts embedded) to a file you can open in a
browser. -send queues the email for every digest recipient and delivers
it now; a digest is sent once per business, week and recipient, so
running -send again does not send it twice.

The week defaults to the last complete ISO week in the business's time
zone. -business may be left out when the config has one business.`)
	e.ConfigFlag(fs)
	bizName := fs.String("business", "", "business name from the config")
	weekFlag := fs.String("week", "", "ISO week like 2026-W47 (default: last complete week)")
	preview := fs.String("preview", "", "write the HTML digest to this file")
	send := fs.Bool("send", false, "queue the digest email for its recipients and deliver it")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %s", ErrUsage, strings.Join(fs.Args(), " "))
	}
	cfg, err := e.LoadConfig()
	if err != nil {
		return err
	}
	biz, err := digestBusiness(cfg, *bizName)
	if err != nil {
		return err
	}
	now := e.Clock.Now()
	week := digest.LastWeek(*biz, now)
	if *weekFlag != "" {
		if week, err = digest.ParseWeek(*weekFlag); err != nil {
			return fmt.Errorf("%w: -week: %v", ErrUsage, err)
		}
	}
	// Only -send needs the alerter (and the credentials to send); a
	// preview or the text digest reads the database alone.
	var a *app.App
	var st *store.Store
	if *send {
		if a, err = e.openApp(ctx); err != nil {
			return err
		}
		defer a.Close()
		st = a.Store
	} else {
		if _, st, err = e.OpenStore(ctx); err != nil {
			return err
		}
		defer st.Close()
	}
	mb, err := st.BusinessByName(ctx, biz.Name)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("business %s has nothing stored yet in %s; run `earshot scrape` or `earshot serve` first", biz.Name, cfg.Database.Path)
	}
	if err != nil {
		return err
	}
	if *preview != "" {
		if err := digest.WritePreview(ctx, st, mb, week, *preview, now); err != nil {
			return err
		}
		abs, err := filepath.Abs(*preview)
		if err != nil {
			abs = *preview
		}
		fmt.Fprintf(e.Stdout, "digest of %s for %s written to %s\n", biz.Name, week, abs)
	}
	if *send {
		queued, err := digest.Enqueue(ctx, a.Store, cfg, *biz, week, now)
		if err != nil {
			return err
		}
		sent, err := a.Notify.Deliver(ctx)
		if queued == 0 {
			fmt.Fprintf(e.Stdout, "the digest of %s for %s was already queued for %s; nothing new to send\n", biz.Name, week, strings.Join(digest.Recipients(*biz), ", "))
		} else {
			fmt.Fprintf(e.Stdout, "queued the digest of %s for %s to %s; %s delivered now\n", biz.Name, week, wording.Count(queued, "recipient"), wording.Count(sent, "notification"))
		}
		if err != nil {
			return fmt.Errorf("deliver: %w (the digest stays queued and is retried by `earshot serve`)", err)
		}
		if err := digestUndelivered(ctx, a.Store, mb.ID, *biz, week); err != nil {
			return err
		}
	}
	if *preview == "" && !*send {
		d, err := digest.Build(ctx, st, mb, week, digest.Options{Now: now, Logger: e.Logger})
		if err != nil {
			return err
		}
		fmt.Fprint(e.Stdout, d.RenderText())
	}
	return nil
}

// digestBusiness finds the business a command is about: the named one, or
// the only one.
func digestBusiness(cfg *config.Config, name string) (*config.Business, error) {
	if name == "" {
		if len(cfg.Businesses) == 1 {
			return &cfg.Businesses[0], nil
		}
		names := make([]string, len(cfg.Businesses))
		for i, b := range cfg.Businesses {
			names[i] = b.Name
		}
		return nil, fmt.Errorf("%w: -business is required; configured businesses: %s", ErrUsage, strings.Join(names, ", "))
	}
	if b, ok := cfg.Business(name); ok {
		return b, nil
	}
	return nil, fmt.Errorf("%w: -business %q: %w", ErrUsage, name, digest.ErrUnknownBusiness)
}

// digestUndelivered fails when a digest email of the week is still not
// accepted by the mail server after delivering, so `digest -send` does not
// exit 0 after "0 notifications delivered" with the reason only in the
// outbox. It names the last error (an SMTP address that refused, say).
func digestUndelivered(ctx context.Context, st *store.Store, businessID int64, biz config.Business, week digest.Week) error {
	keys := map[string]bool{}
	for _, r := range digest.Recipients(biz) {
		keys[digest.IdempotencyKey(biz.Name, week, r)] = true
	}
	ns, err := st.Notifications(ctx, store.NotificationFilter{BusinessID: businessID, Kind: string(digest.KindDigest)})
	if err != nil {
		return err
	}
	var pending []string
	var lastErr string
	for _, n := range ns {
		if !keys[n.IdempotencyKey] || n.State == models.NotificationSent {
			continue
		}
		pending = append(pending, n.Recipient)
		if n.LastError != "" {
			lastErr = n.LastError
		}
	}
	if len(pending) == 0 {
		return nil
	}
	if lastErr == "" {
		lastErr = "not attempted yet"
	}
	return fmt.Errorf("the digest to %s was not delivered: %s; it stays queued and `earshot serve` (or `digest -send` again) retries it", strings.Join(pending, ", "), lastErr)
}
