// Package i18n is earshot's message catalogue: the owner-facing text of
// alert emails, reminders and task messages in each supported locale,
// with dates, numbers and durations written the way a reader of that
// locale expects, in the business's time zone.
//
// Messages live in embedded JSON catalogues (locales/en.json,
// locales/ja.json) read by github.com/nicksnyder/go-i18n/v2, so adding a
// language is adding a file, not a switch in the code. English is the
// source: a message missing from another catalogue falls back to it, and
// a test fails when a key exists in en but not in every other catalogue.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.json
var catalogues embed.FS

// Locales are the locales with a complete catalogue, English first.
var Locales = []string{"en", "ja"}

var bundle = func() *goi18n.Bundle {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	for _, l := range Locales {
		if _, err := b.LoadMessageFileFS(catalogues, path.Join("locales", l+".json")); err != nil {
			panic(fmt.Sprintf("i18n: catalogue %s: %v", l, err))
		}
	}
	return b
}()

// Printer writes messages for one locale and time zone. The zero value is
// not usable; get one from For.
type Printer struct {
	lang string
	loc  *time.Location
	l    *goi18n.Localizer
}

// For returns the printer of locale (an unknown or empty locale is
// English) in time zone tz (UTC when nil).
func For(locale string, tz *time.Location) Printer {
	if tz == nil {
		tz = time.UTC
	}
	lang := "en"
	for _, l := range Locales {
		if strings.EqualFold(locale, l) {
			lang = l
		}
	}
	return Printer{lang: lang, loc: tz, l: goi18n.NewLocalizer(bundle, lang, "en")}
}

// Lang is the printer's locale ("en", "ja").
func (p Printer) Lang() string { return p.lang }

// Location is the printer's time zone.
func (p Printer) Location() *time.Location { return p.loc }

// T renders message id with data (a map or struct whose fields the
// message's {{.Field}} names). A message missing from every catalogue is
// a programming error and comes back as its id, so it shows up in tests
// rather than as a blank line in an email.
func (p Printer) T(id string, data any) string {
	s, err := p.l.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil {
		return id
	}
	return s
}

// Category is an issue category ("wait time") in the printer's
// language. Categories are stored in English, as the analyzer names them;
// one from a business's own taxonomy, which no catalogue knows, is shown
// as the config spells it.
func (p Printer) Category(name string) string {
	key := strings.ToLower(strings.TrimSpace(name))
	s, err := p.l.Localize(&goi18n.LocalizeConfig{MessageID: "category." + strings.ReplaceAll(key, " ", "_")})
	if err != nil || s == "" || s == key {
		return name // untranslated (English): as the analysis or config wrote it
	}
	return s
}

// N renders message id for a count, picking the plural form of the
// locale (English "1 day" / "2 days"; Japanese has one form). The count
// is available to the message as {{.Count}}.
func (p Printer) N(id string, count int, data map[string]any) string {
	if data == nil {
		data = map[string]any{}
	}
	data["Count"] = count
	s, err := p.l.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil {
		return id
	}
	return s
}

var jaWeekdays = [...]string{"日", "月", "火", "水", "木", "金", "土"}

// DateTime is a moment in the printer's time zone with weekday and zone:
// "Fri 4 Dec 17:00 JST", "2026年12月4日(金) 17:00 JST".
func (p Printer) DateTime(t time.Time) string {
	t = t.In(p.loc)
	if p.lang == "ja" {
		return fmt.Sprintf("%d年%d月%d日(%s) %s", t.Year(), int(t.Month()), t.Day(), jaWeekdays[t.Weekday()], t.Format("15:04 MST"))
	}
	return t.Format("Mon 2 Jan 15:04 MST")
}

// ShortDateTime is DateTime without the zone, for headings next to a
// zone already given: "Fri 4 Dec 17:00", "12月4日(金) 17:00".
func (p Printer) ShortDateTime(t time.Time) string {
	t = t.In(p.loc)
	if p.lang == "ja" {
		return fmt.Sprintf("%d月%d日(%s) %s", int(t.Month()), t.Day(), jaWeekdays[t.Weekday()], t.Format("15:04"))
	}
	return t.Format("Mon 2 Jan 15:04")
}

