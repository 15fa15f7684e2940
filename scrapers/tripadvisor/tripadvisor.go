// Package tripadvisor reads a place's reviews from TripAdvisor: the
// review pages' markup (div.review-container, bubble_NN ratings,
// div.mgrRspnInline owner responses), review JSON embedded in the page,
// or a GraphQL ReviewsProxy_getReviewListPageForLocation answer (what the
// site's own front end loads), with JSON-LD as the last resort.
package tripadvisor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/extract"
	"github.com/earshot/earshot/scrapers/fetch"
	"github.com/earshot/earshot/scrapers/jsonld"
)

// Kind is this source's name in configs and on the command line.
const Kind = "tripadvisor"

// New returns the tripadvisor source; its target is the place's review
// page URL.
// It reads the review pages, following the "next" link (-orNN-).
func New(opts scrapers.Options) (scrapers.Source, error) {
	return fetch.PageSource(Kind, opts, Parse), nil
}

var bubble = regexp.MustCompile(`\bbubble_(\d)(\d)\b`)

// Parse reads one review page, or a GraphQL answer when body is JSON.
func Parse(body []byte, pageURL string) ([]models.Mention, fetch.PageInfo, error) {
	var info fetch.PageInfo
	trim := bytes.TrimSpace(body)
	if len(trim) > 0 && (trim[0] == '[' || trim[0] == '{') {
		var v any
		if err := json.Unmarshal(trim, &v); err != nil {
			return nil, info, fmt.Errorf("scrapers: tripadvisor %s: review JSON is not valid (truncated?): %v: %w", pageURL, err, scrapers.ErrParse)
		}
		ms, count := fromJSON(v, pageURL)
		info.Count = count
		return ms, info, nil
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return nil, info, fmt.Errorf("scrapers: tripadvisor %s: reading HTML: %v: %w", pageURL, err, scrapers.ErrParse)
	}
	info.Next, _ = doc.Find("a.nav.next[href], a.ui_button.nav.next[href]").First().Attr("href")
	if info.Next == "" {
		info.Next = jsonld.NextLink(doc)
	}
	if n, ok := extract.LastInt(doc.Find(".reviews_header_count").First().Text()); ok {
		info.Count = n
	}
	// The place's own average and count (JSON-LD aggregateRating).
	nodes, _, _ := jsonld.Blocks(doc)
	info.Aggregate = jsonld.Aggregate(nodes)
	if ms := fromDOM(doc, pageURL); len(ms) > 0 {
		return ms, info, nil
	}
	var badJSON error
	var ms []models.Mention
	doc.Find(`script[type="application/json"]`).Each(func(_ int, s *goquery.Selection) {
		raw := strings.TrimSpace(s.Text())
		if !strings.Contains(raw, "reviews") {
			return
		}
		var v any
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			if badJSON == nil {
				badJSON = err
			}
			return
		}
		got, count := fromJSON(v, pageURL)
		ms = append(ms, got...)
		info.Count = max(info.Count, count)
	})
	if len(ms) > 0 {
		return jsonld.Dedupe(ms), info, nil
	}
	ms, count := jsonld.FromNodes(nodes, pageURL, Kind)
	info.Count = max(info.Count, count)
	if len(ms) == 0 && badJSON != nil {
		return nil, info, fmt.Errorf("scrapers: tripadvisor %s: embedded review JSON unreadable: %v: %w", pageURL, badJSON, scrapers.ErrParse)
	}
	return ms, info, nil
}

