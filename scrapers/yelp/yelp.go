// Package yelp reads a business's reviews from its Yelp page
// (https://www.yelp.com/biz/<alias>). Current pages embed the reviews as
// JSON in <script type="application/json"> blobs; older ones carry
// schema.org microdata (div[itemprop=review]) with the owner's reply in
// div.biz-owner-reply; some carry JSON-LD. The parser tries them in that
// order. Yelp is quick to show a captcha (DataDome) or an IP-block page,
// which are reported as blocked.
package yelp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/extract"
	"github.com/earshot/earshot/scrapers/fetch"
	"github.com/earshot/earshot/scrapers/jsonld"
)

// Kind is this source's name in configs and on the command line.
const Kind = "yelp"

// New returns the yelp source; its target is the business page URL.
// It reads the business page and follows ?start=N pagination.
func New(opts scrapers.Options) (scrapers.Source, error) {
	return fetch.PageSource(Kind, opts, Parse), nil
}

// Parse reads one Yelp business page.
func Parse(body []byte, pageURL string) ([]models.Mention, fetch.PageInfo, error) {
	var info fetch.PageInfo
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return nil, info, fmt.Errorf("scrapers: yelp %s: reading HTML: %v: %w", pageURL, err, scrapers.ErrParse)
	}
	info.Next = jsonld.NextLink(doc)
	if info.Next == "" {
		info.Next, _ = doc.Find("a.next, a.pagination-links_anchor.next").First().Attr("href")
	}
	// The business's own average and count, for the digest.
	nodes, _, _ := jsonld.Blocks(doc)
	if info.Aggregate = jsonld.Aggregate(nodes); info.Aggregate == nil {
		info.Aggregate = jsonld.MicrodataAggregate(doc)
	}
	ms, count, badJSON := fromEmbedded(doc, pageURL)
	info.Count = count
	if len(ms) > 0 {
		return ms, info, nil
	}
	ms, mcount := microdata(doc, pageURL)
	info.Count = max(info.Count, mcount)
	if len(ms) > 0 {
		return ms, info, nil
	}
	if ms := fromCards(doc, pageURL); len(ms) > 0 {
		return ms, info, nil
	}
	if ms := from2008(doc, pageURL); len(ms) > 0 {
		return ms, info, nil
	}
	ms, lcount := jsonld.FromNodes(nodes, pageURL, Kind)
	info.Count = max(info.Count, lcount)
	if len(ms) == 0 && badJSON != nil {
		return nil, info, fmt.Errorf("scrapers: yelp %s: embedded review JSON unreadable (truncated?): %v: %w", pageURL, badJSON, scrapers.ErrParse)
	}
	return ms, info, nil
}

// microdata reads div[itemprop=review] items, keeping Yelp's own review
// IDs and owner replies.
func microdata(doc *goquery.Document, pageURL string) ([]models.Mention, int) {
	var ms []models.Mention
	count := 0
	doc.Find(`[itemprop="aggregateRating"] [itemprop="reviewCount"], [itemprop="reviewCount"]`).Each(func(_ int, s *goquery.Selection) {
		v := s.AttrOr("content", s.Text())
		if n, ok := extract.Int(v); ok && n > count {
			count = n
		}
	})
	doc.Find(`[itemprop="review"][itemscope]`).Each(func(_ int, s *goquery.Selection) {
		m := jsonld.FromReview(jsonld.Item(s, 0), pageURL, Kind)
		if id := strings.TrimSpace(s.AttrOr("data-review-id", "")); id != "" {
			m.ExternalID = id
			m.URL = reviewURL(pageURL, id)
		}
		if m.Author == "" {
			m.Author = extract.SelText(s.Find(".user-display-name").First())
		}
		if reply := s.Find(".biz-owner-reply").First(); reply.Length() > 0 {
			m.Reply, m.ReplyAt = ownerReply(reply)
		}
		ms = append(ms, m)
	})
	return jsonld.Dedupe(ms), count
}

