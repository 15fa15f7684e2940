// Package googleplay reads an Android app's reviews from its Google Play
// page (https://play.google.com/store/apps/details?id=<package>). The
// page embeds some 40 reviews in AF_initDataCallback blocks as
// positional arrays ([id, [author], stars, _, text, [seconds, nanos],
// thumbs, [_, reply, [seconds]], version, ...]); older pages carry
// div.single-review markup with the developer's reply beside it. Past
// the page, the reviews come newest first from the Play Store web app's
// own reviews RPC (batchexecute, rpcid UsvDTd, as the google-play-scraper
// projects call it), page by page with its continuation token, in the
// same positional arrays.
package googleplay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
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
// URL. The app page is the first page; the reviews RPC gives the rest,
// up to the run's page limit.
func New(opts scrapers.Options) (scrapers.Source, error) {
	return &source{f: fetch.New(Kind, opts)}, nil
}

// RPCPageSize is how many reviews one RPC call asks for.
const RPCPageSize = 100

// Fetch reads the app page, then pages through the reviews RPC newest
// first until a page of stored reviews, the last page, or the page limit.
// Reviews read before a failing RPC call are kept with its error.
func (s *source) Fetch(ctx context.Context, req scrapers.Request) (scrapers.Result, error) {
	maxPages := req.MaxPages
	if maxPages <= 0 {
		maxPages = scrapers.DefaultMaxPages
	}
	first := req
	first.MaxPages = 1
	res, err := s.f.Reviews(ctx, first, Parse)
	if err != nil || res.Pages >= maxPages || (!req.Backfill && allSeen(res.Mentions, req.Seen)) {
		return res, err
	}
	u, err := fetch.ParseTarget(req.Target)
	if err != nil {
		return res, err
	}
	app := u.Query().Get("id")
	if app == "" {
		return res, nil // not an app page URL: nothing to ask the RPC for
	}
	rpc := rpcURL(u)
	seen := map[string]bool{}
	for _, m := range res.Mentions {
		seen[m.ExternalID] = true
	}
	hdr := http.Header{"Content-Type": {"application/x-www-form-urlencoded;charset=UTF-8"}}
	token := ""
	for res.Pages < maxPages {
		resp, err := s.f.API(ctx, http.MethodPost, rpc, hdr, RPCBody(app, token))
		if err != nil {
			return res, err
		}
		res.Pages++
		ms, next, err := ParseRPC(resp.Body, u.String())
		if err != nil {
			return res, err
		}
		fresh := ms[:0]
		for _, m := range ms {
			if !seen[m.ExternalID] {
				seen[m.ExternalID] = true
				fresh = append(fresh, m)
			}
		}
		res.Mentions = append(res.Mentions, fresh...)
		if req.Progress != nil {
			req.Progress(res.Pages, len(res.Mentions))
		}
		if next == "" || next == token || len(ms) == 0 || (!req.Backfill && allSeen(ms, req.Seen)) {
			break
		}
		token = next
	}
	return res, nil
}

// rpcURL is the batchexecute endpoint on the app page's host, in the
// page's language and country.
func rpcURL(page *url.URL) string {
	q := url.Values{"hl": {"en"}, "gl": {"us"}}
	if v := page.Query().Get("hl"); v != "" {
		q.Set("hl", v)
	}
	if v := page.Query().Get("gl"); v != "" {
		q.Set("gl", v)
	}
	u := url.URL{Scheme: page.Scheme, Host: page.Host, Path: "/_/PlayStoreUi/data/batchexecute", RawQuery: q.Encode()}
	return u.String()
}

// RPCBody is the form body of one reviews RPC call: newest first (sort
// 2), RPCPageSize reviews, after token ("" for the first page).
func RPCBody(app, token string) []byte {
	var tok any
	if token != "" {
		tok = token
	}
	inner, _ := json.Marshal([]any{nil, nil, []any{2, 2, []any{RPCPageSize, nil, tok}, nil, []any{}}, []any{app, 7}})
	outer, _ := json.Marshal([]any{[]any{[]any{"UsvDTd", string(inner), nil, "generic"}}})
	return []byte(url.Values{"f.req": {string(outer)}}.Encode())
}

