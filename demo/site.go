// Package demo runs earshot's whole pipeline once with no config and no
// network: it serves a small review site and a social feed of its own on
// 127.0.0.1, receives the alert emails on a real local SMTP server, and
// prints what an owner would see. `earshot demo` is the first thing a new
// user runs, so it must always work.
package demo

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"text/template"
	"time"
)

//go:embed site
var siteFS embed.FS

var pages = template.Must(template.New("").ParseFS(siteFS, "site/reviews.html", "site/feed.xml"))

// Review is an extra review the site shows, for tests and measurements
// that need a new complaint to appear while earshot runs.
type Review struct {
	ID     string
	Author string
	Title  string
	Text   string
	Rating int
	Posted time.Time
}

// Site is the demo review site and social feed.
type Site struct {
	now   func() time.Time
	base  string
	srv   *http.Server
	ln    net.Listener
	mu    sync.Mutex
	extra []Review
	hook  func(*http.Request)
}

// OnRequest sets a function called at the start of every request, before
// the page is written: tests use it to see a scrape happen, or to hold
// one in flight.
func (s *Site) OnRequest(fn func(*http.Request)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hook = fn
}

// StartSite serves the demo site on 127.0.0.1 at a free port.
func StartSite(now func() time.Time) (*Site, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo: start site: %w", err)
	}
	s := &Site{now: now, ln: ln, base: "http://" + ln.Addr().String()}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /robots.txt", s.static("site/robots.txt", "text/plain; charset=utf-8"))
	mux.HandleFunc("GET /reviews", s.render("reviews.html", "text/html; charset=utf-8"))
	mux.HandleFunc("GET /social/feed.xml", s.render("feed.xml", "application/atom+xml; charset=utf-8"))
	s.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		hook := s.hook
		s.mu.Unlock()
		if hook != nil {
			hook(r)
		}
		mux.ServeHTTP(w, r)
	}), ReadHeaderTimeout: 5 * time.Second}
	go s.srv.Serve(ln) //nolint:errcheck // returns when closed
	return s, nil
}

// URL returns the site's address for a path.
func (s *Site) URL(path string) string { return s.base + path }

// Close stops the site.
func (s *Site) Close() error { return s.srv.Close() }

// AddReview publishes another review on the review page.
func (s *Site) AddReview(r Review) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.extra = append(s.extra, r)
}

func (s *Site) static(name, ctype string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b, _ := siteFS.ReadFile(name)
		w.Header().Set("Content-Type", ctype)
		w.Write(b)
	}
}

// pageData is what the templates see: dates relative to now, so the demo
// always shows last week's reviews.
type pageData struct {
	Base  string
	now   time.Time
	Extra string
}

// Day is the date n days ago (schema.org datePublished).
func (p pageData) Day(n int) string { return p.now.AddDate(0, 0, -n).Format("2006-01-02") }

// Time is the time n hours ago (Atom timestamps).
func (p pageData) Time(n int) string {
	return p.now.Add(-time.Duration(n) * time.Hour).Format(time.RFC3339)
}

func (s *Site) render(name, ctype string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var buf bytes.Buffer
		data := pageData{Base: s.base, now: s.now().UTC()}
		if name == "reviews.html" {
			data.Extra = s.extraJSON()
		}
		if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", ctype)
		w.Write(buf.Bytes())
	}
}

// extraJSON renders added reviews as JSON-LD array elements. json.Marshal
// escapes <, > and &, so review text cannot close the script element.
func (s *Site) extraJSON() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var parts []string
	for _, r := range s.extra {
		v := map[string]any{
			"@type": "Review", "@id": s.base + "/reviews#" + r.ID, "url": s.base + "/reviews#" + r.ID,
			"author": map[string]any{"@type": "Person", "name": r.Author}, "datePublished": r.Posted.UTC().Format(time.RFC3339),
			"name": r.Title, "reviewBody": r.Text,
			"reviewRating": map[string]any{"@type": "Rating", "ratingValue": fmt.Sprint(r.Rating), "bestRating": "5"},
		}
		b, _ := json.Marshal(v)
		parts = append(parts, string(b))
	}
	if len(parts) == 0 {
		return ""
	}
	return ",\n    " + strings.Join(parts, ",\n    ")
}
