package alerts

import (
	"strings"
	"testing"
)

// TestDraftFallbackSaysSo: a complaint in a language with no reply
// template gets the English draft, and both the task's history and the
// alert tell the owner why it is not in the reviewer's language.
func TestDraftFallbackSaysSo(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	m := f.process(complaint{id: "pt1", author: "João", rating: rating(1), severity: 3, text: "Comida fria e serviço lento.", language: "pt"})
	task := f.task(m.ID)
	if !strings.HasPrefix(task.Draft, "Hi João") && !strings.HasPrefix(task.Draft, "Hello João") {
		t.Errorf("draft is not the English one:\n%s", task.Draft)
	}
	evs, err := f.st.TaskEvents(f.ctx, task.ID)
	if err != nil {
		t.Fatal(err)
	}
	const why = "The reviewer wrote in Portuguese; earshot has no reply template in it, so the draft is in English."
	if len(evs) == 0 || !strings.Contains(evs[0].Note, why) {
		t.Errorf("task history does not say why the draft is English: %+v", evs)
	}
	alerts := f.notifications("alert")
	if len(alerts) != 1 || !strings.Contains(alerts[0].Body, why) {
		t.Errorf("alert does not say why the draft is English: %+v", alerts)
	}

	es := f.process(complaint{id: "es1", author: "Lucía", rating: rating(1), severity: 3, text: "La comida llegó fría", language: "es", issues: []string{"food/comida fría"}})
	if d := f.task(es.ID).Draft; !strings.HasPrefix(d, "Hola Lucía") || !strings.Contains(d, "comida fría") {
		t.Errorf("Spanish complaint draft:\n%s", d)
	}
}

// TestJapaneseOwnerMessages: for a business with locale ja, the complaint
// alert and the reminder are in Japanese, dates in its time zone.
func TestJapaneseOwnerMessages(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	f.cfg.Businesses[0].Locale, f.cfg.Businesses[0].TimeZone = "ja", "Asia/Tokyo"
	f.al = f.newAlerter()
	f.process(complaint{source: "mastodon", id: "110", author: "@kenji@example.social", severity: 2, text: "コーヒーが冷めていた @rosies",
		language: "ja", issues: []string{"drinks/コーヒーが冷めていた"}})
	a := f.notifications("alert")
	if len(a) != 1 {
		t.Fatalf("%d alerts", len(a))
	}
	for _, w := range []string{"さんから苦情", "（コーヒーが冷めていた）"} {
		if !strings.Contains(a[0].Subject, w) {
			t.Errorf("alert subject lacks %q: %s", w, a[0].Subject)
		}
	}
	for _, w := range []string{"重大度 2/5", "期限まであと1時間", "JST", "返信の下書き：", "@kenji@example.social様", "申し訳ございません"} {
		if !strings.Contains(a[0].Body, w) {
			t.Errorf("alert body lacks %q:\n%s", w, a[0].Body)
		}
	}
	if !strings.Contains(a[0].HTMLBody, `<html lang="ja">`) || !strings.Contains(a[0].HTMLBody, "レビューを開く") {
		t.Errorf("HTML part is not marked Japanese:\n%s", a[0].HTMLBody)
	}
	f.clock.Advance(61 * 60 * 1e9)
	f.checkDeadlines()
	r := f.notifications("reminder")
	if len(r) == 0 {
		t.Fatal("no reminder")
	}
	if !strings.Contains(r[0].Subject, "期限超過") && !strings.Contains(r[0].Subject, "リマインダー") {
		t.Errorf("reminder subject not Japanese: %s", r[0].Subject)
	}
	if !strings.Contains(r[0].Body, "まだ返信されておらず") || strings.Contains(r[0].Body, "has not been answered") {
		t.Errorf("reminder body not Japanese:\n%s", r[0].Body)
	}
}

// TestWorseAlertLocalised: a customer complaining again, more seriously,
// is announced in the owner's locale.
func TestWorseAlertLocalised(t *testing.T) {
	for _, c := range []struct{ locale, subject, lead string }{
		{"en", "[earshot] Worse: ", "The customer of task 1 complained again, more seriously. "},
		{"ja", "[earshot] 【悪化】", "タスク 1 のお客様が、より深刻な内容で再び苦情を投稿しました。"},
	} {
		t.Run(c.locale, func(t *testing.T) {
			f := newFixture(t, fixtureOpts{})
			f.cfg.Businesses[0].Locale = c.locale
			f.al = f.newAlerter()
			f.process(complaint{id: "w1", author: "Dana Scully", rating: rating(2), severity: 2, text: "Slow."})
			f.process(complaint{id: "w2", author: "Dana Scully", rating: rating(1), severity: 5, text: "I was sick after the meal. My lawyer will call."})
			a := f.notifications("alert")
			if len(a) != 2 {
				t.Fatalf("%d alerts, want 2", len(a))
			}
			if !strings.HasPrefix(a[1].Subject, c.subject) || !strings.Contains(a[1].Body, c.lead) {
				t.Errorf("worse alert: subject %q, body:\n%s", a[1].Subject, a[1].Body)
			}
		})
	}
}