// ParseRPC reads one batchexecute answer: the anti-JSON prefix ")]}'",
// then chunks, one of them ["wrb.fr","UsvDTd","<payload JSON>",...]
// whose payload's first element lists the reviews and whose last ends in
// the next page's token. Anything else is a parse error, never "no
// reviews".
func ParseRPC(body []byte, pageURL string) ([]models.Mention, string, error) {
	payload, err := rpcPayload(body)
	if err != nil {
		return nil, "", fmt.Errorf("scrapers: googleplay %s: reviews RPC: %v: %w", pageURL, err, scrapers.ErrParse)
	}
	var ms []models.Mention
	for _, r := range arr(at(payload, 0)) {
		if m, ok := fromArray(arr(r), pageURL, false); ok {
			ms = append(ms, m)
		}
	}
	token := ""
	if len(payload) > 1 {
		last := arr(payload[len(payload)-1])
		if len(last) > 0 {
			token, _ = last[len(last)-1].(string)
		}
	}
	if len(ms) == 0 && len(arr(at(payload, 0))) > 0 {
		return nil, "", fmt.Errorf("scrapers: googleplay %s: reviews RPC: %d entries but no review could be read (format changed?): %w", pageURL, len(arr(at(payload, 0))), scrapers.ErrParse)
	}
	return ms, token, nil
}

func rpcPayload(body []byte) ([]any, error) {
	b := bytes.TrimSpace(body)
	if !bytes.HasPrefix(b, []byte(")]}'")) {
		return nil, errors.New(`the answer is not a batchexecute answer (no ")]}'" prefix)`)
	}
	b = b[4:]
	for len(b) > 0 {
		b = bytes.TrimLeft(b, " \r\n\t0123456789")
		if len(b) == 0 || b[0] != '[' {
			break
		}
		chunk, ok := arrayAt(b)
		if !ok {
			return nil, errors.New("a chunk of the answer is truncated")
		}
		b = b[len(chunk):]
		var rows []any
		if err := json.Unmarshal(chunk, &rows); err != nil {
			return nil, fmt.Errorf("a chunk is not valid JSON: %v", err)
		}
		for _, row := range rows {
			r := arr(row)
			if at(r, 0) != "wrb.fr" || at(r, 1) != "UsvDTd" {
				continue
			}
			raw, ok := at(r, 2).(string)
			if !ok {
				return nil, fmt.Errorf("the RPC answered with no data (error %v)", at(r, 5))
			}
			var payload []any
			if err := json.Unmarshal([]byte(raw), &payload); err != nil {
				return nil, fmt.Errorf("the RPC's data is not valid JSON: %v", err)
			}
			return payload, nil
		}
	}
	return nil, errors.New("the answer has no UsvDTd result")
}

func allSeen(ms []models.Mention, seen func(string) bool) bool {
	if seen == nil || len(ms) == 0 {
		return false
	}
	for _, m := range ms {
		if !seen(m.ExternalID) {
			return false
		}
	}
	return true
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
			m, ok := fromArray(a, pageURL, true)
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
	info.Aggregate = jsonld.Aggregate(nodes)
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

// fromArray reads one positional review array. In a page's embedded data,
// found by walking, only ids of the old "gp:" form are taken as reviews;
// the RPC's list holds nothing else, so its ids (UUIDs today) are taken
// as they are.
func fromArray(a []any, pageURL string, gpOnly bool) (models.Mention, bool) {
	id, _ := at(a, 0).(string)
	stars, okStars := at(a, 2).(float64)
	if id == "" || len(id) > 200 || (gpOnly && !strings.HasPrefix(id, "gp:")) || !okStars || stars < 1 || stars > 5 || len(a) < 6 {
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
