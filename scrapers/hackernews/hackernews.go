// Package hackernews finds stories and comments that mention the business
// on Hacker News through the public Algolia search API
// (https://hn.algolia.com/api/v1/search_by_date). No credentials are
// needed.
package hackernews

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/extract"
	"github.com/earshot/earshot/scrapers/fetch"
)

// Kind is this source's name in configs and on the command line.
const Kind = "hackernews"

// DefaultAPIBase is Algolia's HN search host.
const DefaultAPIBase = "https://hn.algolia.com"

type source struct{ f *fetch.Fetcher }

// New returns the hackernews source; its target is a search query.
func New(opts scrapers.Options) (scrapers.Source, error) {
	return &source{f: fetch.New(Kind, opts)}, nil
}

// SearchURL is the newest-first search for query; since (Unix seconds,
// the cursor) limits it to newer items.
func SearchURL(base, query string, since int64, page int) string {
	if base == "" {
		base = DefaultAPIBase
	}
	q := url.Values{}
	q.Set("query", query)
	q.Set("tags", "(story,comment)")
	q.Set("hitsPerPage", "50")
	q.Set("page", strconv.Itoa(page))
	if since > 0 {
		q.Set("numericFilters", "created_at_i>"+strconv.FormatInt(since, 10))
	}
	return strings.TrimRight(base, "/") + "/api/v1/search_by_date?" + q.Encode()
}

// Fetch searches for req.Target. The cursor is the newest item's Unix
// time, so a regular run asks only for what is newer (a backfill ignores
// it).
func (s *source) Fetch(ctx context.Context, req scrapers.Request) (scrapers.Result, error) {
	if strings.TrimSpace(req.Target) == "" {
		return scrapers.Result{Cursor: req.Cursor}, fmt.Errorf("scrapers: hackernews: empty search query: %w", scrapers.ErrConfig)
	}
	var since int64
	if !req.Backfill {
		since, _ = strconv.ParseInt(req.Cursor, 10, 64)
	}
	res, err := s.f.APIPages(ctx, req, SearchURL(req.APIBase, req.Target, since, 0), nil, Parse)
	res.Cursor = newest(res.Mentions, req.Cursor)
	return res, err
}

// newest returns the newest PostedAt as Unix seconds, or old.
func newest(ms []models.Mention, old string) string {
	best, _ := strconv.ParseInt(old, 10, 64)
	for _, m := range ms {
		if u := m.PostedAt.Unix(); !m.PostedAt.IsZero() && u > best {
			best = u
		}
	}
	if best == 0 {
		return old
	}
	return strconv.FormatInt(best, 10)
}

type hit struct {
	ObjectID    string  `json:"objectID"`
	CreatedAt   string  `json:"created_at"`
	CreatedAtI  int64   `json:"created_at_i"`
	Title       *string `json:"title"`
	StoryTitle  *string `json:"story_title"`
	URL         *string `json:"url"`
	Author      string  `json:"author"`
	StoryText   *string `json:"story_text"`
	CommentText *string `json:"comment_text"`
	// StoryID is the story a comment belongs to: the thread the task
	// page shows around a complaint.
	StoryID *int64 `json:"story_id"`
}

// Parse reads one page of search results.
func Parse(body []byte, pageURL string) ([]models.Mention, fetch.PageInfo, error) {
	var info fetch.PageInfo
	var doc struct {
		Hits    *[]hit `json:"hits"`
		Page    int    `json:"page"`
		NbPages int    `json:"nbPages"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, info, fmt.Errorf("scrapers: hackernews %s: answer is not valid JSON: %v: %w", pageURL, err, scrapers.ErrParse)
	}
	if doc.Hits == nil {
		return nil, info, fmt.Errorf("scrapers: hackernews %s: answer has no \"hits\": %w", pageURL, scrapers.ErrParse)
	}
	var ms []models.Mention
	for _, h := range *doc.Hits {
		if h.ObjectID == "" {
			continue
		}
		m := models.Mention{
			SourceKind: Kind,
			ExternalID: h.ObjectID,
			URL:        "https://news.ycombinator.com/item?id=" + url.QueryEscape(h.ObjectID),
			Author:     h.Author,
			Title:      extract.HTMLText(deref(h.Title, h.StoryTitle)),
			Text:       extract.HTMLText(deref(h.CommentText, h.StoryText)),
		}
		if t, ok := extract.Time(h.CreatedAt); ok {
			m.PostedAt = t
		} else if h.CreatedAtI > 0 {
			m.PostedAt = extract.Unix(h.CreatedAtI)
		}
		// A story is its own thread; a comment is in its story's.
		m.ThreadID = "story:" + h.ObjectID
		if h.StoryID != nil && *h.StoryID > 0 {
			m.ThreadID = "story:" + strconv.FormatInt(*h.StoryID, 10)
		}
		if m.Text == "" && h.URL != nil {
			m.Text = *h.URL
		}
		ms = append(ms, m)
	}
	if doc.Page+1 < doc.NbPages && len(ms) > 0 {
		if u, err := url.Parse(pageURL); err == nil {
			q := u.Query()
			q.Set("page", strconv.Itoa(doc.Page+1))
			u.RawQuery = q.Encode()
			info.Next = u.String()
		}
	}
	return ms, info, nil
}

func deref(ps ...*string) string {
	for _, p := range ps {
		if p != nil && *p != "" {
			return *p
		}
	}
	return ""
}
