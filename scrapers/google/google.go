// Package google reads the reviews of the owner's own locations through
// the Google Business Profile API (accounts.locations.reviews.list),
// including the replies already posted. It needs OAuth credentials for an
// account that manages the location, read from the environment: a
// refresh token with its client ID and secret (tokens are refreshed as
// needed), or a short-lived access token for trying it out.
package google

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/oauth2"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/extract"
	"github.com/earshot/earshot/scrapers/fetch"
)

// Kind is this source's name in configs and on the command line.
const Kind = "google"

// Endpoints; Request.APIBase replaces both (the token endpoint becomes
// <base>/token).
const (
	DefaultAPIBase  = "https://mybusiness.googleapis.com"
	DefaultTokenURL = "https://oauth2.googleapis.com/token"
)

// Environment variables holding the OAuth credentials (scope
// https://www.googleapis.com/auth/business.manage).
const (
	EnvClientID     = "EARSHOT_GOOGLE_CLIENT_ID"
	EnvClientSecret = "EARSHOT_GOOGLE_CLIENT_SECRET"
	EnvRefreshToken = "EARSHOT_GOOGLE_REFRESH_TOKEN"
	EnvAccessToken  = "EARSHOT_GOOGLE_ACCESS_TOKEN"
)

type source struct {
	f      *fetch.Fetcher
	getenv func(string) string
}

// New returns the google source; its target is the location's resource
// name, "accounts/<account id>/locations/<location id>".
func New(opts scrapers.Options) (scrapers.Source, error) {
	opts = opts.WithDefaults()
	return &source{f: fetch.New(Kind, opts), getenv: opts.Getenv}, nil
}

var (
	locationName = regexp.MustCompile(`^accounts/[^/\s]+/locations/[^/\s]+$`)
	reviewName   = regexp.MustCompile(`^accounts/[^/\s]+/locations/[^/\s]+/reviews/[^/\s]+$`)
	locationPath = regexp.MustCompile(`/(accounts/[^/\s?]+/locations/[^/\s?]+)/reviews`)
)

// locationOf finds the location's resource name in a reviews.list URL.
func locationOf(pageURL string) string {
	u, err := url.Parse(pageURL)
	if err != nil {
		return ""
	}
	if m := locationPath.FindStringSubmatch(u.Path); m != nil {
		return m[1]
	}
	return ""
}

// Fetch lists the location's reviews newest first, following
// nextPageToken until a page holds only stored reviews.
func (s *source) Fetch(ctx context.Context, req scrapers.Request) (scrapers.Result, error) {
	res := scrapers.Result{Cursor: req.Cursor}
	loc := strings.Trim(strings.TrimSpace(req.Target), "/")
	if !locationName.MatchString(loc) {
		return res, fmt.Errorf("scrapers: google: target %q must be accounts/<id>/locations/<id>: %w", req.Target, scrapers.ErrConfig)
	}
	base, tokenURL := endpoints(req.APIBase)
	token, err := s.token(ctx, tokenURL)
	if err != nil {
		return res, err
	}
	hdr := http.Header{"Authorization": {"Bearer " + token}}
	q := url.Values{}
	q.Set("pageSize", "50")
	q.Set("orderBy", "updateTime desc")
	return s.f.APIPages(ctx, req, base+"/v4/"+loc+"/reviews?"+q.Encode(), hdr, Parse)
}

func (s *source) token(ctx context.Context, tokenURL string) (string, error) {
	hc, err := s.f.Client("")
	if err != nil {
		return "", err
	}
	return accessToken(ctx, hc, s.getenv, tokenURL)
}

// endpoints returns the API base and the token endpoint for a source's
// API base: the public ones when it is empty, else <base> and
// <base>/token (tests, proxies).
func endpoints(apiBase string) (base, tokenURL string) {
	base = strings.TrimRight(apiBase, "/")
	if base == "" {
		return DefaultAPIBase, DefaultTokenURL
	}
	return base, base + "/token"
}

