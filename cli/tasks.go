package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/earshot/earshot/i18n"
	"github.com/earshot/earshot/internal/textclean"
	"github.com/earshot/earshot/internal/wording"
	"github.com/earshot/earshot/notify/console"
	"github.com/earshot/earshot/tasks"
)

const tasksHelp = `
Work on the apology and follow-up tasks earshot opens for complaints.

  list [--overdue] [--assignee NAME] [--business NAME] [--all] [--json]
                          tasks needing work, soonest deadline first
  show ID                 the complaint, the draft reply and the history
  ack ID                  say you are on it
  reply ID [--text TEXT] [--post]
                          record your reply (the draft unless --text); with
                          --post, publish it on X, Mastodon or Google
  resolve ID [--note TEXT]
                          the customer's problem is fixed
  assign ID USER          give the task to a user of its business
  not-complaint ID [--note TEXT]
                          the model was wrong: close the task and teach
                          earshot (per business) not to flag mentions like it
  complaint MENTION_ID    the model missed a complaint: open its task and
                          teach earshot to flag mentions like it

--as NAME records who acted (default $EARSHOT_USER, else the system user).`

// runTasks is a thin wrapper around the task operations of package
// alerts: it parses flags, opens the store and prints.
func runTasks(ctx context.Context, e *Env, args []string) error {
	fs := e.FlagSet("tasks", "list|show|ack|reply|resolve|assign|not-complaint|complaint [flags] [ID] [USER]", tasksHelp)
	e.ConfigFlag(fs)
	overdue := fs.Bool("overdue", false, "list: only tasks past their deadline or follow-up")
	assignee := fs.String("assignee", "", "list: only tasks assigned to NAME")
	business := fs.String("business", "", "list: only tasks of one business")
	all := fs.Bool("all", false, "list: include resolved tasks")
	limit := fs.Int("limit", tasks.DefaultPageSize, fmt.Sprintf("list: tasks per page (at most %d)", tasks.MaxPageSize))
	cursor := fs.String("cursor", "", "list: the page after this cursor (printed under each page)")
	asJSON := fs.Bool("json", false, "list, show: print JSON")
	text := fs.String("text", "", "reply: the reply text (default: the task's draft)")
	postIt := fs.Bool("post", false, "reply: publish the reply through the platform's API")
	repost := fs.Bool("repost", false, "reply --post: post even though an earlier attempt stopped without an answer on a platform earshot cannot ask (check the link first)")
	note := fs.String("note", "", "resolve, not-complaint: a note for the history")
	actor := fs.String("as", "", "who is acting (default $EARSHOT_USER, else the system user)")
	if err := parse(fs, interspersed(fs, args)); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("%w: say what to do: list, show, ack, reply, resolve, assign, not-complaint or complaint", ErrUsage)
	}
	verb, rest := fs.Arg(0), fs.Args()[1:]
	who := e.Actor(*actor)
	want := map[string]int{"list": 0, "show": 1, "ack": 1, "reply": 1, "resolve": 1, "assign": 2, "not-complaint": 1, "complaint": 1}
	n, ok := want[verb]
	if !ok {
		fs.Usage()
		return fmt.Errorf("%w: unknown tasks command %q", ErrUsage, verb)
	}
	if len(rest) != n {
		return fmt.Errorf("%w: tasks %s takes %s, got %d", ErrUsage, verb, wording.Count(n, "argument"), len(rest))
	}
	var id int64
	if n > 0 {
		var err error
		if id, err = strconv.ParseInt(rest[0], 10, 64); err != nil || id <= 0 {
			what := "a task ID (a number, see `earshot tasks list`)"
			if verb == "complaint" {
				what = "a mention ID (a number, see `earshot analyze` or the digest)"
			}
			return fmt.Errorf("%w: %q is not %s", ErrUsage, rest[0], what)
		}
	}
	if verb == "complaint" {
		a, err := e.openApp(ctx)
		if err != nil {
			return err
		}
		defer a.Close()
		ts, err := a.MarkComplaint(ctx, id, who)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "Mention %d marked a complaint by %s; mentions like it will be flagged for this business.\n", id, who)
		for _, t := range ts {
			fmt.Fprintf(e.Stdout, "Task %d (%s) is %s.\n", t.ID, t.Kind, t.State)
		}
		if len(ts) == 0 {
			fmt.Fprintln(e.Stdout, "No task opened: the mention is older than alerts.alert_window or was already answered on the site.")
		}
		return nil
	}

	cfg, st, err := e.OpenStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	now := e.Clock.Now()
	svc := tasks.New(cfg, st, tasks.Options{Clock: e.Clock, Getenv: e.Getenv})
	switch verb {
	case "list":
		if *limit <= 0 || *limit > tasks.MaxPageSize {
			return fmt.Errorf("%w: --limit %d: use 1 to %d", ErrUsage, *limit, tasks.MaxPageSize)
		}
		page, err := svc.Page(ctx, now, tasks.ListOptions{Business: *business, Assignee: *assignee, Overdue: *overdue, All: *all,
			Limit: *limit, Cursor: *cursor})
		if err != nil {
			return err
		}
		if *asJSON {
			// The JSON is the page's tasks; where the next page starts
			// goes to stderr, so scripts reading stdout are unchanged.
			if page.Next != "" {
				fmt.Fprintf(e.Stderr, "next page: --cursor %s (%s tasks in all)\n", page.Next, totalOf(page))
			}
			return writeJSON(e, page.Tasks)
		}
		p := listPrinter(cfg, *business, page.Tasks)
		printTaskList(e, p, now, page.Tasks)
		if page.Next != "" {
			fmt.Fprint(e.Stdout, p.T("cli.list.more", map[string]any{"Shown": len(page.Tasks), "Total": totalOf(page),
				"Flags": listFlags(*business, *assignee, *overdue, *all, *limit), "Cursor": page.Next}))
		}
		return nil
	case "show":
		d, err := svc.Show(ctx, now, id)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(e, d)
		}
		printTask(e, printerOf(cfg, d.Business), now, d)
		return nil
	case "ack":
		t, err := svc.Ack(ctx, id, who)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.Stdout, printerOfTask(ctx, cfg, st, t).T("cli.ack", map[string]any{"ID": id, "Who": who}))
	case "not-complaint":
		t, err := svc.NotComplaint(ctx, id, who, *note)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.Stdout, printerOfTask(ctx, cfg, st, t).T("cli.not_complaint", map[string]any{"ID": id, "Who": who}))
	case "resolve":
		t, err := svc.Resolve(ctx, id, who, *note)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.Stdout, printerOfTask(ctx, cfg, st, t).T("cli.resolve", map[string]any{"ID": id}))
	case "assign":
		t, err := svc.Assign(ctx, id, rest[1], who)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.Stdout, printerOfTask(ctx, cfg, st, t).T("cli.assign", map[string]any{"ID": id, "Who": t.Assignee}))
	case "reply":
		t, err := svc.Reply(ctx, id, tasks.ReplyOptions{Text: *text, Post: *postIt, Repost: *repost, Actor: who})
		if err != nil {
			return err
		}
		p := printerOfTask(ctx, cfg, st, t)
		how := p.T("cli.reply.recorded", nil)
		if *postIt {
			how = p.T("cli.reply.posted", nil)
		}
		fmt.Fprintln(e.Stdout, p.T("cli.reply", map[string]any{"ID": id, "How": how, "Left": p.Duration(t.FollowUpAt.Sub(now)), "At": p.ShortDateTime(*t.FollowUpAt)}))
	}
	// Every change is logged with who made it, as the web app does.
	e.Logger.Info("task action", "task", id, "action", verb, "user", who, "via", "cli")
	return nil
}

