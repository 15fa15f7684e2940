package config

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/earshot/earshot/scrapers/registry"
)

// Alerts is the alert policy: response deadlines, escalation, burst
// grouping, per-recipient limits, routing and the templates of reply
// drafts. Deadlines come from published expectations of customers: an
// hour on social media, a day for a bad review.
type Alerts struct {
	// Channels lists channel names told about every new complaint when no
	// route matches; default: every configured channel.
	Channels []string `yaml:"channels"`
	// Deadlines are tried in order; the first rule that matches a
	// complaint sets its deadline. Leave it out to use the built-in
	// policy (DefaultDeadlines). DefaultDeadline applies when none match.
	Deadlines       []DeadlineRule `yaml:"deadlines"`
	DefaultDeadline Duration       `yaml:"default_deadline"`
	// FollowUp is how long after a reply staff check that the customer's
	// problem is really fixed.
	FollowUp Duration `yaml:"follow_up"`
	// Escalation says at which share of the time to the deadline (in
	// percent) the assignee, the manager and the owner are reminded.
	Escalation Escalation `yaml:"escalation"`
	// Burst groups several complaints about the same issue into one
	// incident with one alert.
	Burst Burst `yaml:"burst"`
	// MaxPerRecipientPerHour caps the alerts one recipient gets in an
	// hour; the rest wait for the digest and `earshot tasks list`.
	MaxPerRecipientPerHour int `yaml:"max_per_recipient_per_hour"`
	// Routes choose who is told about a complaint by business, source
	// (location) and severity. All matching routes are used.
	Routes []Route `yaml:"routes,omitempty"`
	// Retry is the outbox's retry policy.
	Retry Retry `yaml:"retry"`
	// Templates overrides the reply drafts.
	Templates Templates `yaml:"templates"`
	// ReplyLimits maps a source kind to the longest reply it accepts, in
	// characters. The defaults are the ReplyLimit of each kind's row in
	// scrapers/registry; entries here override them.
	ReplyLimits map[string]int `yaml:"reply_limits"`
	// Contact is the private channel social-media drafts invite the
	// customer to, for example "send us a direct message".
	Contact string `yaml:"contact"`
	// AlertWindow is how recent a mention must be (by its posting time)
	// to open a task. A first import or a backfill reads years of
	// history; only what was posted within the window asks anyone for an
	// apology, the rest is stored and counted. Default 7 days (168h).
	AlertWindow Duration `yaml:"alert_window"`
	// FollowUpAnswered opens a follow-up task (no apology, no alert) for
	// a complaint the owner had already answered on the site when earshot
	// first read it, so someone checks the customer was satisfied by the
	// reply. Off by default: an answered review asks nobody for anything.
	FollowUpAnswered bool `yaml:"follow_up_answered"`
}

// DeadlineRule matches complaints by channel, star rating and severity.
type DeadlineRule struct {
	Name string `yaml:"name"`
	// Channel is "social" (posts without a rating), "review" (rated) or
	// empty for both.
	Channel string `yaml:"channel,omitempty"`
	// Stars lists the ratings (rounded to whole stars) the rule covers;
	// empty means any.
	Stars       []int `yaml:"stars,omitempty"`
	MinSeverity int   `yaml:"min_severity,omitempty"`
	// Within is the time to answer. With BusinessHours it counts only the
	// business's opening hours, in its time zone.
	Within        Duration `yaml:"within"`
	BusinessHours bool     `yaml:"business_hours,omitempty"`
	// HardLimit caps the deadline in wall-clock time whatever the opening
	// hours (a weekend must not turn 24 business hours into five days).
	HardLimit Duration `yaml:"hard_limit,omitempty"`
}

// Escalation holds the reminder steps in percent of the time to the
// deadline; 0 disables a step.
type Escalation struct {
	Assignee int  `yaml:"assignee"`
	Manager  int  `yaml:"manager"`
	Owner    int  `yaml:"owner"`
	Disabled bool `yaml:"disabled,omitempty"`
}

// Burst turns Threshold complaints about the same issue within Window
// into one incident.
type Burst struct {
	Window    Duration `yaml:"window"`
	Threshold int      `yaml:"threshold"`
}

// Route sends complaints of some businesses, sources and severities to
// some channels. Empty lists match everything.
type Route struct {
	Businesses  []string `yaml:"businesses,omitempty"`
	Sources     []string `yaml:"sources,omitempty"`
	MinSeverity int      `yaml:"min_severity,omitempty"`
	Channels    []string `yaml:"channels"`
}

