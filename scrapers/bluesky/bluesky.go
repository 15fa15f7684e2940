// Package bluesky finds posts that mention the business on Bluesky, after
// opening a session with an app password (com.atproto.server.createSession):
// a search (app.bsky.feed.searchPosts), or with the target "@mentions" the
// account's own notifications (app.bsky.notification.listNotifications)
// that mention it, reply to it or quote it, which search misses when a
// customer tags the business without naming it. Any AT Protocol service
// that implements these methods works, through the API base URL.
package bluesky

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/extract"
	"github.com/earshot/earshot/scrapers/fetch"
)

// Kind is this source's name in configs and on the command line.
const Kind = "bluesky"

// DefaultAPIBase is the Bluesky PDS entry point.
const DefaultAPIBase = "https://bsky.social"

// Environment variables holding the credentials.
const (
	EnvIdentifier  = "EARSHOT_BLUESKY_IDENTIFIER"
	EnvAppPassword = "EARSHOT_BLUESKY_APP_PASSWORD"
)

// MentionsTarget reads the notifications of the account whose app
// password is configured: mentions, replies and quotes of its posts.
const MentionsTarget = "@mentions"

// mentionReasons are the notification reasons that are someone talking to
// or about the business (not likes, reposts or follows).
var mentionReasons = []string{"mention", "reply", "quote"}

type source struct {
	f      *fetch.Fetcher
	getenv func(string) string
}

// New returns the bluesky source; its target is a search query.
func New(opts scrapers.Options) (scrapers.Source, error) {
	opts = opts.WithDefaults()
	return &source{f: fetch.New(Kind, opts), getenv: opts.Getenv}, nil
}

// Fetch opens a session and pages through the newest matching posts. The
// cursor is the newest post's time; searchPosts's since= keeps regular
// runs to what is new.
func (s *source) Fetch(ctx context.Context, req scrapers.Request) (scrapers.Result, error) {
	res := scrapers.Result{Cursor: req.Cursor}
	if strings.TrimSpace(req.Target) == "" {
		return res, fmt.Errorf("scrapers: bluesky: empty search query: %w", scrapers.ErrConfig)
	}
	id, pw := s.getenv(EnvIdentifier), s.getenv(EnvAppPassword)
	if id == "" || pw == "" {
		return res, fmt.Errorf("scrapers: bluesky: set %s and %s (an app password, not the account password): %w", EnvIdentifier, EnvAppPassword, scrapers.ErrConfig)
	}
	base := strings.TrimRight(req.APIBase, "/")
	if base == "" {
		base = DefaultAPIBase
	}
	token, err := s.session(ctx, base, id, pw)
	if err != nil {
		return res, err
	}
	res.Pages++
	q := url.Values{}
	q.Set("q", req.Target)
	q.Set("sort", "latest")
	q.Set("limit", "100")
	if t, ok := extract.Time(req.Cursor); ok && !req.Backfill {
		q.Set("since", t.Format(time.RFC3339))
	}
	hdr := http.Header{"Authorization": {"Bearer " + token}}
	start, parse := base+"/xrpc/app.bsky.feed.searchPosts?"+q.Encode(), Parse
	if strings.TrimSpace(req.Target) == MentionsTarget {
		// No since= here: pagination stops at a page of stored mentions.
		nq := url.Values{"limit": {"100"}, "reasons": mentionReasons}
		start, parse = base+"/xrpc/app.bsky.notification.listNotifications?"+nq.Encode(), ParseNotifications
	}
	pr, err := s.f.APIPages(ctx, req, start, hdr, parse)
	pr.Pages += res.Pages
	pr.Cursor = req.Cursor
	for _, m := range pr.Mentions {
		if c, ok := extract.Time(pr.Cursor); !ok || m.PostedAt.After(c) {
			pr.Cursor = m.PostedAt.Format(time.RFC3339Nano)
		}
	}
	return pr, err
}

func (s *source) session(ctx context.Context, base, id, pw string) (string, error) {
	body, _ := json.Marshal(map[string]string{"identifier": id, "password": pw})
	resp, err := s.f.API(ctx, http.MethodPost, base+"/xrpc/com.atproto.server.createSession", http.Header{"Content-Type": {"application/json"}}, body)
	if err != nil {
		if resp != nil && resp.Status == http.StatusUnauthorized {
			return "", fmt.Errorf("scrapers: bluesky: session refused: check %s and %s: %w", EnvIdentifier, EnvAppPassword, scrapers.ErrConfig)
		}
		return "", err
	}
	var sess struct {
		AccessJwt string `json:"accessJwt"`
	}
	if err := json.Unmarshal(resp.Body, &sess); err != nil || sess.AccessJwt == "" {
		return "", fmt.Errorf("scrapers: bluesky %s: createSession answer has no access token: %w", base, scrapers.ErrParse)
	}
	return sess.AccessJwt, nil
}

