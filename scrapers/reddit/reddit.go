// Package reddit finds posts that mention the business on Reddit. With
// an app's client ID and secret in the environment it uses the OAuth API
// (application-only token, /search?sort=new); without them it reads the
// public search RSS feed, which needs no account but gives less (no
// scores, shorter text).
package reddit

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/extract"
	"github.com/earshot/earshot/scrapers/fetch"
	"github.com/earshot/earshot/scrapers/rss"
)

// Kind is this source's name in configs and on the command line.
const Kind = "reddit"

// Public endpoints; Request.APIBase replaces all three hosts.
const (
	DefaultAuthBase = "https://www.reddit.com"
	DefaultAPIBase  = "https://oauth.reddit.com"
	DefaultFeedBase = "https://www.reddit.com"
)

// Environment variables holding the app credentials (a "script" or
// "web" app from https://www.reddit.com/prefs/apps).
const (
	EnvClientID     = "EARSHOT_REDDIT_CLIENT_ID"
	EnvClientSecret = "EARSHOT_REDDIT_CLIENT_SECRET"
)

type source struct {
	f      *fetch.Fetcher
	getenv func(string) string
}

// New returns the reddit source; its target is a search query.
func New(opts scrapers.Options) (scrapers.Source, error) {
	opts = opts.WithDefaults()
	return &source{f: fetch.New(Kind, opts), getenv: opts.Getenv}, nil
}

// Fetch searches newest first, through OAuth when credentials are set and
// the RSS feed otherwise.
func (s *source) Fetch(ctx context.Context, req scrapers.Request) (scrapers.Result, error) {
	res := scrapers.Result{Cursor: req.Cursor}
	if strings.TrimSpace(req.Target) == "" {
		return res, fmt.Errorf("scrapers: reddit: empty search query: %w", scrapers.ErrConfig)
	}
	authBase, apiBase, feedBase := DefaultAuthBase, DefaultAPIBase, DefaultFeedBase
	if b := strings.TrimRight(req.APIBase, "/"); b != "" {
		if u, err := url.Parse(b); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return res, fmt.Errorf("scrapers: reddit: api base %q is not an http(s) URL: %w", req.APIBase, scrapers.ErrConfig)
		}
		authBase, apiBase, feedBase = b, b, b
	}
	q := url.Values{}
	q.Set("q", req.Target)
	q.Set("sort", "new")
	id, secret := s.getenv(EnvClientID), s.getenv(EnvClientSecret)
	if id == "" || secret == "" {
		resp, err := s.f.Page(ctx, feedBase+"/search.rss?"+q.Encode())
		if err != nil {
			return res, err
		}
		res.Pages = 1
		ms, _, err := s.f.ParsePage(resp.Body, resp.URL, rss.Parse)
		for i := range ms {
			ms[i].SourceKind = Kind
			ms[i].Author = strings.TrimPrefix(ms[i].Author, "/u/")
		}
		res.Mentions = ms
		return res, err
	}
	token, err := s.token(ctx, authBase, id, secret)
	if err != nil {
		return res, err
	}
	q.Set("limit", "100")
	q.Set("raw_json", "1")
	hdr := http.Header{"Authorization": {"Bearer " + token}}
	pr, err := s.f.APIPages(ctx, req, apiBase+"/search?"+q.Encode(), hdr, Parse)
	pr.Pages++
	pr.Cursor = req.Cursor
	return pr, err
}

func (s *source) token(ctx context.Context, base, id, secret string) (string, error) {
	// Basic auth as in RFC 7617 (what http.Request.SetBasicAuth writes),
	// built without a request so no URL is parsed here.
	hdr := http.Header{
		"Content-Type":  {"application/x-www-form-urlencoded"},
		"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))},
	}
	resp, err := s.f.API(ctx, http.MethodPost, base+"/api/v1/access_token", hdr, []byte("grant_type=client_credentials"))
	if err != nil {
		if resp != nil && resp.Status == http.StatusUnauthorized {
			return "", fmt.Errorf("scrapers: reddit: token refused: check %s and %s: %w", EnvClientID, EnvClientSecret, scrapers.ErrConfig)
		}
		return "", err
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
	}
	if err := json.Unmarshal(resp.Body, &tok); err != nil || tok.AccessToken == "" {
		return "", fmt.Errorf("scrapers: reddit: no access token in the answer (%s): check %s and %s: %w", extract.Truncate(tok.Error, 60), EnvClientID, EnvClientSecret, scrapers.ErrConfig)
	}
	return tok.AccessToken, nil
}

type thing struct {
	Kind string `json:"kind"`
	Data struct {
		Name       string  `json:"name"`
		Title      string  `json:"title"`
		LinkTitle  string  `json:"link_title"`
		Selftext   string  `json:"selftext"`
		Body       string  `json:"body"`
		Author     string  `json:"author"`
		Permalink  string  `json:"permalink"`
		URL        string  `json:"url"`
		CreatedUTC float64 `json:"created_utc"`
		Edited     any     `json:"edited"`
		Subreddit  string  `json:"subreddit"`
	} `json:"data"`
}

// Parse reads one Listing (posts t3 and comments t1).
func Parse(body []byte, pageURL string) ([]models.Mention, fetch.PageInfo, error) {
	var info fetch.PageInfo
	var doc struct {
		Kind string `json:"kind"`
		Data *struct {
			After    string  `json:"after"`
			Children []thing `json:"children"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, info, fmt.Errorf("scrapers: reddit %s: answer is not valid JSON: %v: %w", fetch.Redact(pageURL), err, scrapers.ErrParse)
	}
	if doc.Data == nil {
		return nil, info, fmt.Errorf("scrapers: reddit %s: answer is not a Listing: %w", fetch.Redact(pageURL), scrapers.ErrParse)
	}
	var ms []models.Mention
	for _, c := range doc.Data.Children {
		d := c.Data
		if d.Name == "" || (c.Kind != "t3" && c.Kind != "t1") {
			continue
		}
		m := models.Mention{SourceKind: Kind, ExternalID: d.Name, Author: d.Author}
		if d.Permalink != "" {
			m.URL = "https://www.reddit.com" + d.Permalink
		} else {
			m.URL = d.URL
		}
		if c.Kind == "t3" {
			m.Title = extract.Clean(d.Title)
			m.Text = extract.Clean(d.Selftext)
		} else {
			m.Title = extract.Clean(d.LinkTitle)
			m.Text = extract.Clean(d.Body)
		}
		if d.CreatedUTC > 0 && d.CreatedUTC < 1e11 {
			m.PostedAt = extract.Unix(int64(d.CreatedUTC))
		}
		if e, ok := d.Edited.(float64); ok && e > d.CreatedUTC && e < 1e11 {
			t := extract.Unix(int64(e))
			m.EditedAt = &t
		}
		ms = append(ms, m)
	}
	if doc.Data.After != "" && len(ms) > 0 {
		if u, err := url.Parse(pageURL); err == nil {
			q := u.Query()
			q.Set("after", doc.Data.After)
			q.Set("count", strconv.Itoa(len(ms)))
			u.RawQuery = q.Encode()
			info.Next = u.String()
		}
	}
	return ms, info, nil
}
