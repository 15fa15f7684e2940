package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/earshot/earshot/app"
	"github.com/earshot/earshot/auth"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/demo"
	"github.com/earshot/earshot/internal/browsertest"
	"github.com/earshot/earshot/internal/smtpsink"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/onetap"
	"github.com/jonboulle/clockwork"
)

// linkedInstall is the demo installation with server.base_url pointing
// at a real httptest server serving the app's handler, so the links the
// pipeline writes into alert emails lead to the handler under test.
type linkedInstall struct {
	app   *app.App
	srv   *httptest.Server
	sink  *smtpsink.Sink
	clock *clockwork.FakeClock
}

func newLinkedInstall(t *testing.T) *linkedInstall {
	t.Helper()
	clock := clockwork.NewFakeClockAt(time.Now().UTC().Truncate(time.Second))
	dir := t.TempDir()
	site, err := demo.StartSite(clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { site.Close() })
	sink, err := smtpsink.Start("", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	// The listener exists before the config: its address is base_url.
	srv := httptest.NewUnstartedServer(nil)
	t.Cleanup(srv.Close)
	base := "http://" + srv.Listener.Addr().String()
	yml := strings.Replace(demo.ConfigYAML(dir, site.URL(""), sink.Port()), "server:\n", "server:\n  base_url: "+base+"\n", 1)
	cfg, err := config.Parse([]byte(yml), filepath.Join(dir, "earshot.yaml"), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, app.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if _, err := a.RunOnce(context.Background(), app.ScrapeOptions{}); err != nil {
		t.Fatal(err)
	}
	h, err := a.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	return &linkedInstall{app: a, srv: srv, sink: sink, clock: clock}
}

var (
	taskLinkRE = regexp.MustCompile(`(https?://[^\s"<>]+/tasks/(\d+))\b`)
	tapLinkRE  = regexp.MustCompile(`(?m)^(Acknowledge|Assign to me): (https?://\S+/t/\S+)$`)
)

// alertEmail is one complaint alert the owner received: its task link
// and its one-tap links by label, read from the text part.
type alertEmail struct {
	subject, text string
	taskURL       string
	taskID        int64
	taps          map[string]string
}

func (l *linkedInstall) alertEmails(t *testing.T) []alertEmail {
	t.Helper()
	var out []alertEmail
	for _, m := range l.sink.Messages() {
		subj, text := mailText(t, m)
		taps := map[string]string{}
		for _, mm := range tapLinkRE.FindAllStringSubmatch(text, -1) {
			taps[mm[1]] = mm[2]
		}
		if len(taps) == 0 {
			continue
		}
		tm := taskLinkRE.FindStringSubmatch(text)
		if tm == nil {
			t.Fatalf("alert %q has one-tap links but no task link:\n%s", subj, text)
		}
		id, _ := strconv.ParseInt(tm[2], 10, 64)
		out = append(out, alertEmail{subject: subj, text: text, taskURL: tm[1], taskID: id, taps: taps})
	}
	if len(out) == 0 {
		t.Fatalf("no alert email with one-tap links among %d emails", l.sink.Count())
	}
	return out
}

func send(t *testing.T, method, u string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestAlertEmailOneTapLinks reads a real alert email (sent by the
// pipeline through SMTP to the sink) the way the owner does on a phone:
// its "Acknowledge" link, opened against the real handler with no
// session, acknowledges the task once, in the name of the person the
// email went to; tapping it again is refused; and the email's other link
// no longer works once it has expired.
func TestAlertEmailOneTapLinks(t *testing.T) {
	l := newLinkedInstall(t)
	ctx := context.Background()
	mails := l.alertEmails(t)
	mail := mails[0]
	ack, assign := mail.taps["Acknowledge"], mail.taps["Assign to me"]
	if ack == "" || assign == "" {
		t.Fatalf("alert %q lacks a link: %v", mail.subject, mail.taps)
	}
	if !strings.HasPrefix(ack, l.srv.URL+"/t/") || !strings.HasPrefix(mail.taskURL, l.srv.URL+"/tasks/") {
		t.Fatalf("links do not start with server.base_url %s: %s, %s", l.srv.URL, ack, mail.taskURL)
	}
	if !strings.Contains(mail.text, "earshot tasks ack "+strconv.FormatInt(mail.taskID, 10)) {
		t.Errorf("the CLI hint is gone from the alert:\n%s", mail.text)
	}

	if code, body := send(t, "GET", ack); code != http.StatusOK || !strings.Contains(body, `id="confirm"`) {
		t.Fatalf("GET the Acknowledge link: %d\n%s", code, body)
	}
	if got, _ := l.app.Store.Task(ctx, mail.taskID); got.State != models.TaskOpen {
		t.Fatalf("opening the link changed the task to %s before the tap", got.State)
	}
	if code, _ := send(t, "POST", ack); code != http.StatusOK {
		t.Fatalf("tap Acknowledge: %d", code)
	}
	d, err := l.app.Tasks.Show(ctx, l.clock.Now(), mail.taskID)
	if err != nil {
		t.Fatal(err)
	}
	if d.State != models.TaskAcknowledged || d.Events[len(d.Events)-1].Actor != "Rosie" {
		t.Fatalf("after the tap: state %s, last event %+v; want acknowledged by Rosie (owner-email goes to her)", d.State, d.Events[len(d.Events)-1])
	}
	t.Run("reused", func(t *testing.T) {
		if code, _ := send(t, "POST", ack); code != http.StatusGone {
			t.Errorf("second tap: %d, want 410", code)
		}
		if n, _ := l.app.Store.TaskEvents(ctx, mail.taskID); len(n) != len(d.Events) {
			t.Errorf("the second tap added history: %d events, had %d", len(n), len(d.Events))
		}
	})
	t.Run("expired", func(t *testing.T) {
		l.clock.Advance(onetap.DefaultExpiry + time.Minute)
		code, body := send(t, "POST", assign)
		if code != http.StatusGone || !strings.Contains(body, "expired") {
			t.Errorf("an expired Assign to me link: %d\n%s", code, body)
		}
		if got, _ := l.app.Store.Task(ctx, mail.taskID); got.Assignee == "Rosie" {
			t.Error("an expired link assigned the task")
		}
	})
}

// TestAlertEmailTaskLinkInBrowser follows the task link of a real alert
// email in headless Chromium: the inbox asks the owner to sign in, then
// shows that very task.
func TestAlertEmailTaskLinkInBrowser(t *testing.T) {
	browsertest.Chromium(t)
	l := newLinkedInstall(t)
	mail := l.alertEmails(t)[0]
	hash, err := auth.HashPassword("a long test password")
	if err != nil {
		t.Fatal(err)
	}
	// Rosie is the owner in the config; her account adds a password.
	if err := l.app.Store.CreateAccount(context.Background(), &models.Account{Name: "Rosie", PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	ctx := browsertest.New(t, 60*time.Second)
	var title string
	for _, step := range []struct {
		what string
		a    chromedp.Action[chromedp.Void]
	}{
		{"open the task link from the email", chromedp.Navigate(mail.taskURL)},
		{"wait for the sign-in form", chromedp.WaitVisible("#login")},
		{"type the name", chromedp.SendKeys("#name", "Rosie")},
		{"type the password", chromedp.SendKeys("#password", "a long test password")},
		{"sign in", chromedp.Click("#sign-in")},
		{"wait for the task page", chromedp.WaitVisible("#mention-text")},
	} {
		if _, err := chromedp.Run(ctx, step.a); err != nil {
			t.Fatalf("browser: %s: %v", step.what, err)
		}
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	title, err = chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	if loc != mail.taskURL {
		t.Errorf("after sign-in the browser is at %s, want the task %s", loc, mail.taskURL)
	}
	if !strings.Contains(title, strconv.FormatInt(mail.taskID, 10)) {
		t.Errorf("task page title %q does not name task %d", title, mail.taskID)
	}
}