// ownerReply reads the business's reply. Yelp prints a long reply twice:
// a visible copy cut at "…" and the full text in a hidden
// .js-content-toggleable that "Read more" reveals; the full one is the
// reply.
func ownerReply(reply *goquery.Selection) (string, *time.Time) {
	at := extract.TimePtr(extract.Clean(reply.Find(".biz-owner-reply-date").First().Text()))
	best := ""
	reply.Find(".js-content-toggleable").Each(func(_ int, t *goquery.Selection) {
		if t.Is(".review-footer") || t.Find(".biz-owner-reply-header, .biz-owner-reply-date").Length() > 0 {
			return
		}
		if txt := extract.SelText(t); len([]rune(txt)) > len([]rune(best)) {
			best = txt
		}
	})
	if best != "" {
		return best, at
	}
	body := reply.Find(".biz-owner-reply-body, p").First()
	if body.Length() == 0 {
		body = reply.Clone()
		body.Find(".biz-owner-reply-header").Remove()
	}
	return extract.SelText(body), at
}

var starTitle = regexp.MustCompile(`(\d(?:[.,]\d)?)\s*star`)

// fromCards reads review cards that carry no microdata (2017–2019
// markup): div.review[data-review-id] with the rating in a star
// element's title or class, the date in .rating-qualifier.
func fromCards(doc *goquery.Document, pageURL string) []models.Mention {
	var ms []models.Mention
	doc.Find("div.review[data-review-id]").Each(func(_ int, c *goquery.Selection) {
		id := strings.TrimSpace(c.AttrOr("data-review-id", ""))
		stars := c.Find(".biz-rating [title], .i-stars[title], [aria-label*=\"star rating\"]").First()
		label := stars.AttrOr("title", stars.AttrOr("aria-label", ""))
		sm := starTitle.FindStringSubmatch(label)
		if id == "" || sm == nil {
			return // sidebars and "first to review" prompts share the class
		}
		m := models.Mention{SourceKind: Kind, ExternalID: id, URL: reviewURL(pageURL, id)}
		if v, ok := extract.Float(sm[1]); ok {
			m.Rating = extract.Stars(v, 5, 1)
		}
		m.Author = extract.SelText(c.Find(".user-display-name, .user-name a").First())
		q := c.Find(".rating-qualifier").First().Clone()
		q.Find("small, span").Remove()
		if t, ok := extract.Time(extract.Clean(q.Text())); ok {
			m.PostedAt = t
		}
		body := c.Find(".review-content p[lang], .review-content > p").First()
		m.Text = extract.SelText(body)
		m.Language = body.AttrOr("lang", "")
		if reply := c.Find(".biz-owner-reply").First(); reply.Length() > 0 {
			m.Reply, m.ReplyAt = ownerReply(reply)
		}
		ms = append(ms, m)
	})
	return ms
}

var usDate = regexp.MustCompile(`\d{1,2}/\d{1,2}/\d{4}`)

var starsClass = regexp.MustCompile(`\bstars_(\d)(_half)?\b`)

// from2008 reads the oldest markup still found in archives:
// div.review#review_<id>, .rating.stars_N, em.smaller dates and
// p.review_comment. A featured review repeats one of the list; it is
// kept once.
func from2008(doc *goquery.Document, pageURL string) []models.Mention {
	var ms []models.Mention
	seen := map[string]bool{}
	doc.Find(`div.review[id^="review_"]`).Each(func(_ int, c *goquery.Selection) {
		id := strings.TrimPrefix(c.AttrOr("id", ""), "review_")
		sm := starsClass.FindStringSubmatch(c.Find(".rating").First().AttrOr("class", ""))
		text := extract.SelText(c.Find("p.review_comment").First())
		if id == "" || seen[id] || sm == nil || text == "" {
			return
		}
		seen[id] = true
		m := models.Mention{SourceKind: Kind, ExternalID: id, URL: reviewURL(pageURL, id), Text: text}
		if v, ok := extract.Float(sm[1]); ok {
			if sm[2] != "" {
				v += 0.5
			}
			m.Rating = extract.Stars(v, 5, 1)
		}
		m.Author = extract.SelText(c.Find(".reviewer_info a").First())
		dt := c.Find(".ext_rating em, em.smaller").First().Text()
		if d := usDate.FindString(dt); d != "" {
			if t, ok := extract.Time(d); ok {
				m.PostedAt = t
				if strings.Contains(strings.ToLower(dt), "updated") {
					m.EditedAt = &t // "Updated - 10/07/2008": edited that day
				}
			}
		}
		ms = append(ms, m)
	})
	return ms
}

