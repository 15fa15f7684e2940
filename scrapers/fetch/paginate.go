package fetch

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
)

// PageInfo is what a parser learns about the page besides its mentions.
type PageInfo struct {
	// Next is the URL of the next (older) page, absolute or relative to
	// the page; empty on the last page.
	Next string
	// Count is the number of reviews the page says exist (an aggregate
	// rating's review count, "1,234 reviews"); 0 when unknown. A page
	// with Count > 0 that yields no reviews is a parse failure.
	Count int
	// Aggregate is the site's average rating and review count, when the
	// page shows them; the first page's is the run's.
	Aggregate *models.AggregateRating
}

// ParseFunc turns one fetched page into mentions. It must not panic on
// any input (every parser is fuzzed) and returns an error wrapping
// scrapers.ErrParse or scrapers.ErrBlocked when the page is not readable.
type ParseFunc func(body []byte, pageURL string) ([]models.Mention, PageInfo, error)

// Reviews runs a review-site source: it fetches req.Target, parses it, and
// follows Next links while the pages hold unseen mentions (or, in
// backfill, up to MaxPages). Mentions already read are returned even when
// a later page fails.
func (f *Fetcher) Reviews(ctx context.Context, req scrapers.Request, parse ParseFunc) (scrapers.Result, error) {
	return f.pages(ctx, req, req.Target, f.Page, parse)
}

// APIPages is Reviews for JSON APIs: it starts at start, sends hdr
// (credentials) with every request, skips robots.txt, and follows the
// Next URLs the parser returns.
func (f *Fetcher) APIPages(ctx context.Context, req scrapers.Request, start string, hdr http.Header, parse ParseFunc) (scrapers.Result, error) {
	get := func(ctx context.Context, u string) (*Response, error) {
		return f.API(ctx, http.MethodGet, u, hdr, nil)
	}
	return f.pages(ctx, req, start, get, parse)
}

func (f *Fetcher) pages(ctx context.Context, req scrapers.Request, start string, get func(context.Context, string) (*Response, error), parse ParseFunc) (scrapers.Result, error) {
	var res scrapers.Result
	res.Cursor = req.Cursor
	u, err := ParseTarget(start)
	if err != nil {
		return res, fmt.Errorf("scrapers: %s: %w", f.kind, err)
	}
	maxPages := req.MaxPages
	if maxPages <= 0 {
		maxPages = scrapers.DefaultMaxPages
	}
	visited := map[string]bool{}
	next := u.String()
	for next != "" && res.Pages < maxPages {
		if visited[next] {
			break
		}
		visited[next] = true
		resp, err := get(ctx, next)
		if err != nil {
			return res, err
		}
		res.Pages++
		if resp.Truncated {
			res.Warnings = append(res.Warnings, TruncatedWarning(resp.URL))
		}
		ms, info, err := f.parseWithin(ctx, resp.Body, resp.URL, parse)
		if err != nil {
			return res, err
		}
		res.Mentions = append(res.Mentions, ms...)
		if res.Aggregate == nil {
			res.Aggregate = info.Aggregate
		}
		if req.Progress != nil {
			req.Progress(res.Pages, len(res.Mentions))
		}
		if len(ms) == 0 || (!req.Backfill && allSeen(ms, req.Seen)) {
			break
		}
		next = resolveSameHost(resp.URL, info.Next)
	}
	return res, nil
}

// parseWithin is ParsePage bounded by scraping.timeout: parsers are
// linear, but a hostile page at the size limit must not hold a run (and
// the scheduler's singleton slot) for minutes. A parse that overruns is
// reported as a timeout; its goroutine finishes on its own, on at most
// MaxBody bytes.
func (f *Fetcher) parseWithin(ctx context.Context, body []byte, pageURL string, parse ParseFunc) ([]models.Mention, PageInfo, error) {
	type out struct {
		ms   []models.Mention
		info PageInfo
		err  error
	}
	done := make(chan out, 1)
	go func() {
		ms, info, err := f.ParsePage(body, pageURL, parse)
		done <- out{ms, info, err}
	}()
	tctx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
	defer cancel()
	select {
	case o := <-done:
		return o.ms, o.info, o.err
	case <-tctx.Done():
		if ctx.Err() != nil {
			return nil, PageInfo{}, f.Errorf(pageURL, ctx.Err(), "cancelled while parsing")
		}
		return nil, PageInfo{}, f.Errorf(pageURL, scrapers.ErrTimeout, "parsing took longer than %s", f.opts.Timeout)
	}
}

// ParsePage applies parse to one page and the checks every review site
// shares: a block page is ErrBlocked, a page claiming reviews but yielding
// none is ErrParse, and every mention gets the kind and a URL.
func (f *Fetcher) ParsePage(body []byte, pageURL string, parse ParseFunc) ([]models.Mention, PageInfo, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		// An empty 200 is a broken answer, never "0 reviews".
		return nil, PageInfo{}, f.Errorf(pageURL, scrapers.ErrParse, "the answer was empty")
	}
	ms, info, err := parse(body, pageURL)
	if err != nil {
		if len(ms) == 0 {
			if reason := LooksBlocked(body); reason != "" {
				return nil, info, f.Errorf(pageURL, scrapers.ErrBlocked, "%s", reason)
			}
		}
		return ms, info, err
	}
	if len(ms) == 0 {
		if reason := LooksBlocked(body); reason != "" {
			return nil, info, f.Errorf(pageURL, scrapers.ErrBlocked, "%s", reason)
		}
		if info.Count > 0 {
			return nil, info, f.Errorf(pageURL, scrapers.ErrParse, "page reports %d reviews but none could be read (layout changed?)", info.Count)
		}
	}
	for i := range ms {
		if ms[i].SourceKind == "" {
			ms[i].SourceKind = f.kind
		}
		if ms[i].URL == "" {
			ms[i].URL = pageURL
		}
	}
	return ms, info, nil
}

func allSeen(ms []models.Mention, seen func(string) bool) bool {
	if seen == nil {
		return false
	}
	for _, m := range ms {
		if !seen(m.ExternalID) {
			return false
		}
	}
	return true
}

// resolveSameHost resolves ref against base and refuses links to other
// hosts: a hostile page must not steer the crawler elsewhere.
func resolveSameHost(base, ref string) string {
	if ref == "" {
		return ""
	}
	b, err := url.Parse(base)
	if err != nil {
		return ""
	}
	r, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	n := b.ResolveReference(r)
	if n.Host != b.Host || (n.Scheme != "http" && n.Scheme != "https") {
		return ""
	}
	n.Fragment = ""
	return n.String()
}

// PageSource is the Source of a review site read page by page with one
// ParseFunc: Fetch follows the pages' next links through Reviews. Most
// review sites need nothing more than their parser.
func PageSource(kind string, opts scrapers.Options, parse ParseFunc) scrapers.Source {
	return pageSource{f: New(kind, opts), parse: parse}
}

type pageSource struct {
	f     *Fetcher
	parse ParseFunc
}

func (s pageSource) Fetch(ctx context.Context, req scrapers.Request) (scrapers.Result, error) {
	return s.f.Reviews(ctx, req, s.parse)
}
