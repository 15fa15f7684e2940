package digest

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// hostileDigest is a digest whose every scraped string is s.
func hostileDigest(s string) *Digest {
	start, end := week47.Bounds(london)
	r := 1.0
	d := &Digest{
		Week: week47, Location: london, Start: start, End: end, GeneratedAt: digestTime,
		Mentions: Trend{This: 3, PrevAvg: 1}, Complaints: Trend{This: 1},
		Sources:   []SourceFigures{{Name: s, Kind: "google", Target: s, Trend: Trend{This: 3}}},
		Issues:    []IssueFigures{{Category: s, Terms: []string{s}, Trend: Trend{This: 2}, New: true}},
		Praise:    []IssueFigures{{Category: s, Trend: Trend{This: 1}}},
		NewIssues: []string{s}, ReturnedIssues: []string{s},
		Worst:    []Quote{{Source: s, Author: oneLine(s, 60), Rating: &r, Text: oneLine(s, 220), URL: s, PostedAt: start}},
		Best:     []Quote{{Source: s, Author: oneLine(s, 60), Text: oneLine(s, 220), URL: s, PostedAt: start}},
		Health:   []SourceHealth{{Name: s, Kind: "google", Runs: 2, Failed: 1, LastClass: "parse", LastError: s}},
		Response: Response{OverdueTotal: 1, Overdue: []OverdueTask{{ID: 1, Kind: "apology", Assignee: s, DueAt: start, Link: s}}},
	}
	// The display name comes from the owner's config, not from scraping.
	d.Business.DisplayName = "Rosa's"
	for i := range d.Days {
		d.Days[i].Date = week47.Day(i, london)
	}
	return d
}

// FuzzRenderHostileText renders digests whose scraped strings are
// arbitrary: neither part may panic, the HTML may contain no element or
// attribute that scraped text created, and the text part no line that
// scraped text started.
func FuzzRenderHostileText(f *testing.F) {
	for _, s := range []string{
		"<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)",
		"a\r\nBcc: x@example.com", "\u202eevil\u2066", "]]><!--", "{{.Name}}", "\x00\xff\xfe", "https://ok.example/a b",
		strings.Repeat("ü", 500),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := hostileDigest(s)
		text := d.RenderText()
		for _, l := range strings.Split(text, "\n") {
			if strings.HasPrefix(l, "Bcc:") || strings.HasPrefix(l, "Subject:") {
				t.Fatalf("scraped text started line %q", l)
			}
		}
		if strings.ContainsAny(d.Subject(), "\r\n") {
			t.Fatalf("subject spans lines: %q", d.Subject())
		}
		// The charts are part of the page: scraped issue labels reach
		// them as table text.
		out, err := d.renderHTML()
		if err != nil {
			t.Fatalf("render: %v", err)
		}
		doc, err := html.Parse(strings.NewReader(out))
		if err != nil {
			t.Fatalf("parse HTML: %v", err)
		}
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				switch n.Data {
				case "script", "iframe", "object", "embed", "form", "input", "link", "meta", "style", "svg", "math":
					if n.Data != "meta" {
						t.Fatalf("element <%s> in the digest", n.Data)
					}
				}
				for _, a := range n.Attr {
					if strings.HasPrefix(strings.ToLower(a.Key), "on") {
						t.Fatalf("event handler attribute %s=%q", a.Key, a.Val)
					}
					if (a.Key == "href" || a.Key == "src") && !strings.HasPrefix(a.Val, "https://") && !strings.HasPrefix(a.Val, "http://") {
						t.Fatalf("%s=%q is not a web or chart URL", a.Key, a.Val)
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
	})
}
