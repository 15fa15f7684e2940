package digest

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/smtpsink"
	"github.com/earshot/earshot/notify"
	"github.com/earshot/earshot/store"
)

func (f *fixture) at(t time.Time) { f.clock.Advance(t.Sub(f.clock.Now())) }

func TestEnqueueOncePerRecipientAndWeek(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.seedWeek47(t)
	f.at(digestTime)
	biz := f.cfg.Businesses[0]
	n, err := Enqueue(ctx, f.st, f.cfg, biz, week47, digestTime)
	if err != nil || n != 2 {
		t.Fatalf("first enqueue: %d, %v; want 2 (two recipients)", n, err)
	}
	n, err = Enqueue(ctx, f.st, f.cfg, biz, week47, digestTime.Add(time.Hour))
	if err != nil || n != 0 {
		t.Fatalf("second enqueue: %d, %v; want 0", n, err)
	}
	// A second replica on the same database, both racing for the next week.
	// The schema is migrated already; the test is about the outbox.
	other, err := store.Open(ctx, store.Options{Driver: "sqlite", Path: f.cfg.Database.Path, Clock: f.clock})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var wg sync.WaitGroup
	counts := make([]int, 2)
	errs := make([]error, 2)
	for i, st := range []*store.Store{f.st, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			counts[i], errs[i] = Enqueue(ctx, st, f.cfg, biz, week47.Add(1), digestTime.Add(7*24*time.Hour))
		}()
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("replicas: %v, %v", errs[0], errs[1])
	}
	if counts[0]+counts[1] != 2 {
		t.Errorf("two replicas queued %d+%d digests for week 48, want 2 in all", counts[0], counts[1])
	}
	keys := []string{
		IdempotencyKey("rosas", week47, "rosa@example.com"), IdempotencyKey("rosas", week47, "marco@example.com"),
		IdempotencyKey("rosas", week47.Add(1), "rosa@example.com"), IdempotencyKey("rosas", week47.Add(1), "marco@example.com"),
	}
	if got, err := f.st.DigestQueued(ctx, keys); err != nil || got != 4 {
		t.Errorf("outbox holds %d of the expected digests (%v), want 4", got, err)
	}
	if keys[0] != "digest:rosas:2026-W47:rosa@example.com" {
		t.Errorf("idempotency key %q", keys[0])
	}
}

func TestRecipients(t *testing.T) {
	owners := []config.User{{Name: "A", Email: "a@example.com", Role: "owner"}, {Name: "S", Email: "s@example.com", Role: "staff"}}
	cases := []struct {
		name string
		biz  config.Business
		want string
	}{
		{"configured recipients win", config.Business{Users: owners, Digest: config.Digest{Recipients: []string{"X <x@example.com>", "x@EXAMPLE.com", "y@example.com"}}}, "x@example.com,y@example.com"},
		{"owners when none configured", config.Business{Users: owners}, "a@example.com"},
		{"nobody", config.Business{Users: owners[1:]}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := strings.Join(Recipients(c.biz), ","); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
	f := newFixture(t)
	_, err := Enqueue(context.Background(), f.st, f.cfg, config.Business{Name: "rosas", Users: owners[1:]}, week47, digestTime)
	if err == nil || !strings.Contains(err.Error(), "no digest recipients") {
		t.Errorf("enqueue without recipients: %v", err)
	}
}

func TestEnqueueDue(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name    string
		now     time.Time
		edit    func(*config.Business)
		want    int
		wantKey string
	}{
		{"before Monday 08:00 the week before last is due", time.Date(2026, 11, 23, 7, 50, 0, 0, london), nil, 2, IdempotencyKey("rosas", week47.Add(-1), "rosa@example.com")},
		{"a business first stored after the week gets none", time.Date(2026, 10, 5, 7, 0, 0, 0, london), nil, 0, ""},
		{"at 08:00 last week's digest goes", digestTime, nil, 2, IdempotencyKey("rosas", week47, "rosa@example.com")},
		{"a restart on Thursday catches up", time.Date(2026, 11, 26, 15, 0, 0, 0, london), nil, 2, IdempotencyKey("rosas", week47, "rosa@example.com")},
		{"disabled", digestTime, func(b *config.Business) { b.Digest.Disabled = true }, 0, ""},
		{"no recipients is skipped, not an error", digestTime, func(b *config.Business) { b.Digest.Recipients, b.Users = nil, nil }, 0, ""},
		{"Friday 17:30 in New York", time.Date(2026, 11, 27, 17, 30, 0, 0, mustLoc("America/New_York")),
			func(b *config.Business) {
				b.TimeZone, b.Digest.Day, b.Digest.Time = "America/New_York", "friday", "17:30"
			}, 2,
			IdempotencyKey("rosas", week47, "rosa@example.com")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			if c.edit != nil {
				c.edit(&f.cfg.Businesses[0])
			}
			f.at(c.now)
			n, err := EnqueueDue(ctx, f.st, f.cfg, c.now, nil)
			if err != nil || n != c.want {
				t.Fatalf("EnqueueDue: %d, %v; want %d", n, err, c.want)
			}
			if c.wantKey != "" {
				if got, _ := f.st.DigestQueued(ctx, []string{c.wantKey}); got != 1 {
					t.Errorf("no notification %s", c.wantKey)
				}
			}
			again, err := EnqueueDue(ctx, f.st, f.cfg, c.now.Add(5*time.Minute), nil)
			if err != nil || again != 0 {
				t.Errorf("running again five minutes later queued %d (%v), want 0", again, err)
			}
		})
	}
}

