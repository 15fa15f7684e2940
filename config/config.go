// Package config reads earshot's one YAML file. Parsing is strict: an
// unknown key, a malformed duration or a missing field fails with the file,
// the line and a sentence that says how to fix it, because a monitor that
// silently ignores a typo in its config watches nothing. Secrets never live
// in the file: it names environment variables, and the values are read
// into Secret fields that never print.
package config

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // time zones must resolve on machines without zoneinfo

	"go.yaml.in/yaml/v3"
)

// Config is the whole configuration. It is a value handed down from main;
// nothing reads it from a global.
type Config struct {
	Database   Database   `yaml:"database"`
	Server     Server     `yaml:"server"`
	Scraping   Scraping   `yaml:"scraping"`
	Schedule   Schedule   `yaml:"schedule"`
	Sentiment  Sentiment  `yaml:"sentiment"`
	Alerts     Alerts     `yaml:"alerts"`
	SMTP       SMTP       `yaml:"smtp"`
	Channels   []Channel  `yaml:"channels"`
	Businesses []Business `yaml:"businesses"`

	// File is the path the config was read from, for messages.
	File string `yaml:"-"`
	// lines maps a key path ("businesses[0].sources[1].interval") to the
	// line it was written on, so later checks can point at it.
	lines map[string]int
}

// Database selects the store. SQLite in a single file is the default;
// setting DSNEnv (the name of an environment variable holding a
// PostgreSQL DSN) switches to PostgreSQL for several replicas.
type Database struct {
	Driver string `yaml:"driver"` // sqlite (default) or postgres
	Path   string `yaml:"path"`   // SQLite file
	DSNEnv string `yaml:"dsn_env"`
	// DSN is read from the variable DSNEnv names.
	DSN Secret `yaml:"-"`
}

// Server is the HTTP listener of `earshot serve` (/healthz, /metrics).
type Server struct {
	Listen  string `yaml:"listen"`
	BaseURL string `yaml:"base_url"`
	// PasswordEnv names the variable holding the staff inbox password.
	// When set, the web inbox asks for HTTP basic auth (any user name,
	// recorded as who acted); without it the inbox is open to anyone who
	// can reach server.listen, which is loopback by default.
	PasswordEnv string `yaml:"password_env"`
	Password    Secret `yaml:"-"`
	// MetricsPublic serves /metrics without the inbox password, for a
	// Prometheus that cannot send credentials. Unset, /metrics asks for
	// the password whenever the inbox has one (it names sources, kinds
	// and volumes).
	MetricsPublic *bool `yaml:"metrics_public"`
	// AllowedHosts are extra host names the server answers to, besides
	// the host of base_url and of listen (and localhost/127.0.0.1/::1 on
	// a loopback listener): a request naming any other host is refused,
	// which defeats DNS rebinding.
	AllowedHosts []string `yaml:"allowed_hosts"`
}

// MetricsNeedPassword reports whether /metrics asks for the inbox
// password: when one is set, unless metrics_public says otherwise.
func (s Server) MetricsNeedPassword() bool {
	if s.Password == "" {
		return false
	}
	return s.MetricsPublic == nil || !*s.MetricsPublic
}

// Scraping holds the politeness settings every scraper honours.
type Scraping struct {
	UserAgent    string   `yaml:"user_agent"`
	RequestDelay Duration `yaml:"request_delay"`
	Timeout      Duration `yaml:"timeout"`
	MaxRetries   int      `yaml:"max_retries"`
	IgnoreRobots bool     `yaml:"ignore_robots"`
	// FollowRedirects is "site" (default: only redirects within the
	// configured URL's registrable domain) or "any".
	FollowRedirects string `yaml:"follow_redirects"`
	// AllowPrivateNetworks lets scrapers reach loopback, private and
	// link-local addresses even when the configured URL is public (by
	// default only a configured URL naming such a host may).
	AllowPrivateNetworks bool `yaml:"allow_private_networks"`
	// BrokenAfter is how many consecutive failed runs make a source
	// "broken" and alert the owner.
	BrokenAfter int `yaml:"broken_after"`
	// DefaultInterval applies to sources without their own interval.
	DefaultInterval Duration `yaml:"default_interval"`
}

// Schedule sets the intervals of the pipeline's own jobs.
type Schedule struct {
	Analyze   Duration `yaml:"analyze"`
	Deadlines Duration `yaml:"deadlines"`
	Deliver   Duration `yaml:"deliver"`
}

