package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

func uniq(prefix string) string { return fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano()) }

func TestAccountsAndMemberships(t *testing.T) {
	for name, s := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			src := setup(t, s) // its business has the config user "Rosie", owner
			acctName := uniq("Acct")
			a := models.Account{Name: acctName, PasswordHash: "h1"}
			if err := s.CreateAccount(ctx, &a); err != nil {
				t.Fatal(err)
			}
			dup := models.Account{Name: " " + acctName + " "}
			if err := s.CreateAccount(ctx, &dup); !errors.Is(err, store.ErrExists) {
				t.Errorf("same name again: %v, want ErrExists", err)
			}
			got, err := s.AccountByName(ctx, "  "+acctName)
			if err != nil || got.ID != a.ID {
				t.Fatalf("by name: %+v %v", got, err)
			}
			if err := s.SetMembership(ctx, a.ID, src.BusinessID, models.RoleStaff); err != nil {
				t.Fatal(err)
			}
			if err := s.SetMembership(ctx, a.ID, src.BusinessID, models.RoleViewer); err != nil {
				t.Fatal(err)
			}
			ms, err := s.Memberships(ctx, a)
			if err != nil || len(ms) != 1 || ms[0].Role != models.RoleViewer {
				t.Errorf("memberships after a role change = %+v, %v; want one viewer row", ms, err)
			}
			// An account named like a config user gets that user's role.
			rosie := models.Account{Name: "rosie"}
			if existing, err := s.AccountByName(ctx, "rosie"); err == nil {
				rosie = existing
			} else if err := s.CreateAccount(ctx, &rosie); err != nil {
				t.Fatal(err)
			}
			ms, err = s.Memberships(ctx, rosie)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, m := range ms {
				found = found || (m.BusinessID == src.BusinessID && m.Role == models.RoleOwner)
			}
			if !found {
				t.Errorf("account rosie lacks the config's owner role: %+v", ms)
			}
			if err := s.SetDisabled(ctx, a.ID, true); err != nil {
				t.Fatal(err)
			}
			if got, _ := s.Account(ctx, a.ID); got.DisabledAt == nil {
				t.Error("disable did not stick")
			}
			if err := s.SetPassword(ctx, 999999999, "x"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("password of a missing account: %v", err)
			}
		})
	}
}

func TestAPITokensAndLinks(t *testing.T) {
	for name, s := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			a := models.Account{Name: uniq("tok")}
			if err := s.CreateAccount(ctx, &a); err != nil {
				t.Fatal(err)
			}
			hash := uniq("hash")
			if err := s.CreateAPIToken(ctx, &models.APIToken{AccountID: a.ID, TokenHash: hash}); err != nil {
				t.Fatal(err)
			}
			if got, err := s.AccountByTokenHash(ctx, hash); err != nil || got.ID != a.ID {
				t.Errorf("token lookup = %+v, %v", got, err)
			}
			if _, err := s.AccountByTokenHash(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("unknown token: %v", err)
			}
			n := 0
			gen := func() ([]byte, error) { n++; return []byte(fmt.Sprintf("secret-%d", n)), nil }
			secret := uniq("k")
			k1, err := s.InstallSecret(ctx, secret, gen)
			if err != nil {
				t.Fatal(err)
			}
			k2, _ := s.InstallSecret(ctx, secret, gen)
			if string(k1) != string(k2) || n != 1 {
				t.Errorf("secret changed between uses: %q %q (generated %d times)", k1, k2, n)
			}
			nonce := uniq("n")
			if err := s.UseLink(ctx, nonce, 1, "ack", "sam"); err != nil {
				t.Fatal(err)
			}
			if err := s.UseLink(ctx, nonce, 1, "ack", "sam"); !errors.Is(err, store.ErrLinkUsed) {
				t.Errorf("second use: %v, want ErrLinkUsed", err)
			}
			if _, used, err := s.LinkUsed(ctx, nonce); !used || err != nil {
				t.Errorf("LinkUsed = %v, %v", used, err)
			}
		})
	}
}

func TestSessionStore(t *testing.T) {
	for name, s := range openStores(t) {
		t.Run(name, func(t *testing.T) {
			ss := s.Sessions()
			tok := uniq("tok")
			now := s.Now()
			if _, found, err := ss.Find(tok); found || err != nil {
				t.Fatalf("unknown token found=%v err=%v", found, err)
			}
			if err := ss.Commit(tok, []byte("one"), now.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if err := ss.Commit(tok, []byte("two"), now.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			b, found, err := ss.Find(tok)
			if !found || err != nil || string(b) != "two" {
				t.Errorf("find = %q %v %v", b, found, err)
			}
			expired := uniq("old")
			if err := ss.Commit(expired, []byte("x"), now.Add(-time.Second)); err != nil {
				t.Fatal(err)
			}
			if _, found, _ := ss.Find(expired); found {
				t.Error("an expired session was found")
			}
			if n, err := ss.PurgeExpired(context.Background()); err != nil || n < 1 {
				t.Errorf("purge = %d, %v", n, err)
			}
			if err := ss.Delete(tok); err != nil {
				t.Fatal(err)
			}
			if _, found, _ := ss.Find(tok); found {
				t.Error("a deleted session was found")
			}
		})
	}
}
