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
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // time zones must resolve on machines without zoneinfo

	"github.com/earshot/earshot/models"
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
	// missing are the send-only secrets whose variables are unset; see
	// RequireSecrets.
	missing Errors
}

// MissingSecrets lists the credentials needed to send notifications or
// serve the inbox whose environment variables are unset, with the line
// that names each variable. Commands that only read (tasks list,
// sources, digest previews) ignore them; `config check` shows them as
// warnings.
func (c *Config) MissingSecrets() Errors { return slices.Clone(c.missing) }

// RequireSecrets fails, naming every unset variable, when a credential
// needed to send or serve is missing. `serve`, `scrape` and
// `digest --send` call it after Load; read-only commands do not.
func (c *Config) RequireSecrets() error {
	if len(c.missing) == 0 {
		return nil
	}
	return slices.Clone(c.missing)
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
	// PasswordEnv names the variable holding the password of the first
	// owner account: on a first `earshot serve` with no account yet,
	// earshot creates the owner "admin" with it. Everyone signs in with
	// an account (`earshot users add`); other commands ignore it.
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
	// MinInterval is the shortest source interval the config accepts
	// (default 30s): sites block scrapers that poll faster. Tests against
	// loopback sites lower it; it cannot go below one second.
	MinInterval Duration `yaml:"min_interval"`
}

// Schedule sets the intervals of the pipeline's own jobs.
type Schedule struct {
	Analyze   Duration `yaml:"analyze"`
	Deadlines Duration `yaml:"deadlines"`
	Deliver   Duration `yaml:"deliver"`
	// LockTTL matters on PostgreSQL with several replicas: a job run holds
	// a lock row that its replica refreshes while the run lasts; a
	// replica that dies stops refreshing, and after LockTTL the job is
	// free for the others (default 1m).
	LockTTL Duration `yaml:"lock_ttl"`
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
	// Approval is "required" when a staff member's reply must be
	// approved by a manager or owner before it is posted or recorded;
	// "none" (the default) lets staff reply directly.
	Approval string `yaml:"approval"`
}

// Approval settings of a business.
const (
	ApprovalNone     = "none"
	ApprovalRequired = "required"
)

// ApprovalRequired says whether staff replies at the business need a
// manager's or owner's approval.
func (b Business) ApprovalRequired() bool { return b.Approval == ApprovalRequired }

// User is a person who is told about complaints or works on tasks.
type User struct {
	Name  string `yaml:"name"`
	Email string `yaml:"email"`
	Role  string `yaml:"role"` // owner, manager, staff, viewer
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
	Name    string `yaml:"name"`
	Kind    string `yaml:"kind"`
	URL     string `yaml:"url"`
	Query   string `yaml:"query"`
	APIBase string `yaml:"api_base"`
	// API picks the API version of kinds that speak several: for twitter
	// "v1.1" (the default, through go-twitter) or "v2".
	API      string   `yaml:"api"`
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

// Model is the source as the store keeps it. The app and the tests that
// stand in for it build sources here, so a setting the store needs (an API
// version, say) cannot reach one and not the other.
func (s Source) Model() models.Source {
	return models.Source{Name: s.Name, Kind: s.Kind, Target: s.Target(), APIBase: s.APIBase, API: s.API, IntervalSeconds: int64(s.Interval.D().Seconds())}
}

// Model is the business as the store keeps it (without its users and
// sources, which are synced beside it).
func (b Business) Model() models.Business {
	return models.Business{Name: b.Name, DisplayName: b.DisplayName, Domain: b.Domain, TimeZone: b.TimeZone, Locale: b.Locale, Keywords: b.Keywords, Handles: b.Handles}
}

// Model is the user as the store keeps it.
func (u User) Model() models.User { return models.User{Name: u.Name, Email: u.Email, Role: u.Role} }

// Duration is a time.Duration written like "15m" or "1h30m".
type Duration time.Duration

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// UnmarshalYAML parses Go duration syntax and explains the format when
// the value is wrong.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(strings.TrimSpace(n.Value))
	if err != nil || n.Kind != yaml.ScalarNode {
		// A TypeError (not a plain error) lets yaml.v3 carry on decoding,
		// so every bad value in the file is reported in one pass.
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %q is not a duration; write it like 30s, 15m or 1h30m", n.Line, n.Value)}}
	}
	if v < 0 {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %q is negative; durations must be positive", n.Line, n.Value)}}
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
		return nil, Errors{syntaxError(file, data, err)}
	}
	cfg := &Config{File: file, lines: map[string]int{}}
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		doc = doc.Content[0]
	}
	var errs Errors
	walkKeys(doc, typeOf(cfg), "", cfg.lines, file, &errs)
	// Type errors do not stop the decoder: it fills what it can and
	// reports every value it could not read, so they join the unknown keys
	// and the checks below in one list.
	if err := doc.Decode(cfg); err != nil {
		errs = mergeErrors(errs, cfg.decodeErrors(err))
	}
	zeros := cfg.explicitZeros()
	cfg.applyDefaults()
	cfg.resolveSecrets(getenv)
	errs = mergeErrors(errs, append(zeros, cfg.validate()...))
	if len(errs) > 0 {
		return nil, errs
	}
	return cfg, nil
}

