package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/earshot/earshot/scrapers/health"
	"github.com/earshot/earshot/scrapers/registry"
)

// runSources lists the configured sources with their health (last
// success, last error, counts), or with `kinds` the source kinds earshot
// can read.
func runSources(ctx context.Context, e *Env, args []string) error {
	fs := e.FlagSet("sources", "[-config FILE] [-format table|json] [kinds]", `
List every configured source with its health: status (ok, failing,
broken, never run), when it last succeeded, consecutive failures, mentions
stored, what its last run collected, and its last error with the error
class (blocked, http, parse, timeout, network, config).

`+"`earshot sources kinds`"+` lists the source kinds and what each needs.`)
	e.ConfigFlag(fs)
	format := fs.String("format", "table", "output: table or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *format != "table" && *format != "json" {
		return fmt.Errorf("%w: -format %q: use table or json", ErrUsage, *format)
	}
	switch fs.NArg() {
	case 0:
	case 1:
		if fs.Arg(0) != "kinds" {
			return fmt.Errorf("%w: unknown argument %q (did you mean `earshot sources kinds`?)", ErrUsage, fs.Arg(0))
		}
		for _, k := range registry.Kinds() {
			fmt.Fprintf(e.Stdout, "%-12s %-7s %s\n", k.Name, k.Channel, k.Summary)
			var also []string
			if len(k.Aliases) > 0 {
				also = append(also, "also called "+strings.Join(k.Aliases, ", "))
			}
			if k.Postable() {
				also = append(also, "replies can be posted (tasks reply --post)")
			}
			if k.ReplyLimit > 0 {
				also = append(also, fmt.Sprintf("replies up to %d characters", k.ReplyLimit))
			}
			if len(k.Env) > 0 {
				also = append(also, "env: "+strings.Join(k.Env, ", "))
			}
			if len(also) > 0 {
				fmt.Fprintf(e.Stdout, "%-12s %-7s %s\n", "", "", strings.Join(also, "; "))
			}
		}
		return nil
	default:
		return fmt.Errorf("%w: unexpected arguments %s", ErrUsage, strings.Join(fs.Args()[1:], " "))
	}
	_, st, err := e.OpenStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	sources, err := st.Sources(ctx)
	if err != nil {
		return err
	}
	businesses, err := st.Businesses(ctx)
	if err != nil {
		return err
	}
	skipped, err := st.SkippedCounts(ctx)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, b := range businesses {
		names[b.ID] = b.Name
	}
	rows := make([]health.Row, 0, len(sources))
	for _, s := range sources {
		row := health.Row{Business: names[s.BusinessID], Source: s, Skipped: skipped[s.ID]}
		runs, err := st.SourceRuns(ctx, s.ID, 1)
		if err != nil {
			return err
		}
		if len(runs) > 0 {
			row.LastRun = &runs[0]
		}
		rows = append(rows, row)
	}
	if *format == "json" {
		return health.WriteJSON(e.Stdout, rows)
	}
	if len(rows) == 0 {
		fmt.Fprintln(e.Stdout, "No sources configured yet: add them under a business's `sources:` in the config and run `earshot scrape`.")
		return nil
	}
	if err := health.WriteTable(e.Stdout, rows, e.Clock.Now()); err != nil {
		return err
	}
	for _, r := range rows {
		if r.Skipped > 0 {
			fmt.Fprintf(e.Stdout, "%s: %d mentions set aside because their analysis failed (reasons in the log).\n", r.Source.Name, r.Skipped)
		}
	}
	return nil
}
