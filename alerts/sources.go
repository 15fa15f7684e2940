package alerts

import (
	"context"
	"fmt"
	"strconv"
	"strings"

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
		Lead: fmt.Sprintf("earshot could not read %s (%s) for %s: %s in a row failed and %s. Complaints posted there are not reaching you until it is fixed.",
			src.Name, src.Kind, displayName(biz), wording.Count(src.ConsecutiveFailures, "run"), since),
		Items: []item{{
			Heading: "What went wrong",
			Lines: []string{"Target: " + wording.OneLine(src.Target, 300), "Error class: " + class,
				"Last error: " + wording.OneLine(src.LastError, 500), "", "What to do: " + advice(class, src)},
		}},
		Footer: []string{"You hear about this once per outage; `earshot sources` shows the health of every source."},
		Page:   a.page("/sources", nil), PageLabel: "See the health of every source",
		Data: map[string]any{"source": src.Name, "kind": src.Kind, "target": src.Target, "error_class": class,
			"last_error": src.LastError, "consecutive_failures": src.ConsecutiveFailures},
	}
	n, err := msg.notification(models.Notification{BusinessID: biz.ID, Kind: notify.KindSourceBroken})
	if err != nil {
		return err
	}
	targets, err := a.sourceTargets(ctx, tx, biz, src)
	if err != nil {
		return err
	}
	_, err = a.enqueue(ctx, tx, n, fmt.Sprintf("source-broken:%d:%s", src.ID, outage), targets, false)
	return err
}

// OnSourceQuiet tells the owner that a source which runs without errors
// has brought no new mention since src.QuietSince, much longer than its
// usual src.QuietUsualGap, and how to look at what earshot reads there.
// The idempotency key holds the quiet spell's start, so the owner hears
// once per spell and again only after a new mention ended it.
func (a *Alerter) OnSourceQuiet(ctx context.Context, tx Tx, src models.Source) error {
	biz, err := tx.Business(ctx, src.BusinessID)
	if err != nil {
		return fmt.Errorf("alerts: quiet source %s: %w", src.Name, err)
	}
	if src.QuietSince == nil {
		return fmt.Errorf("alerts: quiet source %s: no quiet spell (QuietSince unset)", src.Name)
	}
	since := src.QuietSince.UTC()
	usual := "unknown"
	if src.QuietUsualGap > 0 {
		usual = wording.Duration(src.QuietUsualGap)
	}
	check := scrapeCommand(src)
	msg := message{
		Subject: fmt.Sprintf("[earshot] %s: source %s (%s) has gone quiet", displayName(biz), src.Name, src.Kind),
		Lead: fmt.Sprintf("No new mention from %s (%s) for %s since %s, usually one every %s. Every run succeeds, so the listing may have moved or its layout changed so that nothing on it is read: check it with %s.",
			src.Name, src.Kind, displayName(biz), since.Format("Mon 2 Jan 2006 15:04 MST"), usual, check),
		Items: []item{{
			Heading: "What earshot sees",
			Lines: []string{"Target: " + wording.OneLine(src.Target, 300),
				"Last new mention: " + since.Format("Mon 2 Jan 2006 15:04 MST"),
				"Usual gap between new mentions: " + usual,
				"", "What to do: run " + check + " and compare what it prints with the page in a browser. If the business really is quiet there, nothing needs doing."},
		}},
		Footer: []string{"You hear about this once per quiet spell; `earshot sources` shows the health of every source."},
		Page:   a.page("/sources", nil), PageLabel: "See the health of every source",
		Data: map[string]any{"source": src.Name, "kind": src.Kind, "target": src.Target,
			"quiet_since": since.Format("2006-01-02T15:04:05Z07:00"), "usual_gap_seconds": int64(src.QuietUsualGap.Seconds())},
	}
	n, err := msg.notification(models.Notification{BusinessID: biz.ID, Kind: notify.KindSourceQuiet})
	if err != nil {
		return err
	}
	targets, err := a.sourceTargets(ctx, tx, biz, src)
	if err != nil {
		return err
	}
	_, err = a.enqueue(ctx, tx, n, fmt.Sprintf("source-quiet:%d:%d", src.ID, since.Unix()), targets, false)
	return err
}

// sourceTargets routes a notice about a source itself: to the business's
// owners, or where its complaints go when it has no owner account.
func (a *Alerter) sourceTargets(ctx context.Context, tx Tx, biz models.Business, src models.Source) ([]target, error) {
	var targets []target
	users, err := tx.Users(ctx, biz.ID)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	for _, u := range users {
		if u.Role == models.RoleOwner {
			targets = append(targets, a.personTarget(u)...)
		}
	}
	if len(targets) == 0 {
		targets = a.routeTargets(biz, src, 0)
	}
	return targets, nil
}

// scrapeCommand is the dry run that shows what earshot reads from src,
// as a command the owner can paste.
func scrapeCommand(src models.Source) string {
	flag := "--query"
	if strings.HasPrefix(src.Target, "http://") || strings.HasPrefix(src.Target, "https://") {
		flag = "--url"
	}
	cmd := "earshot scrape --kind " + src.Kind + " " + flag + " " + shellQuote(wording.OneLine(src.Target, 300))
	if src.APIBase != "" {
		cmd += " --api-base " + shellQuote(wording.OneLine(src.APIBase, 300))
	}
	if src.API != "" {
		cmd += " --api " + shellQuote(src.API)
	}
	return "`" + cmd + "`"
}

// shellQuote quotes s for a POSIX shell unless it needs none.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@%+=,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func advice(class string, src models.Source) string {
	switch class {
	case models.ErrorClassBlocked:
		return "the site is blocking earshot (captcha, 403 or 429). Raise the source's interval, check scraping.user_agent, or use the site's API or feed if it has one."
	case models.ErrorClassParse:
		return "the page was fetched but no reviews could be read: the site probably changed its layout. Run " + scrapeCommand(src) + " to see what earshot finds, and report it if it finds nothing."
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
