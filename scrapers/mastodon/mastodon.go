// Package mastodon finds posts that mention the business on a Mastodon
// (or API-compatible) server with github.com/mattn/go-mastodon: full-text
// search, a hashtag timeline, or the account's mention notifications.
package mastodon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	gomastodon "github.com/mattn/go-mastodon"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/extract"
	"github.com/earshot/earshot/scrapers/fetch"
)

// Kind is this source's name in configs and on the command line.
const Kind = "mastodon"

// DefaultAPIBase is used when the source names no server.
const DefaultAPIBase = "https://mastodon.social"

// EnvAccessToken holds the account's access token (Preferences →
// Development → New application, scopes read:search read:notifications
// read:statuses). Search of posts and mentions need it; hashtag timelines
// do not.
const EnvAccessToken = "EARSHOT_MASTODON_ACCESS_TOKEN"

// MentionsTarget selects the account's mention notifications.
const MentionsTarget = "@mentions"

type source struct {
	f      *fetch.Fetcher
	getenv func(string) string
	ua     string
}

// New returns the mastodon source. Its target is "#hashtag" for a
// hashtag timeline, "@mentions" for the account's mentions, or any other
// text for a search.
func New(opts scrapers.Options) (scrapers.Source, error) {
	opts = opts.WithDefaults()
	return &source{f: fetch.New(Kind, opts), getenv: opts.Getenv, ua: opts.UserAgent}, nil
}

// pageLimit is the statuses asked for per call, the API's maximum.
const pageLimit = 40

// Fetch reads the target page by page, newest first, following the API's
// cursors: the Link header's max_id for hashtag timelines and mention
// notifications, offset for search. Hashtag and mention runs are
// incremental (since_id = the cursor, the newest ID seen); every kind of
// run stops at a page of known mentions, an empty page, or the page limit.
func (s *source) Fetch(ctx context.Context, req scrapers.Request) (scrapers.Result, error) {
	res := scrapers.Result{Cursor: req.Cursor}
	target := strings.TrimSpace(req.Target)
	if target == "" {
		return res, fmt.Errorf("scrapers: mastodon: empty target (a search, #hashtag or %s): %w", MentionsTarget, scrapers.ErrConfig)
	}
	base := req.APIBase
	if base == "" {
		base = DefaultAPIBase
	}
	base = strings.TrimRight(base, "/")
	token := s.getenv(EnvAccessToken)
	hc, err := s.f.Client("")
	if err != nil {
		return res, err
	}
	if _, err := fetch.ParseTarget(base); err != nil {
		return res, fmt.Errorf("scrapers: mastodon: api base: %w", err)
	}
	mode := modeSearch
	switch {
	case strings.HasPrefix(target, "#"):
		mode = modeHashtag
	case target == MentionsTarget:
		mode = modeMentions
	}
	if token == "" && mode != modeHashtag {
		what := "searching posts"
		if mode == modeMentions {
			what = MentionsTarget
		}
		return res, fmt.Errorf("scrapers: mastodon: %s needs %s: %w", what, EnvAccessToken, scrapers.ErrConfig)
	}
	c := gomastodon.NewClient(&gomastodon.Config{Server: base, AccessToken: token})
	c.Client = *hc
	c.UserAgent = s.ua
	// The raw answer is kept to tell an empty page from one of the wrong
	// shape, which go-mastodon decodes to nothing without complaint.
	raw := &bytes.Buffer{}
	c.JSONWriter = raw
	maxPages := req.MaxPages
	if maxPages <= 0 {
		maxPages = scrapers.DefaultMaxPages
	}
	since := gomastodon.ID("")
	newest := req.Cursor
	if mode == modeMentions {
		// Mention runs page by notification id, stored with a prefix;
		// a cursor without it is a status id stored by an older
		// version and means nothing to this endpoint: the run then
		// stops at a page of stored mentions instead.
		newest = ""
		if id, ok := strings.CutPrefix(req.Cursor, notificationCursor); ok {
			newest = id
		}
	}
	if !req.Backfill {
		since = gomastodon.ID(newest)
	}
	pg := gomastodon.Pagination{Limit: pageLimit, SinceID: since}
	offset := 0
	for res.Pages < maxPages {
		raw.Reset()
		var statuses []*gomastodon.Status
		items := 0 // statuses or notifications on the page
		pageURL := base
		switch mode {
		case modeHashtag:
			pageURL += "/api/v1/timelines/tag/" + url.PathEscape(strings.TrimPrefix(target, "#"))
			statuses, err = c.GetTimelineHashtag(ctx, strings.TrimPrefix(target, "#"), false, &pg)
		case modeMentions:
			pageURL += "/api/v1/notifications"
			var ns []*gomastodon.Notification
			ns, err = c.GetNotificationsExclude(ctx, &[]string{"follow", "favourite", "reblog", "poll", "follow_request", "update", "status", "admin.sign_up", "admin.report"}, &pg)
			items = len(ns)
			for _, n := range ns {
				// since_id and max_id of this endpoint are notification
				// IDs, not status IDs: the cursor is the newest of them.
				if n != nil && newerID(string(n.ID), newest) {
					newest = string(n.ID)
					res.Cursor = notificationCursor + newest
				}
				if n != nil && n.Type == "mention" && n.Status != nil {
					statuses = append(statuses, n.Status)
				}
			}
		default:
			pageURL += "/api/v2/search"
			statuses, err = s.search(ctx, base, token, target, offset)
		}
		res.Pages++
		if mode != modeMentions {
			items = len(statuses)
		}
		if err != nil {
			return res, fmt.Errorf("scrapers: mastodon %s: %w", pageURL, classify(err))
		}
		if mode != modeSearch {
			if err := checkShape(raw.Bytes(), mode); err != nil {
				return res, fmt.Errorf("scrapers: mastodon %s: %v: %w", pageURL, err, scrapers.ErrParse)
			}
		}
		ms := FromStatuses(statuses)
		res.Mentions = append(res.Mentions, ms...)
		for _, st := range statuses {
			if st != nil && mode != modeMentions && newerID(string(st.ID), res.Cursor) {
				res.Cursor = string(st.ID)
			}
		}
		if req.Progress != nil {
			req.Progress(res.Pages, len(res.Mentions))
		}
		if items == 0 {
			break
		}
		if !req.Backfill && allSeen(ms, req.Seen) {
			break
		}
		if mode == modeSearch {
			if len(statuses) < pageLimit {
				break
			}
			offset += len(statuses)
			continue
		}
		// go-mastodon leaves the Link header's next page in pg; the
		// since_id of an incremental run must stay on every page.
		if pg.MaxID == "" {
			break
		}
		pg = gomastodon.Pagination{Limit: pageLimit, MaxID: pg.MaxID, SinceID: since}
	}
	return res, nil
}