// accessToken is the one way both the scraper and the poster get a
// Business Profile access token: refreshed with the OAuth client ID,
// secret and refresh token through hc when all three are set, else the
// static EnvAccessToken. Errors name the variables, never their values.
func accessToken(ctx context.Context, hc *http.Client, getenv func(string) string, tokenURL string) (string, error) {
	id, secret, refresh := getenv(EnvClientID), getenv(EnvClientSecret), getenv(EnvRefreshToken)
	if id != "" && secret != "" && refresh != "" {
		cfg := oauth2.Config{ClientID: id, ClientSecret: secret, Endpoint: oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams}}
		tok, err := cfg.TokenSource(context.WithValue(ctx, oauth2.HTTPClient, hc), &oauth2.Token{RefreshToken: refresh}).Token()
		if err != nil {
			// The oauth2 error can quote the token endpoint's body but never
			// our secrets; keep only its class.
			return "", fmt.Errorf("scrapers: google: refreshing the access token failed (check %s, %s, %s): %w", EnvClientID, EnvClientSecret, EnvRefreshToken, scrapers.ErrConfig)
		}
		return tok.AccessToken, nil
	}
	if t := getenv(EnvAccessToken); t != "" {
		return t, nil
	}
	return "", fmt.Errorf("scrapers: google: set %s, %s and %s (or %s): %w", EnvClientID, EnvClientSecret, EnvRefreshToken, EnvAccessToken, scrapers.ErrConfig)
}

var stars = map[string]float64{"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}

type review struct {
	Name     string `json:"name"`
	ReviewID string `json:"reviewId"`
	Reviewer struct {
		DisplayName string `json:"displayName"`
		IsAnonymous bool   `json:"isAnonymous"`
	} `json:"reviewer"`
	StarRating  string `json:"starRating"`
	Comment     string `json:"comment"`
	CreateTime  string `json:"createTime"`
	UpdateTime  string `json:"updateTime"`
	ReviewReply *struct {
		Comment    string `json:"comment"`
		UpdateTime string `json:"updateTime"`
	} `json:"reviewReply"`
}

// Parse reads one reviews.list answer.
func Parse(body []byte, pageURL string) ([]models.Mention, fetch.PageInfo, error) {
	var info fetch.PageInfo
	var doc struct {
		Reviews          *[]review `json:"reviews"`
		AverageRating    *float64  `json:"averageRating"`
		TotalReviewCount int       `json:"totalReviewCount"`
		NextPageToken    string    `json:"nextPageToken"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, info, fmt.Errorf("scrapers: google %s: answer is not valid JSON: %v: %w", fetch.Redact(pageURL), err, scrapers.ErrParse)
	}
	info.Count = doc.TotalReviewCount
	if doc.AverageRating != nil || doc.TotalReviewCount > 0 {
		agg := &models.AggregateRating{Count: doc.TotalReviewCount}
		if doc.AverageRating != nil {
			agg.Rating = extract.Stars(*doc.AverageRating, 5, 0)
		}
		info.Aggregate = agg
	}
	loc := locationOf(pageURL)
	if doc.Reviews == nil {
		return nil, info, nil
	}
	var ms []models.Mention
	for _, r := range *doc.Reviews {
		id := r.ReviewID
		if id == "" {
			id = r.Name
		}
		if id == "" {
			continue
		}
		m := models.Mention{SourceKind: Kind, ExternalID: id, Author: extract.Clean(r.Reviewer.DisplayName)}
		// Replying (PUT {name}/reply) needs the review's full resource
		// name; answers that leave it out get it from the location asked.
		m.PlatformID = r.Name
		if !reviewName.MatchString(m.PlatformID) && loc != "" && r.ReviewID != "" {
			m.PlatformID = loc + "/reviews/" + r.ReviewID
		}
		if v, ok := stars[r.StarRating]; ok {
			m.Rating = &v
		}
		m.Text = extract.Clean(r.Comment)
		if t, ok := extract.Time(r.CreateTime); ok {
			m.PostedAt = t
		}
		if t := extract.TimePtr(r.UpdateTime); t != nil && t.After(m.PostedAt) {
			m.EditedAt = t
		}
		if r.ReviewReply != nil && r.ReviewReply.Comment != "" {
			m.Reply = extract.Clean(r.ReviewReply.Comment)
			m.ReplyAt = extract.TimePtr(r.ReviewReply.UpdateTime)
		}
		m.URL = "https://business.google.com/reviews?review=" + url.QueryEscape(r.Name)
		ms = append(ms, m)
	}
	if doc.NextPageToken != "" && len(ms) > 0 {
		if u, err := url.Parse(pageURL); err == nil {
			q := u.Query()
			q.Set("pageToken", doc.NextPageToken)
			u.RawQuery = q.Encode()
			info.Next = u.String()
		}
	}
	return ms, info, nil
}
