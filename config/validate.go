package config

import (
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/earshot/earshot/scrapers/registry"
)

// Defaults for values the file leaves out.
const (
	DefaultDBPath          = "earshot.db"
	DefaultListen          = "127.0.0.1:8080"
	DefaultSourceInterval  = 15 * time.Minute
	DefaultAnalyzeInterval = time.Minute
	DefaultDeadlineCheck   = time.Minute
	DefaultDeliverInterval = 15 * time.Second
	DefaultBrokenAfter     = 3
	DefaultMinInterval     = 30 * time.Second
	DefaultLockTTL         = time.Minute
	// LowestMinInterval is as far as scraping.min_interval may go.
	LowestMinInterval = time.Second
)

func (c *Config) applyDefaults() {
	if c.Database.Driver == "" {
		c.Database.Driver = "sqlite"
		if c.Database.DSNEnv != "" {
			c.Database.Driver = "postgres"
		}
	}
	if c.Database.Driver == "sqlite" && c.Database.Path == "" {
		c.Database.Path = DefaultDBPath
	}
	if c.Server.Listen == "" {
		c.Server.Listen = DefaultListen
	}
	if c.Server.BaseURL == "" {
		c.Server.BaseURL = "http://" + c.Server.Listen
	}
	if c.Scraping.FollowRedirects == "" {
		c.Scraping.FollowRedirects = "site"
	}
	if !c.set("scraping.max_retries") {
		c.Scraping.MaxRetries = DefaultMaxRetries
	}
	if c.Scraping.BrokenAfter == 0 {
		c.Scraping.BrokenAfter = DefaultBrokenAfter
	}
	if c.Scraping.DefaultInterval == 0 {
		c.Scraping.DefaultInterval = Duration(DefaultSourceInterval)
	}
	if c.Scraping.MinInterval == 0 {
		c.Scraping.MinInterval = Duration(DefaultMinInterval)
	}
	if c.Schedule.LockTTL == 0 {
		c.Schedule.LockTTL = Duration(DefaultLockTTL)
	}
	if c.Schedule.Analyze == 0 {
		c.Schedule.Analyze = Duration(DefaultAnalyzeInterval)
	}
	if c.Schedule.Deadlines == 0 {
		c.Schedule.Deadlines = Duration(DefaultDeadlineCheck)
	}
	if c.Schedule.Deliver == 0 {
		c.Schedule.Deliver = Duration(DefaultDeliverInterval)
	}
	if c.SMTP.TLS == "" {
		c.SMTP.TLS = "starttls"
		if c.SMTP.PasswordEnv == "" {
			c.SMTP.TLS = "none"
		}
	}
	if c.SMTP.Port == 0 && c.SMTP.Host != "" {
		c.SMTP.Port = 587
		if c.SMTP.TLS == "tls" {
			c.SMTP.Port = 465
		}
	}
	if c.SMTP.From == "" {
		c.SMTP.From = "earshot@localhost"
	}
	for i := range c.Businesses {
		b := &c.Businesses[i]
		if b.DisplayName == "" {
			b.DisplayName = b.Name
		}
		if b.Domain == "" {
			b.Domain = "general"
		}
		if b.TimeZone == "" {
			b.TimeZone = "UTC"
		}
		if b.Locale == "" {
			b.Locale = DefaultLocale
		}
		if b.Approval == "" {
			b.Approval = ApprovalNone
		}
		if len(b.Hours.Days) == 0 {
			b.Hours.Days = []string{"mon", "tue", "wed", "thu", "fri"}
		}
		if b.Hours.Open == "" {
			b.Hours.Open = "09:00"
		}
		if b.Hours.Close == "" {
			b.Hours.Close = "17:00"
		}
		if b.Digest.Day == "" {
			b.Digest.Day = "monday"
		}
		if b.Digest.Time == "" {
			b.Digest.Time = "08:00"
		}
		for j := range b.Sources {
			s := &b.Sources[j]
			if s.Name == "" {
				s.Name = s.Kind
			}
			if s.Interval == 0 {
				s.Interval = c.Scraping.DefaultInterval
			}
		}
	}
	c.Alerts.applyEscalationDefaults(c.set)
	c.Alerts.applyDefaults()
}

