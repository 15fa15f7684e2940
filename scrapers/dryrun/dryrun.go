// Package dryrun implements `earshot scrape --kind KIND --url URL`: fetch
// one source without a config file or database and print what it
// collected. Users run it to check a source before adding it to their
// config; the project runs it to check a parser against a live page.
package dryrun

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode"

	"github.com/earshot/earshot/internal/wording"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/registry"
)

// Output formats.
const (
	FormatTable = "table"
	FormatJSONL = "jsonl"
)

// Config is one dry run.
type Config struct {
	Kind string
	// Target is the page URL (review kinds) or the query / feed URL
	// (social kinds).
	Target  string
	APIBase string
	// API selects the API version of kinds that speak several (twitter:
	// v1.1 or v2), as a source's `api:` does.
	API string
	// Format is FormatTable (default) or FormatJSONL.
	Format   string
	MaxPages int
	Backfill bool
	// Progress, when set (a terminal), receives a one-line progress bar.
	Progress io.Writer
}

// Run fetches cfg's source and prints its mentions to stdout. It returns
// an error (after printing whatever was collected) when the source was
// blocked, unreachable or unparseable, so the command exits non-zero; a
// page that truly has no mentions is not an error.
func Run(ctx context.Context, cfg Config, opts scrapers.Options, stdout io.Writer) (scrapers.Result, error) {
	if cfg.Kind == "" {
		return scrapers.Result{}, fmt.Errorf("scrapers: --kind is required (one of %s): %w", strings.Join(registry.Names(), ", "), scrapers.ErrConfig)
	}
	if strings.TrimSpace(cfg.Target) == "" {
		what := "--url"
		if k, ok := registry.Lookup(cfg.Kind); ok && k.Social() {
			what = "--query (or --url for a feed)"
		}
		return scrapers.Result{}, fmt.Errorf("scrapers: %s needs %s: %w", cfg.Kind, what, scrapers.ErrConfig)
	}
	switch cfg.Format {
	case "", FormatTable, FormatJSONL:
	default:
		return scrapers.Result{}, fmt.Errorf("scrapers: --format %q: use table or jsonl: %w", cfg.Format, scrapers.ErrConfig)
	}
	src, err := registry.New(cfg.Kind, opts)
	if err != nil {
		return scrapers.Result{}, err
	}
	req := scrapers.Request{Target: cfg.Target, APIBase: cfg.APIBase, API: cfg.API, MaxPages: cfg.MaxPages, Backfill: cfg.Backfill}
	if cfg.Progress != nil {
		req.Progress = func(pages, mentions int) {
			fmt.Fprintf(cfg.Progress, "\r%s pages %d, mentions %d", bar(pages, cfg.MaxPages), pages, mentions)
		}
	}
	res, ferr := src.Fetch(ctx, req)
	if cfg.Progress != nil && res.Pages > 0 {
		fmt.Fprintln(cfg.Progress)
	}
	var werr error
	switch {
	case ferr != nil && len(res.Mentions) == 0:
		// Nothing to show: the one-line reason is the whole answer.
	case cfg.Format == FormatJSONL:
		werr = WriteJSONL(stdout, res.Mentions)
	default:
		werr = WriteTable(stdout, res.Mentions)
	}
	if ferr != nil {
		return res, ferr
	}
	return res, werr
}

func bar(pages, maxPages int) string {
	if maxPages <= 0 {
		maxPages = scrapers.DefaultMaxPages
	}
	const width = 20
	n := min(width, pages*width/max(maxPages, 1))
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", width-n) + "]"
}

// WriteJSONL prints one JSON object per mention (scrapers.Record).
func WriteJSONL(w io.Writer, ms []models.Mention) error {
	enc := json.NewEncoder(w)
	for _, m := range ms {
		if err := enc.Encode(scrapers.ToRecord(m)); err != nil {
			return err
		}
	}
	return nil
}

// WriteTable prints a readable table. Scraped text is hostile: control
// characters (terminal escape sequences) are removed before printing.
func WriteTable(w io.Writer, ms []models.Mention) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "POSTED\tRATING\tAUTHOR\tTEXT\tREPLY\tID")
	for _, m := range ms {
		posted := "-"
		if !m.PostedAt.IsZero() {
			posted = m.PostedAt.Format("2006-01-02")
		}
		rating := "-"
		if m.Rating != nil {
			rating = fmt.Sprintf("%.1f", *m.Rating)
		}
		text := m.Text
		if m.Title != "" {
			text = m.Title + ": " + text
		}
		reply := "no"
		if m.Reply != "" {
			reply = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", posted, rating, cell(m.Author, 20), cell(text, 60), reply, cell(m.ExternalID, 40))
	}
	fmt.Fprintln(tw, wording.Count(len(ms), "mention"))
	return tw.Flush()
}

// cell makes s safe and short for one table cell.
func cell(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
			return ' '
		case unicode.IsControl(r) || r == '\u202e' || r == '\u202d':
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "-"
	}
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
