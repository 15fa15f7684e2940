package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/earshot/earshot/app"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/demo"
	"github.com/earshot/earshot/internal/wording"
	"github.com/earshot/earshot/store"
)

func runDemo(ctx context.Context, e *Env, args []string) error {
	fs := e.FlagSet("demo", "[-dir DIR]", `
Run earshot's whole pipeline once against a small review site and social
feed that earshot serves itself on 127.0.0.1: scrape, store in a fresh
SQLite file, analyze, open tasks for complaints, and deliver the owner's
alert emails to a local SMTP server that writes them into a mailbox folder.
Needs no config and no network. Prints where everything went.`)
	dir := fs.String("dir", "", "folder for the database, config and mailbox (default: a new temporary folder)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", ErrUsage, fs.Arg(0))
	}
	if !e.levelSet {
		// The summary is the demo's output; routine logs would bury it.
		e.logLevel.Set(slog.LevelWarn)
	}
	_, err := demo.Run(ctx, demo.Options{Dir: *dir, Stdout: e.Stdout, Logger: e.Logger, Clock: e.Clock})
	return err
}

func runServe(ctx context.Context, e *Env, args []string) error {
	fs := e.FlagSet("serve", "[-config FILE] [-listen ADDR]", `
Watch every configured source on its schedule, analyze what arrives, open
tasks and send alerts, and serve /healthz, /readyz and /metrics
(Prometheus) on server.listen. Stops cleanly on Ctrl-C or SIGTERM:
running jobs hand back their work to the other replicas.
With PostgreSQL, several replicas share one config file; give each its
own -listen (and EARSHOT_REPLICA=name for its metrics).`)
	e.ConfigFlag(fs)
	listen := fs.String("listen", "", "listen on this address instead of server.listen (one per replica on a host)")
	if err := parse(fs, args); err != nil {
		return err
	}
	a, err := e.openApp(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	if *listen != "" {
		a.Config.Server.Listen = *listen
	}
	if e.Getenv("GOMEMLIMIT") == "" {
		// Left to GOGC alone, the heap of a long-running serve grows to
		// twice what it keeps live before collecting, and the Japanese
		// dictionary alone keeps about 100 MB live: resident memory went to
		// 347 MB under Japanese traffic. A soft limit makes the collector
		// run earlier as the heap nears it (it never refuses memory).
		// GOMEMLIMIT, Go's own variable, sets another limit or "off".
		debug.SetMemoryLimit(serveMemoryLimit)
	}
	return a.Serve(ctx)
}

// serveMemoryLimit is serve's soft memory limit when GOMEMLIMIT is not set.
const serveMemoryLimit = 256 << 20

// openApp loads the config and builds the whole app, for the commands
// that scrape, alert and send (serve, scrape, digest --send): they need
// every credential to send, so a missing one stops them here, naming its
// variable. Read-only commands (tasks, sources, digest previews) use
// OpenStore and run without those variables.
func (e *Env) openApp(ctx context.Context) (*app.App, error) {
	cfg, err := e.LoadConfig()
	if err != nil {
		return nil, err
	}
	if err := cfg.RequireSecrets(); err != nil {
		return nil, fmt.Errorf("cannot send without these credentials:\n%w", err)
	}
	return app.New(ctx, cfg, app.Options{Logger: e.Logger, Clock: e.Clock, Getenv: e.Getenv})
}

func runInit(ctx context.Context, e *Env, args []string) error {
	fs := e.FlagSet("init", "[-force] [FILE]", `
Write a commented example config to FILE (default earshot.yaml, or the
-config path). Edit it, check it with `+"`earshot config check`"+`, then run
`+"`earshot serve`"+`.`)
	force := fs.Bool("force", false, "overwrite an existing file")
	if err := parse(fs, args); err != nil {
		return err
	}
	path := e.ConfigPath
	if fs.NArg() > 0 {
		path = fs.Arg(0)
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if *force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("create %s: %w", dir, err)
		}
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s already exists; use -force to overwrite it", path)
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(config.Example()); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	fmt.Fprintf(e.Stdout, "Wrote %s. Edit it, then run: earshot -config %s config check\n", path, path)
	return nil
}

func runConfig(ctx context.Context, e *Env, args []string) error {
	fs := e.FlagSet("config", "check|show [-config FILE]", `
check  reads the config and reports every problem with its file and line.
show   prints the config with defaults filled in; secrets are shown only
       as the names of the environment variables that hold them.`)
	e.ConfigFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || (fs.Arg(0) != "check" && fs.Arg(0) != "show") {
		fs.Usage()
		return fmt.Errorf("%w: say `config check` or `config show`", ErrUsage)
	}
	verb := fs.Arg(0)
	// Flags may also follow the verb: config check -config FILE.
	if err := parse(fs, fs.Args()[1:]); err != nil {
		return err
	}
	cfg, err := e.LoadConfig()
	if err != nil {
		return err
	}
	if verb == "show" {
		out, err := cfg.Show()
		if err != nil {
			return err
		}
		_, err = e.Stdout.Write(out)
		return err
	}
	var nsrc int
	for _, b := range cfg.Businesses {
		nsrc += len(b.Sources)
	}
	if err := app.CheckConfig(cfg); err != nil {
		return err
	}
	for _, w := range cfg.MissingSecrets() {
		fmt.Fprintf(e.Stderr, "warning: %v (needed to send: serve, scrape and digest --send refuse to start without it)\n", w)
	}
	fmt.Fprintf(e.Stdout, "%s is valid: %s, %s, %s, database %s.\n", cfg.File, wording.CountAs(len(cfg.Businesses), "business", "businesses"), wording.Count(nsrc, "source"), wording.Count(len(cfg.Channels), "channel"), cfg.Database.Driver)
	return nil
}

func runMigrate(ctx context.Context, e *Env, args []string) error {
	fs := e.FlagSet("migrate", "[-config FILE]", `
Apply pending database migrations and print the schema version. earshot
also migrates on every start; this command lets an operator do it first.`)
	e.ConfigFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := e.LoadConfig()
	if err != nil {
		return err
	}
	opts := StoreOptions(cfg, e.Logger, e.Clock)
	opts.NoMigrate = true
	st, err := store.Open(ctx, opts)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(res.Applied) == 0 {
		fmt.Fprintf(e.Stdout, "Database is up to date (schema version %d).\n", res.Version)
		return nil
	}
	fmt.Fprintf(e.Stdout, "Applied %s; schema version %d.\n", strings.Join(res.Applied, ", "), res.Version)
	return nil
}

// runScrapeConfigured scrapes the configured sources now.
func runScrapeConfigured(ctx context.Context, e *Env, args []string) error {
	fs := e.FlagSet("scrape", "[-config FILE] [-backfill] [-max-pages N] [SOURCE ...]", `
Scrape configured sources now (all, or those named as business/source,
source or business), store what is new, and print each source's result.
For a dry run of one page without a config or database, use --kind and
--url (or --query); see `+"`earshot scrape --kind`"+`.`)
	e.ConfigFlag(fs)
	backfill := fs.Bool("backfill", false, "fetch history: keep paginating past mentions already stored")
	maxPages := fs.Int("max-pages", 0, "stop after this many pages per source (0: the scraper's default)")
	if err := parse(fs, args); err != nil {
		return err
	}
	a, err := e.openApp(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	opts := app.ScrapeOptions{Backfill: *backfill, MaxPages: *maxPages}
	if e.IsTerminal {
		opts.Progress = func(src string, pages, n int) {
			fmt.Fprintf(e.Stderr, "\r%s: %s, %s   ", src, wording.Count(pages, "page"), wording.Count(n, "mention"))
		}
	}
	runs, err := a.ScrapeAll(ctx, opts, fs.Args()...)
	if e.IsTerminal {
		fmt.Fprint(e.Stderr, "\r\033[K")
	}
	if err != nil {
		return err
	}
	if len(runs) == 0 {
		fmt.Fprintf(e.Stdout, "No enabled sources to scrape in %s: add them under a business's `sources:` (or remove `disabled: true`).\n", e.ConfigPath)
	}
	failed := 0
	for _, r := range runs {
		if r.Err != nil {
			failed++
			fmt.Fprintf(e.Stdout, "%s/%s: FAILED (%s): %v\n", r.Business, r.Source.Name, r.Run.ErrorClass, r.Err)
			continue
		}
		fmt.Fprintf(e.Stdout, "%s/%s: %s, %s, %d new, %d updated\n", r.Business, r.Source.Name, wording.Count(r.Run.Pages, "page"), wording.Count(r.Run.Parsed, "mention"), r.Run.New, r.Run.Updated)
		if r.Run.Warning != "" {
			fmt.Fprintf(e.Stdout, "%s/%s: WARNING: %s\n", r.Business, r.Source.Name, r.Run.Warning)
		}
	}
	if _, err := a.AnalyzePending(ctx); err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d of %s failed", failed, wording.Count(len(runs), "source"))
	}
	return nil
}

var _ = time.Second
