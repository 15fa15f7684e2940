// Package appstore reads an iOS app's customer reviews from Apple's
// public customer-reviews RSS feed in its JSON form
// (https://itunes.apple.com/<cc>/rss/customerreviews/page=N/id=<app>/sortby=mostrecent/json),
// all pages (Apple serves at most ten of fifty reviews each). No
// credentials are needed.
package appstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/mmcdole/gofeed"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/extract"
	"github.com/earshot/earshot/scrapers/fetch"
)

// Kind is this source's name in configs and on the command line.
const Kind = "appstore"

// DefaultAPIBase is Apple's feed host.
const DefaultAPIBase = "https://itunes.apple.com"

// maxFeedPages is the last page Apple serves.
const maxFeedPages = 10

type source struct{ f *fetch.Fetcher }

// New returns the appstore source. Its target is the app's App Store URL
// (https://apps.apple.com/us/app/name/id474495017), "id474495017" or
// "nl/474495017" (country code, default us).
func New(opts scrapers.Options) (scrapers.Source, error) {
	return &source{f: fetch.New(Kind, opts)}, nil
}

var (
	appURL  = regexp.MustCompile(`apple\.com/([a-z]{2})/app/(?:[^/]*/)?id(\d+)`)
	plainID = regexp.MustCompile(`^(?:([a-zA-Z]{2})[/:])?(?:id)?(\d{3,})$`)
	feedURL = regexp.MustCompile(`/([a-z]{2})/rss/customerreviews/(?:page=(\d+)/)?id=(\d+)`)
)

// Target parses a target into country and app id.
func Target(t string) (country, id string, err error) {
	t = strings.TrimSpace(t)
	if m := appURL.FindStringSubmatch(t); m != nil {
		return m[1], m[2], nil
	}
	if m := feedURL.FindStringSubmatch(t); m != nil {
		return m[1], m[3], nil
	}
	if m := plainID.FindStringSubmatch(t); m != nil {
		c := strings.ToLower(m[1])
		if c == "" {
			c = "us"
		}
		return c, m[2], nil
	}
	return "", "", fmt.Errorf("scrapers: appstore: target %q is not an App Store app URL or id: %w", t, scrapers.ErrConfig)
}

// FeedURL is the JSON feed page n of an app.
func FeedURL(base, country, id string, page int) string {
	if base == "" {
		base = DefaultAPIBase
	}
	return fmt.Sprintf("%s/%s/rss/customerreviews/page=%d/id=%s/sortby=mostrecent/json", strings.TrimRight(base, "/"), country, page, id)
}

// Fetch reads the feed from page 1 until a page holds only stored
// reviews, or all ten pages in backfill.
func (s *source) Fetch(ctx context.Context, req scrapers.Request) (scrapers.Result, error) {
	country, id, err := Target(req.Target)
	if err != nil {
		return scrapers.Result{Cursor: req.Cursor}, err
	}
	if req.MaxPages <= 0 || req.MaxPages > maxFeedPages {
		req.MaxPages = maxFeedPages
	}
	return s.f.APIPages(ctx, req, FeedURL(req.APIBase, country, id, 1), nil, Parse)
}

type label struct {
	Label string `json:"label"`
}

type entry struct {
	ID      label `json:"id"`
	Updated label `json:"updated"`
	Rating  label `json:"im:rating"`
	Version label `json:"im:version"`
	Title   label `json:"title"`
	Content label `json:"content"`
	Author  struct {
		Name label `json:"name"`
		URI  label `json:"uri"`
	} `json:"author"`
}

