package alerts

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/earshot/earshot/i18n"
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
	p := a.printer(biz)
	since := p.T("source.broken.never", nil)
	outage := "never"
	if src.LastSuccessAt != nil {
		since = p.T("source.broken.last_success", map[string]any{"When": p.DateTime(*src.LastSuccessAt)})
		outage = strconv.FormatInt(src.LastSuccessAt.Unix(), 10)
	}
	class := src.LastErrorClass
	if class == "" {
		class = models.ErrorClassOther
	}
	args := map[string]any{"Business": displayName(biz), "Source": src.Name, "Kind": src.Kind, "Since": since,
		"Runs": p.N("source.runs", src.ConsecutiveFailures, nil)}
	msg := message{
		Subject: p.T("source.broken.subject", args),
		Lead:    p.T("source.broken.lead", args),
		Items: []item{{
			Heading: p.T("source.broken.heading", nil),
			Lines: []string{p.T("source.target", map[string]any{"Target": wording.OneLine(src.Target, 300)}),
				p.T("source.error_class", map[string]any{"Class": class}),
				p.T("source.last_error", map[string]any{"Error": wording.OneLine(src.LastError, 500)}), "",
				p.T("source.what_to_do", map[string]any{"Advice": advice(p, class, src)})},
		}},
		Footer: []string{p.T("source.broken.footer", nil)},
		Lang:   p.Lang(), Sep: p.T("link.sep", nil),
		Page: a.page("/sources", nil), PageLabel: p.T("link.sources", nil),
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
	p := a.printer(biz)
	since := src.QuietSince.UTC()
	usual := p.T("source.quiet.unknown", nil)
	if src.QuietUsualGap > 0 {
		usual = p.Duration(src.QuietUsualGap)
	}
	check := scrapeCommand(src)
	args := map[string]any{"Business": displayName(biz), "Source": src.Name, "Kind": src.Kind, "Since": p.FullDateTime(since),
		"Usual": usual, "Check": check}
	msg := message{
		Subject: p.T("source.quiet.subject", args),
		Lead:    p.T("source.quiet.lead", args),
		Items: []item{{
			Heading: p.T("source.quiet.heading", nil),
			Lines: []string{p.T("source.target", map[string]any{"Target": wording.OneLine(src.Target, 300)}),
				p.T("source.quiet.last", args),
				p.T("source.quiet.usual", args),
				"", p.T("source.quiet.what_to_do", args)},
		}},
		Footer: []string{p.T("source.quiet.footer", nil)},
		Lang:   p.Lang(), Sep: p.T("link.sep", nil),
		Page: a.page("/sources", nil), PageLabel: p.T("link.sources", nil),
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

// adviceKeys name, per error class, what the owner should do about a
// broken source; a class without a row gets source.advice.other.
var adviceKeys = map[string]string{
	models.ErrorClassBlocked:  "source.advice.blocked",
	models.ErrorClassParse:    "source.advice.parse",
	models.ErrorClassHTTP:     "source.advice.http",
	models.ErrorClassTimeout:  "source.advice.network",
	models.ErrorClassNetwork:  "source.advice.network",
	models.ErrorClassTooLarge: "source.advice.too_large",
	models.ErrorClassStore:    "source.advice.store",
	models.ErrorClassConfig:   "source.advice.config",
}

func advice(p i18n.Printer, class string, src models.Source) string {
	key, ok := adviceKeys[class]
	if !ok {
		key = "source.advice.other"
	}
	return p.T(key, map[string]any{"Check": scrapeCommand(src)})
}
