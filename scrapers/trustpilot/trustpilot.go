// Package trustpilot reads a company's reviews from its Trustpilot page
// (https://www.trustpilot.com/review/<domain>). The page carries the same
// reviews three times; the parser prefers the embedded __NEXT_DATA__ JSON
// (the only copy with owner replies, edit dates and language), falls back
// to the JSON-LD @graph, then to the DOM's data-service-review-*
// attributes, then to the pre-2020 markup, so one layout change does not
// silence the source.
package trustpilot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"path"
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
const Kind = "trustpilot"

// New returns the trustpilot source; its target is the company page URL.
// It reads the company page and its older pages (?page=N).
func New(opts scrapers.Options) (scrapers.Source, error) {
	return fetch.PageSource(Kind, opts, Parse), nil
}

type nextData struct {
	Props struct {
		PageProps struct {
			BusinessUnit struct {
				NumberOfReviews int `json:"numberOfReviews"`
			} `json:"businessUnit"`
			Reviews []struct {
				ID     string   `json:"id"`
				Rating *float64 `json:"rating"`
				Title  string   `json:"title"`
				Text   string   `json:"text"`
				Dates  struct {
					PublishedDate string `json:"publishedDate"`
					UpdatedDate   string `json:"updatedDate"`
				} `json:"dates"`
				Consumer struct {
					DisplayName string `json:"displayName"`
				} `json:"consumer"`
				Reply *struct {
					Message       string `json:"message"`
					PublishedDate string `json:"publishedDate"`
					UpdatedDate   string `json:"updatedDate"`
				} `json:"reply"`
				Language string `json:"language"`
			} `json:"reviews"`
			Filters struct {
				Pagination struct {
					CurrentPage int `json:"currentPage"`
					TotalCount  int `json:"totalCount"`
					TotalPages  int `json:"totalPages"`
				} `json:"pagination"`
			} `json:"filters"`
		} `json:"pageProps"`
	} `json:"props"`
}

// Parse reads one Trustpilot company page.
func Parse(body []byte, pageURL string) ([]models.Mention, fetch.PageInfo, error) {
	var info fetch.PageInfo
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return nil, info, fmt.Errorf("scrapers: trustpilot %s: reading HTML: %v: %w", pageURL, err, scrapers.ErrParse)
	}
	info.Next = domNext(doc)
	var nextErr error
	if raw := strings.TrimSpace(doc.Find("script#__NEXT_DATA__").First().Text()); raw != "" {
		ms, ni, err := fromNextData([]byte(raw), pageURL)
		if err == nil && len(ms) > 0 {
			if ni.Next != "" {
				info.Next = ni.Next
			}
			info.Count = ni.Count
			return ms, info, nil
		}
		nextErr = err
		info.Count = ni.Count
	}
	nodes, _, _ := jsonld.Blocks(doc)
	if ms, count := jsonld.FromNodes(nodes, pageURL, Kind); len(ms) > 0 {
		for i := range ms {
			ms[i].ExternalID = path.Base(ms[i].ExternalID)
			ms[i].URL = reviewURL(pageURL, ms[i].ExternalID)
		}
		info.Count = max(info.Count, count)
		return ms, info, nil
	}
	if ms := fromDOM(doc, pageURL); len(ms) > 0 {
		return ms, info, nil
	}
	if ms := fromLegacy(doc, pageURL); len(ms) > 0 {
		return ms, info, nil
	}
	if nextErr != nil {
		return nil, info, fmt.Errorf("scrapers: trustpilot %s: __NEXT_DATA__ unreadable and no reviews in JSON-LD or markup: %v: %w", pageURL, nextErr, scrapers.ErrParse)
	}
	return nil, info, nil
}

func fromNextData(raw []byte, pageURL string) ([]models.Mention, fetch.PageInfo, error) {
	var info fetch.PageInfo
	var nd nextData
	if err := json.Unmarshal(raw, &nd); err != nil {
		return nil, info, fmt.Errorf("__NEXT_DATA__ is not valid JSON (truncated?): %v", err)
	}
	pp := nd.Props.PageProps
	pg := pp.Filters.Pagination
	info.Count = pg.TotalCount
	if pg.CurrentPage > 0 && pg.CurrentPage < pg.TotalPages {
		info.Next = withPage(pageURL, pg.CurrentPage+1)
	}
	var ms []models.Mention
	for _, r := range pp.Reviews {
		if r.ID == "" || r.Rating == nil {
			continue // teaser cards (ads, "write a review") carry no rating
		}
		m := models.Mention{
			SourceKind: Kind,
			ExternalID: r.ID,
			URL:        reviewURL(pageURL, r.ID),
			Author:     extract.Clean(r.Consumer.DisplayName),
			Rating:     extract.Stars(*r.Rating, 5, 1),
			Title:      extract.Clean(r.Title),
			Text:       extract.Clean(r.Text),
			Language:   r.Language,
		}
		if t, ok := extract.Time(r.Dates.PublishedDate); ok {
			m.PostedAt = t
		}
		if t := extract.TimePtr(r.Dates.UpdatedDate); t != nil && t.After(m.PostedAt) {
			m.EditedAt = t
		}
		if r.Reply != nil && strings.TrimSpace(r.Reply.Message) != "" {
			m.Reply = extract.Clean(r.Reply.Message)
			m.ReplyAt = extract.TimePtr(r.Reply.PublishedDate)
			if u := extract.TimePtr(r.Reply.UpdatedDate); u != nil {
				m.ReplyAt = u
			}
		}
		ms = append(ms, m)
	}
	return ms, info, nil
}

