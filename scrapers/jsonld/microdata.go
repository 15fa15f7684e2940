package jsonld

import (
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"github.com/earshot/earshot/models"
)

// Microdata reads schema.org Review items from HTML microdata
// (itemscope/itemprop). Each item is converted to the same map shape as
// JSON-LD, so one converter (FromReview) serves both. It also returns the
// largest AggregateRating review count.
func Microdata(doc *goquery.Document, pageURL, kind string) ([]models.Mention, int) {
	var ms []models.Mention
	count := 0
	doc.Find("[itemscope][itemtype]").Each(func(_ int, s *goquery.Selection) {
		item := Item(s, 0)
		switch {
		case IsReview(item):
			m := FromReview(item, pageURL, kind)
			if item["@id"] == nil && item["identifier"] == nil {
				if id := siteReviewID(s); id != "" {
					// Earlier versions stored the hash: re-key it.
					m.LegacyIDs = append(m.LegacyIDs, m.ExternalID)
					m.ExternalID = id
				}
			}
			ms = append(ms, m)
		case HasType(item, "AggregateRating"):
			if n, ok := aggregateCount(item); ok && n > count {
				count = n
			}
		}
	})
	return Dedupe(ms), count
}

// reviewIDAttrs are the attributes review sites put their own review id
// in (Yelp's data-review-id, TripAdvisor's data-reviewid).
var reviewIDAttrs = []string{"data-reviewid", "data-review-id", "data-review"}

// siteReviewID finds the site's own id of a microdata review: on the
// review's element, or on the nearest ancestor that wraps this review
// alone (a card around the itemscope). A site id beats a hash of author
// and date, which two reviews can share and an edit of the date changes.
func siteReviewID(s *goquery.Selection) string {
	for el, depth := s, 0; el.Length() > 0 && depth < 4; el, depth = el.Parent(), depth+1 {
		for _, a := range reviewIDAttrs {
			if v := strings.TrimSpace(el.AttrOr(a, "")); v != "" && len(v) <= 200 {
				return v
			}
		}
		if depth > 0 && el.Find(`[itemtype*="Review"]`).Length() > 1 {
			return "" // a list of reviews: its attributes are not this one's
		}
	}
	return ""
}

// MicrodataAggregate returns the microdata AggregateRating with the
// largest count, or nil.
func MicrodataAggregate(doc *goquery.Document) *models.AggregateRating {
	var best *models.AggregateRating
	doc.Find("[itemscope][itemtype]").Each(func(_ int, s *goquery.Selection) {
		if item := Item(s, 0); HasType(item, "AggregateRating") {
			best = better(best, aggregateOf(item))
		}
	})
	return best
}

// Item converts one microdata item to a JSON-LD-like map: "@type" from
// itemtype, each itemprop to its value (nested items become maps; the
// first value of a property wins, except that repeated properties such as
// review become lists).
func Item(s *goquery.Selection, depth int) map[string]any {
	out := map[string]any{}
	if t, ok := s.Attr("itemtype"); ok {
		out["@type"] = strings.TrimSpace(strings.Fields(t + " x")[0])
	}
	if id, ok := s.Attr("itemid"); ok {
		out["@id"] = strings.TrimSpace(id)
	}
	if depth > maxDepth || len(s.Nodes) == 0 {
		return out
	}
	root := s.Nodes[0]
	s.Find("[itemprop]").Each(func(_ int, p *goquery.Selection) {
		if owner(p.Nodes[0]) != root {
			return
		}
		var val any
		if _, scoped := p.Attr("itemscope"); scoped {
			val = Item(p, depth+1)
		} else {
			val = propValue(p)
		}
		for _, name := range strings.Fields(p.AttrOr("itemprop", "")) {
			if prev, ok := out[name]; ok {
				if list, isList := prev.([]any); isList {
					out[name] = append(list, val)
				} else {
					out[name] = []any{prev, val}
				}
				continue
			}
			out[name] = val
		}
	})
	return out
}

// owner is the nearest itemscope ancestor of n (not n itself).
func owner(n *html.Node) *html.Node {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type != html.ElementNode {
			continue
		}
		for _, a := range p.Attr {
			if a.Key == "itemscope" {
				return p
			}
		}
	}
	return nil
}

func propValue(p *goquery.Selection) string {
	if c, ok := p.Attr("content"); ok {
		return c
	}
	switch goquery.NodeName(p) {
	case "a", "link", "area":
		return p.AttrOr("href", "")
	case "img", "audio", "video", "source", "embed", "iframe":
		return p.AttrOr("src", "")
	case "time":
		if d, ok := p.Attr("datetime"); ok {
			return d
		}
	case "data", "meter":
		if v, ok := p.Attr("value"); ok {
			return v
		}
	}
	h, err := p.Html()
	if err != nil {
		return p.Text()
	}
	return h
}
