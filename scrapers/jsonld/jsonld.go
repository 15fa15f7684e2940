// Package jsonld reads reviews from any page that publishes schema.org
// Review and AggregateRating data, as JSON-LD (including @graph and nested
// review[] arrays) or as microdata. It is the generic fallback that covers
// thousands of sites without a dedicated scraper, and the site scrapers
// reuse its JSON-LD reader when their richer embedded data is missing.
package jsonld

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/extract"
	"github.com/earshot/earshot/scrapers/fetch"
)

// Kind is this source's name in configs and on the command line.
const Kind = "jsonld"

// New returns the jsonld source.
// It reads req.Target and follows rel=next pagination.
func New(opts scrapers.Options) (scrapers.Source, error) {
	return fetch.PageSource(Kind, opts, Parse), nil
}

// Parse extracts the reviews of one page: JSON-LD first, microdata when
// the page has no JSON-LD reviews. PageInfo.Aggregate is the page's
// AggregateRating (average and count) and Next its rel=next link. Many
// sites publish only an AggregateRating, with no Review nodes: such a page
// yields its aggregate and no reviews, not a parse error. PageInfo.Count
// (which makes a page that claims reviews but yields none a parse error)
// is the aggregate's count only when the page has reviews at all.
func Parse(body []byte, pageURL string) ([]models.Mention, fetch.PageInfo, error) {
	var info fetch.PageInfo
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return nil, info, fmt.Errorf("scrapers: jsonld %s: reading HTML: %v: %w", pageURL, err, scrapers.ErrParse)
	}
	info.Next = NextLink(doc)
	nodes, badBlocks, firstErr := Blocks(doc)
	ms, count := FromNodes(nodes, pageURL, Kind)
	info.Count = count
	if len(ms) == 0 {
		mms, mcount := Microdata(doc, pageURL, Kind)
		ms = mms
		info.Count = max(info.Count, mcount)
	}
	if len(ms) == 0 && badBlocks > 0 && len(nodes) == 0 {
		return nil, info, fmt.Errorf("scrapers: jsonld %s: JSON-LD is not valid JSON (truncated?): %v: %w", pageURL, firstErr, scrapers.ErrParse)
	}
	info.Aggregate = Aggregate(nodes)
	if info.Aggregate == nil {
		info.Aggregate = MicrodataAggregate(doc)
	}
	if len(ms) == 0 {
		info.Count = 0
	}
	return ms, info, nil
}

// NextLink returns the page's rel=next link, if any.
func NextLink(doc *goquery.Document) string {
	for _, sel := range []string{`link[rel~="next"]`, `a[rel~="next"]`} {
		if h, ok := doc.Find(sel).First().Attr("href"); ok && strings.TrimSpace(h) != "" {
			return strings.TrimSpace(h)
		}
	}
	return ""
}

// Blocks decodes every <script type="application/ld+json"> of doc. It
// returns the decoded values, the number of blocks that were not valid
// JSON, and the first decoding error.
func Blocks(doc *goquery.Document) (nodes []any, bad int, firstErr error) {
	doc.Find(`script[type]`).Each(func(_ int, s *goquery.Selection) {
		t, _ := s.Attr("type")
		if !strings.EqualFold(strings.TrimSpace(strings.Split(t, ";")[0]), "application/ld+json") {
			return
		}
		raw := strings.TrimSpace(s.Text())
		raw = strings.TrimPrefix(raw, "<!--")
		raw = strings.TrimSuffix(raw, "-->")
		raw = strings.TrimPrefix(strings.TrimSpace(raw), "//<![CDATA[")
		raw = strings.TrimSuffix(strings.TrimSpace(raw), "//]]>")
		if strings.TrimSpace(raw) == "" {
			return
		}
		var v any
		dec := json.NewDecoder(strings.NewReader(raw))
		if err := dec.Decode(&v); err != nil {
			bad++
			if firstErr == nil {
				firstErr = err
			}
			return
		}
		nodes = append(nodes, v)
	})
	return nodes, bad, firstErr
}

// maxDepth bounds the walk through hostile, deeply nested JSON.
const maxDepth = 64

