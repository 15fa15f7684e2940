package demo

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/earshot/earshot/app"
	"github.com/earshot/earshot/digest"
	"github.com/earshot/earshot/tasks"
)

// writeTasks lists the tasks the run opened, with their deadlines in the
// business's time zone and the start of each drafted reply.
func writeTasks(ctx context.Context, w io.Writer, a *app.App, res *Result, loc *time.Location) error {
	now := a.Clock.Now()
	views, err := a.Tasks.List(ctx, now, tasks.ListOptions{Business: BusinessName, All: true})
	if err != nil {
		return err
	}
	res.Tasks = int64(len(views))
	fmt.Fprintf(w, "\nTasks opened: %d\n", len(views))
	for _, t := range views {
		who := t.Assignee
		if who == "" {
			who = "nobody"
		}
		fmt.Fprintf(w, "  #%-3d %-9s %-22s deadline %s  severity %d  %s (%s), assigned to %s\n",
			t.ID, t.Kind, t.Remaining, t.DueAt.In(loc).Format("Mon 15:04 MST"), t.Severity, t.Author, t.Source, who)
		if t.Draft != "" {
			fmt.Fprintf(w, "       draft reply: %s\n", clip(t.Draft, 90))
		}
	}
	return nil
}

// writeDigest writes this week's digest preview next to the database.
func writeDigest(ctx context.Context, a *app.App, res *Result) error {
	biz, err := a.Store.BusinessByName(ctx, BusinessName)
	if err != nil {
		return err
	}
	res.DigestPath = filepath.Join(res.Dir, "digest-preview.html")
	return digest.WritePreview(ctx, a.Store, biz, digest.Week{}, res.DigestPath, a.Clock.Now())
}