// Sentiment extends the analyzer's built-in taxonomies:
// domain -> category -> extra terms.
type Sentiment struct {
	Taxonomies map[string]map[string][]string `yaml:"taxonomies"`
}

// SMTP is the mail server alerts and digests are sent through. Without a
// host, email goes to Mailbox, a folder of .eml files (the demo's default).
type SMTP struct {
	Host        string `yaml:"host"`
	Port        int    `yaml:"port"`
	Username    string `yaml:"username"`
	PasswordEnv string `yaml:"password_env"`
	From        string `yaml:"from"`
	// TLS is "starttls" (default when a password is set), "tls" or "none".
	TLS     string `yaml:"tls"`
	Mailbox string `yaml:"mailbox"`
	// Password is read from the variable PasswordEnv names.
	Password Secret `yaml:"-"`
}

// Channel is a notification destination.
type Channel struct {
	Name string `yaml:"name"`
	Type string `yaml:"type"` // email, slack, webhook, console
	// To lists email addresses (email channels).
	To []string `yaml:"to"`
	// URLEnv names the variable holding a Slack or webhook URL: webhook
	// URLs are credentials.
	URLEnv string `yaml:"url_env"`
	// SecretEnv names the variable holding the webhook's HMAC key.
	SecretEnv string `yaml:"secret_env"`
	URL       Secret `yaml:"-"`
	Secret    Secret `yaml:"-"`
}

// Business is a brand or location with its sources and people.
type Business struct {
	Name        string   `yaml:"name"`
	DisplayName string   `yaml:"display_name"`
	Domain      string   `yaml:"domain"`
	TimeZone    string   `yaml:"time_zone"`
	Locale      string   `yaml:"locale"` // owner-facing language (Locales), default en; also the analyzer's tie-breaker for kanji-only text
	Keywords    []string `yaml:"keywords"`
	Handles     []string `yaml:"handles"`
	Users       []User   `yaml:"users"`
	Sources     []Source `yaml:"sources"`
	Hours       Hours    `yaml:"business_hours"`
	Digest      Digest   `yaml:"digest"`
}

// User is a person who is told about complaints or works on tasks.
type User struct {
	Name  string `yaml:"name"`
	Email string `yaml:"email"`
	Role  string `yaml:"role"` // owner, manager, staff
}

// Hours are the business's opening hours, in its time zone, used to count
// "24 business hours" for review deadlines.
type Hours struct {
	Days  []string `yaml:"days"`  // mon..sun; default mon-fri
	Open  string   `yaml:"open"`  // "09:00"
	Close string   `yaml:"close"` // "17:00"
}

// Digest schedules the weekly reputation email.
type Digest struct {
	Day        string   `yaml:"day"`  // default monday
	Time       string   `yaml:"time"` // default 08:00, business time zone
	Recipients []string `yaml:"recipients"`
	Disabled   bool     `yaml:"disabled"`
}

// Source is one place to collect mentions from.
type Source struct {
	Name     string   `yaml:"name"`
	Kind     string   `yaml:"kind"`
	URL      string   `yaml:"url"`
	Query    string   `yaml:"query"`
	APIBase  string   `yaml:"api_base"`
	Interval Duration `yaml:"interval"`
	Disabled bool     `yaml:"disabled"`
}

// Target is the URL for review kinds and the query for social kinds.
func (s Source) Target() string {
	if s.URL != "" {
		return s.URL
	}
	return s.Query
}