// FromNodes finds every Review in decoded JSON-LD values (top level,
// @graph, review[], reviews[], nested items) and the largest
// AggregateRating review count.
func FromNodes(nodes []any, pageURL, kind string) ([]models.Mention, int) {
	var reviews []map[string]any
	count := 0
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > maxDepth {
			return
		}
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e, depth+1)
			}
		case map[string]any:
			if HasType(x, "AggregateRating") {
				if n, ok := aggregateCount(x); ok && n > count {
					count = n
				}
			}
			if IsReview(x) {
				reviews = append(reviews, x)
				return
			}
			for _, e := range x {
				walk(e, depth+1)
			}
		}
	}
	for _, n := range nodes {
		walk(n, 0)
	}
	ms := make([]models.Mention, 0, len(reviews))
	for _, r := range reviews {
		ms = append(ms, FromReview(r, pageURL, kind))
	}
	return Dedupe(ms), count
}

// Aggregate returns the AggregateRating with the largest count in decoded
// JSON-LD values (the business's own, not a nested product's), or nil.
func Aggregate(nodes []any) *models.AggregateRating {
	var best *models.AggregateRating
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > maxDepth {
			return
		}
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e, depth+1)
			}
		case map[string]any:
			if IsReview(x) {
				return // a review's own rating is not the site's average
			}
			if HasType(x, "AggregateRating") {
				best = better(best, aggregateOf(x))
			}
			for _, e := range x {
				walk(e, depth+1)
			}
		}
	}
	for _, n := range nodes {
		walk(n, 0)
	}
	return best
}

// aggregateOf reads one AggregateRating node; nil when it has neither an
// average nor a count.
func aggregateOf(x map[string]any) *models.AggregateRating {
	a := &models.AggregateRating{Rating: Rating(x)}
	if n, ok := aggregateCount(x); ok && n > 0 {
		a.Count = n
	}
	if a.Rating == nil && a.Count == 0 {
		return nil
	}
	return a
}

func better(a, b *models.AggregateRating) *models.AggregateRating {
	switch {
	case b == nil:
		return a
	case a == nil, b.Count > a.Count, b.Count == a.Count && a.Rating == nil:
		return b
	}
	return a
}

func aggregateCount(x map[string]any) (int, bool) {
	for _, k := range []string{"reviewCount", "ratingCount"} {
		if n, ok := extract.Int(x[k]); ok {
			return n, true
		}
	}
	return 0, false
}

// Types returns a node's @type values without the schema.org prefix.
func Types(x map[string]any) []string {
	var out []string
	add := func(v any) {
		if s, ok := v.(string); ok {
			s = strings.TrimSpace(s)
			if i := strings.LastIndexAny(s, "/#:"); i >= 0 {
				s = s[i+1:]
			}
			out = append(out, s)
		}
	}
	for _, k := range []string{"@type", "type"} {
		switch t := x[k].(type) {
		case string:
			add(t)
		case []any:
			for _, e := range t {
				add(e)
			}
		}
		if len(out) > 0 {
			break
		}
	}
	return out
}

// HasType reports whether x has schema.org type name.
func HasType(x map[string]any, name string) bool {
	for _, t := range Types(x) {
		if strings.EqualFold(t, name) {
			return true
		}
	}
	return false
}

// IsReview reports whether x is a review of something (Review and its
// subtypes other than fact-check ClaimReviews).
func IsReview(x map[string]any) bool {
	for _, t := range Types(x) {
		switch strings.ToLower(t) {
		case "review", "userreview", "criticreview", "employerreview", "recommendation":
			return true
		}
	}
	return false
}

// Str returns a string property, accepting strings, numbers, the first
// element of an array, or an object's name / @value.
func Str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		for _, e := range x {
			if s := Str(e); s != "" {
				return s
			}
		}
	case map[string]any:
		for _, k := range []string{"@value", "name", "alternateName", "text"} {
			if s, ok := x[k].(string); ok && s != "" {
				return s
			}
		}
	}
	return ""
}

