package extract

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// months maps month names (and common abbreviations) in the languages of
// the big review marketplaces to month numbers, for sites that print
// dates only as localised text ("14 novembre 2018", "3. März 2021",
// "Reviewed in the United States on March 3, 2021").
var months = func() map[string]time.Month {
	names := [][]string{
		{"january", "jan", "januar", "janvier", "janv", "enero", "ene", "gennaio", "gen", "januari", "janeiro", "stycznia"},
		{"february", "feb", "februar", "février", "fevrier", "févr", "febrero", "febbraio", "februari", "fevereiro", "fev"},
		{"march", "mar", "märz", "marz", "mars", "marzo", "maart", "março", "marco"},
		{"april", "apr", "avril", "avr", "abril", "abr", "aprile"},
		{"may", "mai", "mayo", "maggio", "mag", "mei", "maio"},
		{"june", "jun", "juni", "juin", "junio", "giugno", "giu", "junho"},
		{"july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho"},
		{"august", "aug", "août", "aout", "agosto", "ago", "augustus"},
		{"september", "sep", "sept", "septembre", "septiembre", "settembre", "set", "setembro"},
		{"october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro", "out"},
		{"november", "nov", "novembre", "noviembre", "novembro"},
		{"december", "dec", "dezember", "dez", "décembre", "decembre", "déc", "diciembre", "dic", "dicembre", "december", "dezembro"},
	}
	m := map[string]time.Month{}
	for i, ns := range names {
		for _, n := range ns {
			m[n] = time.Month(i + 1)
		}
	}
	return m
}()

var (
	dayMonthYear = regexp.MustCompile(`(\d{1,2})\.?\s+(?:de\s+)?([\p{L}]+)\.?\s+(?:de\s+)?(\d{4})`)
	monthDayYear = regexp.MustCompile(`([\p{L}]+)\.?\s+(\d{1,2}),?\s+(\d{4})`)
	// Japanese, Chinese and Korean: 2016年5月8日, 2016년 5월 8일.
	cjk = regexp.MustCompile(`(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]?`)
)

// LocalDate finds a date written with a month name in s, in any of the
// supported languages, and returns it as UTC midnight.
func LocalDate(s string) (time.Time, bool) {
	s = strings.ToLower(s)
	if len(s) > 300 {
		s = s[:300]
	}
	try := func(d, m, y string) (time.Time, bool) {
		mon, ok := months[strings.TrimSuffix(m, ".")]
		if !ok {
			return time.Time{}, false
		}
		day, err1 := strconv.Atoi(d)
		year, err2 := strconv.Atoi(y)
		if err1 != nil || err2 != nil || day < 1 || day > 31 || year < 1990 || year > 2200 {
			return time.Time{}, false
		}
		return time.Date(year, mon, day, 0, 0, 0, 0, time.UTC), true
	}
	if m := cjk.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		if y >= 1990 && y <= 2200 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 {
			return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC), true
		}
	}
	for _, m := range dayMonthYear.FindAllStringSubmatch(s, -1) {
		if t, ok := try(m[1], m[2], m[3]); ok {
			return t, true
		}
	}
	for _, m := range monthDayYear.FindAllStringSubmatch(s, -1) {
		if t, ok := try(m[2], m[1], m[3]); ok {
			return t, true
		}
	}
	return time.Time{}, false
}

var number = regexp.MustCompile(`\d[\d.,\x{a0}\x{202f}]*`)

// LastInt returns the last number in s ("1-10 of 2,132 reviews" → 2132),
// reading "." "," and narrow spaces as thousands separators.
func LastInt(s string) (int, bool) {
	all := number.FindAllString(s, -1)
	if len(all) == 0 {
		return 0, false
	}
	return Int(all[len(all)-1])
}
