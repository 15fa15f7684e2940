package demo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/earshot/earshot/app"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/smtpsink"
	"github.com/jonboulle/clockwork"
)

// Options for one demo run.
type Options struct {
	// Dir receives the database, config and mailbox; empty means a new
	// temporary folder, kept after the run so the user can look inside.
	Dir    string
	Stdout io.Writer
	Logger *slog.Logger
	Clock  clockwork.Clock
}

// Result says where everything went and what the pipeline did.
type Result struct {
	Dir, ConfigPath, DBPath, Mailbox string
	DigestPath                       string
	Report                           app.Report
	Emails                           []smtpsink.Message
	Mentions                         int64
	Complaints                       int
	Tasks                            int64
}

// BusinessName is the demo business's config name.
const BusinessName = "rosies-diner"

// ConfigYAML is the demo's config: the demo site's review page (jsonld)
// and social feed (rss), the local SMTP server, and the owner. The demo
// runs with it; tests point it at their own site and mail sink.
func ConfigYAML(dir, siteBase string, smtpPort int) string {
	smtp := fmt.Sprintf("  host: 127.0.0.1\n  port: %d\n", smtpPort)
	return configYAML(dir, siteBase, "127.0.0.1:0", smtp, "", "")
}

// serveListen is where `earshot serve` listens with the saved config.
const serveListen = "127.0.0.1:8080"

// SavedConfigYAML is the config the demo leaves in its folder for the
// other commands. The demo's site and SMTP server stop when the demo
// ends, so it must not point at their ports: email goes to the mailbox
// folder as .eml files (no smtp host), the sources are disabled (their
// history stays in the database), and `serve` listens on the default
// port.
func SavedConfigYAML(dir, siteBase string) string {
	head := `# The demo's site and mail server stopped when ` + "`earshot demo`" + ` ended, so this
# config does not use their ports: emails (alerts, ` + "`digest -send`" + `) are written to
# smtp.mailbox as .eml files, and the demo's two sources are disabled (what
# they collected stays in the database). Point a source at a real page and
# remove "disabled: true" to scrape it; set smtp.host to send real email.
`
	return configYAML(dir, siteBase, serveListen, "", "        disabled: true\n", head)
}

func configYAML(dir, siteBase, listen, smtp, disabled, head string) string {
	return fmt.Sprintf(`# Written by earshot demo. Reuse it: earshot -config %[1]s tasks list
%[7]sdatabase:
  path: %[2]s
server:
  listen: %[8]s
scraping:
  user_agent: "earshot-demo/1.0"
  request_delay: 100ms
  timeout: 10s
smtp:
%[3]s  tls: none
  from: "earshot <alerts@rosies-diner.example>"
  mailbox: %[4]s
channels:
  - name: owner-email
    type: email
    to: ["rosie@rosies-diner.example"]
businesses:
  - name: %[5]s
    display_name: "Rosie's Diner"
    domain: restaurant
    time_zone: Europe/London
    keywords: ["rosies diner", "rosie's diner"]
    handles: ["@rosiesdiner"]
    business_hours: {days: [mon, tue, wed, thu, fri, sat, sun], open: "08:00", close: "22:00"}
    users:
      - {name: Rosie, email: rosie@rosies-diner.example, role: owner}
      - {name: Max, email: max@rosies-diner.example, role: manager}
      - {name: Sam, email: sam@rosies-diner.example, role: staff}
    digest:
      recipients: ["rosie@rosies-diner.example"]
    sources:
      - name: reviews
        kind: jsonld
        url: %[6]s/reviews
        interval: 1m
%[9]s      - name: social
        kind: rss
        url: %[6]s/social/feed.xml
        interval: 1m
%[9]s`, filepath.Join(dir, "earshot.yaml"), filepath.Join(dir, "earshot.db"), smtp, filepath.Join(dir, "mailbox"), BusinessName, siteBase, head, listen, disabled)
}

