// Package mastodon finds posts that mention the business on a Mastodon
// (or API-compatible) server with github.com/mattn/go-mastodon: full-text
// search, a hashtag timeline, or the account's mention notifications.
package mastodon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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

// Fetch makes one API call. Hashtag and mention runs are incremental
// (since_id = the cursor, the newest ID seen); search returns the
// server's best matches each time.
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
	token := s.getenv(EnvAccessToken)
	hc, err := s.f.Client("")
	if err != nil {
		return res, err
	}
	if _, err := fetch.ParseTarget(base); err != nil {
		return res, fmt.Errorf("scrapers: mastodon: api base: %w", err)
	}
	c := gomastodon.NewClient(&gomastodon.Config{Server: strings.TrimRight(base, "/"), AccessToken: token})
	c.Client = *hc
	c.UserAgent = s.ua
	pg := &gomastodon.Pagination{Limit: 40}
	if !req.Backfill && req.Cursor != "" {
		pg.SinceID = gomastodon.ID(req.Cursor)
	}
	var statuses []*gomastodon.Status
	switch {
	case strings.HasPrefix(target, "#"):
		statuses, err = c.GetTimelineHashtag(ctx, strings.TrimPrefix(target, "#"), false, pg)
	case target == MentionsTarget:
		if token == "" {
			return res, fmt.Errorf("scrapers: mastodon: %s needs %s: %w", MentionsTarget, EnvAccessToken, scrapers.ErrConfig)
		}
		var ns []*gomastodon.Notification
		ns, err = c.GetNotificationsExclude(ctx, &[]string{"follow", "favourite", "reblog", "poll", "follow_request", "update", "status", "admin.sign_up", "admin.report"}, pg)
		for _, n := range ns {
			if n != nil && n.Type == "mention" && n.Status != nil {
				statuses = append(statuses, n.Status)
			}
		}
	default:
		if token == "" {
			return res, fmt.Errorf("scrapers: mastodon: searching posts needs %s: %w", EnvAccessToken, scrapers.ErrConfig)
		}
		var r *gomastodon.Results
		r, err = c.Search(ctx, target, false)
		if r != nil {
			statuses = r.Statuses
		}
	}
	res.Pages = 1
	if err != nil {
		return res, fmt.Errorf("scrapers: mastodon %s: %w", base, classify(err))
	}
	res.Mentions = FromStatuses(statuses)
	for _, st := range statuses {
		if st != nil && newerID(string(st.ID), res.Cursor) {
			res.Cursor = string(st.ID)
		}
	}
	if req.Progress != nil {
		req.Progress(res.Pages, len(res.Mentions))
	}
	return res, nil
}

// classify keeps our sentinel when the transport failed, and calls an
// answer the library could not decode a parse failure.
func classify(err error) error {
	for _, s := range []error{scrapers.ErrBlocked, scrapers.ErrHTTP, scrapers.ErrTimeout, scrapers.ErrConfig, scrapers.ErrParse} {
		if errors.Is(err, s) {
			return err
		}
	}
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("the answer was empty: %w", scrapers.ErrParse)
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	if errors.As(err, &se) || errors.As(err, &te) || strings.Contains(err.Error(), "unexpected EOF") {
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
			AuthorReach: st.Account.FollowersCount,
			Title:       extract.Clean(st.SpoilerText),
			Text:        extract.HTMLText(st.Content),
			Language:    st.Language,
			PostedAt:    st.CreatedAt.UTC(),
		}
		if m.URL == "" {
			m.URL = st.URI
		}
		if !st.EditedAt.IsZero() && st.EditedAt.After(st.CreatedAt) {
			e := st.EditedAt.UTC()
			m.EditedAt = &e
		}
		ms = append(ms, m)
	}
	return ms
}
