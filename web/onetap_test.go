package web_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/onetap"
)

// TestOneTapLinks follows one-tap links the way an owner on a phone
// does: no session, GET shows a confirmation that changes nothing (mail
// scanners fetch links), POST acts once, and expired, reused, altered or
// no-longer-allowed links get a page that says so.
func TestOneTapLinks(t *testing.T) {
	f := newFixture(t, "")
	ctx := context.Background()
	signer, err := onetap.New(ctx, f.app.Store, f.srv.URL, f.app.Clock)
	if err != nil {
		t.Fatal(err)
	}
	phone := noRedirect(nil) // no cookies: never signed in
	task := f.hostileTask(t)
	soon := f.app.Clock.Now().Add(onetap.DefaultExpiry)
	// Sam is staff of rosies-diner in the config and has no account.
	link := signer.Link(onetap.Ack, task.ID, "Sam", soon)
	if !strings.HasPrefix(link, f.srv.URL+"/t/") {
		t.Fatalf("link %q", link)
	}

	code, body := getWith(t, phone, link)
	if code != 200 || !strings.Contains(body, `id="confirm"`) || !strings.Contains(body, "Acknowledge") {
		t.Fatalf("confirmation page: %d\n%s", code, body)
	}
	if strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;") {
		t.Error("the confirmation page does not escape the review")
	}
	getWith(t, phone, link) // a scanner fetching it again
	if got, _ := f.app.Store.Task(ctx, task.ID); got.State != models.TaskOpen {
		t.Fatalf("GET changed the task to %s", got.State)
	}

	resp := postWith(t, phone, link, nil, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("POST the link: %d", resp.StatusCode)
	}
	d, err := f.app.Tasks.Show(ctx, f.app.Clock.Now(), task.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.State != models.TaskAcknowledged || d.Events[len(d.Events)-1].Actor != "Sam" {
		t.Errorf("after the tap: state %s, last event %+v; want acknowledged by Sam", d.State, d.Events[len(d.Events)-1])
	}

	t.Run("reused", func(t *testing.T) {
		if resp := postWith(t, phone, link, nil, nil); resp.StatusCode != http.StatusGone {
			t.Errorf("second POST: %d, want 410", resp.StatusCode)
		}
		code, body := getWith(t, phone, link)
		if code != http.StatusGone || !strings.Contains(body, "already used") || !strings.Contains(body, "/tasks/"+itoa(task.ID)) {
			t.Errorf("reused link page: %d\n%s", code, body)
		}
	})
	t.Run("expired", func(t *testing.T) {
		old := signer.Link(onetap.Ack, task.ID, "Sam", f.app.Clock.Now().Add(-time.Minute))
		code, body := getWith(t, phone, old)
		if code != http.StatusGone || !strings.Contains(body, "expired") {
			t.Errorf("expired link: %d\n%s", code, body)
		}
		if resp := postWith(t, phone, old, nil, nil); resp.StatusCode != http.StatusGone {
			t.Errorf("POST an expired link: %d", resp.StatusCode)
		}
	})
	t.Run("altered", func(t *testing.T) {
		other := f.taskOf(t, "rosies-diner")
		bad := strings.Replace(signer.Link(onetap.Ack, task.ID, "Sam", soon), "."+itoa(task.ID)+".", "."+itoa(other.ID)+".", 1)
		if resp := postWith(t, phone, bad, nil, nil); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("altered link: %d, want 400", resp.StatusCode)
		}
		if got, _ := f.app.Store.Task(ctx, other.ID); got.State != models.TaskOpen {
			t.Errorf("an altered link acted on task %d", other.ID)
		}
	})
	t.Run("not allowed", func(t *testing.T) {
		// Hana is staff of another business.
		other := f.taskOf(t, "rosies-diner")
		code, _ := getWith(t, phone, signer.Link(onetap.Ack, other.ID, "Hana", soon))
		if code != http.StatusForbidden {
			t.Errorf("link for someone outside the business: %d, want 403", code)
		}
		if resp := postWith(t, phone, signer.Link(onetap.Ack, other.ID, "Nobody", soon), nil, nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("link for an unknown person: %d", resp.StatusCode)
		}
	})
	t.Run("assign to me", func(t *testing.T) {
		other := f.taskOf(t, "rosies-diner")
		if resp := postWith(t, phone, signer.Link(onetap.AssignMe, other.ID, "Max", soon), nil, nil); resp.StatusCode != 200 {
			t.Fatalf("assign link: %d", resp.StatusCode)
		}
		if got, _ := f.app.Store.Task(ctx, other.ID); got.Assignee != "Max" {
			t.Errorf("assignee %q, want Max", got.Assignee)
		}
	})
	t.Run("cross-site POST refused", func(t *testing.T) {
		fresh := signer.Link(onetap.Ack, f.taskOf(t, "kiosk-north").ID, "olive", soon)
		if resp := postWith(t, phone, fresh, nil, crossSite); resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site POST of a link: %d", resp.StatusCode)
		}
	})
}

// TestOneTapPageInTheBusinessLocale: whoever taps a link from an alert
// is not signed in, so the page speaks the language of the task's
// business (Japanese for the Tokyo business), used links included.
func TestOneTapPageInTheBusinessLocale(t *testing.T) {
	f := newFixture(t, "")
	ctx := context.Background()
	signer, err := onetap.New(ctx, f.app.Store, f.srv.URL, f.app.Clock)
	if err != nil {
		t.Fatal(err)
	}
	phone := noRedirect(nil)
	tokyo := f.taskOf(t, "tokyo-ramen")
	link := signer.Link(onetap.Ack, tokyo.ID, "Kei", f.app.Clock.Now().Add(onetap.DefaultExpiry))
	steps := []struct {
		name      string
		act       func() (int, string)
		want, not []string
	}{
		{"confirmation", func() (int, string) { return getWith(t, phone, link) },
			[]string{"確認済みにする", "Keiとして"}, []string{"Acknowledge", "As Kei"}},
		{"done", func() (int, string) {
			resp, err := phone.Post(link, "application/x-www-form-urlencoded", nil)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}, []string{"完了", "確認済みにしました"}, []string{"Done", "acknowledged."}},
		{"used", func() (int, string) { return getWith(t, phone, link) },
			[]string{"このリンクは使用済みです", " JST"}, []string{"already used", "UTC"}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			code, body := s.act()
			for _, w := range s.want {
				if !strings.Contains(body, w) {
					t.Errorf("%d: page lacks %q\n%s", code, w, body)
				}
			}
			for _, n := range s.not {
				if strings.Contains(body, n) {
					t.Errorf("page still says %q", n)
				}
			}
		})
	}
}
