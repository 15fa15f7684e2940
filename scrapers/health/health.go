// Package health prints sources' health for `earshot sources`: when each
// last succeeded, the last error and its class, consecutive failures, and
// what the last run collected. A source that quietly stopped returning
// reviews is what owners fear most; this listing is where they look.
package health

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/earshot/earshot/internal/wording"
	"github.com/earshot/earshot/models"
)

// Row is one source with its business's name and its latest run (nil when
// it never ran).
type Row struct {
	Business string            `json:"business"`
	Source   models.Source     `json:"source"`
	LastRun  *models.SourceRun `json:"last_run"`
	// Skipped counts the source's mentions set aside because their
	// analysis failed on its own.
	Skipped int64 `json:"skipped,omitempty"`
}

// Status summarises a source in one word: "ok", "failing" (the last run
// failed), "broken" (the owner was alerted), "quiet" (it runs without
// errors but has brought nothing new for much longer than usual), or
// "never run".
func Status(s models.Source) string {
	switch {
	case s.BrokenAlertedAt != nil:
		return "broken"
	case s.ConsecutiveFailures > 0:
		return "failing"
	case s.QuietSince != nil:
		return "quiet"
	case s.LastRunAt == nil && s.LastSuccessAt == nil:
		return "never run"
	}
	return "ok"
}

// WriteTable prints rows as a table. Times are shown relative to now (and
// as dates past a week), error messages on one line and shortened.
func WriteTable(w io.Writer, rows []Row, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tKIND\tSTATUS\tLAST SUCCESS\tFAILS\tMENTIONS\tLAST RUN\tLAST ERROR")
	for _, r := range rows {
		s := r.Source
		last := "-"
		if r.LastRun != nil {
			last = fmt.Sprintf("%s, %d parsed, %d new, %d updated", wording.Count(r.LastRun.Pages, "page"), r.LastRun.Parsed, r.LastRun.New, r.LastRun.Updated)
			if r.LastRun.Warning != "" {
				// "truncated: …" and the like: the run did not fail, but
				// missed something the owner should know about.
				last += " (" + oneLine(r.LastRun.Warning, 90) + ")"
			}
		}
		lastErr := "-"
		switch {
		case s.LastError != "":
			lastErr = fmt.Sprintf("[%s] %s", s.LastErrorClass, oneLine(s.LastError, 90))
		case s.QuietSince != nil:
			lastErr = "no new mention since " + s.QuietSince.UTC().Format("2006-01-02") + ", much longer than usual: check the target still lists reviews"
		}
		fmt.Fprintf(tw, "%s/%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\n", oneLine(r.Business, 30), oneLine(s.Name, 30), s.Kind, Status(s), ago(s.LastSuccessAt, now), s.ConsecutiveFailures, s.TotalMentions, last, lastErr)
	}
	return tw.Flush()
}

// WriteJSON prints rows as one JSON array, for scripts and monitoring.
func WriteJSON(w io.Writer, rows []Row) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if rows == nil {
		rows = []Row{}
	}
	return enc.Encode(rows)
}

func ago(t *time.Time, now time.Time) string {
	if t == nil || t.IsZero() {
		return "never"
	}
	d := now.Sub(*t)
	switch {
	case d < 0:
		return t.UTC().Format("2006-01-02 15:04")
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	case d < 7*24*time.Hour:
		return fmt.Sprintf("%dd ago", int(d.Hours()/24))
	}
	return t.UTC().Format("2006-01-02")
}

// oneLine strips control characters (error messages quote pages) and
// shortens s to n runes.
func oneLine(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
