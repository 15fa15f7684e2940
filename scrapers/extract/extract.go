// Package extract holds the small, forgiving conversions every site parser
// needs: ratings on any scale to stars out of 5, the dozen date formats
// review sites print, whitespace clean-up, HTML-to-text, and stable
// synthetic IDs for sites that give reviews none. Parsers stay short and
// behave the same way on the same kind of mess.
package extract

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Stars converts value on the scale [worst, best] to stars out of 5. Sites
// use 1–5, 0–10, 1–100 and percentage scales; the owner compares them all
// on one scale. It returns nil when value is not a usable number or falls
// outside the scale, because a wrong rating is worse than none.
func Stars(value, best, worst float64) *float64 {
	if math.IsNaN(value) || math.IsInf(value, 0) {
		return nil
	}
	if best <= 0 || math.IsNaN(best) || math.IsInf(best, 0) {
		best = 5
	}
	if math.IsNaN(worst) || math.IsInf(worst, 0) || worst >= best {
		worst = 0
	}
	if value < worst || value > best {
		return nil
	}
	v := value
	if best != 5 {
		v = value / best * 5
	}
	v = math.Round(v*100) / 100
	return &v
}

// Float reads a number that JSON or markup may give as a number, a string,
// or a string with a decimal comma ("4,5"). ok is false for anything else.
func Float(v any) (f float64, ok bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case string:
		s := strings.TrimSpace(strings.ReplaceAll(x, ",", "."))
		if s == "" {
			return 0, false
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, false
		}
		return f, true
	}
	return 0, false
}

// Int reads a count such as "1,234 reviews" or 1234; ok is false when no
// digits are present.
func Int(v any) (n int, ok bool) {
	switch x := v.(type) {
	case float64:
		if x < 0 || x > math.MaxInt32 || math.IsNaN(x) {
			return 0, false
		}
		return int(x), true
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return 0, false
		}
		return Int(f)
	case int:
		return x, true
	case string:
		var b strings.Builder
		for _, r := range x {
			switch {
			case r >= '0' && r <= '9':
				b.WriteRune(r)
			case r == ',' || r == '.' || r == ' ' || r == '\u00a0' || r == '\u202f':
				// thousands separators
			default:
				if b.Len() > 0 {
					goto done
				}
			}
		}
	done:
		if b.Len() == 0 || b.Len() > 9 {
			return 0, false
		}
		n, err := strconv.Atoi(b.String())
		return n, err == nil
	}
	return 0, false
}

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05",
	"2006-01-02",
	time.RFC1123Z,
	time.RFC1123,
	time.RFC850,
	time.ANSIC,
	"Mon Jan 02 15:04:05 -0700 2006", // Twitter
	"January 2, 2006",
	"Jan 2, 2006",
	"2 January 2006",
	"2 Jan 2006",
	"January 2006",
	"1/2/2006",
	"2006/01/02",
}

// Time parses the date formats review sites and APIs print and returns it
// in UTC. ok is false when nothing matched: callers keep the mention with a
// zero time rather than drop it.
func Time(s string) (t time.Time, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return time.Time{}, false
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	// Unix seconds or milliseconds.
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		return Unix(n), true
	}
	return time.Time{}, false
}

// Unix converts seconds or milliseconds since the epoch (APIs use both) to
// UTC.
func Unix(n int64) time.Time {
	if n > 1e12 {
		return time.UnixMilli(n).UTC()
	}
	return time.Unix(n, 0).UTC()
}

// TimePtr is Time for optional fields such as EditedAt.
func TimePtr(s string) *time.Time {
	if t, ok := Time(s); ok {
		return &t
	}
	return nil
}

// Clean collapses runs of whitespace, trims, and drops invalid UTF-8 and
// NUL bytes, so scraped text compares equal across runs (the store hashes
// it to detect edits).
func Clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	s = strings.ReplaceAll(s, "\x00", "")
	// Keep paragraph breaks, collapse everything else.
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	out := lines[:0]
	blank := false
	for _, l := range lines {
		l = strings.Join(strings.Fields(l), " ")
		if l == "" {
			if len(out) > 0 {
				blank = true
			}
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// HTMLText turns an HTML fragment (feed descriptions, review bodies with
// <br>) into plain text with line breaks, decoding entities. The result is
// plain text: every consumer escapes it again for its own output.
func HTMLText(fragment string) string {
	if !strings.ContainsAny(fragment, "<&") {
		return Clean(fragment)
	}
	nodes, err := html.ParseFragment(strings.NewReader(fragment), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return Clean(fragment)
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
		case html.ElementNode:
			switch n.Data {
			case "script", "style":
				return
			case "br":
				b.WriteString("\n")
			case "p", "div", "li":
				b.WriteString("\n")
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.Type == html.ElementNode && (n.Data == "p" || n.Data == "div") {
			b.WriteString("\n")
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return Clean(b.String())
}

// SelText is the cleaned text of a selection, with <br> kept as line
// breaks.
func SelText(s *goquery.Selection) string {
	if s.Length() == 0 {
		return ""
	}
	h, err := s.First().Html()
	if err != nil {
		return Clean(s.First().Text())
	}
	return HTMLText(h)
}

// PagePath is the part of a page URL that names the page wherever it is
// served: the path, without scheme, host, port, query or fragment. Synthetic
// IDs hash it instead of the URL, so a review keeps its ID when the site
// moves host or port (the demo site gets a new port every run), when a
// tracking parameter appears, and when it moves from page 1 (?page=1) to
// page 2 as newer reviews push it down. Mentions are unique per source, so
// the host adds nothing.
func PagePath(pageURL string) string {
	u, err := url.Parse(strings.TrimSpace(pageURL))
	if err != nil {
		return pageURL
	}
	p := strings.TrimRight(u.EscapedPath(), "/")
	if p == "" {
		p = "/"
	}
	return p
}

// SiteID makes an ID that is a URL on the page's own host independent of
// that host: "http://127.0.0.1:8123/reviews#r-1" read from a page on
// 127.0.0.1 becomes "/reviews#r-1", which survives the site answering on
// another port or host. IDs that are not URLs, and URLs on other hosts
// (a review's canonical page elsewhere), are returned unchanged.
func SiteID(id, pageURL string) string {
	id = strings.TrimSpace(id)
	u, err := url.Parse(id)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return id
	}
	p, err := url.Parse(strings.TrimSpace(pageURL))
	if err != nil || !strings.EqualFold(u.Hostname(), p.Hostname()) {
		return id
	}
	u.Scheme, u.Host, u.User = "", "", nil
	out := u.String()
	if !strings.HasPrefix(out, "/") {
		out = "/" + out
	}
	return out
}

// HashID builds a stable external ID from the parts that identify a review
// on sites that give it no ID of its own (the page's PagePath, author,
// date). The text is deliberately not part of it: an edited review must
// keep its ID.
func HashID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s|", len(p), p)
	}
	return "h-" + hex.EncodeToString(h.Sum(nil))[:24]
}

// Truncate shortens s to at most n bytes on a rune boundary, for error
// messages that quote hostile input.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
