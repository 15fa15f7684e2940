package alerts

import (
	"cmp"
	"context"
	"fmt"
	"github.com/earshot/earshot/notify"
	"github.com/earshot/earshot/tasks"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/smtpsink"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/onetap"
	"github.com/earshot/earshot/store"
	"github.com/jonboulle/clockwork"
	"github.com/prometheus/client_golang/prometheus"
)

// start is a Tuesday, 10:00 in New York (EDT), shortly before the
// clocks go back on Sunday 1 November 2026.
var start = time.Date(2026, 10, 27, 14, 0, 0, 0, time.UTC)

// baseConfig is a real config file; %s parts are filled per test.
const baseConfig = `
server:
  base_url: "https://earshot.example/"
database:
  path: %[1]s
smtp:
  host: %[2]s
  port: %[3]d
  from: "earshot <alerts@example.com>"
  tls: none
  mailbox: %[4]s
channels:
  - name: owner-email
    type: email
    to: ["owner@example.com"]
%[5]s
businesses:
  - name: rosies
    display_name: "Rosie's Diner"
    domain: restaurant
    time_zone: America/New_York
    business_hours: {days: [mon, tue, wed, thu, fri], open: "09:00", close: "17:00"}
    users:
      - {name: Rosie, email: owner@example.com, role: owner}
      - {name: Max, email: max@example.com, role: manager}
      - {name: Sam, email: sam@example.com, role: staff}
    sources:
      - {name: trustpilot, kind: trustpilot, url: "https://www.trustpilot.com/review/rosies.example"}
      - {name: mastodon, kind: mastodon, query: "rosies", api_base: "https://mastodon.example"}
      - {name: x, kind: twitter, query: "rosies"}
      - {name: googleplay, kind: googleplay, url: "https://play.google.com/store/apps/details?id=rosies"}
`

// tb is the part of testing.TB the fixture uses, so the crash test's
// child process (which has no *testing.T) can build one too.
type tb interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	TempDir() string
	Cleanup(func())
}

type fixture struct {
	t     tb
	ctx   context.Context
	dir   string
	cfg   *config.Config
	st    *store.Store
	clock *clockwork.FakeClock
	al    *Alerter
	send  *notify.Sender
	svc   *tasks.Service
	biz   models.Business
	src   map[string]models.Source
	sink  *smtpsink.Sink
	reg   *prometheus.Registry
	env   map[string]string
	http  *http.Client
	// real is set by newBenchFixture: the store, alerter and sender run
	// on the real clock, so complaints must be posted relative to now or
	// they fall before alerts.alert_window and open no task.
	real bool
}

type fixtureOpts struct {
	extra   string // more top-level YAML (alerts:, more channels)
	noSMTP  bool   // leave smtp.host empty: mailbox mode
	dbPath  string
	noStart bool // do not start the SMTP sink (the test does)
	port    int
	clock   *clockwork.FakeClock
	env     map[string]string
}