// fromEmbedded walks every JSON script of the page for review objects:
// an id, a numeric rating and a comment or text. It returns the first
// JSON error when a blob that mentions reviews could not be decoded.
func fromEmbedded(doc *goquery.Document, pageURL string) ([]models.Mention, int, error) {
	var ms []models.Mention
	count := 0
	var firstErr error
	seen := map[string]bool{}
	doc.Find(`script[type="application/json"]`).Each(func(_ int, s *goquery.Selection) {
		raw := strings.TrimSpace(s.Text())
		raw = strings.TrimSuffix(strings.TrimPrefix(raw, "<!--"), "-->")
		if !strings.Contains(raw, "review") && !strings.Contains(raw, "Review") {
			return
		}
		var v any
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			return
		}
		walk(v, 0, func(o map[string]any) bool {
			if n, ok := extract.Int(o["reviewCount"]); ok && n > count {
				count = n
			}
			m, ok := reviewObject(o, pageURL)
			if !ok {
				return false
			}
			if !seen[m.ExternalID] {
				seen[m.ExternalID] = true
				ms = append(ms, m)
			}
			return true
		})
	})
	return ms, count, firstErr
}

// walk calls fn on every object; fn returns true to stop descending.
func walk(v any, depth int, fn func(map[string]any) bool) {
	if depth > 64 {
		return
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			walk(e, depth+1, fn)
		}
	case map[string]any:
		if fn(x) {
			return
		}
		for _, e := range x {
			walk(e, depth+1, fn)
		}
	}
}

func reviewObject(o map[string]any, pageURL string) (models.Mention, bool) {
	id := str(o["encid"])
	if id == "" {
		id = str(o["id"])
	}
	rating, okRating := extract.Float(o["rating"])
	text := ""
	lang := ""
	switch c := o["comment"].(type) {
	case map[string]any:
		text = str(c["text"])
		lang = str(c["language"])
	case string:
		text = c
	}
	if text == "" {
		text = str(o["text"])
	}
	if id == "" || !okRating || text == "" {
		return models.Mention{}, false
	}
	m := models.Mention{SourceKind: Kind, ExternalID: id, URL: reviewURL(pageURL, id)}
	m.Rating = extract.Stars(rating, 5, 1)
	m.Text = extract.HTMLText(text)
	m.Language = lang
	if u, ok := o["user"].(map[string]any); ok {
		m.Author = extract.HTMLText(firstStr(u, "markupDisplayName", "displayName", "name", "altText"))
	}
	m.PostedAt = when(o, "createdAt", "time_created", "localizedDate", "date")
	if t := when(o, "updatedAt", "time_updated"); !t.IsZero() && t.After(m.PostedAt) {
		m.EditedAt = &t
	}
	if replies, ok := o["businessOwnerReplies"].([]any); ok && len(replies) > 0 {
		if r, ok := replies[0].(map[string]any); ok {
			switch c := r["comment"].(type) {
			case map[string]any:
				m.Reply = extract.HTMLText(str(c["text"]))
			case string:
				m.Reply = extract.HTMLText(c)
			}
			if m.Reply == "" {
				m.Reply = extract.HTMLText(str(r["text"]))
			}
			if t := when(r, "createdAt", "localizedDate", "date"); !t.IsZero() {
				m.ReplyAt = &t
			}
		}
	}
	return m, true
}

// when reads the first readable date among keys; Yelp gives ISO strings,
// {"utcDateTime": ...} objects, Unix seconds, or "11/3/2026".
func when(o map[string]any, keys ...string) time.Time {
	for _, k := range keys {
		switch v := o[k].(type) {
		case string:
			if t, ok := extract.Time(v); ok {
				return t
			}
		case float64:
			if v > 0 && v < 1e14 {
				return extract.Unix(int64(v))
			}
		case map[string]any:
			if t, ok := extract.Time(firstStr(v, "utcDateTime", "iso", "value")); ok {
				return t
			}
		}
	}
	return time.Time{}
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}

func firstStr(o map[string]any, keys ...string) string {
	for _, k := range keys {
		if s := str(o[k]); s != "" {
			return s
		}
	}
	return ""
}

// reviewURL links to one review: Yelp's ?hrid= permalink on the business
// page.
func reviewURL(pageURL, id string) string {
	u, err := url.Parse(pageURL)
	if err != nil || u.Host == "" {
		return pageURL
	}
	q := url.Values{}
	q.Set("hrid", id)
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawQuery: q.Encode()}).String()
}
