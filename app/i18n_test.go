package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/app"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/smtpsink"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
	"github.com/jonboulle/clockwork"
)

// reviewPage is a schema.org review page with one review.
func reviewPage(id, lang, author, body string, stars int) string {
	return fmt.Sprintf(`<!DOCTYPE html>
<html lang="%[2]s"><head><title>Reviews</title>
<script type="application/ld+json">
{"@context":"https://schema.org","@type":"Restaurant","name":"Shop",
 "review":[{"@type":"Review","@id":"https://shop.example/reviews#%[1]s","author":{"@type":"Person","name":%[3]q},
  "datePublished":"2026-12-01T12:00:00+09:00","reviewBody":%[4]q,
  "reviewRating":{"@type":"Rating","ratingValue":"%[5]d","bestRating":"5"}}]}
</script></head><body></body></html>`, id, lang, author, body, stars)
}

// mailOf decodes one message: its subject and its text/plain part.
func mailOf(t *testing.T, m smtpsink.Message) (to, subject, text string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	var part func(h map[string][]string, r io.Reader) string
	part = func(h map[string][]string, r io.Reader) string {
		hdr := mail.Header(h)
		mt, params, _ := mime.ParseMediaType(hdr.Get("Content-Type"))
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(r, params["boundary"])
			for {
				p, err := mr.NextPart()
				if err != nil {
					return ""
				}
				if s := part(p.Header, p); s != "" {
					return s
				}
			}
		}
		if mt != "text/plain" {
			return ""
		}
		switch strings.ToLower(hdr.Get("Content-Transfer-Encoding")) {
		case "quoted-printable":
			r = quotedprintable.NewReader(r)
		case "base64":
			t.Fatal("base64 body: decode not written")
		}
		b, _ := io.ReadAll(r)
		return string(b)
	}
	return strings.Join(m.To, ","), subject, part(msg.Header, msg.Body)
}