// TestDigestArrivesBySMTP sends the digest through the alerter's outbox
// to a real SMTP server and checks the message: a text part, an HTML part
// and every chart as an inline image the HTML refers to.
func TestDigestArrivesBySMTP(t *testing.T) {
	ctx := context.Background()
	sink, err := smtpsink.Start("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	f := newFixture(t)
	f.seedWeek47(t)
	f.at(digestTime)
	f.cfg.SMTP = config.SMTP{Host: "127.0.0.1", Port: sink.Port(), TLS: "none", From: "earshot@rosas.example"}
	al, err := notify.New(f.cfg, f.st, notify.Options{Clock: f.clock, Console: io.Discard})
	if err != nil {
		t.Fatalf("sender: %v", err)
	}
	if n, err := Enqueue(ctx, f.st, f.cfg, f.cfg.Businesses[0], week47, digestTime); err != nil || n != 2 {
		t.Fatalf("enqueue: %d, %v", n, err)
	}
	sent, err := al.Deliver(ctx)
	if err != nil || sent != 2 {
		t.Fatalf("deliver: %d, %v; want 2", sent, err)
	}
	// Queueing and delivering again sends nothing more.
	if n, _ := Enqueue(ctx, f.st, f.cfg, f.cfg.Businesses[0], week47, digestTime); n != 0 {
		t.Errorf("second enqueue queued %d", n)
	}
	if sent, _ := al.Deliver(ctx); sent != 0 {
		t.Errorf("second delivery sent %d", sent)
	}
	msgs := sink.Messages()
	if len(msgs) != 2 {
		t.Fatalf("SMTP server received %d messages, want 2", len(msgs))
	}
	to := map[string]bool{}
	for _, m := range msgs {
		for _, r := range m.To {
			to[r] = true
		}
	}
	if !to["rosa@example.com"] || !to["marco@example.com"] {
		t.Errorf("recipients %v", to)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(msgs[0].Data))
	if err != nil {
		t.Fatalf("parse message: %v", err)
	}
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(msg.Header.Get("Subject"))
	if want := "Rosa's Pizzeria, week 2026-W47: rating 2.9 (-1.6), 9 mentions, 5 complaints, 1 overdue"; subject != want {
		t.Errorf("subject %q, want %q", subject, want)
	}
	parts := map[string][]mimePart{}
	walkMIME(t, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, parts)
	if len(parts["text/plain"]) != 1 || !strings.Contains(string(parts["text/plain"][0].body), "Answered before the deadline: 2 of 4 (50%)") {
		t.Errorf("no text part with the figures")
	}
	if len(parts["text/html"]) != 1 {
		t.Fatalf("%d HTML parts", len(parts["text/html"]))
	}
	html := string(parts["text/html"][0].body)
	if imgs := parts["image/png"]; len(imgs) != 0 {
		t.Errorf("%d inline PNGs; the charts are HTML now", len(imgs))
	}
	for _, id := range []string{`id="chart-rating"`, `id="chart-days"`, `id="chart-issues"`} {
		if !strings.Contains(html, id) {
			t.Errorf("HTML part lacks the chart %s", id)
		}
	}
	if strings.Contains(html, "cid:") || strings.Contains(html, "<img") {
		t.Errorf("HTML part still refers to images")
	}
}

type mimePart struct {
	cid  string
	body []byte
}

func walkMIME(t *testing.T, ctype, cte string, r io.Reader, out map[string][]mimePart) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		t.Fatalf("content type %q: %v", ctype, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(r, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatalf("multipart: %v", err)
			}
			walkMIME(t, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), withCID{p, p.Header.Get("Content-Id")}, out)
		}
	}
	body, err := io.ReadAll(decodeCTE(cte, r))
	if err != nil {
		t.Fatalf("read %s part: %v", mt, err)
	}
	cid := ""
	if w, ok := r.(withCID); ok {
		cid = w.cid
	}
	out[mt] = append(out[mt], mimePart{cid: cid, body: body})
}

type withCID struct {
	io.Reader
	cid string
}

func TestWritePreview(t *testing.T) {
	f := newFixture(t)
	f.seedWeek47(t)
	path := filepath.Join(t.TempDir(), "out", "digest.html")
	// A zero week previews the week containing now (the demo's case).
	if err := WritePreview(context.Background(), f.st, f.biz, Week{}, path, day(week47, 6, 23, 0)); err != nil {
		t.Fatalf("preview: %v", err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	for _, want := range []string{"week 2026-W47", `id="chart-days"`, "9, up from 5.8 a week"} {
		if !strings.Contains(html, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	if strings.Contains(html, "cid:") {
		t.Errorf("preview refers to cid: images a browser cannot show")
	}
	if strings.Contains(html, "<img") {
		t.Errorf("preview has images; the charts are HTML")
	}
}