// notificationCursor prefixes the cursor of mention runs, which is a
// notification id, not a status id.
const notificationCursor = "notification:"

type mode int

const (
	modeSearch mode = iota
	modeHashtag
	modeMentions
)

// search asks /api/v2/search for statuses only, one page at offset.
// go-mastodon's Search takes no offset, so the call is made here with the
// library's result type.
func (s *source) search(ctx context.Context, base, token, q string, offset int) ([]*gomastodon.Status, error) {
	v := url.Values{"q": {q}, "type": {"statuses"}, "resolve": {"false"}, "limit": {strconv.Itoa(pageLimit)}}
	if offset > 0 {
		v.Set("offset", strconv.Itoa(offset))
	}
	hdr := http.Header{"Authorization": {"Bearer " + token}, "Accept": {"application/json"}}
	resp, err := s.f.API(ctx, http.MethodGet, base+"/api/v2/search?"+v.Encode(), hdr, nil)
	if err != nil {
		return nil, err
	}
	var r struct {
		Statuses *[]*gomastodon.Status `json:"statuses"`
	}
	if err := json.Unmarshal(resp.Body, &r); err != nil {
		return nil, fmt.Errorf("search answer is not valid JSON: %v: %w", err, scrapers.ErrParse)
	}
	if r.Statuses == nil {
		return nil, fmt.Errorf("search answer has no \"statuses\" list (%s): %w", shapeOf(resp.Body), scrapers.ErrParse)
	}
	return *r.Statuses, nil
}