// Retry is how the outbox retries a failed delivery: exponential backoff
// from Backoff up to MaxBackoff, for as long as GiveUpAfter. An alert is
// worth more late than never, so the default keeps trying for a week, and
// WarnAfter tells people on the other channels long before that.
type Retry struct {
	// MaxAttempts caps the attempts as well; 0 (the default) means no cap
	// but GiveUpAfter.
	MaxAttempts int      `yaml:"max_attempts"`
	Backoff     Duration `yaml:"backoff"`
	MaxBackoff  Duration `yaml:"max_backoff"`
	// GiveUpAfter is how long a notification keeps being retried after
	// its first failure before it is marked failed (and `earshot outbox
	// retry` can send it again).
	GiveUpAfter Duration `yaml:"give_up_after"`
	// WarnAfter is how long a channel may keep failing before the other
	// channels are told, once per outage.
	WarnAfter Duration `yaml:"warn_after"`
	// Lease is how long a claimed notification is left to the replica
	// that claimed it (default 2m): if that replica dies mid-send, another
	// sends it after the lease. It must exceed the slowest send.
	Lease Duration `yaml:"lease"`
}

// Templates are Go text/template sources for reply drafts. Draft is used
// for reviews, Social for posts, ByKind overrides both for one source kind.
// ByLanguage, keyed by ISO 639-1 code ("ja", "es"), is the template for
// complaints written in that language, reviews and posts alike (.Social
// tells them apart); it replaces earshot's built-in template of that
// language. Draft, Social and ByKind are the English templates, used
// for English and for any language with no template of its own.
type Templates struct {
	Draft      string            `yaml:"draft,omitempty"`
	Social     string            `yaml:"social,omitempty"`
	ByKind     map[string]string `yaml:"by_kind,omitempty"`
	ByLanguage map[string]string `yaml:"by_language,omitempty"`
}

// Alert defaults.
const (
	DefaultFollowUp       = 72 * time.Hour
	DefaultDeadline       = 48 * time.Hour
	DefaultBurstWindow    = time.Hour
	DefaultBurstThreshold = 3
	DefaultMaxPerHour     = 20
	DefaultGiveUpAfter    = 7 * 24 * time.Hour
	DefaultWarnAfter      = 30 * time.Minute
	DefaultBackoff        = 15 * time.Second
	DefaultMaxBackoff     = 30 * time.Minute
	DefaultLease          = 2 * time.Minute
	DefaultContact        = "send us a direct message"
	DefaultAlertWindow    = 7 * 24 * time.Hour
)

// DefaultDeadlines is the built-in policy, from published expectations:
// a severity-5 case (health, safety, legal) in 30 minutes at any hour, a
// social-media complaint in an hour, a 1–2 star review in 24 business
// hours (72 hours at most) and a 3-star review in 48 hours.
func DefaultDeadlines() []DeadlineRule {
	return []DeadlineRule{
		{Name: "critical", MinSeverity: 5, Within: Duration(30 * time.Minute)},
		{Name: "social", Channel: "social", Within: Duration(time.Hour)},
		{Name: "low-stars", Channel: "review", Stars: []int{1, 2}, Within: Duration(24 * time.Hour), BusinessHours: true, HardLimit: Duration(72 * time.Hour)},
		{Name: "three-stars", Channel: "review", Stars: []int{3}, Within: Duration(48 * time.Hour)},
	}
}

// DefaultReplyLimits are the reply length limits of platforms, in
// characters, from each kind's row in scrapers/registry.
func DefaultReplyLimits() map[string]int { return registry.ReplyLimits() }

// applyEscalationDefaults fills each reminder step left out of the file;
// a step written as 0 stays 0 (disabled), as documented.
func (a *Alerts) applyEscalationDefaults(set func(string) bool) {
	e := &a.Escalation
	for _, s := range []struct {
		key string
		val *int
		def int
	}{{"assignee", &e.Assignee, 50}, {"manager", &e.Manager, 75}, {"owner", &e.Owner, 100}} {
		if !set("alerts.escalation." + s.key) {
			*s.val = s.def
		}
	}
}

