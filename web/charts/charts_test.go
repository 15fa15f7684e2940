package charts

import (
	"strings"
	"testing"
)

// TestChartsTextLinksAndEscaping checks what a reader and a screen
// reader get from a chart: labels and values as <text>, a title and
// description, a scalable viewBox, links only to this site, and scraped
// labels escaped.
func TestChartsTextLinksAndEscaping(t *testing.T) {
	bars := []Bar{
		{Label: "料理が冷めていた", Value: 3, Text: "3", Href: "/inbox?issue=%E6%96%99"},
		{Label: `<script>alert(1)</script>`, Value: 1, Text: "1", Href: "javascript:alert(1)"},
		{Label: "HEALTH AND SAFETY", Value: 2, Text: "2", Href: "//evil.example/x", Prev: 4},
	}
	for name, draw := range map[string]func(Chart) string{
		"vertical":   func(c Chart) string { return string(Vertical(c)) },
		"horizontal": func(c Chart) string { return string(Horizontal(c)) },
	} {
		t.Run(name, func(t *testing.T) {
			out := draw(Chart{ID: "c", Title: "Top <issues>", Desc: "desc", Bars: bars})
			for _, want := range []string{`viewBox="0 0 400 `, `width="100%"`, `<title id="c-t">Top &lt;issues&gt;</title>`, `<desc id="c-d">desc</desc>`,
				`料理が冷めて`, `&lt;scrip`, `<a href="/inbox?issue=%E6%96%99"`} {
				if !strings.Contains(out, want) {
					t.Errorf("lacks %q", want)
				}
			}
			for _, bad := range []string{"<script>", "javascript:", "evil.example/x\""} {
				if strings.Contains(out, bad) {
					t.Errorf("contains %q", bad)
				}
			}
		})
	}
	if out := string(Horizontal(Chart{ID: "h", Bars: bars})); !strings.Contains(out, ">HEALTH AND SAFETY</text>") {
		t.Errorf("a long label is cut in the horizontal chart")
	}
}
