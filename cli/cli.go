// Package cli is earshot's command line: one table of subcommands, each a
// function that gets an Env (its standard streams, environment, logger and
// clock) and its arguments. Nothing here reads globals, so tests run any
// command in-process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/store"
	"github.com/jonboulle/clockwork"
)

// Env is what a command may use of the outside world.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads the environment (secrets, EARSHOT_CONFIG).
	Getenv func(string) string
	Logger *slog.Logger
	Clock  clockwork.Clock
	// ConfigPath is the config file: -config, else $EARSHOT_CONFIG, else
	// earshot.yaml.
	ConfigPath string
	// IsTerminal reports whether Stdout is a terminal (tables, progress).
	IsTerminal bool
	logLevel   *slog.LevelVar
	levelSet   bool
}

// ErrUsage marks an error in how a command was called; it exits 2.
var ErrUsage = errors.New("usage")

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *Env, args []string) error
}

// commands is the one table of subcommands, in the order `earshot -h`
// lists them.
var commands = []command{
	{"demo", "run the whole pipeline once against a built-in demo site (no config, no network)", runDemo},
	{"serve", "watch every configured source on its schedule; serve /healthz and /metrics", runServe},
	{"init", "write a commented example config file", runInit},
	{"config", "check or show the config file (config check | config show)", runConfig},
	{"migrate", "apply database migrations and print the schema version", runMigrate},
	{"scrape", "scrape configured sources now, or one page with --kind --url (dry run)", runScrape},
	{"sources", "list configured sources with their health", runSources},
	{"analyze", "score text or JSON lines for sentiment, complaints and issues", runAnalyze},
	{"tasks", "list and work on apology and follow-up tasks", runTasks},
	{"digest", "preview or send the weekly reputation digest", runDigest},
	{"users", "manage the accounts of the web inbox and the API (users add|list|passwd|token)", runUsers},
	{"rollups", "rebuild the digest's hourly rollups (rollups rebuild)", runRollups},
	{"outbox", "what waits to be sent, and resend what was given up on (outbox list|retry)", runOutbox},
	{"version", "print the version", runVersion},
}

// Run executes one command line and returns the process exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	if getenv == nil {
		getenv = os.Getenv
	}
	e := &Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: getenv, Clock: clockwork.NewRealClock(), logLevel: new(slog.LevelVar)}
	if f, ok := stdout.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			e.IsTerminal = true
		}
	}
	fs := flag.NewFlagSet("earshot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&e.ConfigPath, "config", "", "config file (default $EARSHOT_CONFIG or earshot.yaml)")
	level := fs.String("log-level", "", "log level: debug, info, warn, error (default $EARSHOT_LOG_LEVEL or info)")
	format := fs.String("log-format", "text", "log format: text or json")
	fs.Usage = func() { usage(stderr, fs) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if e.ConfigPath == "" {
		e.ConfigPath = getenv("EARSHOT_CONFIG")
	}
	if e.ConfigPath == "" {
		e.ConfigPath = "earshot.yaml"
	}
	if *level == "" {
		*level = getenv("EARSHOT_LOG_LEVEL")
	}
	if *level != "" {
		e.levelSet = true
		if err := e.logLevel.UnmarshalText([]byte(*level)); err != nil {
			fmt.Fprintf(stderr, "earshot: -log-level %q: use debug, info, warn or error\n", *level)
			return 2
		}
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "earshot: -log-format %q: use text or json\n", *format)
		return 2
	}
	hopts := &slog.HandlerOptions{Level: e.logLevel}
	if *format == "json" {
		e.Logger = slog.New(slog.NewJSONHandler(stderr, hopts))
	} else {
		e.Logger = slog.New(slog.NewTextHandler(stderr, hopts))
	}
	rest := fs.Args()
	if len(rest) == 0 {
		usage(stderr, fs)
		return 2
	}
	name := rest[0]
	if name == "help" {
		usage(stdout, fs)
		return 0
	}
	for _, c := range commands {
		if c.name != name {
			continue
		}
		err := c.run(ctx, e, rest[1:])
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, ErrUsage):
			fmt.Fprintf(stderr, "earshot %s: %v\n", name, err)
			return 2
		default:
			fmt.Fprintf(stderr, "earshot %s: %v\n", name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "earshot: unknown command %q; run `earshot -h` for the list\n", name)
	return 2
}

func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "earshot watches reviews and social mentions of your business, flags complaints,\nopens apology tasks with deadlines and tells you in minutes.\n\nUsage: earshot [flags] <command> [arguments]\n\nCommands:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun `earshot <command> -h` for a command's options.\n\nFlags:\n")
	fs.SetOutput(w)
	fs.PrintDefaults()
}

// FlagSet returns a flag set for a subcommand whose -h prints the summary,
// the synopsis and the flags.
func (e *Env) FlagSet(name, synopsis, help string) *flag.FlagSet {
	fs := flag.NewFlagSet("earshot "+name, flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.Stderr, "Usage: earshot %s %s\n\n%s\n", name, synopsis, strings.TrimSpace(help))
		var has bool
		fs.VisitAll(func(*flag.Flag) { has = true })
		if has {
			fmt.Fprintf(e.Stderr, "\nFlags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

// ConfigFlag adds -config to a subcommand, so it can come after the
// command name too.
func (e *Env) ConfigFlag(fs *flag.FlagSet) {
	fs.StringVar(&e.ConfigPath, "config", e.ConfigPath, "config file")
}

// LoadConfig reads and checks the config file.
func (e *Env) LoadConfig() (*config.Config, error) {
	return config.Load(e.ConfigPath, e.Getenv)
}

// OpenStore loads the config and opens (and migrates) its database.
func (e *Env) OpenStore(ctx context.Context) (*config.Config, *store.Store, error) {
	cfg, err := e.LoadConfig()
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(ctx, StoreOptions(cfg, e.Logger, e.Clock))
	if err != nil {
		return nil, nil, err
	}
	return cfg, st, nil
}

// StoreOptions maps the config's database section to store options.
func StoreOptions(cfg *config.Config, log *slog.Logger, clock clockwork.Clock) store.Options {
	return store.Options{Driver: cfg.Database.Driver, Path: cfg.Database.Path, DSN: cfg.Database.DSN.Value(), Logger: log, Clock: clock}
}

// parse parses a subcommand's flags and turns flag errors into ErrUsage.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", ErrUsage, err)
	}
	return nil
}
