// Package charts draws the dashboard's charts as inline SVG on the
// server. Labels and values are real <text>, so any language or script
// shows in the reader's fonts and can be selected, searched and read out;
// the SVG has a viewBox and width 100%, so it scales to a phone; each
// chart carries a <title> and <desc> (role="img"), and every bar can be
// a link to the tasks behind it. No JavaScript. The caller also shows
// the numbers in a table: a chart is never the only place a figure is.
//
// Every string is escaped here (text and attributes); links are
// accepted only when relative ("/inbox?…").
package charts

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
	"unicode/utf8"
)

// Bar is one bar: its label (an axis tick or a row name), its value and
// the text shown for it, an optional link, and an optional second value
// drawn as a thin comparison bar (Horizontal) or a stacked part in
// Accent colour (Vertical).
type Bar struct {
	Label string
	Value float64
	// Text is the value as shown ("4.2", "12"); empty hides it.
	Text string
	Href string
	// Part is the share of Value drawn in the accent colour (the
	// complaints among a day's mentions), from the baseline up.
	Part float64
	// Prev is the comparison value (the previous period) in Horizontal.
	Prev float64
	// Hint is the tooltip and accessible name of the bar's link.
	Hint string
}

// Chart is a titled series of bars.
type Chart struct {
	ID    string
	Title string
	Desc  string
	Bars  []Bar
	// Max is the top of the scale; 0 means the largest value.
	Max float64
	// Beside draws each bar's Part as a bar of its own next to Value's,
	// for two series counted on different clocks (mentions by the day
	// they were posted, tasks by the day they were opened), where Part
	// is not a share of Value and can exceed it.
	Beside bool
}

// Colours.
const (
	colBar    = "#3b5f99"
	colAccent = "#b42318"
	colPrev   = "#98a2b3"
	colText   = "#1d2330"
	colMuted  = "#4a5366"
	colGrid   = "#e6e8ec"
)

const (
	width    = 400
	fontSize = 11
)

func esc(s string) string { return html.EscapeString(s) }

// href lets only site-relative links through.
func href(u string) string {
	if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") {
		return ""
	}
	return u
}

// clip shortens s to n runes with an ellipsis; the full text stays in
// the bar's <title> and in the page's table.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func (c Chart) peak() float64 {
	p := c.Max
	if p <= 0 {
		for _, b := range c.Bars {
			p = math.Max(p, math.Max(b.Value, math.Max(b.Prev, b.Part)))
		}
	}
	if p <= 0 {
		p = 1
	}
	return p
}

func open(sb *strings.Builder, c Chart, h int) {
	id := esc(c.ID)
	fmt.Fprintf(sb, `<svg id="%s" class="chart" role="group" aria-labelledby="%s-t %s-d" viewBox="0 0 %d %d" width="100%%" preserveAspectRatio="xMinYMin meet" style="max-width:640px;height:auto;display:block" font-family="system-ui,sans-serif" font-size="%d">`, id, id, id, width, h, fontSize)
	fmt.Fprintf(sb, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(c.Title), id, esc(c.Desc))
}

func link(sb *strings.Builder, b Bar, body string) {
	if u := href(b.Href); u != "" {
		hint := b.Hint
		if hint == "" {
			hint = b.Label + ": " + b.Text
		}
		fmt.Fprintf(sb, `<a href="%s" aria-label="%s"><title>%s</title>%s</a>`, esc(u), esc(hint), esc(hint), body)
		return
	}
	sb.WriteString(body)
}

// Vertical draws a column per bar (days, weeks), labels beneath: every
// one when there are few, else evenly spaced so they never overlap.
func Vertical(c Chart) template.HTML {
	const h, top, bottom, left = 170, 18, 22, 18
	var sb strings.Builder
	open(&sb, c, h)
	n := max(len(c.Bars), 1)
	plotW, plotH := float64(width-2*left), float64(h-top-bottom)
	slot := plotW / float64(n)
	barW := math.Max(1, slot*0.7)
	peak := c.peak()
	fmt.Fprintf(&sb, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s"/>`, left, h-bottom, width-left, h-bottom, colMuted)
	// About seven labels fit the width at this font size.
	every := int(math.Ceil(float64(n) / 7))
	for i, b := range c.Bars {
		x := float64(left) + float64(i)*slot + (slot-barW)/2
		bh := plotH * b.Value / peak
		if b.Value > 0 {
			bh = math.Max(bh, 1.5)
		}
		var body strings.Builder
		// A transparent full-height target keeps small bars tappable.
		fmt.Fprintf(&body, `<rect x="%.1f" y="%d" width="%.1f" height="%.1f" fill="transparent"/>`, x, top, barW, plotH)
		if c.Beside {
			half := barW / 2
			ph := plotH * b.Part / peak
			if b.Part > 0 {
				ph = math.Max(ph, 1.5)
			}
			fmt.Fprintf(&body, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, x, float64(h-bottom)-bh, half, bh, colBar)
			if ph > 0 {
				fmt.Fprintf(&body, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, x+half, float64(h-bottom)-ph, half, ph, colAccent)
			}
			bh = math.Max(bh, ph)
		} else {
			ph := math.Min(bh, plotH*b.Part/peak)
			fmt.Fprintf(&body, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, x, float64(h-bottom)-bh, barW, bh-ph, colBar)
			if ph > 0 {
				fmt.Fprintf(&body, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, x, float64(h-bottom)-ph, barW, ph, colAccent)
			}
		}
		if b.Text != "" && n <= 14 {
			fmt.Fprintf(&body, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="%s">%s</text>`, x+barW/2, float64(h-bottom)-bh-4, colText, esc(b.Text))
		}
		link(&sb, b, body.String())
		if i%every == 0 {
			fmt.Fprintf(&sb, `<text x="%.1f" y="%d" text-anchor="middle" fill="%s">%s</text>`, x+barW/2, h-bottom+15, colMuted, esc(clip(b.Label, 8)))
		}
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

// Horizontal draws a row per bar (issues): the label on its own line
// above the bar so a long or non-Latin name has the full width, the
// value at the bar's end, the previous period as a thin grey bar.
func Horizontal(c Chart) template.HTML {
	const rowH, top, valueW = 38, 4, 60
	h := top*2 + rowH*max(len(c.Bars), 1)
	var sb strings.Builder
	open(&sb, c, h)
	peak := c.peak()
	barMax := float64(width - valueW)
	for i, b := range c.Bars {
		y := float64(top + i*rowH)
		w := barMax * b.Value / peak
		if b.Value > 0 {
			w = math.Max(w, 2)
		}
		var body strings.Builder
		fmt.Fprintf(&body, `<text x="0" y="%.1f" fill="%s">%s</text>`, y+12, colText, esc(clip(b.Label, 56)))
		fmt.Fprintf(&body, `<rect x="0" y="%.1f" width="%.1f" height="11" fill="%s"/>`, y+16, w, colAccent)
		if b.Prev > 0 {
			fmt.Fprintf(&body, `<rect x="0" y="%.1f" width="%.1f" height="4" fill="%s"/>`, y+29, math.Max(2, barMax*b.Prev/peak), colPrev)
		}
		fmt.Fprintf(&body, `<text x="%.1f" y="%.1f" fill="%s">%s</text>`, w+5, y+26, colText, esc(b.Text))
		link(&sb, b, body.String())
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}