func (a *Alerts) applyDefaults() {
	if len(a.Deadlines) == 0 {
		a.Deadlines = DefaultDeadlines()
	}
	if a.DefaultDeadline == 0 {
		a.DefaultDeadline = Duration(DefaultDeadline)
	}
	if a.FollowUp == 0 {
		a.FollowUp = Duration(DefaultFollowUp)
	}
	if a.AlertWindow == 0 {
		a.AlertWindow = Duration(DefaultAlertWindow)
	}
	if a.Escalation == (Escalation{}) {
		a.Escalation = Escalation{Assignee: 50, Manager: 75, Owner: 100}
	}
	if a.Burst.Window == 0 {
		a.Burst.Window = Duration(DefaultBurstWindow)
	}
	if a.Burst.Threshold == 0 {
		a.Burst.Threshold = DefaultBurstThreshold
	}
	if a.MaxPerRecipientPerHour == 0 {
		a.MaxPerRecipientPerHour = DefaultMaxPerHour
	}
	if a.Retry.GiveUpAfter == 0 {
		a.Retry.GiveUpAfter = Duration(DefaultGiveUpAfter)
	}
	if a.Retry.WarnAfter == 0 {
		a.Retry.WarnAfter = Duration(DefaultWarnAfter)
	}
	if a.Retry.Backoff == 0 {
		a.Retry.Backoff = Duration(DefaultBackoff)
	}
	if a.Retry.MaxBackoff == 0 {
		a.Retry.MaxBackoff = Duration(DefaultMaxBackoff)
	}
	if a.Retry.Lease == 0 {
		a.Retry.Lease = Duration(DefaultLease)
	}
	limits := DefaultReplyLimits()
	for k, v := range a.ReplyLimits {
		limits[k] = v
	}
	a.ReplyLimits = limits
	if a.Contact == "" {
		a.Contact = DefaultContact
	}
}

// DraftFuncs are the functions reply-draft templates may call. They live
// here so that `earshot config check` parses templates exactly as the
// alerter runs them.
func DraftFuncs() template.FuncMap {
	return template.FuncMap{
		// and joins words as people write them: "a", "a and b", "a, b and c".
		"and": func(xs []string) string {
			switch len(xs) {
			case 0:
				return ""
			case 1:
				return xs[0]
			}
			return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
		},
		// list joins words with sep, and the last pair with last:
		// {{list .Issues "、" "、"}}, {{list .Issues ", " " y "}}.
		"list": func(xs []string, sep, last string) string {
			switch len(xs) {
			case 0:
				return ""
			case 1:
				return xs[0]
			}
			return strings.Join(xs[:len(xs)-1], sep) + last + xs[len(xs)-1]
		},
		"lower": strings.ToLower,
		"upper": strings.ToUpper,
		// first returns the first word of a name: "Dana" of "Dana Scully".
		"first": func(s string) string {
			f := strings.Fields(s)
			if len(f) == 0 {
				return ""
			}
			return f[0]
		},
	}
}