// Parse reads one page of the JSON feed. Old feeds put the app itself
// first as an entry without a rating; it is skipped.
func Parse(body []byte, pageURL string) ([]models.Mention, fetch.PageInfo, error) {
	var info fetch.PageInfo
	if t := bytes.TrimSpace(body); len(t) > 0 && t[0] == '<' {
		return parseXML(body, pageURL)
	}
	var doc struct {
		Feed *struct {
			Entry json.RawMessage `json:"entry"`
		} `json:"feed"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, info, fmt.Errorf("scrapers: appstore %s: feed is not valid JSON (truncated?): %v: %w", fetch.Redact(pageURL), err, scrapers.ErrParse)
	}
	if doc.Feed == nil {
		return nil, info, fmt.Errorf("scrapers: appstore %s: no \"feed\" object: not a customer-reviews feed: %w", fetch.Redact(pageURL), scrapers.ErrParse)
	}
	var entries []entry
	raw := strings.TrimSpace(string(doc.Feed.Entry))
	switch {
	case raw == "" || raw == "null":
	case strings.HasPrefix(raw, "{"):
		var e entry
		if err := json.Unmarshal(doc.Feed.Entry, &e); err != nil {
			return nil, info, fmt.Errorf("scrapers: appstore %s: entry: %v: %w", fetch.Redact(pageURL), err, scrapers.ErrParse)
		}
		entries = []entry{e}
	default:
		if err := json.Unmarshal(doc.Feed.Entry, &entries); err != nil {
			return nil, info, fmt.Errorf("scrapers: appstore %s: entries: %v: %w", fetch.Redact(pageURL), err, scrapers.ErrParse)
		}
	}
	link, page := appLink(pageURL)
	var ms []models.Mention
	for _, e := range entries {
		if e.Rating.Label == "" || e.ID.Label == "" {
			continue
		}
		m := models.Mention{SourceKind: Kind, ExternalID: e.ID.Label, URL: link}
		if v, ok := extract.Float(e.Rating.Label); ok {
			m.Rating = extract.Stars(v, 5, 1)
		}
		m.Author = extract.Clean(e.Author.Name.Label)
		m.Title = extract.Clean(e.Title.Label)
		m.Text = extract.Clean(e.Content.Label)
		if t, ok := extract.Time(e.Updated.Label); ok {
			m.PostedAt = t
		}
		ms = append(ms, m)
	}
	info.Next = nextPage(pageURL, page, len(ms))
	return ms, info, nil
}

// appLink is the app's reviews page on the App Store (for staff to read
// a review in context) and the feed page number, both taken from the
// feed URL.
func appLink(pageURL string) (string, int) {
	m := feedURL.FindStringSubmatch(pageURL)
	if m == nil {
		return pageURL, 0
	}
	page, _ := strconv.Atoi(m[2])
	return fmt.Sprintf("https://apps.apple.com/%s/app/id%s?see-all=reviews", m[1], m[3]), page
}

func nextPage(pageURL string, page, n int) string {
	if page <= 0 || page >= maxFeedPages || n == 0 {
		return ""
	}
	next := strings.Replace(pageURL, "page="+strconv.Itoa(page)+"/", "page="+strconv.Itoa(page+1)+"/", 1)
	if _, err := url.Parse(next); err != nil {
		return ""
	}
	return next
}

// parseXML reads the Atom form of the same feed (.../xml), whose
// entries carry im:rating.
func parseXML(body []byte, pageURL string) ([]models.Mention, fetch.PageInfo, error) {
	var info fetch.PageInfo
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		return nil, info, fmt.Errorf("scrapers: appstore %s: not a customer-reviews feed: %v: %w", fetch.Redact(pageURL), err, scrapers.ErrParse)
	}
	link, page := appLink(pageURL)
	var ms []models.Mention
	for _, it := range feed.Items {
		if it == nil {
			continue
		}
		var rating string
		if r := it.Extensions["im"]["rating"]; len(r) > 0 {
			rating = r[0].Value
		}
		id := strings.TrimSpace(it.GUID)
		if rating == "" || id == "" {
			continue // the app's own entry in old feeds
		}
		m := models.Mention{SourceKind: Kind, ExternalID: id, URL: link, Title: extract.Clean(it.Title)}
		if v, ok := extract.Float(rating); ok {
			m.Rating = extract.Stars(v, 5, 1)
		}
		text := it.Content
		if text == "" {
			text = it.Description
		}
		m.Text = extract.HTMLText(text)
		if it.Author != nil {
			m.Author = extract.Clean(it.Author.Name)
		}
		switch {
		case it.UpdatedParsed != nil:
			m.PostedAt = it.UpdatedParsed.UTC()
		case it.PublishedParsed != nil:
			m.PostedAt = it.PublishedParsed.UTC()
		}
		ms = append(ms, m)
	}
	info.Next = nextPage(pageURL, page, len(ms))
	return ms, info, nil
}