func newFixture(t tb, o fixtureOpts) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background(), dir: t.TempDir(), src: map[string]models.Source{}, env: map[string]string{},
		http: &http.Client{Timeout: 10 * time.Second}}
	for k, v := range o.env {
		f.env[k] = v
	}
	f.clock = o.clock
	if f.clock == nil {
		f.clock = clockwork.NewFakeClockAt(start)
	}
	host, port := "", 0
	if !o.noSMTP {
		host, port = "127.0.0.1", o.port
		if !o.noStart {
			sink, err := smtpsink.Start("127.0.0.1:0", "")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { sink.Close() })
			f.sink, port = sink, sink.Port()
		}
	}
	db := o.dbPath
	if db == "" {
		db = filepath.Join(f.dir, "earshot.db")
	}
	yml := fmt.Sprintf(baseConfig, db, host, port, filepath.Join(f.dir, "mailbox"), o.extra)
	cfg, err := config.Parse([]byte(yml), "earshot.yaml", func(k string) string { return f.env[k] })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	f.cfg = cfg
	st, err := store.Open(f.ctx, store.Options{Path: db, Clock: f.clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f.st = st
	f.sync()
	f.reg = prometheus.NewRegistry()
	f.al = f.newAlerter()
	return f
}

// newAlerter builds the alerter, and the sender and task service next
// to it as the app does, on the fixture's store and registry.
func (f *fixture) newAlerter() *Alerter {
	f.t.Helper()
	links, err := onetap.New(f.ctx, f.st, f.cfg.Server.BaseURL, f.clock)
	if err != nil {
		f.t.Fatalf("onetap.New: %v", err)
	}
	al, err := New(f.cfg, f.st, Options{Clock: f.clock, Metrics: f.reg, Logger: slog.New(slog.DiscardHandler), Links: links})
	if err != nil {
		f.t.Fatalf("alerts.New: %v", err)
	}
	f.send, err = notify.New(f.cfg, f.st, notify.Options{Clock: f.clock, Metrics: f.reg, Console: io.Discard, HTTPClient: f.http,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		f.t.Fatalf("notify.New: %v", err)
	}
	f.svc = tasks.New(f.cfg, f.st, tasks.Options{Clock: f.clock, HTTPClient: f.http, Getenv: func(k string) string { return f.env[k] }})
	return al
}

// sync stores the config's business, users and sources, as the app does.
func (f *fixture) sync() {
	b := f.cfg.Businesses[0]
	var users []models.User
	for _, u := range b.Users {
		users = append(users, u.Model())
	}
	var srcs []models.Source
	for _, s := range b.Sources {
		srcs = append(srcs, s.Model())
	}
	biz, stored, err := f.st.SyncBusiness(f.ctx, b.Model(), users, srcs)
	if err != nil {
		f.t.Fatal(err)
	}
	f.biz = biz
	for _, s := range stored {
		f.src[s.Name] = s
	}
}

func rating(n float64) *float64 { return &n }

// complaint describes one scraped mention and its analysis.
type complaint struct {
	source   string
	id       string
	author   string
	rating   *float64
	title    string
	text     string
	severity int
	issues   []string  // "category/term": problems the analyzer named
	nouns    []string  // "category/term": things mentioned in a negative sentence, no problem named
	notBad   bool      // analysis says it is not a complaint
	language string    // Analysis.Language; empty is English
	posted   time.Time // PostedAt; zero is an hour before start
}

func (c complaint) mention() models.Mention {
	src := c.source
	if src == "" {
		src = "trustpilot"
	}
	return models.Mention{ExternalID: c.id, Author: c.author, Rating: c.rating, Title: c.title, Text: c.text,
		URL: "https://reviews.example/" + src + "/" + c.id, PostedAt: cmp.Or(c.posted, start.Add(-time.Hour))}
}

// postedAt is when a complaint of this fixture was posted: an hour
// before the fixture's now, on whichever clock its parts run.
func (f *fixture) postedAt() time.Time {
	if f.real {
		return time.Now().Add(-time.Hour)
	}
	return f.clock.Now().Add(-time.Hour)
}

func (c complaint) analysis(m models.Mention) models.Analysis {
	a := models.Analysis{MentionID: m.ID, MentionVersion: m.Version, BusinessID: m.BusinessID, Complaint: !c.notBad,
		Severity: c.severity, Label: models.LabelNegative, Reasons: []string{"negative wording"}, Analyzer: "test", Language: c.language}
	if c.notBad {
		a.Label = models.LabelPositive
	}
	for _, is := range c.issues {
		cat, term, _ := strings.Cut(is, "/")
		a.Aspects = append(a.Aspects, models.Aspect{Category: cat, Term: term, Polarity: models.PolarityNegative, Evidence: term, Problem: true})
	}
	for _, is := range c.nouns {
		cat, term, _ := strings.Cut(is, "/")
		a.Aspects = append(a.Aspects, models.Aspect{Category: cat, Term: term, Polarity: models.PolarityNegative, Evidence: term})
	}
	return a
}

// process stores the mention as a scraper would, then analyses it and
// calls OnAnalysis in the same transaction, as the pipeline does. It
// returns the stored mention.
func (f *fixture) process(c complaint) models.Mention {
	f.t.Helper()
	src := c.source
	if src == "" {
		src = "trustpilot"
	}
	res, err := f.st.SaveMentions(f.ctx, f.src[src], []models.Mention{c.mention()})
	if err != nil {
		f.t.Fatal(err)
	}
	var id int64
	switch {
	case len(res.NewIDs) > 0:
		id = res.NewIDs[0]
	case len(res.Edits) > 0:
		id = res.Edits[0].MentionID
	default:
		f.t.Fatalf("mention %s neither new nor edited", c.id)
	}
	m, err := f.st.Mention(f.ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	f.analyse(m, c)
	return m
}

func (f *fixture) analyse(m models.Mention, c complaint) {
	f.t.Helper()
	a := c.analysis(m)
	err := f.st.Tx(f.ctx, func(tx *store.Store) error {
		ok, err := tx.SaveAnalysis(f.ctx, &a)
		if err != nil || !ok {
			return err
		}
		return f.al.OnAnalysis(f.ctx, tx, m, a)
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) tasks() []models.Task {
	f.t.Helper()
	ts, err := f.st.Tasks(f.ctx, store.TaskFilter{})
	if err != nil {
		f.t.Fatal(err)
	}
	return ts
}

func (f *fixture) task(mentionID int64) models.Task {
	f.t.Helper()
	for _, t := range f.tasks() {
		if t.MentionID == mentionID {
			return t
		}
	}
	f.t.Fatalf("no task for mention %d", mentionID)
	return models.Task{}
}

func (f *fixture) notifications(kind string) []models.Notification {
	f.t.Helper()
	ns, err := f.st.Notifications(f.ctx, store.NotificationFilter{Kind: kind})
	if err != nil {
		f.t.Fatal(err)
	}
	return ns
}

func (f *fixture) deliver() int {
	f.t.Helper()
	n, err := f.send.Deliver(f.ctx)
	if err != nil {
		f.t.Fatalf("deliver: %v", err)
	}
	return n
}

func (f *fixture) checkDeadlines() {
	f.t.Helper()
	if err := f.al.CheckDeadlines(f.ctx); err != nil {
		f.t.Fatalf("check deadlines: %v", err)
	}
}

// mails returns the subjects and recipients of what the SMTP sink got.
func (f *fixture) mails() []mailSeen {
	f.t.Helper()
	var out []mailSeen
	for _, m := range f.sink.Messages() {
		h, err := m.Header()
		if err != nil {
			f.t.Fatalf("message does not parse: %v\n%s", err, m.Data)
		}
		subj, _ := decodeHeader(h.Get("Subject"))
		out = append(out, mailSeen{To: strings.Join(m.To, ","), Subject: subj, MessageID: h.Get("Message-Id"), Raw: string(m.Data)})
	}
	return out
}

type mailSeen struct {
	To, Subject, MessageID, Raw string
}

// configWith re-parses the fixture's config with extra YAML at the end.
func configWith(f *fixture, extra string) (*config.Config, error) {
	yml := fmt.Sprintf(baseConfig, filepath.Join(f.dir, "earshot.db"), "", 0, filepath.Join(f.dir, "mailbox"), "") + extra
	return config.Parse([]byte(yml), "earshot.yaml", func(k string) string { return f.env[k] })
}

// metric sums a counter, or counts a histogram's observations, over all
// label values, from the registry the Alerter registered on.
func (f *fixture) metric(name string) float64 {
	f.t.Helper()
	fams, err := f.reg.Gather()
	if err != nil {
		f.t.Fatal(err)
	}
	var sum float64
	for _, fam := range fams {
		if fam.GetName() != name {
			continue
		}
		for _, m := range fam.GetMetric() {
			if c := m.GetCounter(); c != nil {
				sum += c.GetValue()
			}
			if h := m.GetHistogram(); h != nil {
				sum += float64(h.GetSampleCount())
			}
		}
	}
	return sum
}
