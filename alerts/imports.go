package alerts

import (
	"context"
	"fmt"
	"strings"

	"time"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/wording"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/notify"
)

// Import is what a first import of a source, or a backfill, read and
// did.
type Import struct {
	// Read are the mentions the scrape read (new or not).
	Read []models.Mention
	// Imported counts the newly stored ones.
	Imported int
	// Tasks are the tasks opened for the new mentions.
	Tasks []models.Task
}

// OnImport sends the owner one summary of an import that read history
// ("imported 240 past reviews; 3 unanswered complaints from the last 7
// days opened as tasks") in place of the alerts of the tasks it opened,
// which are superseded while still in the outbox. An import with nothing
// posted before the alert window is ordinary news: its alerts go out as
// usual and no summary is sent.
func (a *Alerter) OnImport(ctx context.Context, tx Tx, src models.Source, imp Import) error {
	old, answered := History(a.cfg, a.clock.Now(), imp.Read)
	if old == 0 || imp.Imported == 0 {
		return nil
	}
	biz, err := tx.Business(ctx, src.BusinessID)
	if err != nil {
		return fmt.Errorf("alerts: import of %s: %w", src.Name, err)
	}
	p := a.printer(biz)
	var ids []int64
	var items []item
	apologies := 0
	for _, t := range imp.Tasks {
		ids = append(ids, t.ID)
		if t.Kind == models.TaskApology {
			apologies++
		}
		m, err := tx.Mention(ctx, t.MentionID)
		if err != nil {
			return fmt.Errorf("alerts: import of %s: %w", src.Name, err)
		}
		items = append(items, item{
			Heading: strings.TrimSpace(p.T("incident.item", map[string]any{"Task": t.ID, "Who": strings.TrimSpace(wording.OneLine(m.Author, 60) + " " + stars(m.Rating))})),
			Quote:   excerpt(m.Text, 300),
			Lines:   []string{p.Remaining(a.clock.Now(), t.DueAt)},
			Link:    safeLink(m.URL),
		})
	}
	if len(ids) > 0 {
		if _, err := tx.SupersedePending(ctx, ids, string(notify.KindAlert), "covered by the import summary"); err != nil {
			return err
		}
	}
	win := p.Duration(a.cfg.Alerts.AlertWindow.D())
	what := "import.reviews"
	if Social(models.Mention{SourceKind: src.Kind}) {
		what = "import.mentions"
	}
	args := map[string]any{"Business": displayName(biz), "Imported": p.N(what, imp.Imported, nil), "Source": src.Name, "Kind": src.Kind,
		"Window": win, "Old": old, "Answered": answered, "Apologies": apologies}
	lead := p.N("import.lead", apologies, args)
	msg := message{
		Subject: p.T("import.subject", args),
		Lead:    lead + " " + p.T("import.detail", args),
		Items:   items,
		Footer:  []string{p.T("import.footer", nil)},
		Page:    a.businessInbox(biz), PageLabel: p.T("import.open_inbox", nil),
		Data: map[string]any{"source": src.Name, "kind": src.Kind, "imported": imp.Imported, "old": old,
			"answered": answered, "task_ids": ids},
	}
	n, err := msg.notification(models.Notification{BusinessID: biz.ID, Kind: notify.KindImport})
	if err != nil {
		return err
	}
	var targets []target
	users, err := tx.Users(ctx, biz.ID)
	if err != nil {
		return fmt.Errorf("alerts: %w", err)
	}
	for _, u := range users {
		if u.Role == models.RoleOwner {
			targets = append(targets, a.personTarget(u)...)
		}
	}
	if len(targets) == 0 {
		targets = a.routeTargets(biz, src, 0)
	}
	// One summary per run of the source: its run time names it.
	run := a.clock.Now().Unix()
	if src.LastRunAt != nil {
		run = src.LastRunAt.Unix()
	}
	_, err = a.enqueue(ctx, tx, n, fmt.Sprintf("import:%d:%d", src.ID, run), targets, false)
	return err
}

// History counts, among mentions an import read, those posted before the
// alert window and those already answered on the site: the history that
// opens no task. An import with nothing old needs no summary.
func History(cfg *config.Config, now time.Time, read []models.Mention) (old, answered int) {
	win := cfg.Alerts.AlertWindow.D()
	for _, m := range read {
		switch {
		case strings.TrimSpace(m.Reply) != "":
			answered++
		case isOld(m, now, win):
			old++
		}
	}
	return old, answered
}