// resolveSecrets reads every credential from the environment. A missing
// variable is reported by validate, naming the variable, never a value.
func (c *Config) resolveSecrets(getenv func(string) string) {
	if c.Database.DSNEnv != "" {
		c.Database.DSN = Secret(getenv(c.Database.DSNEnv))
	}
	if c.SMTP.PasswordEnv != "" {
		c.SMTP.Password = Secret(getenv(c.SMTP.PasswordEnv))
	}
	if c.Server.PasswordEnv != "" {
		c.Server.Password = Secret(getenv(c.Server.PasswordEnv))
	}
	for i := range c.Channels {
		ch := &c.Channels[i]
		if ch.URLEnv != "" {
			ch.URL = Secret(getenv(ch.URLEnv))
		}
		if ch.SecretEnv != "" {
			ch.Secret = Secret(getenv(ch.SecretEnv))
		}
	}
}

var (
	nameRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*$`)
	clockRE = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d$`)
	envRE   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// appStoreID is an App Store target given as an id rather than a URL
// ("id284882215", "284882215", "gb/id284882215"), as scrapers/appstore's
// Target accepts it.
var appStoreID = regexp.MustCompile(`^(?:[a-zA-Z]{2}[/:])?(?:id)?\d{3,}$`)

// TwitterAPIs are the X API versions a twitter source can use.
var TwitterAPIs = []string{"v1.1", "v2"}

// Domains are the sentiment taxonomy packs a business can use.
var Domains = []string{"general", "restaurant", "hospitality", "retail", "software"}

