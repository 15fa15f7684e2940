package extract

import (
	"regexp"
	"strconv"
	"strings"
)

var (
	// "5つ星のうち1.0" (Amazon.co.jp): the scale comes first.
	starsJa = regexp.MustCompile(`(\d+)\s*つ星のうち\s*(\d+(?:[.,]\d+)?)`)
	// "1.0 out of 5 stars", "3,0 von 5 Sternen", "4,0 sur 5 étoiles",
	// "4,0 de 5 estrellas", "4,0 su 5 stelle".
	starsOutOf = regexp.MustCompile(`(\d+(?:[.,]\d+)?)\s+(?:out of|von|sur|de|su|van|z)\s+(\d+)`)
)

// StarsText reads a rating written out in words, as review sites print
// it for screen readers, in English, Japanese and the main European
// languages, and returns stars out of 5 (nil when s holds none).
func StarsText(s string) *float64 {
	s = strings.TrimSpace(s)
	var val, best string
	if m := starsJa.FindStringSubmatch(s); m != nil {
		best, val = m[1], m[2]
	} else if m := starsOutOf.FindStringSubmatch(strings.ToLower(s)); m != nil {
		val, best = m[1], m[2]
	} else {
		return nil
	}
	v, err1 := strconv.ParseFloat(strings.Replace(val, ",", ".", 1), 64)
	b, err2 := strconv.ParseFloat(best, 64)
	if err1 != nil || err2 != nil {
		return nil
	}
	return Stars(v, b, 0)
}
