// Package googleplay reads an Android app's reviews from its Google Play
// page (https://play.google.com/store/apps/details?id=<package>). The
// page embeds its newest reviews in AF_initDataCallback blocks as
// positional arrays ([id, [author], stars, _, text, [seconds, nanos],
// thumbs, [_, reply, [seconds]], version, ...]); older pages carry
// div.single-review markup with the developer's reply beside it.
package googleplay

import (
	"bytes"
	"context"
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
const Kind = "googleplay"

type source struct{ f *fetch.Fetcher }

// New returns the googleplay source; its target is the app's Play Store
// URL. Only the reviews embedded in the page are read (Google loads the
// rest through an undocumented RPC), so run it often rather than deep.
func New(opts scrapers.Options) (scrapers.Source, error) {
	return &source{f: fetch.New(Kind, opts)}, nil
}

// Fetch reads the app page.
func (s *source) Fetch(ctx context.Context, req scrapers.Request) (scrapers.Result, error) {
	req.MaxPages = 1
	return s.f.Reviews(ctx, req, Parse)
}

var callback = regexp.MustCompile(`AF_initDataCallback\(\{key:\s*'(ds:\d+)'`)

// Parse reads one app page.
func Parse(body []byte, pageURL string) ([]models.Mention, fetch.PageInfo, error) {
	var info fetch.PageInfo
	var ms []models.Mention
	var firstErr error
	seen := map[string]bool{}
	for _, loc := range callback.FindAllIndex(body, -1) {
		rest := body[loc[1]:]
		i := bytes.Index(rest, []byte("data:"))
		if i < 0 || i > 400 {
			continue
		}
		arr, ok := arrayAt(rest[i:])
		if !ok {
			continue
		}
		if !bytes.Contains(arr, []byte(`"gp:`)) {
			continue
		}
		var v any
		if err := json.Unmarshal(arr, &v); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		walk(v, 0, func(a []any) bool {
			m, ok := fromArray(a, pageURL)
			if ok && !seen[m.ExternalID] {
				seen[m.ExternalID] = true
				ms = append(ms, m)
			}
			return ok
		})
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return ms, info, nil
	}
	nodes, _, _ := jsonld.Blocks(doc)
	_, info.Count = jsonld.FromNodes(nodes, pageURL, Kind)
	if len(ms) > 0 {
		return ms, info, nil
	}
	if ms = legacy(doc, pageURL); len(ms) > 0 {
		return ms, info, nil
	}
	if firstErr != nil {
		return nil, info, fmt.Errorf("scrapers: googleplay %s: embedded review data unreadable: %v: %w", pageURL, firstErr, scrapers.ErrParse)
	}
	return nil, info, nil
}

// arrayAt returns the JSON array that starts at the first '[' of b,
// matched bracket for bracket outside strings.
func arrayAt(b []byte) ([]byte, bool) {
	start := bytes.IndexByte(b, '[')
	if start < 0 || start > 64 {
		return nil, false
	}
	depth, inStr, esc := 0, false, false
	for i := start; i < len(b); i++ {
		c := b[i]
		switch {
		case esc:
			esc = false
		case inStr && c == '\\':
			esc = true
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == '[':
			depth++
		case c == ']':
			depth--
			if depth == 0 {
				return b[start : i+1], true
			}
		}
	}
	return nil, false
}

func walk(v any, depth int, fn func([]any) bool) {
	a, ok := v.([]any)
	if !ok || depth > 64 {
		return
	}
	if fn(a) {
		return
	}
	for _, e := range a {
		walk(e, depth+1, fn)
	}
}

func at(a []any, i int) any {
	if i < len(a) {
		return a[i]
	}
	return nil
}

func arr(v any) []any {
	a, _ := v.([]any)
	return a
}

// fromArray reads one positional review array.
func fromArray(a []any, pageURL string) (models.Mention, bool) {
	id, _ := at(a, 0).(string)
	stars, okStars := at(a, 2).(float64)
	if !strings.HasPrefix(id, "gp:") || !okStars || stars < 1 || stars > 5 || len(a) < 6 {
		return models.Mention{}, false
	}
	m := models.Mention{SourceKind: Kind, ExternalID: id, Rating: extract.Stars(stars, 5, 1)}
	m.Author, _ = at(arr(at(a, 1)), 0).(string)
	text, _ := at(a, 4).(string)
	m.Text = extract.Clean(text)
	if s, ok := at(arr(at(a, 5)), 0).(float64); ok && s > 0 && s < 1e11 {
		m.PostedAt = extract.Unix(int64(s))
	}
	if r := arr(at(a, 7)); r != nil {
		if t, ok := at(r, 1).(string); ok && t != "" {
			m.Reply = extract.Clean(t)
			if s, ok := at(arr(at(r, 2)), 0).(float64); ok && s > 0 && s < 1e11 {
				rt := extract.Unix(int64(s))
				m.ReplyAt = &rt
			}
		}
	}
	m.URL = reviewURL(pageURL, id)
	return m, true
}

// legacy reads the pre-2018 div.single-review markup.
func legacy(doc *goquery.Document, pageURL string) []models.Mention {
	var ms []models.Mention
	width := regexp.MustCompile(`width:\s*(\d+(?:\.\d+)?)%`)
	doc.Find("div.single-review").Each(func(_ int, r *goquery.Selection) {
		h := r.Find(".review-header").First()
		id := strings.TrimSpace(h.AttrOr("data-reviewid", ""))
		if id == "" {
			return
		}
		m := models.Mention{SourceKind: Kind, ExternalID: id, URL: reviewURL(pageURL, id)}
		m.Author = extract.SelText(r.Find(".review-info .author-name").First())
		dt := extract.Clean(r.Find(".review-info .review-date").First().Text())
		if t, ok := extract.LocalDate(dt); ok {
			m.PostedAt = t
		} else if t, ok := extract.Time(dt); ok {
			m.PostedAt = t
		}
		if sm := width.FindStringSubmatch(r.Find(".current-rating").First().AttrOr("style", "")); sm != nil {
			if p, err := strconv.ParseFloat(sm[1], 64); err == nil {
				m.Rating = extract.Stars(p/20, 5, 1)
			}
		}
		b := r.Find(".review-body").First().Clone()
		m.Title = extract.SelText(b.Find(".review-title"))
		b.Find(".review-title, .review-link").Remove()
		m.Text = extract.SelText(b)
		reply := r.Parent().Find(".developer-reply").First()
		if reply.Length() > 0 {
			rc := reply.Clone()
			rdt := extract.Clean(rc.Find(".review-date").First().Text())
			rc.Find(".author-name, .review-date, .box-arrow-up").Remove()
			m.Reply = extract.SelText(rc)
			if t, ok := extract.LocalDate(rdt); ok {
				m.ReplyAt = &t
			}
		}
		ms = append(ms, m)
	})
	return ms
}

// reviewURL links to the review on the app page.
func reviewURL(pageURL, id string) string {
	u, err := url.Parse(pageURL)
	if err != nil || u.Host == "" {
		return pageURL
	}
	q := u.Query()
	q.Set("reviewId", id)
	u.RawQuery = q.Encode()
	return u.String()
}
