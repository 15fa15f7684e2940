package cli

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// runRollups rebuilds the digest's hourly rollups and the dashboard's
// daily task rollups from the mentions and tasks.
func runRollups(ctx context.Context, e *Env, args []string) error {
	fs := e.FlagSet("rollups", "[-config FILE] rebuild", `
The weekly digest reads hourly rollups (mentions, ratings, sentiment and
issues per business, source and hour) that earshot keeps current as it
saves mentions and analyses. `+"`earshot rollups rebuild`"+` recomputes them from
the mentions: once after upgrading a database that has mentions (until
then the digest scans the mentions, as before), or after editing the
database by hand. The dashboard's daily task rollups are recomputed too.`)
	e.ConfigFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || fs.Arg(0) != "rebuild" {
		fs.Usage()
		return fmt.Errorf("%w: say `earshot rollups rebuild` (got %q)", ErrUsage, strings.Join(fs.Args(), " "))
	}
	_, st, err := e.OpenStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := st.RebuildRollups(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "Rebuilt the digest rollups: %d hourly rows, %d issue rows, %d task rows; the dashboard's: %d task day rows; in %s.\n",
		rep.Rows, rep.AspectRows, rep.TaskRows, rep.TaskDayRows, rep.Took.Round(time.Millisecond))
	return nil
}
