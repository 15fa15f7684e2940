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

// TestVerticalBarsHeights checks the drawn heights a reader compares:
// stacked, the red part is a share of its bar; beside, two series counted
// on different clocks each keep their own height, so a day with more
// tasks opened than mentions posted (a late import) is not drawn as if
// every mention were a complaint.
func TestVerticalBarsHeights(t *testing.T) {
	bars := []Bar{{Label: "1", Value: 4, Part: 2}, {Label: "2", Value: 4, Part: 8}}
	heights := func(svg, fill string) []string {
		var hs []string
		for _, r := range strings.Split(svg, "<rect ")[1:] {
			if strings.Contains(r, `fill="`+fill+`"`) {
				h := r[strings.Index(r, `height="`)+8:]
				hs = append(hs, h[:strings.Index(h, `"`)])
			}
		}
		return hs
	}
	cases := []struct {
		name      string
		beside    bool
		blue, red []string
	}{
		// Scale top 8 (130 px); stacked, a part never rises above its
		// bar: 4 with 2 red → 32.5 blue over 32.5 red; 4 with "8" → all red.
		{"stacked", false, []string{"32.5", "0.0"}, []string{"32.5", "65.0"}},
		// Scale top 8: mentions 4 → 65 px, tasks 2 → 32.5 px, 8 → 130 px.
		{"beside", true, []string{"65.0", "65.0"}, []string{"32.5", "130.0"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := string(Vertical(Chart{ID: "d", Bars: bars, Beside: c.beside}))
			if got := heights(out, colBar); strings.Join(got, " ") != strings.Join(c.blue, " ") {
				t.Errorf("blue heights %v, want %v", got, c.blue)
			}
			if got := heights(out, colAccent); strings.Join(got, " ") != strings.Join(c.red, " ") {
				t.Errorf("red heights %v, want %v", got, c.red)
			}
		})
	}
}