// fromDOM reads the review cards' data-service-review-* attributes.
func fromDOM(doc *goquery.Document, pageURL string) []models.Mention {
	var ms []models.Mention
	doc.Find("[data-service-review-card-paper]").Each(func(_ int, c *goquery.Selection) {
		rs, ok := c.Find("[data-service-review-rating]").Attr("data-service-review-rating")
		if !ok {
			return
		}
		m := models.Mention{SourceKind: Kind}
		if v, ok := extract.Float(rs); ok {
			m.Rating = extract.Stars(v, 5, 1)
		}
		href, _ := c.Find(`a[href*="/reviews/"]`).First().Attr("href")
		m.ExternalID = path.Base(strings.Split(href, "?")[0])
		m.Author = extract.SelText(c.Find("[data-consumer-name-typography]"))
		m.Title = extract.SelText(c.Find("[data-service-review-title-typography]"))
		m.Text = extract.SelText(c.Find("[data-service-review-text-typography]"))
		dt, _ := c.Find("time[data-service-review-date-time-ago]").Attr("datetime")
		if t, ok := extract.Time(dt); ok {
			m.PostedAt = t
		}
		m.Reply = extract.SelText(c.Find("[data-service-review-business-reply-text-typography]"))
		if m.Reply != "" {
			rd, _ := c.Find("time[data-service-review-business-reply-date-time-ago]").Attr("datetime")
			m.ReplyAt = extract.TimePtr(rd)
		}
		if m.ExternalID == "" || m.ExternalID == "." || m.ExternalID == "/" {
			m.ExternalID = extract.HashID(extract.PagePath(pageURL), m.Author, dt)
			m.LegacyIDs = []string{extract.HashID(pageURL, m.Author, dt)}
		} else {
			m.URL = reviewURL(pageURL, m.ExternalID)
		}
		ms = append(ms, m)
	})
	return jsonld.Dedupe(ms)
}

// fromLegacy reads the pre-2020 markup (div.review[data-reviewmid]).
func fromLegacy(doc *goquery.Document, pageURL string) []models.Mention {
	var ms []models.Mention
	doc.Find("div.review[data-reviewmid]").Each(func(_ int, c *goquery.Selection) {
		m := models.Mention{SourceKind: Kind}
		m.ExternalID = strings.TrimSpace(c.AttrOr("data-reviewmid", ""))
		if m.ExternalID == "" {
			return
		}
		m.URL = reviewURL(pageURL, m.ExternalID)
		if cls, ok := c.Find(".star-rating").Attr("class"); ok {
			for _, f := range strings.Fields(cls) {
				if n, err := strconv.Atoi(strings.TrimPrefix(f, "count-")); err == nil && strings.HasPrefix(f, "count-") {
					m.Rating = extract.Stars(float64(n), 5, 1)
				}
			}
		}
		m.Author = extract.SelText(c.Find(".user-review-name-link, .consumer-info .name").First())
		m.Title = extract.SelText(c.Find(".review-title").First())
		m.Text = extract.SelText(c.Find(".review-body").First())
		dt, _ := c.Find("time[datetime]").First().Attr("datetime")
		if t, ok := extract.Time(dt); ok {
			m.PostedAt = t
		}
		m.Reply = extract.SelText(c.Find(".company-reply .comment, .review-company-reply .body").First())
		ms = append(ms, m)
	})
	return ms
}

func domNext(doc *goquery.Document) string {
	if h, ok := doc.Find(`a[name="pagination-button-next"]`).First().Attr("href"); ok {
		return h
	}
	return jsonld.NextLink(doc)
}

// reviewURL is the review's own page on the company page's host.
func reviewURL(pageURL, id string) string {
	u, err := url.Parse(pageURL)
	if err != nil || u.Host == "" {
		return pageURL
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/reviews/" + id}).String()
}

// withPage returns pageURL with ?page=n, keeping other filters.
func withPage(pageURL string, n int) string {
	u, err := url.Parse(pageURL)
	if err != nil {
		return ""
	}
	q := u.Query()
	q.Set("page", strconv.Itoa(n))
	u.RawQuery = q.Encode()
	return u.String()
}
