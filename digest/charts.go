package digest

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"slices"

	"github.com/earshot/earshot/models"
)

// Charts are drawn with the standard library only and embedded in the
// email as inline PNGs: mail clients block remote images and run no
// JavaScript, and a chart library would be a large dependency for three
// small pictures.

const chartW = 560

var (
	colBG      = color.RGBA{0xff, 0xff, 0xff, 0xff}
	colGrid    = color.RGBA{0xe3, 0xe6, 0xea, 0xff}
	colAxis    = color.RGBA{0x8a, 0x93, 0x9e, 0xff}
	colText    = color.RGBA{0x33, 0x3b, 0x45, 0xff}
	colBar     = color.RGBA{0x4a, 0x6f, 0xa5, 0xff}
	colNeg     = color.RGBA{0xc9, 0x3c, 0x37, 0xff}
	colPrev    = color.RGBA{0xb8, 0xc0, 0xcb, 0xff}
	colLine    = color.RGBA{0x2e, 0x7d, 0x32, 0xff}
	colLineOld = color.RGBA{0x9c, 0xc5, 0x9e, 0xff}
)

func fillRect(img *image.RGBA, x, y, w, h int, c color.RGBA) {
	r := image.Rect(x, y, x+w, y+h).Intersect(img.Bounds())
	for yy := r.Min.Y; yy < r.Max.Y; yy++ {
		for xx := r.Min.X; xx < r.Max.X; xx++ {
			img.SetRGBA(xx, yy, c)
		}
	}
}

// drawLine draws a line of the given thickness by stepping along it.
func drawLine(img *image.RGBA, x0, y0, x1, y1, thick int, c color.RGBA) {
	steps := max(abs(x1-x0), abs(y1-y0), 1)
	for i := 0; i <= steps; i++ {
		x := x0 + (x1-x0)*i/steps
		y := y0 + (y1-y0)*i/steps
		fillRect(img, x-thick/2, y-thick/2, thick, thick, c)
	}
}

