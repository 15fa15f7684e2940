package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/earshot/earshot/internal/wording"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

func runOutbox(ctx context.Context, e *Env, args []string) error {
	fs := e.FlagSet("outbox", "[-config FILE] list | retry [ID...]", `
The outbox holds every notification earshot has to send. A failing
channel is retried with a capped backoff for alerts.retry.give_up_after (a
week by default); the other channels are told when one keeps failing.

  earshot outbox list         the backlog per channel, and what was given up on
  earshot outbox retry        send again every notification given up on
  earshot outbox retry 12 14  send again these ones`)
	e.ConfigFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 || (fs.Arg(0) != "list" && fs.Arg(0) != "retry") || (fs.Arg(0) == "list" && fs.NArg() > 1) {
		fs.Usage()
		return fmt.Errorf("%w: say `earshot outbox list` or `earshot outbox retry [ID...]` (got %q)", ErrUsage, strings.Join(fs.Args(), " "))
	}
	var ids []int64
	for _, a := range fs.Args()[1:] {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return fmt.Errorf("%w: %q is not a notification id", ErrUsage, a)
		}
		ids = append(ids, id)
	}
	_, st, err := e.OpenStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if fs.Arg(0) == "retry" {
		n, err := st.RetryFailedNotifications(ctx, ids, st.Now())
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "%s queued again; `earshot serve` (or the next `earshot scrape`) sends them.\n", wording.Count(n, "notification"))
		if ids != nil && n < len(ids) {
			return fmt.Errorf("%d of the ids given are not notifications that were given up on", len(ids)-n)
		}
		return nil
	}
	backlog, err := st.OutboxBacklog(ctx)
	if err != nil {
		return err
	}
	if len(backlog) == 0 {
		fmt.Fprintln(e.Stdout, "The outbox is empty: everything was delivered.")
		return nil
	}
	w := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "CHANNEL\tWAITING\tFAILING\tGIVEN UP\tFAILING SINCE\tLAST ERROR")
	for _, b := range backlog {
		since := "-"
		if b.FailingSince != nil {
			since = b.FailingSince.Local().Format(time.RFC1123)
		}
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%s\t%s\n", b.Channel, b.Pending, b.Failing, b.Failed, since, dash(wording.OneLine(b.LastError, 80)))
	}
	w.Flush()
	failed, err := st.Notifications(ctx, store.NotificationFilter{State: models.NotificationFailed, Limit: 50})
	if err != nil {
		return err
	}
	shown := false
	for _, n := range failed {
		if n.Attempts == 0 {
			continue // withdrawn (an incident alert listed it), never meant to go
		}
		if !shown {
			fmt.Fprintln(e.Stdout, "\nGiven up (resend with `earshot outbox retry ID`):")
			shown = true
		}
		fmt.Fprintf(e.Stdout, "  %d  %s to %s: %s (%s)\n", n.ID, n.Kind, n.Channel, wording.OneLine(n.Subject, 70), wording.OneLine(n.LastError, 80))
	}
	return nil
}