// fromDOM reads review cards: the 2010s div.review-container markup and
// later cards that only keep a data-reviewid attribute.
func fromDOM(doc *goquery.Document, pageURL string) []models.Mention {
	var ms []models.Mention
	seen := map[string]bool{}
	doc.Find("div.review-container, [data-reviewid], [data-reviewId]").Each(func(_ int, c *goquery.Selection) {
		id := strings.TrimSpace(c.AttrOr("data-reviewid", c.AttrOr("data-reviewId", "")))
		if id == "" {
			id = strings.TrimPrefix(c.Find("[id^=review_]").First().AttrOr("id", ""), "review_")
		}
		if id == "" || seen[id] {
			return
		}
		m := models.Mention{SourceKind: Kind, ExternalID: id}
		if sm := bubble.FindStringSubmatch(c.Find(".ui_bubble_rating, [class*=bubble_]").First().AttrOr("class", "")); sm != nil {
			a, _ := strconv.Atoi(sm[1])
			b, _ := strconv.Atoi(sm[2])
			m.Rating = extract.Stars(float64(a)+float64(b)/10, 5, 1)
		}
		if m.Rating == nil {
			return // a data-reviewid on something that is not a review card
		}
		seen[id] = true
		resp := c.Find(".mgrRspnInline").First()
		rd := c.Find(".ratingDate").First()
		if t, ok := extract.Time(rd.AttrOr("title", "")); ok {
			m.PostedAt = t
		} else if t, ok := extract.LocalDate(rd.Text()); ok {
			m.PostedAt = t
		} else if t, ok := extract.LocalDate(c.Clone().Find(".mgrRspnInline").Remove().End().Text()); ok {
			m.PostedAt = t
		}
		m.Author = extract.SelText(c.Find(".info_text > div, .username, .scrname, a.ui_header_link, [data-test-target=review-username]").First())
		title := c.Find(".quote a, [data-test-target=review-title] a, [data-test-target=review-title]").First()
		m.Title = extract.SelText(title)
		href := title.AttrOr("href", "")
		if href == "" {
			href = c.Find(`a[href*="ShowUserReviews"]`).First().AttrOr("href", "")
		}
		m.URL = abs(pageURL, href)
		body := c.Find(".entry .partial_entry, q, [data-test-target=review-body], .review-body").Not(".mgrRspnInline *").First()
		m.Text = extract.SelText(body)
		if resp.Length() > 0 {
			m.Reply = extract.SelText(resp.Find(".partial_entry, p").First())
			rd := resp.Find(".responseDate").First()
			if t, ok := extract.Time(rd.AttrOr("title", "")); ok {
				m.ReplyAt = &t
			} else if t, ok := extract.LocalDate(rd.Text()); ok {
				m.ReplyAt = &t
			}
		}
		ms = append(ms, m)
	})
	return ms
}

// fromJSON walks decoded JSON for review objects (id, rating, text) and
// the largest totalCount.
func fromJSON(v any, pageURL string) ([]models.Mention, int) {
	var ms []models.Mention
	count := 0
	seen := map[string]bool{}
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > 64 {
			return
		}
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e, depth+1)
			}
		case map[string]any:
			if n, ok := extract.Int(x["totalCount"]); ok && n > count {
				count = n
			}
			if m, ok := reviewObject(x, pageURL); ok {
				if !seen[m.ExternalID] {
					seen[m.ExternalID] = true
					ms = append(ms, m)
				}
				return
			}
			for _, e := range x {
				walk(e, depth+1)
			}
		}
	}
	walk(v, 0)
	return ms, count
}

func reviewObject(x map[string]any, pageURL string) (models.Mention, bool) {
	id := jsonld.Str(x["id"])
	rating, okR := extract.Float(x["rating"])
	text, _ := x["text"].(string)
	if id == "" || !okR || text == "" {
		return models.Mention{}, false
	}
	m := models.Mention{SourceKind: Kind, ExternalID: id, URL: pageURL}
	m.Rating = extract.Stars(rating, 5, 1)
	m.Text = extract.Clean(text)
	m.Title = extract.Clean(jsonld.Str(x["title"]))
	m.Language = jsonld.Str(x["language"])
	if t, ok := extract.Time(jsonld.Str(x["publishedDate"])); ok {
		m.PostedAt = t
	} else if t, ok := extract.Time(jsonld.Str(x["createdDate"])); ok {
		m.PostedAt = t
	}
	if up, ok := x["userProfile"].(map[string]any); ok {
		m.Author = extract.Clean(jsonld.Str(up["displayName"]))
	}
	if w, ok := x["reviewDetailPageWrapper"].(map[string]any); ok {
		if r, ok := w["reviewDetailPageRoute"].(map[string]any); ok {
			m.URL = abs(pageURL, jsonld.Str(r["url"]))
		}
	}
	if mr, ok := x["mgmtResponse"].(map[string]any); ok {
		m.Reply = extract.Clean(jsonld.Str(mr["text"]))
		m.ReplyAt = extract.TimePtr(jsonld.Str(mr["publishedDate"]))
	}
	return m, true
}

// abs resolves href against the page; TripAdvisor links are relative.
func abs(pageURL, href string) string {
	if href == "" {
		return pageURL
	}
	b, err := url.Parse(pageURL)
	if err != nil {
		return pageURL
	}
	r, err := url.Parse(href)
	if err != nil {
		return pageURL
	}
	if !b.IsAbs() {
		b, _ = url.Parse("https://www.tripadvisor.com/")
	}
	return b.ResolveReference(r).String()
}
