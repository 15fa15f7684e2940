package digest

import (
	"context"
	"regexp"
	"strings"
	"testing"
)

// buildWeek47JA is the week-47 dataset for a business whose owner reads
// Japanese, in Tokyo, with the web app at a base URL.
func buildWeek47JA(t *testing.T) *Digest {
	t.Helper()
	f := newFixture(t)
	f.seedWeek47(t)
	biz := f.biz
	biz.Locale, biz.TimeZone = "ja", "Asia/Tokyo"
	d, err := Build(context.Background(), f.st, biz, week47, Options{Now: digestTime, BaseURL: "https://earshot.example/"})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return d
}

// TestJapaneseDigestGolden pins the digest a Japanese owner reads: both
// parts in Japanese with Japanese dates in the business's zone, every
// figure linked to the inbox behind it, and the scraped review still
// escaped.
func TestJapaneseDigestGolden(t *testing.T) {
	d := buildWeek47JA(t)
	text := d.RenderText()
	html, _, err := d.RenderHTML()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "week47.ja.txt.golden", "Subject: "+d.Subject()+"\n\n"+text)
	golden(t, "week47.ja.html.golden", html)

	for _, c := range []struct {
		name, part, want string
	}{
		{"subject in Japanese", d.Subject(), "週次レポート：評価 2.9（-1.6）、投稿9件、苦情5件、期限超過1件"},
		{"verdict", text, "今週は評判が悪くなりました。"},
		{"generated at, Japanese date in Tokyo", text, "2026年11月23日(月) 17:00 JST"},
		{"html lang", html, `<html lang="ja">`},
		{"complaints figure links to the business's tasks", html, `href="https://earshot.example/inbox?all=1&amp;business=rosas"`},
		{"overdue figure links to the overdue inbox", html, `href="https://earshot.example/inbox?business=rosas&amp;overdue=1"`},
		{"a source's count links to its tasks", text, "<https://earshot.example/inbox?all=1&business=rosas&source=trustpilot>"},
		{"overdue task links to its page", text, "<https://earshot.example/tasks/"},
		{"source health links to the sources page", text, "<https://earshot.example/sources>"},
		{"escaped author", html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(c.part, c.want) {
				t.Errorf("missing %q", c.want)
			}
		})
	}
	t.Run("no English left in the text part", func(t *testing.T) {
		// Scraped reviews, source kinds, commands and category keys are
		// the only Latin words a Japanese digest may carry.
		for _, en := range []string{"At a glance", "Mentions", "Responsiveness", "Worst of the week", "Source health", "Sent by earshot", "Overdue now", " late", "up from", "down from"} {
			if strings.Contains(text, en) {
				t.Errorf("the Japanese digest still says %q", en)
			}
		}
	})
	t.Run("nothing scraped runs as markup", func(t *testing.T) {
		if strings.Contains(html, "<script>") || regexp.MustCompile(`<img[^>]*onerror`).MatchString(html) || strings.Contains(html, `href="javascript:`) {
			t.Error("scraped markup reached the HTML part")
		}
	})
}
