package alerts

import (
	"context"
	"fmt"
	"strconv"

	"github.com/earshot/earshot/internal/wording"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/notify"
)

// OnSourceBroken tells the owner that a source keeps failing, why, and
// what to do.
func (a *Alerter) OnSourceBroken(ctx context.Context, tx Tx, src models.Source) error {
	biz, err := tx.Business(ctx, src.BusinessID)
	if err != nil {
		return fmt.Errorf("alerts: broken source %s: %w", src.Name, err)
	}
	since := "it never succeeded"
	outage := "never"
	if src.LastSuccessAt != nil {
		since = "the last success was " + src.LastSuccessAt.UTC().Format("Mon 2 Jan 15:04 MST")
		outage = strconv.FormatInt(src.LastSuccessAt.Unix(), 10)
	}
	class := src.LastErrorClass
	if class == "" {
		class = models.ErrorClassOther
	}
	msg := message{
		Subject: fmt.Sprintf("[earshot] %s: source %s (%s) is not working", displayName(biz), src.Name, src.Kind),
		Lead: fmt.Sprintf("earshot could not read %s (%s) for %s: %d runs in a row failed and %s. Complaints posted there are not reaching you until it is fixed.",
			src.Name, src.Kind, displayName(biz), src.ConsecutiveFailures, since),
		Items: []item{{
			Heading: "What went wrong",
			Lines: []string{"Target: " + wording.OneLine(src.Target, 300), "Error class: " + class,
				"Last error: " + wording.OneLine(src.LastError, 500), "", "What to do: " + advice(class, src)},
		}},
		Footer: []string{"You hear about this once per outage; `earshot sources` shows the health of every source."},
		Data: map[string]any{"source": src.Name, "kind": src.Kind, "target": src.Target, "error_class": class,
			"last_error": src.LastError, "consecutive_failures": src.ConsecutiveFailures},
	}
	n, err := msg.notification(models.Notification{BusinessID: biz.ID, Kind: notify.KindSourceBroken})
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
	_, err = a.enqueue(ctx, tx, n, fmt.Sprintf("source-broken:%d:%s", src.ID, outage), targets, false)
	return err
}

func advice(class string, src models.Source) string {
	switch class {
	case models.ErrorClassBlocked:
		return "the site is blocking earshot (captcha, 403 or 429). Raise the source's interval, check scraping.user_agent, or use the site's API or feed if it has one."
	case models.ErrorClassParse:
		return "the page was fetched but no reviews could be read: the site probably changed its layout. Run `earshot scrape --kind " + src.Kind + " " + src.Target + "` to see what earshot finds, and report it if it finds nothing."
	case models.ErrorClassHTTP:
		return "the site answers with an error status. Open the target in a browser; fix the URL in the config if the page moved."
	case models.ErrorClassTimeout, models.ErrorClassNetwork:
		return "the site could not be reached. It may be down; check the machine's network and DNS if every source fails."
	case models.ErrorClassTooLarge:
		return "the site sent a page larger than earshot reads (or one that kept growing past scraping.timeout). Check the target URL points at a review page, not a download."
	case models.ErrorClassStore:
		return "the mentions were read but could not be saved: the database refused them. Check the disk and `earshot serve`'s log for the database error."
	case models.ErrorClassConfig:
		return "the source is misconfigured or its credentials are missing. Run `earshot config check` and set the environment variables it names."
	}
	return "look at the last error above and run `earshot scrape` on the source to reproduce it."
}