func (a *Alerts) validate(v *validator) {
	names := map[string]bool{}
	for _, ch := range v.c.Channels {
		names[ch.Name] = true
	}
	for i, n := range a.Channels {
		if !names[n] {
			v.errf(pathIdx("alerts.channels", i), "no channel named %q; define it under `channels:`", n)
		}
	}
	for i, r := range a.Deadlines {
		p := pathIdx("alerts.deadlines", i)
		if !slices.Contains([]string{"", "social", "review"}, r.Channel) {
			v.errf(p+".channel", "unknown channel %q; use social, review or leave it out for both", r.Channel)
		}
		for j, s := range r.Stars {
			if s < 1 || s > 5 {
				v.errf(fmt.Sprintf("%s.stars[%d]", p, j), "%d stars is not a rating; use 1 to 5", s)
			}
		}
		if r.MinSeverity < 0 || r.MinSeverity > 5 {
			v.errf(p+".min_severity", "severity %d is out of range; use 0 to 5", r.MinSeverity)
		}
		if r.Within == 0 {
			v.errf(p, "a deadline rule needs within: (for example 24h)")
		}
		if r.HardLimit != 0 && r.HardLimit < r.Within && !r.BusinessHours {
			v.errf(p+".hard_limit", "hard_limit %s is shorter than within %s", r.HardLimit.D(), r.Within.D())
		}
	}
	e := a.Escalation
	for _, s := range []struct {
		key string
		val int
	}{{"assignee", e.Assignee}, {"manager", e.Manager}, {"owner", e.Owner}} {
		if s.val < 0 || s.val > 200 {
			v.errf("alerts.escalation."+s.key, "%d%% is out of range; use a percentage of the time to the deadline between 1 and 200 (0 disables)", s.val)
		}
	}
	if a.Burst.Threshold < 2 && a.Burst.Threshold != 0 {
		v.errf("alerts.burst.threshold", "a burst needs at least 2 complaints, got %d", a.Burst.Threshold)
	}
	if a.MaxPerRecipientPerHour < 0 {
		v.errf("alerts.max_per_recipient_per_hour", "must be positive")
	}
	bizNames := map[string]bool{}
	for _, b := range v.c.Businesses {
		bizNames[b.Name] = true
	}
	for i, r := range a.Routes {
		p := pathIdx("alerts.routes", i)
		if len(r.Channels) == 0 {
			v.errf(p, "a route needs channels: (names from `channels:`)")
		}
		for j, n := range r.Channels {
			if !names[n] {
				v.errf(fmt.Sprintf("%s.channels[%d]", p, j), "no channel named %q; define it under `channels:`", n)
			}
		}
		for j, n := range r.Businesses {
			if !bizNames[n] {
				v.errf(fmt.Sprintf("%s.businesses[%d]", p, j), "no business named %q", n)
			}
		}
		if r.MinSeverity < 0 || r.MinSeverity > 5 {
			v.errf(p+".min_severity", "severity %d is out of range; use 0 to 5", r.MinSeverity)
		}
	}
	if a.Retry.Lease.D() < time.Second {
		v.errf("alerts.retry.lease", "lease %s is too short; a send must finish within it (at least 1s)", a.Retry.Lease.D())
	}
	if a.Retry.MaxAttempts < 0 {
		v.errf("alerts.retry.max_attempts", "must be positive, or 0 for no cap but give_up_after")
	}
	if a.Retry.GiveUpAfter < 0 || a.Retry.WarnAfter < 0 {
		v.errf("alerts.retry", "give_up_after and warn_after must be positive durations")
	}
	for k, n := range a.ReplyLimits {
		if n < 20 {
			v.errf("alerts.reply_limits."+k, "a reply limit of %d characters leaves no room for an apology; use at least 20", n)
		}
	}
	check := func(path, src string) {
		if src == "" {
			return
		}
		if err := CheckTemplate(path, src); err != nil {
			v.errf(path, "%s", err)
		}
	}
	check("alerts.templates.draft", a.Templates.Draft)
	check("alerts.templates.social", a.Templates.Social)
	for _, k := range sortedKeys(a.Templates.ByKind) {
		check("alerts.templates.by_kind."+k, a.Templates.ByKind[k])
	}
	for _, k := range sortedKeys(a.Templates.ByLanguage) {
		if !langRE.MatchString(k) {
			v.errf("alerts.templates.by_language."+k, "%q is not a language code; use a two-letter ISO 639-1 code such as ja, es or de", k)
			continue
		}
		check("alerts.templates.by_language."+k, a.Templates.ByLanguage[k])
	}
}

var langRE = regexp.MustCompile(`^[a-z]{2}$`)

// CheckTemplate parses a draft template and returns an error that names
// the line inside the template. The alerter also runs each template on a
// sample complaint at start, which catches misspelt field names.
func CheckTemplate(name, src string) error {
	if _, err := template.New(name).Funcs(DraftFuncs()).Option("missingkey=error").Parse(src); err != nil {
		return fmt.Errorf("malformed template: %s", CleanTemplateErr(err, name))
	}
	return nil
}

// CleanTemplateErr turns "template: alerts.templates.draft:3: ..." into
// "line 3 of the template: ...".
func CleanTemplateErr(err error, name string) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "template: ")
	if rest, ok := strings.CutPrefix(msg, name+":"); ok {
		// "3: unexpected..." or "3:20: executing..."
		line, tail, ok := strings.Cut(rest, ":")
		if !ok {
			return rest
		}
		if _, err := strconv.Atoi(line); err != nil {
			return rest
		}
		where := "line " + line + " of the template"
		if col, tail2, ok := strings.Cut(tail, ":"); ok {
			if _, err := strconv.Atoi(col); err == nil {
				where += ", column " + col
				tail = tail2
			}
		}
		return where + ":" + tail
	}
	return msg
}