// TestJapaneseComplaintEndToEnd: a Japanese 1★ review goes through
// scraping, analysis, the alerter and the outbox of one app (real SQLite,
// real SMTP) and becomes a task with a Japanese polite draft and issues
// named in Japanese, and an alert email in Japanese for the Japanese
// owner; the English business beside it is alerted in English as before.
func TestJapaneseComplaintEndToEnd(t *testing.T) {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nAllow: /\n")
		case "/ja":
			fmt.Fprint(w, reviewPage("ja-1", "ja", "田中 花子", "料理が冷めていて、30分も待たされました。店員の態度も最悪でした。二度と行きません。", 1))
		case "/en":
			fmt.Fprint(w, reviewPage("en-1", "en", "Dana Scully", "The food was cold and we waited 40 minutes. Rude staff. Never again.", 1))
		default:
			http.NotFound(w, r)
		}
	}))
	defer site.Close()
	sink, err := smtpsink.Start("", "")
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	dir := t.TempDir()
	yml := fmt.Sprintf(`database:
  path: %[1]s
scraping:
  user_agent: "earshot-test/1.0"
  request_delay: 1ms
  allow_private_networks: true
smtp:
  host: 127.0.0.1
  port: %[2]d
  tls: none
  from: "earshot <alerts@example.com>"
channels:
  - {name: mail, type: email, to: ["owner@example.com"]}
businesses:
  - name: sakura
    display_name: "さくら食堂"
    domain: restaurant
    time_zone: Asia/Tokyo
    locale: ja
    business_hours: {days: [mon, tue, wed, thu, fri, sat, sun], open: "00:00", close: "23:59"}
    users:
      - {name: 佐藤, email: owner@sakura.example, role: owner}
    sources:
      - {name: reviews, kind: jsonld, url: "%[3]s/ja"}
  - name: rosies
    display_name: "Rosie's Diner"
    domain: restaurant
    time_zone: Europe/London
    business_hours: {days: [mon, tue, wed, thu, fri, sat, sun], open: "00:00", close: "23:59"}
    users:
      - {name: Rosie, email: rosie@rosies.example, role: owner}
    sources:
      - {name: reviews, kind: jsonld, url: "%[3]s/en"}
`, filepath.Join(dir, "earshot.db"), sink.Port(), site.URL)
	cfg, err := config.Parse([]byte(yml), filepath.Join(dir, "earshot.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	clock := clockwork.NewFakeClockAt(time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC))
	a, err := app.New(context.Background(), cfg, app.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx := context.Background()
	rep, err := a.RunOnce(ctx, app.ScrapeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Runs {
		if r.Err != nil {
			t.Fatalf("source %s: %v", r.Source.Name, r.Err)
		}
	}

	biz, err := a.Store.BusinessByName(ctx, "sakura")
	if err != nil {
		t.Fatal(err)
	}
	if biz.Locale != "ja" {
		t.Errorf("stored locale %q, want ja", biz.Locale)
	}
	ts, err := a.Store.Tasks(ctx, store.TaskFilter{BusinessID: biz.ID, Kind: string(models.TaskApology)})
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 {
		t.Fatalf("Japanese business has %d apology tasks, want 1", len(ts))
	}
	task := ts[0]
	for _, w := range []string{"田中様", "料理が冷めていた", "ご迷惑をおかけしました", "申し訳ございません", "さくら食堂"} {
		if !strings.Contains(task.Draft, w) {
			t.Errorf("Japanese draft lacks %q:\n%s", w, task.Draft)
		}
	}
	if strings.Contains(task.Draft, "Hi ") || strings.Contains(task.Draft, "sorry") {
		t.Errorf("Japanese draft has English in it:\n%s", task.Draft)
	}
	if !strings.Contains(task.Issue, "料理が冷めていた") && !strings.Contains(task.Issue, "30分待ち") && !strings.Contains(task.Issue, "店員") {
		t.Errorf("task issue %q is not named in Japanese", task.Issue)
	}

	var jaMail, enMail struct{ subject, text string }
	for _, m := range sink.Messages() {
		_, subj, text := mailOf(t, m)
		switch {
		case strings.Contains(subj, "さくら食堂"):
			jaMail.subject, jaMail.text = subj, text
		case strings.Contains(subj, "Rosie's Diner"):
			enMail.subject, enMail.text = subj, text
		}
	}
	for _, w := range []string{"[earshot] さくら食堂：reviewsに田中 花子さんから1★のレビュー", "料理が冷めていた"} {
		if !strings.Contains(jaMail.subject, w) {
			t.Errorf("Japanese alert subject lacks %q: %q", w, jaMail.subject)
		}
	}
	// Due 30 minutes (severity) or 24 hours from 12:00 JST, written the
	// Japanese way in Tokyo time.
	for _, w := range []string{"田中 花子さんがreviewsでさくら食堂について1★のレビューを投稿しました。", "重大度", "担当：佐藤",
		"期限まであと", "年12月", "JST", "返信の下書き：", "申し訳ございません", "レビュー：", "このメールをお送りしています"} {
		if !strings.Contains(jaMail.text, w) {
			t.Errorf("Japanese alert body lacks %q:\n%s", w, jaMail.text)
		}
	}
	for _, w := range []string{"Severity", "Draft reply", "posted a"} {
		if strings.Contains(jaMail.text, w) {
			t.Errorf("Japanese alert body has English %q:\n%s", w, jaMail.text)
		}
	}
	for _, w := range []string{"[earshot] Rosie's Diner: 1★ review on reviews from Dana Scully"} {
		if !strings.Contains(enMail.subject, w) {
			t.Errorf("English alert subject lacks %q: %q", w, enMail.subject)
		}
	}
	for _, w := range []string{"Dana Scully posted a 1★ review about Rosie's Diner on reviews.", "Severity", "Draft reply:", "Hi Dana", "GMT"} {
		if !strings.Contains(enMail.text, w) {
			t.Errorf("English alert body lacks %q:\n%s", w, enMail.text)
		}
	}
}