// mergeErrors appends later problems to earlier ones, leaving out those
// at a key already reported or under it (a value that could not be read
// shows up again as "missing" or "0"), and sorts them by line.
func mergeErrors(earlier, later Errors) Errors {
	out := earlier
	for _, e := range later {
		if !coveredBy(e, earlier) {
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		li, lj := out[i].Line, out[j].Line
		if li == 0 || lj == 0 {
			return li != 0 && lj == 0
		}
		return li < lj
	})
	return out
}

func coveredBy(e *FieldError, earlier Errors) bool {
	for _, x := range earlier {
		if e.Path == "" || x.Path == "" {
			if e.Path == x.Path && e.Line == x.Line {
				return true
			}
			continue
		}
		if e.Path == x.Path || strings.HasPrefix(e.Path, x.Path+".") || strings.HasPrefix(e.Path, x.Path+"[") {
			return true
		}
	}
	return false
}

// decodeErrors turns every problem yaml.v3 reports while decoding into a
// FieldError with the key path written on that line.
func (c *Config) decodeErrors(err error) Errors {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		fe := yamlError(c.File, err)
		fe.Path = c.pathAt(fe.Line)
		return Errors{fe}
	}
	var out Errors
	for _, msg := range te.Errors {
		fe := yamlError(c.File, errors.New(msg))
		fe.Path = c.pathAt(fe.Line)
		out = append(out, fe)
	}
	return out
}

// pathAt returns the longest key path written on line, "" when none is.
func (c *Config) pathAt(line int) string {
	best := ""
	for p, l := range c.lines {
		if l == line && (len(p) > len(best) || len(p) == len(best) && p < best) {
			best = p
		}
	}
	return best
}

// set reports whether path was written in the file, so a written 0 can
// be told apart from a key left out.
func (c *Config) set(path string) bool {
	_, ok := c.lines[path]
	return ok
}

func errEOF(err error) error {
	if err != nil && err.Error() == "EOF" {
		return err
	}
	return errors.New("not EOF")
}

var (
	lineRE   = regexp.MustCompile(`^line (\d+): (.*)$`)
	cannotRE = regexp.MustCompile("^cannot unmarshal (!!\\w+) (`[^`]*`|[^ ]+) into (.+)$")
)

func yamlKind(tag string) string {
	switch tag {
	case "!!str":
		return "text"
	case "!!int", "!!float":
		return "a number"
	case "!!bool":
		return "true/false"
	case "!!map":
		return "a mapping"
	case "!!seq":
		return "a list"
	}
	return "a " + strings.TrimPrefix(tag, "!!")
}

// goKind names a Go type the way the file's author thinks of it.
func goKind(t string) string {
	switch {
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map["), strings.HasPrefix(t, "config."):
		return "a mapping of keys"
	case t == "string":
		return "text"
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"), strings.HasPrefix(t, "float"):
		return "a number"
	case t == "bool":
		return "true or false"
	}
	return t
}

func goHint(t string) string {
	switch goKind(t) {
	case "a list":
		return "write it like [a, b] or as lines starting with \"- \""
	case "a mapping of keys":
		return "write the keys indented under it, one per line (key: value)"
	case "text":
		return "put it in quotes"
	case "a number":
		return "write digits only, like 3"
	case "true or false":
		return "write true or false"
	}
	return "see `earshot init` for an example"
}

// syntaxError reports a YAML syntax error at the line where the problem
// is. yaml.v3 names the line where the enclosing block started (an
// indentation slip on line 6 inside a list that starts on line 1 says
// "line 1"), so this finds the first line at which the file stops
// parsing with the same complaint, and adds a hint.
func syntaxError(file string, data []byte, err error) *FieldError {
	fe := yamlError(file, err)
	lines := bytes.SplitAfter(data, []byte("\n"))
	for k := max(fe.Line, 1); k <= len(lines); k++ {
		var n yaml.Node
		perr := yaml.Unmarshal(bytes.Join(lines[:k], nil), &n)
		if perr == nil {
			continue
		}
		if pe := yamlError(file, perr); pe.Msg == fe.Msg {
			fe.Line = k
		}
		break
	}
	switch {
	case strings.Contains(fe.Msg, "tab character"),
		strings.Contains(fe.Msg, "found character that cannot start any token") && fe.Line > 0 && fe.Line <= len(lines) && bytes.ContainsRune(lines[fe.Line-1], '\t'):
		fe.Msg += "; YAML does not allow tabs: indent with spaces"
	case strings.Contains(fe.Msg, "did not find expected"), strings.Contains(fe.Msg, "mapping values are not allowed"), strings.Contains(fe.Msg, "could not find expected ':'"):
		fe.Msg += "; check the indentation of this line: keys of one mapping start in the same column, list items with \"- \" under their key"
	}
	return fe
}

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
	if m := cannotRE.FindStringSubmatch(msg); m != nil {
		msg = fmt.Sprintf("%s is %s, but %s is expected here; %s", m[2], yamlKind(m[1]), goKind(m[3]), goHint(m[3]))
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
	if loc, ok := locations.Load(b.TimeZone); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(b.TimeZone)
	if err != nil {
		return time.UTC
	}
	locations.Store(b.TimeZone, loc)
	return loc
}

// locations remembers the zones Location loaded: time.LoadLocation reads
// and parses the zoneinfo file on every call, and the alerter asks once
// or twice per complaint (a tenth of a burst's CPU). Zones do not change
// while the process runs.
var locations sync.Map

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