// domains are the built-in packs and the ones the config's
// sentiment.taxonomies add (the analyzer matches them case-insensitively).
func (c *Config) domains() []string {
	out := slices.Clone(Domains)
	for _, d := range sortedKeys(c.Sentiment.Taxonomies) {
		d = strings.ToLower(strings.TrimSpace(d))
		if d != "" && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

var weekdays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// DigestDays are the accepted digest days.
var DigestDays = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// Checker collects problems found outside this package (the settings of
// one notification channel type, checked by notify) with the line of
// their key, like every problem Parse reports.
type Checker struct{ v validator }

// Checker starts a collection of problems in c.
func (c *Config) Checker() *Checker { return &Checker{v: validator{c: c}} }

// Errorf records a problem at a key path.
func (k *Checker) Errorf(path, format string, args ...any) { k.v.errf(path, format, args...) }

// Err returns the problems recorded, or nil.
func (k *Checker) Err() error {
	if len(k.v.errs) == 0 {
		return nil
	}
	return k.v.errs
}

// validator collects problems with their lines.
type validator struct {
	c    *Config
	errs Errors
}

func (v *validator) errf(path, format string, args ...any) {
	v.errs = append(v.errs, &FieldError{File: v.c.File, Line: v.c.Line(path), Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) envVar(path, name, what string) {
	if name == "" {
		return
	}
	if !envRE.MatchString(name) {
		v.errf(path, "%q is not an environment variable name; put the NAME of the variable holding %s here, never the value itself", name, what)
	}
}

// secret checks a credential needed only to send (SMTP, Slack, webhook)
// or to serve the inbox. A malformed variable name is an error; an unset
// variable is not, because read-only commands (tasks list, sources,
// digest previews) never use it: it is kept for RequireSecrets, which
// the commands that send or serve call, and `config check` warns.
func (v *validator) secret(path, envName string, val Secret, what string) {
	v.envVar(path, envName, what)
	if envName != "" && envRE.MatchString(envName) && val == "" {
		v.c.missing = append(v.c.missing, &FieldError{File: v.c.File, Line: v.c.Line(path), Path: path,
			Msg: fmt.Sprintf("environment variable %s (%s) is not set; export it before starting earshot", envName, what)})
	}
}

// requiredSecret checks a credential every command needs (the database).
func (v *validator) requiredSecret(path, envName string, val Secret, what string) {
	v.envVar(path, envName, what)
	if envName != "" && envRE.MatchString(envName) && val == "" {
		v.errf(path, "environment variable %s (%s) is not set; export it before starting earshot", envName, what)
	}
}

func (c *Config) validate() Errors {
	v := &validator{c: c}
	c.missing = nil
	switch c.Database.Driver {
	case "sqlite":
	case "postgres":
		if c.Database.DSNEnv == "" {
			v.errf("database.dsn_env", "postgres needs dsn_env: the name of an environment variable holding the DSN (for example EARSHOT_DATABASE_DSN)")
		}
	default:
		v.errf("database.driver", "unknown driver %q; use sqlite or postgres", c.Database.Driver)
	}
	if c.Scraping.MaxRetries < 0 {
		v.errf("scraping.max_retries", "%d is not a number of retries; use 0 for none, or leave the key out for %d", c.Scraping.MaxRetries, DefaultMaxRetries)
	}
	v.requiredSecret("database.dsn_env", c.Database.DSNEnv, c.Database.DSN, "the PostgreSQL DSN")
	if c.Scraping.MinInterval.D() < LowestMinInterval {
		v.errf("scraping.min_interval", "min_interval %s is below %s", c.Scraping.MinInterval.D(), LowestMinInterval)
	}
	if c.Schedule.LockTTL.D() < time.Second {
		v.errf("schedule.lock_ttl", "lock_ttl %s is too short; a replica must be able to refresh its locks in time (at least 1s)", c.Schedule.LockTTL.D())
	}
	v.secret("smtp.password_env", c.SMTP.PasswordEnv, c.SMTP.Password, "the SMTP password")
	// Only a first `earshot serve` reads it (to create the owner account),
	// so other commands must work without it exported.
	v.envVar("server.password_env", c.Server.PasswordEnv, "the first owner's password")
	if !slices.Contains([]string{"site", "any"}, c.Scraping.FollowRedirects) {
		v.errf("scraping.follow_redirects", "unknown value %q; use site (follow redirects within the source's own site) or any", c.Scraping.FollowRedirects)
	}
	if !slices.Contains([]string{"starttls", "tls", "none"}, c.SMTP.TLS) {
		v.errf("smtp.tls", "unknown TLS mode %q; use starttls, tls or none", c.SMTP.TLS)
	}
	if _, err := mail.ParseAddress(c.SMTP.From); err != nil {
		v.errf("smtp.from", "%q is not an email address", c.SMTP.From)
	}
	channelNames := map[string]bool{}
	for i, ch := range c.Channels {
		p := fmt.Sprintf("channels[%d]", i)
		if ch.Name == "" {
			v.errf(p, "a channel needs a name (other settings refer to it)")
		} else if channelNames[ch.Name] {
			v.errf(p+".name", "channel name %q is used twice", ch.Name)
		}
		channelNames[ch.Name] = true
		// A channel's variables hold send-only secrets, whatever its
		// type: read-only commands run without them (RequireSecrets).
		// The settings each type needs are checked by that type's row in
		// notify's channel table (notify.CheckChannels).
		v.secret(p+".url_env", ch.URLEnv, ch.URL, "the "+ch.Type+" URL")
		v.secret(p+".secret_env", ch.SecretEnv, ch.Secret, "the webhook signing key")
	}
	if len(c.Businesses) == 0 {
		v.errf("businesses", "no businesses configured; add at least one under `businesses:` (see `earshot init`)")
	}
	seen := map[string]bool{}
	for i := range c.Businesses {
		b := &c.Businesses[i]
		p := fmt.Sprintf("businesses[%d]", i)
		switch {
		case b.Name == "":
			v.errf(p, "a business needs a name (lowercase letters, digits, - or _), for example rosies-diner")
		case !nameRE.MatchString(b.Name):
			v.errf(p+".name", "%q is not a valid name; use lowercase letters, digits, '-', '_' or '.', for example rosies-diner", b.Name)
		case seen[b.Name]:
			v.errf(p+".name", "business %q is configured twice", b.Name)
		}
		seen[b.Name] = true
		if domains := c.domains(); !slices.Contains(domains, strings.ToLower(b.Domain)) {
			v.errf(p+".domain", "unknown domain %q; use one of %s, or add it under sentiment.taxonomies", b.Domain, strings.Join(domains, ", "))
		}
		if _, err := time.LoadLocation(b.TimeZone); err != nil {
			v.errf(p+".time_zone", "unknown time zone %q; use an IANA name such as Europe/London or America/New_York", b.TimeZone)
		}
		if !slices.Contains(Locales, b.Locale) {
			v.errf(p+".locale", "unknown locale %q; use one of %s", b.Locale, strings.Join(Locales, ", "))
		}
		if b.Approval != ApprovalNone && b.Approval != ApprovalRequired {
			v.errf(p+".approval", "unknown approval %q; use required (a manager or owner approves staff replies) or none", b.Approval)
		}
		for j, d := range b.Hours.Days {
			if !slices.Contains(weekdays, strings.ToLower(d)) {
				v.errf(fmt.Sprintf("%s.business_hours.days[%d]", p, j), "unknown day %q; use mon, tue, wed, thu, fri, sat or sun", d)
			}
		}
		for _, hc := range []struct{ key, val string }{{"open", b.Hours.Open}, {"close", b.Hours.Close}} {
			if !clockRE.MatchString(hc.val) {
				v.errf(p+".business_hours."+hc.key, "%q is not a time of day; write it like 09:00", hc.val)
			}
		}
		if clockRE.MatchString(b.Hours.Open) && clockRE.MatchString(b.Hours.Close) && b.Hours.Close <= b.Hours.Open {
			v.errf(p+".business_hours", "close (%s) must be after open (%s)", b.Hours.Close, b.Hours.Open)
		}
		if !slices.Contains(DigestDays, strings.ToLower(b.Digest.Day)) {
			v.errf(p+".digest.day", "unknown day %q; use monday … sunday", b.Digest.Day)
		}
		if !clockRE.MatchString(b.Digest.Time) {
			v.errf(p+".digest.time", "%q is not a time of day; write it like 08:00", b.Digest.Time)
		}
		for j, r := range b.Digest.Recipients {
			if _, err := mail.ParseAddress(r); err != nil {
				v.errf(fmt.Sprintf("%s.digest.recipients[%d]", p, j), "%q is not an email address", r)
			}
		}
		for j, u := range b.Users {
			up := fmt.Sprintf("%s.users[%d]", p, j)
			if u.Name == "" {
				v.errf(up, "a user needs a name")
			}
			if u.Email != "" {
				if _, err := mail.ParseAddress(u.Email); err != nil {
					v.errf(up+".email", "%q is not an email address", u.Email)
				}
			}
			if !slices.Contains([]string{"owner", "manager", "staff", "viewer"}, u.Role) {
				v.errf(up+".role", "unknown role %q; use owner, manager, staff or viewer", u.Role)
			}
		}
		srcNames := map[string]bool{}
		for j, s := range b.Sources {
			sp := fmt.Sprintf("%s.sources[%d]", p, j)
			if s.Kind == "" {
				v.errf(sp, "a source needs kind: (one of %s); `earshot sources kinds` describes them", strings.Join(registry.Names(), ", "))
				continue
			}
			if _, ok := registry.Lookup(s.Kind); !ok {
				v.errf(sp+".kind", "%s", unknownKindMsg(s.Kind))
			}
			if srcNames[s.Name] {
				v.errf(sp+".name", "source name %q is used twice in business %q; give each source its own name", s.Name, b.Name)
			}
			srcNames[s.Name] = true
			if s.URL == "" && s.Query == "" {
				v.errf(sp, "a source needs url: (review pages, feeds) or query: (social searches)")
			}
			if s.URL != "" && !(s.Kind == "appstore" && appStoreID.MatchString(s.URL)) {
				if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					v.errf(sp+".url", "%q is not an http(s) URL", s.URL)
				}
			}
			if s.APIBase != "" {
				if u, err := url.Parse(s.APIBase); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					v.errf(sp+".api_base", "%q is not an http(s) URL", s.APIBase)
				}
			}
			switch {
			case s.API == "":
			case s.Kind != "twitter":
				v.errf(sp+".api", "only kind twitter has API versions; remove api: %q", s.API)
			case !slices.Contains(TwitterAPIs, s.API):
				v.errf(sp+".api", "unknown twitter API %q; use %s", s.API, strings.Join(TwitterAPIs, " or "))
			}
			if s.Interval.D() < c.Scraping.MinInterval.D() {
				v.errf(sp+".interval", "interval %s is too short; sites block scrapers that poll faster than every %s (scraping.min_interval)", s.Interval.D(), c.Scraping.MinInterval.D())
			}
		}
	}
	c.Alerts.validate(v)
	return v.errs
}

// unknownKindMsg names the closest kind (or the alias's kind), so a typo
// is found in the same `config check` run as every other problem.
func unknownKindMsg(kind string) string {
	names := registry.Names()
	if k, ok := registry.Resolve(kind); ok {
		return fmt.Sprintf("unknown kind %q; did you mean %q? known kinds: %s", kind, k.Name, strings.Join(names, ", "))
	}
	if best, ok := Closest(kind, names); ok {
		return fmt.Sprintf("unknown kind %q; did you mean %q? known kinds: %s", kind, best, strings.Join(names, ", "))
	}
	return fmt.Sprintf("unknown kind %q; known kinds: %s (`earshot sources kinds` describes them)", kind, strings.Join(names, ", "))
}

// Closest returns the candidate nearest to word by edit distance, when it
// is near enough to be the likely meant one (a typo, not another word);
// the command line uses it for the same suggestions as the config.
func Closest(word string, candidates []string) (string, bool) {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if d := levenshtein(strings.ToLower(word), c); d < bestD {
			best, bestD = c, d
		}
	}
	return best, best != "" && bestD <= max(2, len(word)/3)
}