// interspersed moves flags after positional arguments to the front, so
// `tasks reply 12 --post` works like `tasks reply --post 12`.
func interspersed(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil {
			if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
				continue
			}
			if i+1 < len(args) {
				i++
				flags = append(flags, args[i])
			}
		}
	}
	return append(flags, pos...)
}

// totalOf is a list's total as shown: "10000+" past tasks.CountCap.
func totalOf(p tasks.Page) string {
	if p.More {
		return fmt.Sprintf("%d+", p.Total)
	}
	return strconv.FormatInt(p.Total, 10)
}

// listFlags repeats the filters of a list for its "next page" hint.
func listFlags(business, assignee string, overdue, all bool, limit int) string {
	var b strings.Builder
	if business != "" {
		fmt.Fprintf(&b, "--business %s ", strconv.Quote(business))
	}
	if assignee != "" {
		fmt.Fprintf(&b, "--assignee %s ", strconv.Quote(assignee))
	}
	if overdue {
		b.WriteString("--overdue ")
	}
	if all {
		b.WriteString("--all ")
	}
	if limit != tasks.DefaultPageSize {
		fmt.Fprintf(&b, "--limit %d ", limit)
	}
	return b.String()
}

func writeJSON(e *Env, v any) error {
	enc := json.NewEncoder(e.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func printTaskList(e *Env, p i18n.Printer, now time.Time, views []tasks.TaskView) {
	if len(views) == 0 {
		fmt.Fprintln(e.Stdout, p.T("cli.list.empty", nil))
		return
	}
	w := tabwriter.NewWriter(displayWriter{e.Stdout}, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, p.T("cli.list.header", nil))
	for _, v := range views {
		r := ""
		if v.Rating != nil {
			r = strconv.FormatFloat(*v.Rating, 'f', -1, 64) + "★"
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.ID, state(p, v.State), remaining(p, v, now), dash(v.Assignee),
			cell(v.Business, 24), console.Clean(v.Source), cell(v.Author, 24), r, cell(labelled(p, v), 60))
	}
	w.Flush()
}

func printTask(e *Env, p i18n.Printer, now time.Time, d tasks.TaskDetail) {
	out := displayWriter{e.Stdout}
	line := func(id string, args map[string]any) { fmt.Fprintln(out, p.T(id, args)) }
	line("cli.show.title", map[string]any{"ID": d.ID, "Kind": kind(p, d.Kind), "State": state(p, d.State), "Remaining": remaining(p, d.TaskView, now)})
	if l := label(p, d.Task); l != "" {
		line("cli.show.note", map[string]any{"Label": l})
	}
	line("cli.show.facts", map[string]any{"Business": d.Business, "Assignee": dash(d.Assignee), "Severity": d.Severity, "Deadline": p.DateTime(d.DueAt)})
	if d.IncidentID != nil {
		line("cli.show.incident", map[string]any{"ID": *d.IncidentID, "Issue": d.Issue})
	}
	sep := p.T("cli.sep", nil)
	fmt.Fprint(out, "\n"+p.T("cli.show.byline", map[string]any{"Author": console.Clean(d.Mention.Author), "Source": d.Mention.SourceKind}))
	if d.Mention.Rating != nil {
		fmt.Fprintf(out, "%s%s★", sep, strconv.FormatFloat(*d.Mention.Rating, 'f', -1, 64))
	}
	if !d.Mention.PostedAt.IsZero() {
		fmt.Fprintf(out, "%s%s", sep, p.FullDateTime(d.Mention.PostedAt))
	}
	fmt.Fprintln(out)
	for _, l := range strings.Split(console.Clean(strings.TrimSpace(d.Mention.Text)), "\n") {
		fmt.Fprintf(out, "  > %s\n", l)
	}
	if d.Link != "" {
		line("cli.show.review", map[string]any{"URL": console.Clean(d.Link)})
	}
	if d.ReplyText != "" {
		fmt.Fprintf(out, "\n%s\n  %s\n", p.T("cli.show.reply", nil), console.Clean(d.ReplyText))
	} else {
		fmt.Fprintf(out, "\n%s\n  %s\n", p.T("cli.show.draft", nil), console.Clean(d.Draft))
		if d.CanPost {
			fmt.Fprint(out, "\n"+p.T("cli.show.post", map[string]any{"ID": d.ID})+"\n")
		} else {
			fmt.Fprint(out, "\n"+p.T("cli.show.answer", map[string]any{"ID": d.ID})+"\n")
		}
	}
	fmt.Fprint(out, "\n"+p.T("cli.show.history", nil)+"\n")
	for _, ev := range d.Events {
		note := ""
		if ev.Note != "" {
			note = " — " + console.Clean(ev.Note)
		}
		fmt.Fprintf(out, "  %s  %-8s %s%s\n", ev.At.In(p.Location()).Format("2006-01-02 15:04"), console.Clean(ev.Actor), action(p, ev.Action), note)
	}
}

// displayWriter cleans what it prints for a terminal: bidi override
// characters in scraped text (U+202E) would otherwise reorder the line.
// Each Write is one formatted line or cell, so no character is split.
type displayWriter struct{ w io.Writer }

func (d displayWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(d.w, textclean.Display(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// cell fits scraped text in a table cell: one line, no control
// characters, at most n characters.
func cell(s string, n int) string {
	s = strings.Join(strings.Fields(console.Clean(s)), " ")
	if r := []rune(s); len(r) > n {
		s = string(r[:n-1]) + "…"
	}
	return s
}

// labelled is a task's excerpt, led by what is special about it ("needs
// a human read (Japanese)").
func labelled(p i18n.Printer, v tasks.TaskView) string {
	if l := label(p, v.Task); l != "" {
		return "[" + l + "] " + v.Excerpt
	}
	return v.Excerpt
}
