package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/dryrun"
	"github.com/earshot/earshot/scrapers/registry"
)

// runScrape dispatches: with --kind it is a dry run of one source without
// a config or database; otherwise it scrapes the configured sources now
// (runScrapeConfigured, in scrape_config.go).
func runScrape(ctx context.Context, e *Env, args []string) error {
	if !hasFlag(args, "kind") {
		return runScrapeConfigured(ctx, e, args)
	}
	return runScrapeDry(ctx, e, args)
}

// hasFlag reports whether args set -name or --name (before any "--").
func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		a = strings.TrimLeft(a, "-")
		if a == name || strings.HasPrefix(a, name+"=") {
			return true
		}
	}
	return false
}

func runScrapeDry(ctx context.Context, e *Env, args []string) error {
	var kinds strings.Builder
	for _, n := range registry.Names() {
		k, _ := registry.Lookup(n)
		fmt.Fprintf(&kinds, "  %-12s %s\n", n, k.Summary)
	}
	fs := e.FlagSet("scrape", "--kind KIND (--url URL | --query Q [--api-base URL]) [flags]", `
Dry run: fetch one source now, without a config file or database, and
print every mention it yields (a table, or one JSON object per line with
--format jsonl: source, external_id, url, author, rating, title, text,
language, posted_at, edited_at, reply). Politeness is on: robots.txt, a
per-domain delay and retries apply as in production.

Exit status is 0 when mentions were read or the page truly has none, and
1 with a one-line reason when the source is blocked, unreachable or
unparseable. Credentials for API kinds come from EARSHOT_<KIND>_* variables
(see the README).

Kinds:
`+kinds.String())
	var (
		cfg          dryrun.Config
		url, query   string
		userAgent    string
		delay, tmout time.Duration
		ignoreRobots bool
		retries      int
	)
	fs.StringVar(&cfg.Kind, "kind", "", "source kind (see the list above)")
	fs.StringVar(&url, "url", "", "page URL for review kinds, feed URL for rss")
	fs.StringVar(&query, "query", "", "search query for social kinds")
	fs.StringVar(&cfg.APIBase, "api-base", "", "API base URL for social kinds and google (self-hosted or test servers)")
	fs.StringVar(&cfg.API, "api", "", "API version for kinds that have several (twitter: v1.1 or v2)")
	fs.StringVar(&cfg.Format, "format", dryrun.FormatTable, "output: table or jsonl")
	fs.IntVar(&cfg.MaxPages, "max-pages", 0, fmt.Sprintf("pages to read at most (default %d)", scrapers.DefaultMaxPages))
	fs.BoolVar(&cfg.Backfill, "backfill", false, "read history: keep paginating up to --max-pages")
	fs.StringVar(&userAgent, "user-agent", scrapers.DefaultUserAgent, "User-Agent sent to sites")
	fs.DurationVar(&delay, "delay", scrapers.DefaultRequestDelay, "minimum gap between two requests to one domain")
	fs.DurationVar(&tmout, "timeout", scrapers.DefaultTimeout, "timeout of each request")
	fs.IntVar(&retries, "retries", scrapers.DefaultMaxRetries, "retries on timeouts, 429 and 5xx (-1 for none)")
	fs.BoolVar(&ignoreRobots, "ignore-robots", false, "do not honour robots.txt")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", ErrUsage, fs.Arg(0))
	}
	// Mistakes in the command line are usage errors (exit 2), found here
	// before anything is fetched; dryrun.Run reports the same ones as
	// config errors for other callers.
	k, ok := registry.Resolve(cfg.Kind)
	switch {
	case cfg.Kind == "":
		return fmt.Errorf("%w: --kind is empty; use one of %s", ErrUsage, strings.Join(registry.Names(), ", "))
	case !ok:
		return fmt.Errorf("%w: %s", ErrUsage, kindSuggestion(cfg.Kind))
	}
	cfg.Kind = k.Name
	switch {
	case url != "" && query != "":
		return fmt.Errorf("%w: give --url or --query, not both", ErrUsage)
	case url != "":
		cfg.Target = url
	case query != "":
		cfg.Target = query
	case k.Social():
		return fmt.Errorf("%w: --kind %s needs --query (or --url for a feed)", ErrUsage, k.Name)
	default:
		return fmt.Errorf("%w: --kind %s needs --url", ErrUsage, k.Name)
	}
	if cfg.Format != dryrun.FormatTable && cfg.Format != dryrun.FormatJSONL {
		return fmt.Errorf("%w: --format %q: use table or jsonl", ErrUsage, cfg.Format)
	}
	if e.IsTerminal {
		cfg.Progress = e.Stderr
	}
	opts := scrapers.Options{
		UserAgent: userAgent, RequestDelay: delay, Timeout: tmout, MaxRetries: retries,
		IgnoreRobots: ignoreRobots, Getenv: e.Getenv, Logger: e.Logger, Clock: e.Clock,
	}
	res, err := dryrun.Run(ctx, cfg, opts, e.Stdout)
	if err != nil {
		if len(res.Mentions) > 0 {
			return fmt.Errorf("%s (after %d mentions from %d pages)", oneLine(err.Error()), len(res.Mentions), res.Pages)
		}
		return fmt.Errorf("%s", oneLine(err.Error()))
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(e.Stderr, "warning: %s\n", oneLine(w))
	}
	return nil
}

// oneLine keeps an error on one line of stderr.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// kindSuggestion explains an unknown --kind with the closest known one.
func kindSuggestion(kind string) string {
	if best, ok := config.Closest(kind, registry.Names()); ok {
		return fmt.Sprintf("unknown --kind %q; did you mean %q? (`earshot sources kinds` lists them)", kind, best)
	}
	return fmt.Sprintf("unknown --kind %q; use one of %s", kind, strings.Join(registry.Names(), ", "))
}