// Duration is a time.Duration written like "15m" or "1h30m".
type Duration time.Duration

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// UnmarshalYAML parses Go duration syntax and explains the format when
// the value is wrong.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(strings.TrimSpace(n.Value))
	if err != nil || n.Kind != yaml.ScalarNode {
		return &FieldError{Line: n.Line, Msg: fmt.Sprintf("%q is not a duration; write it like 30s, 15m or 1h30m", n.Value)}
	}
	if v < 0 {
		return &FieldError{Line: n.Line, Msg: fmt.Sprintf("%q is negative; durations must be positive", n.Value)}
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration back in the same syntax.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// Secret holds a credential read from the environment. It formats as
// "[redacted]" everywhere (fmt, slog, YAML, JSON), so it cannot leak
// into logs or `earshot config show`.
type Secret string

// Value returns the credential itself, for the one place that uses it.
func (s Secret) Value() string { return string(s) }

// String redacts the value.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// GoString redacts the value for %#v.
func (s Secret) GoString() string { return s.String() }

// MarshalYAML redacts the value.
func (s Secret) MarshalYAML() (any, error) { return s.String(), nil }

// MarshalJSON redacts the value.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.String() + `"`), nil }

// FieldError is one problem at one place in the file.
type FieldError struct {
	File string
	Line int
	Path string
	Msg  string
}

func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in a file, reported together so a user
// fixes them in one pass.
type Errors []*FieldError

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// ErrNotFound means the config file does not exist.
var ErrNotFound = errors.New("config file not found")

// Load reads and checks the file at path. getenv resolves secrets (nil
// means os.Getenv).
func Load(path string, getenv func(string) string) (*Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("config: %s: %w; create one with `earshot init %s`", path, ErrNotFound, path)
	}
	if err != nil {
		return nil, fmt.Errorf("config: read %s: %w", path, err)
	}
	return Parse(data, path, getenv)
}

// Parse checks and decodes a config held in memory; file names it in
// messages.
func Parse(data []byte, file string, getenv func(string) string) (*Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, errEOF(err)) {
			return nil, Errors{{File: file, Msg: "the file is empty; start from `earshot init`"}}
		}
		return nil, Errors{yamlError(file, err)}
	}
	cfg := &Config{File: file, lines: map[string]int{}}
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		doc = doc.Content[0]
	}
	var errs Errors
	walkKeys(doc, typeOf(cfg), "", cfg.lines, file, &errs)
	if len(errs) > 0 {
		return nil, errs
	}
	if err := doc.Decode(cfg); err != nil {
		return nil, Errors{yamlError(file, err)}
	}
	cfg.applyDefaults()
	cfg.resolveSecrets(getenv)
	if errs := cfg.validate(); len(errs) > 0 {
		return nil, errs
	}
	return cfg, nil
}

func errEOF(err error) error {
	if err != nil && err.Error() == "EOF" {
		return err
	}
	return errors.New("not EOF")
}

var lineRE = regexp.MustCompile(`^line (\d+): (.*)$`)

// yamlError turns a yaml.v3 error into a FieldError with the line split
// out and the Go type names replaced by words.
func yamlError(file string, err error) *FieldError {
	var fe *FieldError
	if errors.As(err, &fe) {
		fe.File = file
		return fe
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	line := 0
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		fmt.Sscan(m[1], &line)
		msg = m[2]
	}
	msg = strings.NewReplacer("!!str", "text", "!!int", "number", "!!map", "a mapping", "!!seq", "a list", "!!bool", "true/false").Replace(msg)
	return &FieldError{File: file, Line: line, Msg: msg}
}

// ErrorAt reports a problem found after parsing at a key path, with the
// line the key was written on.
func (c *Config) ErrorAt(path, format string, args ...any) error {
	return &FieldError{File: c.File, Line: c.Line(path), Path: path, Msg: fmt.Sprintf(format, args...)}
}

// Line returns the line a key path was written on, or of its nearest
// written parent.
func (c *Config) Line(path string) int {
	for p := path; p != ""; {
		if l, ok := c.lines[p]; ok {
			return l
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return 0
}

// Business returns the business named name.
func (c *Config) Business(name string) (*Business, bool) {
	for i := range c.Businesses {
		if c.Businesses[i].Name == name {
			return &c.Businesses[i], true
		}
	}
	return nil, false
}

// Locales are the owner-facing languages earshot has complete message
// catalogues for (see package i18n).
var Locales = []string{"en", "ja"}

// DefaultLocale is the locale of a business that names none.
const DefaultLocale = "en"

// Location returns the business's time zone (UTC when unset).
func (b *Business) Location() *time.Location {
	loc, err := time.LoadLocation(b.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Show renders the config as YAML for `earshot config show`: defaults
// filled in, secrets redacted (only the names of their variables appear).
func (c *Config) Show() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		return nil, fmt.Errorf("config: render: %w", err)
	}
	return buf.Bytes(), nil
}

//go:embed example.yaml
var example []byte

// Example returns the commented example config written by `earshot init`.
func Example() []byte { return bytes.Clone(example) }

func sortedKeys[M ~map[string]V, V any](m M) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