// Run starts the demo site and mail server, runs the pipeline once and
// prints a summary.
func Run(ctx context.Context, o Options) (*Result, error) {
	if o.Stdout == nil {
		o.Stdout = io.Discard
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = clockwork.NewRealClock()
	}
	dir := o.Dir
	if dir == "" {
		d, err := os.MkdirTemp("", "earshot-demo-")
		if err != nil {
			return nil, fmt.Errorf("demo: create folder: %w", err)
		}
		dir = d
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("demo: create %s: %w", dir, err)
	}
	res := &Result{Dir: dir, ConfigPath: filepath.Join(dir, "earshot.yaml"), DBPath: filepath.Join(dir, "earshot.db"), Mailbox: filepath.Join(dir, "mailbox")}

	site, err := StartSite(o.Clock.Now)
	if err != nil {
		return nil, err
	}
	defer site.Close()
	sink, err := smtpsink.Start("127.0.0.1:0", res.Mailbox)
	if err != nil {
		return nil, fmt.Errorf("demo: start local mail server: %w", err)
	}
	defer sink.Close()

	// The demo runs against its live site and SMTP server; the file it
	// leaves behind uses neither (see SavedConfigYAML).
	// Its emails link to where serve listens with the saved config, so
	// their task and one-tap links open that inbox.
	yml := strings.Replace(ConfigYAML(dir, site.URL(""), sink.Port()), "server:\n", "server:\n  base_url: http://"+serveListen+"\n", 1)
	if err := os.WriteFile(res.ConfigPath, []byte(SavedConfigYAML(dir, site.URL(""))), 0o644); err != nil {
		return nil, fmt.Errorf("demo: write config: %w", err)
	}
	cfg, err := config.Parse([]byte(yml), res.ConfigPath, os.Getenv)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	a, err := app.New(ctx, cfg, app.Options{Logger: o.Logger, Clock: o.Clock})
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	defer a.Close()
	res.Report, err = a.RunOnce(ctx, app.ScrapeOptions{})
	if err != nil {
		return nil, fmt.Errorf("demo: pipeline: %w", err)
	}
	for _, r := range res.Report.Runs {
		if r.Err != nil {
			return nil, fmt.Errorf("demo: scraping %s/%s failed: %w", r.Business, r.Source.Name, r.Err)
		}
	}
	res.Emails = sink.Messages()
	if err := writeDigest(ctx, a, res); err != nil {
		return nil, fmt.Errorf("demo: digest preview: %w", err)
	}
	if err := writeSummary(ctx, o.Stdout, a, res); err != nil {
		return nil, err
	}
	return res, nil
}

func writeSummary(ctx context.Context, w io.Writer, a *app.App, res *Result) error {
	st := a.Store
	biz, err := st.BusinessByName(ctx, BusinessName)
	if err != nil {
		return err
	}
	loc := time.UTC
	if l, err := time.LoadLocation(biz.TimeZone); err == nil {
		loc = l
	}
	counts, err := st.MentionCounts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "earshot demo: %s (%s, %s)\n\n", biz.DisplayName, biz.Domain, biz.TimeZone)
	fmt.Fprintln(w, "Mentions collected")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, r := range res.Report.Runs {
		var total int64
		for _, c := range counts {
			if c.SourceID == r.Source.ID {
				total = c.Mentions
			}
		}
		res.Mentions += total
		pages := "pages"
		if r.Run.Pages == 1 {
			pages = "page"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d stored\t(%d new, %d %s)\t%s\n", r.Source.Name, r.Source.Kind, total, r.Run.New, r.Run.Pages, pages, r.Source.Target)
	}
	tw.Flush()

	complaints, err := st.Complaints(ctx, biz.ID, 100)
	if err != nil {
		return err
	}
	res.Complaints = len(complaints)
	fmt.Fprintf(w, "\nComplaints found: %d of %d mentions\n", len(complaints), res.Mentions)
	for _, c := range complaints {
		var issues []string
		for _, x := range c.Analysis.Issues() {
			issues = append(issues, x.Term)
		}
		stars := "     "
		if c.Mention.Rating != nil {
			stars = fmt.Sprintf("%.0f/5 ", *c.Mention.Rating)
		}
		fmt.Fprintf(w, "  severity %d  %s %-12s %s\n", c.Analysis.Severity, stars, clip(c.Mention.Author, 12), clip(c.Mention.Text, 70))
		if len(issues) > 0 {
			fmt.Fprintf(w, "              issues: %s\n", strings.Join(issues, ", "))
		}
	}
	if err := writeTasks(ctx, w, a, res, loc); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nAlert emails accepted by the local SMTP server: %d\n", len(res.Emails))
	sort.Slice(res.Emails, func(i, j int) bool { return res.Emails[i].File < res.Emails[j].File })
	for _, m := range res.Emails {
		fmt.Fprintf(w, "  %s  to %s: %s\n", filepath.Base(m.File), strings.Join(m.To, ", "), subject(m.Data))
	}
	fmt.Fprintf(w, "\nDatabase: %s\nConfig:   %s\nMailbox:  %s\n", res.DBPath, res.ConfigPath, res.Mailbox)
	if res.DigestPath != "" {
		fmt.Fprintf(w, "Digest:   %s\n", res.DigestPath)
	}
	fmt.Fprintf(w, "\nNext: earshot -config %s tasks list\n", res.ConfigPath)
	fmt.Fprintf(w, "The demo site and mail server have stopped: with that config, emails (digest -send, serve) go to the mailbox folder and the demo sources are disabled.\n")
	fmt.Fprintf(w, "Finished in %s.\n", res.Report.Took.Round(time.Millisecond))
	return nil
}

// subject decodes an email's Subject header (folded, RFC 2047 encoded).
func subject(data []byte) string {
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return ""
	}
	dec := new(mime.WordDecoder)
	sub, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return msg.Header.Get("Subject")
	}
	return sub
}

func clip(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n-1]) + "…"
}
