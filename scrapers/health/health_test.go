package health

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/models"
)

func TestWriteTable(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	ok := now.Add(-3 * time.Hour)
	alerted := now.Add(-time.Hour)
	quiet := time.Date(2026, 10, 30, 8, 0, 0, 0, time.UTC)
	rows := []Row{
		{Business: "harbour", Source: models.Source{Name: "tp", Kind: "trustpilot", LastSuccessAt: &ok, LastRunAt: &ok, TotalMentions: 120}, LastRun: &models.SourceRun{Pages: 2, Parsed: 40, New: 3, Updated: 1}},
		{Business: "harbour", Source: models.Source{Name: "yelp", Kind: "yelp", LastRunAt: &ok, ConsecutiveFailures: 4, BrokenAlertedAt: &alerted, LastErrorClass: models.ErrorClassBlocked, LastError: "scrapers: yelp https://www.yelp.com/biz/x: DataDome captcha (HTTP 403):\n\x1b[31mblocked"}},
		{Business: "harbour", Source: models.Source{Name: "hn", Kind: "hackernews"}},
		{Business: "harbour", Source: models.Source{Name: "one", Kind: "rss", LastSuccessAt: &ok, LastRunAt: &ok}, LastRun: &models.SourceRun{Pages: 1, Parsed: 1, New: 1}},
		{Business: "harbour", Source: models.Source{Name: "gone-quiet", Kind: "jsonld", LastSuccessAt: &ok, LastRunAt: &ok, QuietSince: &quiet}},
	}
	var out bytes.Buffer
	if err := WriteTable(&out, rows, now); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"harbour/tp", "ok", "3h ago", "2 pages, 40 parsed, 3 new, 1 updated", "harbour/yelp", "broken", "[blocked] scrapers: yelp", "never run", "never", "harbour/gone-quiet", "quiet", "no new mention since 2026-10-30", "1 page, 1 parsed"} {
		if !strings.Contains(s, want) {
			t.Errorf("table lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "1 pages") {
		t.Errorf("table says \"1 pages\":\n%s", s)
	}
	if strings.ContainsRune(s, 0x1b) || strings.Count(s, "\n") != 6 {
		t.Errorf("control characters or extra lines in the table:\n%q", s)
	}
}

func TestWriteJSON(t *testing.T) {
	var out bytes.Buffer
	if err := WriteJSON(&out, nil); err != nil || strings.TrimSpace(out.String()) != "[]" {
		t.Fatalf("empty list printed as %q (%v)", out.String(), err)
	}
	out.Reset()
	WriteJSON(&out, []Row{{Business: "b", Source: models.Source{Name: "s", Kind: "rss", ConsecutiveFailures: 2}}})
	var got []map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || len(got) != 1 {
		t.Fatalf("not a JSON array of one row: %s", out.String())
	}
}