type post struct {
	URI    string `json:"uri"`
	CID    string `json:"cid"`
	Author struct {
		Handle         string `json:"handle"`
		DisplayName    string `json:"displayName"`
		FollowersCount int64  `json:"followersCount"`
	} `json:"author"`
	Record struct {
		Text      string   `json:"text"`
		Langs     []string `json:"langs"`
		CreatedAt string   `json:"createdAt"`
		// Reply names the thread's root post when this post is a reply.
		Reply *struct {
			Root struct {
				URI string `json:"uri"`
			} `json:"root"`
		} `json:"reply"`
	} `json:"record"`
	IndexedAt string `json:"indexedAt"`
}

// Parse reads one searchPosts answer.
func Parse(body []byte, pageURL string) ([]models.Mention, fetch.PageInfo, error) {
	var info fetch.PageInfo
	var doc struct {
		Posts  *[]post `json:"posts"`
		Cursor string  `json:"cursor"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, info, fmt.Errorf("scrapers: bluesky %s: answer is not valid JSON: %v: %w", pageURL, err, scrapers.ErrParse)
	}
	if doc.Posts == nil {
		return nil, info, fmt.Errorf("scrapers: bluesky %s: answer has no \"posts\": %w", pageURL, scrapers.ErrParse)
	}
	var ms []models.Mention
	for _, p := range *doc.Posts {
		if p.URI != "" {
			ms = append(ms, fromPost(p))
		}
	}
	if len(ms) > 0 {
		info.Next = nextPage(pageURL, doc.Cursor)
	}
	return ms, info, nil
}

// ParseNotifications reads one listNotifications answer, keeping the
// notifications that are posts talking to the account (mentions,
// replies, quotes); servers that ignore the reasons filter also send
// likes and follows, which are skipped.
func ParseNotifications(body []byte, pageURL string) ([]models.Mention, fetch.PageInfo, error) {
	var info fetch.PageInfo
	var doc struct {
		Notifications *[]struct {
			post
			Reason string `json:"reason"`
		} `json:"notifications"`
		Cursor string `json:"cursor"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, info, fmt.Errorf("scrapers: bluesky %s: answer is not valid JSON: %v: %w", pageURL, err, scrapers.ErrParse)
	}
	if doc.Notifications == nil {
		return nil, info, fmt.Errorf("scrapers: bluesky %s: answer has no \"notifications\" (not a listNotifications answer): %w", pageURL, scrapers.ErrParse)
	}
	var ms []models.Mention
	for _, n := range *doc.Notifications {
		if n.URI == "" || !slices.Contains(mentionReasons, n.Reason) || !strings.Contains(n.URI, "/app.bsky.feed.post/") {
			continue
		}
		ms = append(ms, fromPost(n.post))
	}
	if len(*doc.Notifications) > 0 {
		info.Next = nextPage(pageURL, doc.Cursor)
	}
	return ms, info, nil
}

// fromPost converts a post view (search hit or notification) to a
// mention. PlatformID is the post's cid: with its uri (the ExternalID) it
// is the strong reference a reply's parent and root need.
func fromPost(p post) models.Mention {
	m := models.Mention{SourceKind: Kind, ExternalID: p.URI, PlatformID: p.CID, Author: p.Author.Handle, AuthorReach: p.Author.FollowersCount}
	if p.Author.Handle != "" {
		m.AuthorHandle = "@" + p.Author.Handle
	}
	m.Text = extract.Clean(p.Record.Text)
	if len(p.Record.Langs) > 0 {
		m.Language = p.Record.Langs[0]
	}
	if t, ok := extract.Time(p.Record.CreatedAt); ok {
		m.PostedAt = t
	} else if t, ok := extract.Time(p.IndexedAt); ok {
		m.PostedAt = t
	}
	m.URL = webURL(p.URI, p.Author.Handle)
	// A post starts its own thread; a reply is in its root's.
	m.ThreadID = p.URI
	if p.Record.Reply != nil && p.Record.Reply.Root.URI != "" {
		m.ThreadID = p.Record.Reply.Root.URI
	}
	return m
}

// nextPage is pageURL with cursor set; empty without a cursor.
func nextPage(pageURL, cursor string) string {
	if cursor == "" {
		return ""
	}
	u, err := url.Parse(pageURL)
	if err != nil {
		return ""
	}
	q := u.Query()
	q.Set("cursor", cursor)
	u.RawQuery = q.Encode()
	return u.String()
}

// webURL turns at://did/app.bsky.feed.post/rkey into the bsky.app link.
func webURL(uri, handle string) string {
	parts := strings.Split(strings.TrimPrefix(uri, "at://"), "/")
	if len(parts) != 3 || parts[1] != "app.bsky.feed.post" {
		return uri
	}
	who := handle
	if who == "" {
		who = parts[0]
	}
	return "https://bsky.app/profile/" + url.PathEscape(who) + "/post/" + url.PathEscape(parts[2])
}
