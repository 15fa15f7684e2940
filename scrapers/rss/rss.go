// Package rss reads any RSS, Atom or JSON Feed (Google Alerts, a blog's
// comments, a subreddit's feed) through github.com/mmcdole/gofeed. Feeds
// are how many monitoring services hand out results, so this one kind
// covers sources that have no API of their own.
package rss

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/mmcdole/gofeed"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/extract"
	"github.com/earshot/earshot/scrapers/fetch"
)

// Kind is this source's name in configs and on the command line.
const Kind = "rss"

type source struct{ f *fetch.Fetcher }

// New returns the rss source. Its target is the feed URL.
func New(opts scrapers.Options) (scrapers.Source, error) {
	return &source{f: fetch.New(Kind, opts)}, nil
}

// Fetch reads the feed once: feeds hold their newest items and have no
// pages to follow.
func (s *source) Fetch(ctx context.Context, req scrapers.Request) (scrapers.Result, error) {
	res := scrapers.Result{Cursor: req.Cursor}
	target := req.Target
	if req.APIBase != "" && !strings.HasPrefix(target, "http") {
		target = strings.TrimRight(req.APIBase, "/") + "/" + strings.TrimLeft(target, "/")
	}
	resp, err := s.f.Page(ctx, target)
	if err != nil {
		return res, err
	}
	res.Pages = 1
	if resp.Truncated {
		res.Warnings = append(res.Warnings, fetch.TruncatedWarning(resp.URL))
	}
	ms, _, err := s.f.ParsePage(resp.Body, resp.URL, Parse)
	res.Mentions = ms
	if req.Progress != nil {
		req.Progress(res.Pages, len(ms))
	}
	return res, err
}

// Parse reads one feed document. An HTML page or garbage where a feed was
// expected is a parse failure naming the feed.
func Parse(body []byte, feedURL string) ([]models.Mention, fetch.PageInfo, error) {
	var info fetch.PageInfo
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, info, fmt.Errorf("scrapers: rss %s: empty response where a feed was expected: %w", fetch.Redact(feedURL), scrapers.ErrParse)
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		return nil, info, fmt.Errorf("scrapers: rss %s: not an RSS, Atom or JSON feed: %v: %w", fetch.Redact(feedURL), err, scrapers.ErrParse)
	}
	ms := make([]models.Mention, 0, len(feed.Items))
	for _, it := range feed.Items {
		if it == nil {
			continue
		}
		ms = append(ms, fromItem(it, feed, feedURL))
	}
	return ms, info, nil
}

func fromItem(it *gofeed.Item, feed *gofeed.Feed, feedURL string) models.Mention {
	m := models.Mention{SourceKind: Kind}
	m.URL = unwrapRedirect(strings.TrimSpace(it.Link))
	if m.URL == "" && len(it.Links) > 0 {
		m.URL = unwrapRedirect(strings.TrimSpace(it.Links[0]))
	}
	m.Title = extract.HTMLText(it.Title)
	text := it.Content
	if strings.TrimSpace(extract.HTMLText(text)) == "" {
		text = it.Description
	}
	m.Text = extract.HTMLText(text)
	switch {
	case it.Author != nil && it.Author.Name != "":
		m.Author = extract.Clean(it.Author.Name)
	case len(it.Authors) > 0 && it.Authors[0] != nil && it.Authors[0].Name != "":
		m.Author = extract.Clean(it.Authors[0].Name)
	case it.Author != nil:
		m.Author = extract.Clean(it.Author.Email)
	}
	m.Language = extract.Clean(feed.Language)
	if it.PublishedParsed != nil {
		m.PostedAt = it.PublishedParsed.UTC()
	}
	if it.UpdatedParsed != nil {
		u := it.UpdatedParsed.UTC()
		switch {
		case m.PostedAt.IsZero():
			m.PostedAt = u
		case u.After(m.PostedAt):
			m.EditedAt = &u
		}
	}
	switch {
	case strings.TrimSpace(it.GUID) != "":
		m.ExternalID = extract.SiteID(it.GUID, feedURL)
		m.LegacyIDs = []string{strings.TrimSpace(it.GUID)}
	case m.URL != "":
		m.ExternalID = extract.SiteID(m.URL, feedURL)
		m.LegacyIDs = []string{m.URL}
	default:
		m.ExternalID = extract.HashID(extract.PagePath(feedURL), m.Title, m.PostedAt.String())
		m.LegacyIDs = []string{extract.HashID(feedURL, m.Title, m.PostedAt.String())}
	}
	if m.LegacyIDs[0] == m.ExternalID {
		m.LegacyIDs = nil
	}
	if m.URL == "" {
		m.URL = feedURL
	}
	return m
}

// unwrapRedirect returns the article URL behind a Google Alerts
// redirect (https://www.google.com/url?...&url=REAL), so staff land on
// the page itself.
func unwrapRedirect(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return link
	}
	if strings.HasSuffix(u.Hostname(), "google.com") && u.Path == "/url" {
		for _, k := range []string{"url", "q"} {
			if t := u.Query().Get(k); strings.HasPrefix(t, "http") {
				return t
			}
		}
	}
	return link
}