// FullDateTime is DateTime with the year, for a moment that may be
// read long after: "Mon 2 Jan 2006 15:04 MST", "2026年12月4日(金) 17:00 JST".
func (p Printer) FullDateTime(t time.Time) string {
	if p.lang == "ja" {
		return p.DateTime(t)
	}
	return t.In(p.loc).Format("Mon 2 Jan 2006 15:04 MST")
}

// Date is a day with its weekday: "Fri 4 Dec", "12月4日(金)".
func (p Printer) Date(t time.Time) string {
	t = t.In(p.loc)
	if p.lang == "ja" {
		return fmt.Sprintf("%d月%d日(%s)", int(t.Month()), t.Day(), jaWeekdays[t.Weekday()])
	}
	return t.Format("Mon 2 Jan")
}

// DayMonth is a day without weekday or year: "4 Dec", "12月4日".
func (p Printer) DayMonth(t time.Time) string {
	t = t.In(p.loc)
	if p.lang == "ja" {
		return fmt.Sprintf("%d月%d日", int(t.Month()), t.Day())
	}
	return t.Format("2 Jan")
}

// FullDate is a day with its year: "4 Dec 2026", "2026年12月4日".
func (p Printer) FullDate(t time.Time) string {
	t = t.In(p.loc)
	if p.lang == "ja" {
		return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
	}
	return t.Format("2 Jan 2006")
}

// Weekday is the short name of t's day: "Fri", "金".
func (p Printer) Weekday(t time.Time) string {
	t = t.In(p.loc)
	if p.lang == "ja" {
		return jaWeekdays[t.Weekday()]
	}
	return t.Format("Mon")
}

// Number writes an integer with the locale's grouping: "12,345" in both
// English and Japanese.
func (p Printer) Number(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Duration is a span as people say it, to the minute: "2 days 3 hours",
// "45 minutes", "2日3時間", "45分".
func (p Printer) Duration(d time.Duration) string {
	d = d.Round(time.Minute)
	if d < time.Minute {
		return p.T("duration.under_minute", nil)
	}
	days := int(d / (24 * time.Hour))
	hours := int(d % (24 * time.Hour) / time.Hour)
	mins := int(d % time.Hour / time.Minute)
	var parts []string
	switch {
	case days > 0:
		parts = append(parts, p.N("duration.days", days, nil))
		if hours > 0 {
			parts = append(parts, p.N("duration.hours", hours, nil))
		}
	case hours > 0:
		parts = append(parts, p.N("duration.hours", hours, nil))
		if mins > 0 {
			parts = append(parts, p.N("duration.minutes", mins, nil))
		}
	default:
		parts = append(parts, p.N("duration.minutes", mins, nil))
	}
	if len(parts) == 2 {
		return p.T("duration.pair", map[string]any{"A": parts[0], "B": parts[1]})
	}
	return parts[0]
}

// Remaining says how long until a deadline, or how long past it:
// "due in 3 hours", "overdue by 20 minutes", "期限まであと3時間".
func (p Printer) Remaining(now, due time.Time) string {
	d := due.Sub(now)
	if d >= 0 {
		return p.T("task.due_in", map[string]any{"Left": p.Duration(d)})
	}
	return p.T("task.overdue_by", map[string]any{"Late": p.Duration(-d)})
}

// Language is the name of an ISO 639-1 language in the printer's
// locale ("Italian", "イタリア語"), or the code itself when the catalogue
// has no name for it.
func (p Printer) Language(code string) string {
	if code == "" {
		code = "und"
	}
	id := "language." + code
	if s := p.T(id, nil); s != id {
		return s
	}
	return code
}

// List joins items as the locale writes a list: "a, b and c", "a、b、c".
func (p Printer) List(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	if p.lang == "ja" {
		return strings.Join(xs, "、")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

// Keys lists the message IDs of a locale's catalogue, sorted.
func Keys(locale string) ([]string, error) {
	raw, err := catalogues.ReadFile(path.Join("locales", locale+".json"))
	if err != nil {
		return nil, fmt.Errorf("i18n: catalogue %s: %w", locale, err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("i18n: catalogue %s: %w", locale, err)
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out, nil
}
