package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/digest"
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
	a, err := e.openApp(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	mb, err := a.Store.BusinessByName(ctx, biz.Name)
	if err != nil {
		return err
	}
	if *preview != "" {
		if err := digest.WritePreview(ctx, a.Store, mb, week, *preview, now); err != nil {
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
		sent, err := a.Alerter.Deliver(ctx)
		if queued == 0 {
			fmt.Fprintf(e.Stdout, "the digest of %s for %s was already queued for %s; nothing new to send\n", biz.Name, week, strings.Join(digest.Recipients(*biz), ", "))
		} else {
			fmt.Fprintf(e.Stdout, "queued the digest of %s for %s to %s; %s delivered now\n", biz.Name, week, count(queued, "recipient"), count(sent, "notification"))
		}
		if err != nil {
			return fmt.Errorf("deliver: %w (the digest stays queued and is retried by `earshot serve`)", err)
		}
	}
	if *preview == "" && !*send {
		d, err := digest.Build(ctx, a.Store, mb, week, digest.Options{Now: now, Logger: e.Logger})
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
