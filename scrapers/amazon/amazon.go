// Package amazon reads a product's reviews from its Amazon review pages
// (https://www.amazon.<tld>/product-reviews/<ASIN>) on any marketplace.
// Stars come from the markup's a-star-N classes, never from the localised
// "4,0 su 5 stelle" text, and dates are read in the marketplace's
// language.
package amazon

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/extract"
	"github.com/earshot/earshot/scrapers/fetch"
)

// Kind is this source's name in configs and on the command line.
const Kind = "amazon"

// New returns the amazon source; its target is the product-reviews URL
// (sort by recent with ?sortBy=recent for incremental runs).
// It reads the review pages, following "Next page".
func New(opts scrapers.Options) (scrapers.Source, error) {
	return fetch.PageSource(Kind, opts, Parse), nil
}

var starClass = regexp.MustCompile(`\ba-star-(?:small-|medium-)?(\d)(?:-(\d))?\b`)

// Parse reads one review page.
func Parse(body []byte, pageURL string) ([]models.Mention, fetch.PageInfo, error) {
	var info fetch.PageInfo
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return nil, info, fmt.Errorf("scrapers: amazon %s: reading HTML: %v: %w", pageURL, err, scrapers.ErrParse)
	}
	if h, ok := doc.Find("li.a-last a[href]").First().Attr("href"); ok {
		info.Next = h
	}
	if n, ok := extract.LastInt(doc.Find(`[data-hook="cr-filter-info-review-count"], [data-hook="cr-filter-info-review-rating-count"]`).First().Text()); ok {
		info.Count = n
	} else if n, ok := extract.LastInt(doc.Find(`[data-hook="total-review-count"]`).First().Text()); ok {
		info.Count = n
	}
	var ms []models.Mention
	doc.Find(`[data-hook="review"]`).Each(func(_ int, r *goquery.Selection) {
		id := strings.TrimSpace(r.AttrOr("id", ""))
		if id == "" {
			return
		}
		m := models.Mention{SourceKind: Kind, ExternalID: id, URL: reviewURL(pageURL, id)}
		m.Author = extract.SelText(r.Find(".a-profile-name").First())
		star := r.Find(`[data-hook="review-star-rating"], [data-hook="cmps-review-star-rating"], i.review-rating`).First()
		if sm := starClass.FindStringSubmatch(star.AttrOr("class", "")); sm != nil {
			v, _ := strconv.Atoi(sm[1])
			f := float64(v)
			if sm[2] != "" {
				f += 0.5
			}
			m.Rating = extract.Stars(f, 5, 1)
		} else {
			// No star class: the screen-reader text ("5つ星のうち4.0",
			// "4.0 out of 5 stars") still says it.
			m.Rating = extract.StarsText(star.Find(".a-icon-alt").First().Text())
		}
		title := r.Find(`[data-hook="review-title"]`).First()
		title.Find(".a-icon-alt, i").Remove()
		m.Title = extract.SelText(title)
		m.Text = extract.SelText(r.Find(`[data-hook="review-body"]`).First())
		dateText := extract.Clean(r.Find(`[data-hook="review-date"]`).First().Text())
		if t, ok := extract.LocalDate(dateText); ok {
			m.PostedAt = t
		} else if t, ok := extract.Time(dateText); ok {
			m.PostedAt = t
		}
		ms = append(ms, m)
	})
	return ms, info, nil
}

// reviewURL is the review's permalink on the page's marketplace.
func reviewURL(pageURL, id string) string {
	i := strings.Index(pageURL, "://")
	if i < 0 {
		return pageURL
	}
	rest := pageURL[i+3:]
	if j := strings.IndexByte(rest, '/'); j >= 0 {
		rest = rest[:j]
	}
	return pageURL[:i+3] + rest + "/gp/customer-reviews/" + id
}
