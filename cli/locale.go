package cli

import (
	"context"
	"time"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/i18n"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
	"github.com/earshot/earshot/tasks"
)

// printerOf is the printer of the named business: its locale and time
// zone from the config (English in UTC for a business no longer
// configured). `tasks` output is for people; --json stays as it is.
func printerOf(cfg *config.Config, business string) i18n.Printer {
	if b, ok := cfg.Business(business); ok {
		return i18n.For(b.Locale, b.Location())
	}
	return i18n.For("", time.UTC)
}

// printerOfTask is the printer of the business a task belongs to.
func printerOfTask(ctx context.Context, cfg *config.Config, st *store.Store, t models.Task) i18n.Printer {
	b, err := st.Business(ctx, t.BusinessID)
	if err != nil {
		return i18n.For("", time.UTC)
	}
	return printerOf(cfg, b.Name)
}

// listPrinter is the printer of a task list: the locale of the business
// asked for, or the one every listed business shares, else English, so a
// table never mixes languages.
func listPrinter(cfg *config.Config, business string, views []tasks.TaskView) i18n.Printer {
	if business != "" {
		return printerOf(cfg, business)
	}
	var p i18n.Printer
	for i, v := range views {
		q := printerOf(cfg, v.Business)
		if i == 0 {
			p = q
		} else if q.Lang() != p.Lang() {
			return i18n.For("", time.UTC)
		}
	}
	if len(views) == 0 {
		return i18n.For("", time.UTC)
	}
	return p
}

// remaining is what a task's deadline means now, in the printer's
// locale: the same facts as TaskView.Remaining.
func remaining(p i18n.Printer, v tasks.TaskView, now time.Time) string {
	switch v.State {
	case models.TaskResolved:
		return p.T("cli.remaining.resolved", nil)
	case models.TaskReplied:
		if d := v.NextAt.Sub(now); d >= 0 {
			return p.T("cli.remaining.replied_in", map[string]any{"Left": p.Duration(d)})
		} else {
			return p.T("cli.remaining.replied_overdue", map[string]any{"Late": p.Duration(-d)})
		}
	case models.TaskFollowUpDue:
		return p.T("cli.remaining.follow_up_due", nil)
	}
	return p.Remaining(now, v.DueAt)
}

// state, kind and action name a task's state, kind and history events in
// the printer's locale; the English catalogue keeps the machine words.
func state(p i18n.Printer, s models.TaskState) string { return word(p, "state.", string(s)) }
func kind(p i18n.Printer, k string) string            { return word(p, "kind.", k) }
func action(p i18n.Printer, a string) string          { return word(p, "event.", a) }

func word(p i18n.Printer, prefix, w string) string {
	if s := p.T(prefix+w, nil); s != prefix+w {
		return s
	}
	return w
}

// label says what is special about a task ("needs a human read
// (Japanese)"), as tasks.Label does, in the printer's locale.
func label(p i18n.Printer, t models.Task) string {
	switch {
	case t.Kind == models.TaskHumanRead:
		return p.T("cli.label.human_read", map[string]any{"Language": p.Language(t.Language)})
	case t.Language != "":
		return p.T("cli.label.in", map[string]any{"Language": p.Language(t.Language)})
	}
	return ""
}
