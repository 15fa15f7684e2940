package onetap_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/onetap"
	"github.com/earshot/earshot/store"
	"github.com/jonboulle/clockwork"
)

func TestLinks(t *testing.T) {
	ctx := context.Background()
	clock := clockwork.NewFakeClockAt(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	st, err := store.Open(ctx, store.Options{Path: filepath.Join(t.TempDir(), "e.db"), Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s, err := onetap.New(ctx, st, "https://inbox.example/", clock)
	if err != nil {
		t.Fatal(err)
	}
	exp := clock.Now().Add(time.Hour)
	link := s.Link(onetap.Ack, 42, "Max Müller", exp)
	tok, ok := strings.CutPrefix(link, "https://inbox.example/t/")
	if !ok {
		t.Fatalf("link %q does not start with the base URL", link)
	}
	c, err := s.Parse(tok)
	if err != nil || c.Action != onetap.Ack || c.TaskID != 42 || c.User != "Max Müller" || !c.Expires.Equal(exp.Truncate(time.Second)) || c.Nonce == "" {
		t.Fatalf("parse = %+v, %v", c, err)
	}
	if other := s.Token(onetap.Ack, 42, "Max Müller", exp); other == tok {
		t.Error("two links for the same action are identical: using one would spend the other")
	}
	// A second signer on the same database shares the key; on another
	// database it does not.
	s2, _ := onetap.New(ctx, st, "https://inbox.example", clock)
	if _, err := s2.Parse(tok); err != nil {
		t.Errorf("same installation: %v", err)
	}
	st2, _ := store.Open(ctx, store.Options{Path: filepath.Join(t.TempDir(), "other.db"), Clock: clock})
	defer st2.Close()
	s3, _ := onetap.New(ctx, st2, "https://inbox.example", clock)
	if _, err := s3.Parse(tok); !errors.Is(err, onetap.ErrInvalid) {
		t.Errorf("another installation accepted the link: %v", err)
	}
	parts := strings.Split(tok, ".")
	tampered := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, ".")
	}
	for name, bad := range map[string]string{
		"other task":    tampered(2, "43"),
		"other action":  tampered(1, "assign"),
		"later expiry":  tampered(4, "9999999999"),
		"cut short":     tok[:len(tok)-5],
		"empty":         "",
		"garbage":       "v1.a.b.c.d.e.f",
		"no signature":  strings.Join(parts[:6], "."),
		"extra segment": tok + ".x",
	} {
		if _, err := s.Parse(bad); !errors.Is(err, onetap.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	clock.Advance(time.Hour)
	if c, err := s.Parse(tok); !errors.Is(err, onetap.ErrExpired) || c.TaskID != 42 {
		t.Errorf("after expiry: %+v, %v", c, err)
	}
}

func FuzzParse(f *testing.F) {
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{Path: filepath.Join(f.TempDir(), "e.db")})
	if err != nil {
		f.Fatal(err)
	}
	defer st.Close()
	s, _ := onetap.New(ctx, st, "", nil)
	f.Add(s.Token(onetap.AssignMe, 1, "sam", time.Now().Add(time.Hour)))
	f.Add("v1.ack.1.c2Ft.1.bm9uY2U.sig")
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := s.Parse(tok)
		if err == nil && c.Action != onetap.Ack && c.Action != onetap.AssignMe {
			t.Fatalf("accepted action %q", c.Action)
		}
	})
}