// FromReview converts one schema.org Review node (JSON-LD or microdata
// converted to the same shape) to a Mention.
func FromReview(r map[string]any, pageURL, kind string) models.Mention {
	m := models.Mention{SourceKind: kind, URL: pageURL}
	m.Author = extract.HTMLText(Str(firstOf(r, "author", "creator")))
	m.Title = extract.HTMLText(Str(firstOf(r, "name", "headline")))
	m.Text = extract.HTMLText(Str(firstOf(r, "reviewBody", "description", "text")))
	m.Language = extract.Clean(Str(r["inLanguage"]))
	posted := Str(firstOf(r, "datePublished", "dateCreated"))
	if t, ok := extract.Time(posted); ok {
		m.PostedAt = t
	} else if t, ok := extract.LocalDate(posted); ok {
		// Sites outside the schema.org examples write the date for
		// people: "2026年11月3日", "3 novembre 2026".
		m.PostedAt = t
	}
	if t, ok := extract.Time(Str(r["dateModified"])); ok && t.After(m.PostedAt) && !m.PostedAt.IsZero() {
		m.EditedAt = &t
	}
	m.Rating = Rating(r["reviewRating"])
	if u := Str(r["url"]); strings.HasPrefix(u, "http") {
		m.URL = u
	}
	legacy := ""
	switch {
	case Str(r["@id"]) != "" && !strings.HasPrefix(Str(r["@id"]), "_:"):
		legacy = Str(r["@id"])
		m.ExternalID = extract.SiteID(legacy, pageURL)
	case Str(r["identifier"]) != "":
		m.ExternalID = Str(r["identifier"])
	case m.URL != pageURL:
		legacy = m.URL
		m.ExternalID = extract.SiteID(m.URL, pageURL)
	default:
		legacy = extract.HashID(pageURL, m.Author, posted)
		m.ExternalID = extract.HashID(extract.PagePath(pageURL), m.Author, posted)
	}
	if legacy != "" && legacy != m.ExternalID {
		m.LegacyIDs = []string{legacy}
	}
	m.Reply, m.ReplyAt = ownerReply(r["comment"])
	return m
}

// ownerReply finds a comment on the review written by an organisation,
// which is how schema.org markup carries a business's public answer.
func ownerReply(v any) (string, *time.Time) {
	var list []any
	switch x := v.(type) {
	case []any:
		list = x
	case map[string]any:
		list = []any{x}
	}
	for _, e := range list {
		c, ok := e.(map[string]any)
		if !ok {
			continue
		}
		a, _ := c["author"].(map[string]any)
		if a == nil || !(HasType(a, "Organization") || HasType(a, "LocalBusiness") || HasType(a, "Corporation")) {
			continue
		}
		text := extract.HTMLText(Str(firstOf(c, "text", "commentText", "description")))
		if text == "" {
			continue
		}
		return text, extract.TimePtr(Str(firstOf(c, "dateCreated", "datePublished")))
	}
	return "", nil
}

// Rating converts a schema.org Rating (or a bare number) to stars out of 5.
func Rating(v any) *float64 {
	switch x := v.(type) {
	case map[string]any:
		val, ok := extract.Float(firstOf(x, "ratingValue", "value"))
		if !ok {
			return nil
		}
		best, ok := extract.Float(x["bestRating"])
		if !ok {
			best = 5
		}
		worst, ok := extract.Float(x["worstRating"])
		if !ok {
			worst = 0
		}
		return extract.Stars(val, best, worst)
	case []any:
		if len(x) > 0 {
			return Rating(x[0])
		}
	default:
		if f, ok := extract.Float(x); ok {
			return extract.Stars(f, 5, 0)
		}
	}
	return nil
}

func firstOf(m map[string]any, keys ...string) any {
	for _, k := range keys {
		if v, ok := m[k]; ok && v != nil {
			if s, isStr := v.(string); isStr && strings.TrimSpace(s) == "" {
				continue
			}
			return v
		}
	}
	return nil
}

// Dedupe makes external IDs unique within one page: two reviews by the
// same author on the same day on a site without IDs get "#2", "#3" in page
// order, which stays stable across runs.
func Dedupe(ms []models.Mention) []models.Mention {
	seen := map[string]int{}
	for i := range ms {
		id := ms[i].ExternalID
		seen[id]++
		if n := seen[id]; n > 1 {
			ms[i].ExternalID = fmt.Sprintf("%s#%d", id, n)
			for j, l := range ms[i].LegacyIDs {
				ms[i].LegacyIDs[j] = fmt.Sprintf("%s#%d", l, n)
			}
		}
	}
	return ms
}