func drawDot(img *image.RGBA, cx, cy, r int, c color.RGBA) {
	for y := -r; y <= r; y++ {
		for x := -r; x <= r; x++ {
			if x*x+y*y <= r*r {
				fillRect(img, cx+x, cy+y, 1, 1, c)
			}
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func newCanvas(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fillRect(img, 0, 0, w, h, colBG)
	return img
}

func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("digest: encode chart: %w", err)
	}
	return buf.Bytes(), nil
}

// Chart content IDs, referenced from the HTML part as cid:<id>.
const (
	cidRating = "rating-trend@earshot"
	cidDays   = "mentions-per-day@earshot"
	cidIssues = "issues@earshot"
)

// chart is one rendered chart with the words that stand in for it when
// images are off.
type chart struct {
	CID    string
	Alt    string
	Width  int
	Height int
	PNG    []byte
}

// charts draws the digest's charts; issues only when there are issues.
func (d *Digest) charts() ([]chart, error) {
	var out []chart
	add := func(cid, alt string, img *image.RGBA) error {
		b, err := encodePNG(img)
		if err != nil {
			return err
		}
		out = append(out, chart{CID: cid, Alt: alt, Width: img.Bounds().Dx(), Height: img.Bounds().Dy(), PNG: b})
		return nil
	}
	if slices.Contains(d.Rating.Have[:], true) {
		if err := add(cidRating, "Average star rating per week: "+ratingPhrase(d.Rating), d.ratingChart()); err != nil {
			return nil, err
		}
	}
	if d.Quiet() {
		return out, nil
	}
	if err := add(cidDays, "Mentions per day: "+d.dayList(), d.daysChart()); err != nil {
		return nil, err
	}
	if len(d.Issues) > 0 {
		if err := add(cidIssues, "Top issues this week against the weekly average of the previous 4 weeks", d.issuesChart()); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func inlineImages(cs []chart) []models.InlineImage {
	out := make([]models.InlineImage, 0, len(cs))
	for _, c := range cs {
		out = append(out, models.InlineImage{ContentID: c.CID, ContentType: "image/png", Data: c.PNG})
	}
	return out
}

// ratingChart is a line of the weekly average rating on a 1–5 scale, the
// four earlier weeks in a lighter colour.
func (d *Digest) ratingChart() *image.RGBA {
	const h, left, right, top, bottom = 170, 30, 16, 28, 30
	img := newCanvas(chartW, h)
	plotH := h - top - bottom
	yOf := func(v float64) int { return top + int(math.Round(float64(plotH)*(5-v)/4)) }
	for s := 1; s <= 5; s++ {
		y := yOf(float64(s))
		fillRect(img, left, y, chartW-left-right, 1, colGrid)
		drawText(img, left-18, y-7, fmt.Sprint(s), 2, colAxis)
	}
	n := len(d.Rating.Weekly)
	step := (chartW - left - right - 80) / (n - 1)
	xOf := func(i int) int { return left + 50 + i*step }
	prevX, prevY, have := 0, 0, false
	for i := 0; i < n; i++ {
		w := d.Week.Add(i - (n - 1))
		label := fmt.Sprintf("W%02d", w.Num)
		drawText(img, xOf(i)-textWidth(label, 2)/2, h-bottom+10, label, 2, colAxis)
		if !d.Rating.Have[i] {
			continue
		}
		x, y := xOf(i), yOf(d.Rating.Weekly[i])
		c := colLineOld
		if i == n-1 {
			c = colLine
		}
		if have {
			drawLine(img, prevX, prevY, x, y, 3, c)
		}
		prevX, prevY, have = x, y, true
	}
	for i := 0; i < n; i++ {
		if !d.Rating.Have[i] {
			continue
		}
		x, y := xOf(i), yOf(d.Rating.Weekly[i])
		c := colLineOld
		if i == n-1 {
			c = colLine
		}
		drawDot(img, x, y, 5, c)
		v := fmt.Sprintf("%.1f", d.Rating.Weekly[i])
		ty := y - 22
		if ty < 2 {
			ty = y + 10
		}
		drawText(img, x-textWidth(v, 2)/2, ty, v, 2, colText)
	}
	return img
}

// daysChart is a bar per day of the week, its negative mentions in red.
func (d *Digest) daysChart() *image.RGBA {
	const h, left, right, top, bottom = 170, 10, 10, 26, 30
	img := newCanvas(chartW, h)
	var peak int64 = 1
	for _, day := range d.Days {
		peak = max(peak, day.Mentions)
	}
	plotH := h - top - bottom
	slot := (chartW - left - right) / 7
	barW := slot * 3 / 5
	fillRect(img, left, h-bottom, chartW-left-right, 1, colAxis)
	for i, day := range d.Days {
		x := left + i*slot + (slot-barW)/2
		total := int(math.Round(float64(plotH) * float64(day.Mentions) / float64(peak)))
		neg := int(math.Round(float64(plotH) * float64(day.Negative) / float64(peak)))
		if day.Mentions > 0 && total < 2 {
			total = 2
		}
		fillRect(img, x, h-bottom-total, barW, total-neg, colBar)
		fillRect(img, x, h-bottom-neg, barW, neg, colNeg)
		v := fmt.Sprint(day.Mentions)
		drawText(img, x+barW/2-textWidth(v, 2)/2, h-bottom-total-20, v, 2, colText)
		label := day.Date.Format("Mon")
		drawText(img, x+barW/2-textWidth(label, 2)/2, h-bottom+10, label, 2, colAxis)
	}
	return img
}

// issuesChart is a horizontal bar per top issue: this week in red, the
// weekly average of the previous four weeks in grey beneath it.
func (d *Digest) issuesChart() *image.RGBA {
	const rowH, top, labelW, valueW = 40, 10, 190, 50
	h := top*2 + rowH*len(d.Issues)
	img := newCanvas(chartW, h)
	peak := 1.0
	for _, f := range d.Issues {
		peak = math.Max(peak, math.Max(float64(f.Trend.This), f.Trend.PrevAvg))
	}
	barMax := chartW - labelW - valueW - 10
	for i, f := range d.Issues {
		y := top + i*rowH
		drawText(img, 4, y+6, fitText(f.Category, labelW-10, 2), 2, colText)
		w := int(math.Round(float64(barMax) * float64(f.Trend.This) / peak))
		fillRect(img, labelW, y+2, max(w, 2), 18, colNeg)
		drawText(img, labelW+max(w, 2)+6, y+4, fmt.Sprint(f.Trend.This), 2, colText)
		pw := int(math.Round(float64(barMax) * f.Trend.PrevAvg / peak))
		if pw > 0 {
			fillRect(img, labelW, y+24, pw, 8, colPrev)
		}
	}
	fillRect(img, labelW-1, top-2, 1, h-2*top+4, colAxis)
	return img
}
