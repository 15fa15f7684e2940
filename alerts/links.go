package alerts

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/earshot/earshot/i18n"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/onetap"
)

// Linker signs one-tap links (*onetap.Signer is one). It is declared
// here so the alerter can run without one: tests and `earshot analyze`
// have no signing key, and their emails then carry page links only.
type Linker interface {
	Link(action string, taskID int64, user string, expiry time.Time) string
}

// page is the absolute URL of a web app page: server.base_url, a path
// made of fixed words and ids, and a query. Scraped text never reaches
// it; business and source names come from the config.
func (a *Alerter) page(path string, q url.Values) string {
	base := strings.TrimRight(a.cfg.Server.BaseURL, "/")
	if base == "" {
		base = "http://" + a.cfg.Server.Listen
	}
	u := base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// taskPage is the task's page in the web app.
func (a *Alerter) taskPage(id int64) string {
	return a.page("/tasks/"+strconv.FormatInt(id, 10), nil)
}

// overduePage is the inbox filtered to overdue tasks.
func (a *Alerter) overduePage() string { return a.page("/inbox", url.Values{"overdue": {"1"}}) }

// businessInbox is the inbox filtered to one business's open tasks.
func (a *Alerter) businessInbox(biz models.Business) string {
	return a.page("/inbox", url.Values{"business": {biz.Name}})
}

// recipientName is the person an email address belongs to in the
// business (its users in the config), whose name a one-tap link carries:
// the web side checks that name's roles before acting. Empty when the
// address is no known person's (a shared mailbox): such an email gets the
// task link but no one-tap buttons, since nobody could be credited.
func recipientName(ctx context.Context, tx Tx, businessID int64, addr string) (string, error) {
	if addr == "" {
		return "", nil
	}
	users, err := tx.Users(ctx, businessID)
	if err != nil {
		return "", fmt.Errorf("alerts: recipient %s: %w", addr, err)
	}
	for _, u := range users {
		if strings.EqualFold(strings.TrimSpace(u.Email), strings.TrimSpace(addr)) {
			return u.Name, nil
		}
	}
	return "", nil
}

// tapLabels are the catalogue keys of the one-tap buttons.
var tapLabels = map[string]string{onetap.Ack: "link.ack", onetap.AssignMe: "link.assign_me"}

// oneTaps are the signed one-tap links of task t for one recipient, one
// per action in kinds.
func (a *Alerter) oneTaps(p i18n.Printer, t models.Task, user string, now time.Time, kinds []string) []action {
	if a.links == nil || user == "" {
		return nil
	}
	exp := now.Add(onetap.DefaultExpiry)
	out := make([]action, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, action{Label: p.T(tapLabels[k], nil), URL: a.links.Link(k, t.ID, user, exp)})
	}
	return out
}

// alertTaps are the one-tap buttons of a complaint alert; a reminder
// carries only reminderTaps, since the task already has an assignee and
// the reminder asks for an answer, not an owner.
var (
	alertTaps    = []string{onetap.Ack, onetap.AssignMe}
	reminderTaps = []string{onetap.Ack}
)

// enqueueAlert writes a complaint alert to each target with the
// target's own one-tap links: the message is rendered once per
// recipient because each link names who may tap it.
func (a *Alerter) enqueueAlert(ctx context.Context, tx Tx, msg message, base models.Notification, keyBase string, targets []target, t models.Task, p i18n.Printer) (int, error) {
	return a.enqueueTaps(ctx, tx, msg, base, keyBase, targets, true, t, p, alertTaps)
}

// enqueueTaps is enqueueAlert with the per-hour limit (limited) and the
// one-tap actions chosen by the caller.
func (a *Alerter) enqueueTaps(ctx context.Context, tx Tx, msg message, base models.Notification, keyBase string, targets []target, limited bool, t models.Task, p i18n.Printer, kinds []string) (int, error) {
	now := a.clock.Now()
	return a.enqueueEach(ctx, tx, keyBase, targets, limited, func(tg target) (models.Notification, error) {
		user, err := recipientName(ctx, tx, t.BusinessID, tg.recipient)
		if err != nil {
			return models.Notification{}, err
		}
		m := msg
		m.Actions = a.oneTaps(p, t, user, now, kinds)
		return m.notification(base)
	})
}