// checkShape tells a page of the wrong shape from an empty one: a
// timeline is a list of statuses (objects with an id and content), the
// notifications a list of objects with a type.
func checkShape(body []byte, m mode) error {
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(body, &items); err != nil || items == nil {
		return fmt.Errorf("answer is not a list (%s)", shapeOf(body))
	}
	for i, it := range items {
		switch m {
		case modeMentions:
			if _, ok := it["type"]; !ok {
				return fmt.Errorf("item %d of the notifications has no type (a list of statuses?)", i)
			}
		default:
			_, id := it["id"]
			_, content := it["content"]
			if !id || !content {
				return fmt.Errorf("item %d of the timeline is not a status (no id or content)", i)
			}
		}
	}
	return nil
}

// shapeOf names what a JSON answer is, for error messages that must not
// quote hostile input at length.
func shapeOf(body []byte) string {
	t := bytes.TrimSpace(body)
	switch {
	case len(t) == 0:
		return "empty answer"
	case t[0] == '{':
		var obj map[string]json.RawMessage
		if json.Unmarshal(t, &obj) != nil {
			return "an invalid JSON object"
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if len(keys) > 5 {
			keys = append(keys[:5], "…")
		}
		return "an object with keys " + strings.Join(keys, ", ")
	case t[0] == '[':
		return "a list"
	case bytes.Equal(t, []byte("null")):
		return "null"
	}
	return "not JSON"
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

// classify keeps our sentinel when the transport failed, and calls an
// answer the library could not decode a parse failure.
func classify(err error) error {
	for _, s := range []error{scrapers.ErrBlocked, scrapers.ErrHTTP, scrapers.ErrTimeout, scrapers.ErrConfig, scrapers.ErrParse} {
		if errors.Is(err, s) {
			return err
		}
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	if errors.As(err, &se) || errors.As(err, &te) || errors.Is(err, io.EOF) || strings.Contains(err.Error(), "unexpected EOF") {
		return fmt.Errorf("answer is not valid JSON: %v: %w", err, scrapers.ErrParse)
	}
	return err
}

// newerID compares Mastodon IDs (decimal strings of varying length).
func newerID(id, than string) bool {
	if len(id) != len(than) {
		return len(id) > len(than)
	}
	return id > than
}

// Parse reads a JSON array of statuses (a timeline answer); the client
// path decodes the same shape through go-mastodon.
func Parse(body []byte, pageURL string) ([]models.Mention, fetch.PageInfo, error) {
	if err := checkShape(body, modeHashtag); err != nil {
		return nil, fetch.PageInfo{}, fmt.Errorf("scrapers: mastodon %s: %v: %w", pageURL, err, scrapers.ErrParse)
	}
	var sts []*gomastodon.Status
	if err := json.Unmarshal(body, &sts); err != nil {
		return nil, fetch.PageInfo{}, fmt.Errorf("scrapers: mastodon %s: answer is not a list of statuses: %v: %w", pageURL, err, scrapers.ErrParse)
	}
	return FromStatuses(sts), fetch.PageInfo{}, nil
}

// FromStatuses converts statuses to mentions; a boost is read as the
// boosted post, which is what mentions the business.
func FromStatuses(sts []*gomastodon.Status) []models.Mention {
	seen := map[string]bool{}
	var ms []models.Mention
	for _, st := range sts {
		if st == nil {
			continue
		}
		if st.Reblog != nil {
			st = st.Reblog
		}
		id := st.URI
		if id == "" {
			id = string(st.ID)
		}
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		m := models.Mention{
			SourceKind:  Kind,
			ExternalID:  id,
			URL:         st.URL,
			Author:      st.Account.Acct,
			PlatformID:  string(st.ID),
			AuthorReach: st.Account.FollowersCount,
			Title:       extract.Clean(st.SpoilerText),
			Text:        extract.HTMLText(st.Content),
			Language:    st.Language,
			PostedAt:    st.CreatedAt.UTC(),
		}
		if m.URL == "" {
			m.URL = st.URI
		}
		if st.Account.Acct != "" {
			m.AuthorHandle = "@" + st.Account.Acct
		}
		if !st.EditedAt.IsZero() && st.EditedAt.After(st.CreatedAt) {
			e := st.EditedAt.UTC()
			m.EditedAt = &e
		}
		ms = append(ms, m)
	}
	return ms
}
