package auth_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/auth"
	"github.com/earshot/earshot/models"
	"github.com/jonboulle/clockwork"
)

func TestPasswordHash(t *testing.T) {
	h, err := auth.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$") || strings.Contains(h, "correct horse") {
		t.Fatalf("hash %q is not an argon2id PHC string", h)
	}
	h2, _ := auth.HashPassword("correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	tests := []struct {
		name, hash, pw string
		ok             bool
		err            bool
	}{
		{"right", h, "correct horse battery", true, false},
		{"wrong", h, "correct horse batterY", false, false},
		{"empty hash", "", "anything at all", false, false},
		{"not a hash", "plain-text", "plain-text", false, true},
		{"truncated", h[:len(h)-10], "correct horse battery", false, true},
		{"absurd cost", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$a2V5", "x", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := auth.CheckPassword(tt.hash, tt.pw)
			if ok != tt.ok || (err != nil) != tt.err {
				t.Errorf("CheckPassword = %v, %v; want %v, err %v", ok, err, tt.ok, tt.err)
			}
		})
	}
	if _, err := auth.HashPassword("short"); !errors.Is(err, auth.ErrWeakPassword) {
		t.Errorf("short password: %v", err)
	}
}

func TestTokens(t *testing.T) {
	tok, hash, err := auth.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	other, _, _ := auth.NewToken()
	if !strings.HasPrefix(tok, auth.TokenPrefix) || tok == other || len(tok) < 40 {
		t.Errorf("token %q", tok)
	}
	if auth.HashToken(tok) != hash || strings.Contains(hash, tok) {
		t.Error("the stored hash does not match the token, or contains it")
	}
}

func TestRoles(t *testing.T) {
	const a, b, c = 1, 2, 3
	p := auth.NewPrincipal(models.Account{ID: 7, Name: "mia"}, []models.Membership{
		{BusinessID: a, Role: models.RoleStaff},
		{BusinessID: a, Role: models.RoleManager}, // config and table may both give one
		{BusinessID: b, Role: models.RoleViewer},
		{BusinessID: c, Role: "emperor"}, // unknown roles give nothing
	}, "session")
	tests := []struct {
		biz    int64
		action auth.Action
		want   error
	}{
		{a, auth.View, nil},
		{a, auth.Work, nil},
		{a, auth.Approve, nil},
		{a, auth.Route, nil},
		{a, auth.Admin, auth.ErrForbidden},
		{b, auth.View, nil},
		{b, auth.Work, auth.ErrForbidden},
		{b, auth.Approve, auth.ErrForbidden},
		{c, auth.View, auth.ErrNotMember},
		{99, auth.Work, auth.ErrNotMember},
	}
	for _, tt := range tests {
		if err := p.Authorize(tt.biz, tt.action); !errors.Is(err, tt.want) && err != tt.want {
			t.Errorf("business %d %s: %v, want %v", tt.biz, tt.action, err, tt.want)
		}
	}
	if !auth.CanApprove(p, a) || auth.CanApprove(p, b) || auth.CanChangeRouting(p, b) {
		t.Error("approve/routing checks disagree with the role table")
	}
	staff := auth.NewPrincipal(models.Account{Name: "sam"}, []models.Membership{{BusinessID: a, Role: models.RoleStaff}}, "session")
	if auth.CanApprove(staff, a) || !staff.Can(a, auth.Work) {
		t.Error("staff may work but not approve")
	}
	owner := auth.NewPrincipal(models.Account{Name: "o"}, []models.Membership{{BusinessID: models.AllBusinesses, Role: models.RoleOwner}}, "session")
	if !owner.EveryBusiness() || !owner.Can(12345, auth.Admin) {
		t.Error("an owner of every business may do everything in a new business")
	}
	if p.EveryBusiness() || len(p.BusinessIDs()) != 2 {
		t.Errorf("mia's businesses = %v", p.BusinessIDs())
	}
}

func TestLimiter(t *testing.T) {
	clock := clockwork.NewFakeClock()
	l := auth.NewLimiter(3, 10*time.Minute, clock)
	for i := range 3 {
		if ok, _ := l.Allow("sam|1.2.3.4"); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
		l.Fail("sam|1.2.3.4")
	}
	ok, wait := l.Allow("sam|1.2.3.4")
	if ok || wait != 10*time.Minute {
		t.Errorf("4th attempt: ok=%v wait=%v", ok, wait)
	}
	if ok, _ := l.Allow("sam|5.6.7.8"); !ok {
		t.Error("another address is limited too")
	}
	clock.Advance(10*time.Minute + time.Second)
	if ok, _ := l.Allow("sam|1.2.3.4"); !ok {
		t.Error("still limited after the window")
	}
	l.Fail("max|1")
	l.Reset("max|1")
	if ok, _ := l.Allow("max|1"); !ok {
		t.Error("reset did not forgive")
	}
}

// FuzzCheckPassword feeds stored-hash strings as a damaged database might
// hold them: CheckPassword must refuse, never panic or accept.
func FuzzCheckPassword(f *testing.F) {
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U")
	f.Add("$argon2id$v=19$m=0,t=0,p=0$$")
	f.Add("$2a$10$bcryptlookingvalue")
	f.Fuzz(func(t *testing.T, hash string) {
		if ok, _ := auth.CheckPassword(hash, "fuzz password"); ok {
			t.Fatalf("accepted %q", hash)
		}
	})
}

// BenchmarkCheckPassword is the server time one sign-in spends hashing.
func BenchmarkCheckPassword(b *testing.B) {
	h, err := auth.HashPassword("correct horse battery")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if ok, _ := auth.CheckPassword(h, "correct horse battery"); !ok {
			b.Fatal("no match")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/check")
}
