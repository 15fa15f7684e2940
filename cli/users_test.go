package cli_test

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/earshot/earshot/auth"
	"github.com/earshot/earshot/cli"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

func runIn(t *testing.T, stdin string, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), args, strings.NewReader(stdin), &out, &errb, func(k string) string { return env[k] })
	return result{code, out.String(), errb.String()}
}

func TestUsersCommand(t *testing.T) {
	cfgPath, _ := seedTasks(t)
	env := map[string]string{"USER": "ops"}
	ok := func(r result) result {
		t.Helper()
		if r.code != 0 {
			t.Fatalf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
		}
		return r
	}
	ok(runIn(t, "first password here\n", env, "-config", cfgPath, "users", "add", "olive", "--role", "owner"))
	ok(runIn(t, "second password here\n", env, "-config", cfgPath, "users", "add", "mia", "--role", "manager", "--business", "rosies", "--email", "mia@example.com"))
	ok(runIn(t, "", map[string]string{"SAM_PW": "sam's password 1"}, "-config", cfgPath, "users", "add", "sam", "--password-env", "SAM_PW", "--role", "viewer", "--business", "rosies"))

	failing := []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"duplicate", "another password\n", []string{"users", "add", "OLIVE", "--role", "staff"}, "already exists"},
		{"short password", "short\n", []string{"users", "add", "kim", "--role", "staff"}, "at least 10"},
		{"no password", "", []string{"users", "add", "kim", "--role", "staff"}, "no password on standard input"},
		{"bad role", "long enough pw\n", []string{"users", "add", "kim", "--role", "emperor"}, "--role owner, manager, staff or viewer"},
		{"unknown business", "long enough pw\n", []string{"users", "add", "kim", "--role", "staff", "--business", "nope"}, `no business named "nope"`},
		{"unknown account", "", []string{"users", "disable", "nobody"}, `no account named "nobody"`},
	}
	for _, tt := range failing {
		t.Run(tt.name, func(t *testing.T) {
			r := runIn(t, tt.stdin, env, append([]string{"-config", cfgPath}, tt.args...)...)
			if r.code == 0 || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want failure mentioning %q", r.code, r.stderr, tt.want)
			}
		})
	}

	r := ok(runIn(t, "", env, "-config", cfgPath, "users", "list"))
	for _, want := range []string{"olive", "*:owner", "mia", "rosies:manager", "sam", "rosies:viewer", "rosies:staff"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("users list lacks %q:\n%s", want, r.stdout)
		}
	}

	ctx := context.Background()
	cfg, _ := config.Load(cfgPath, nil)
	st, err := store.Open(ctx, store.Options{Path: cfg.Database.Path})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	check := func(name, pw string) error {
		_, err := auth.Authenticate(ctx, st, name, pw)
		return err
	}
	if err := check("olive", "first password here"); err != nil {
		t.Errorf("olive cannot sign in: %v", err)
	}
	if err := check("sam", "sam's password 1"); err != nil {
		t.Errorf("sam (password from the environment) cannot sign in: %v", err)
	}
	ok(runIn(t, "a brand new password\n", env, "-config", cfgPath, "users", "passwd", "olive"))
	if check("olive", "first password here") == nil || check("olive", "a brand new password") != nil {
		t.Error("passwd did not replace the password")
	}
	ok(runIn(t, "", env, "-config", cfgPath, "users", "disable", "mia"))
	if err := check("mia", "second password here"); err != auth.ErrDisabled {
		t.Errorf("disabled mia signs in: %v", err)
	}
	ok(runIn(t, "", env, "-config", cfgPath, "users", "enable", "mia"))
	ok(runIn(t, "", env, "-config", cfgPath, "users", "role", "mia", "--role", "owner", "--business", "rosies"))
	mia, _ := st.AccountByName(ctx, "mia")
	p, _ := auth.Load(ctx, st, mia, "test")
	if got := p.Role(mustBusiness(t, st, "rosies")); got != models.RoleOwner {
		t.Errorf("mia is %q of rosies after users role, want owner", got)
	}

	r = ok(runIn(t, "", env, "-config", cfgPath, "users", "token", "olive", "--label", "ci"))
	tok := strings.TrimSpace(r.stdout)
	if !strings.HasPrefix(tok, auth.TokenPrefix) {
		t.Fatalf("token output %q", r.stdout)
	}
	if a, err := st.AccountByTokenHash(ctx, auth.HashToken(tok)); err != nil || a.Name != "olive" {
		t.Errorf("token does not authenticate olive: %v", err)
	}
	db, _ := os.ReadFile(cfg.Database.Path)
	for _, secret := range []string{tok, "a brand new password", "sam's password 1"} {
		if bytes.Contains(db, []byte(secret)) {
			t.Errorf("the database file holds %q in clear", secret)
		}
	}
	// The log names who made each change.
	if r := ok(runIn(t, "", map[string]string{"EARSHOT_USER": "root-on-call"}, "-config", cfgPath, "users", "disable", "sam")); !strings.Contains(r.stderr, "by=root-on-call") {
		t.Errorf("log lacks the acting user: %s", r.stderr)
	}
}

func mustBusiness(t *testing.T, st *store.Store, name string) int64 {
	t.Helper()
	b, err := st.BusinessByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return b.ID
}

// TestCLIIgnoresWebPassword: the web inbox's first-owner password is not
// needed by other commands, and actions record the real user.
func TestCLIIgnoresWebPassword(t *testing.T) {
	cfgPath, ids := seedTasks(t)
	yml, _ := os.ReadFile(cfgPath)
	os.WriteFile(cfgPath, append([]byte("server: {password_env: EARSHOT_WEB_PASSWORD}\n"), yml...), 0o644)
	for _, args := range [][]string{{"tasks", "list"}, {"sources"}, {"config", "check"}} {
		r := runIn(t, "", nil, append([]string{"-config", cfgPath}, args...)...)
		if r.code != 0 {
			t.Errorf("%v with server.password_env unset: exit %d: %s", args, r.code, r.stderr)
		}
	}
	r := runIn(t, "", map[string]string{"EARSHOT_USER": "priya", "USER": "root"}, "-config", cfgPath, "tasks", "ack", itoa(ids[0]))
	if r.code != 0 || !strings.Contains(r.stdout, "acknowledged by priya") || !strings.Contains(r.stderr, "user=priya") {
		t.Errorf("ack as EARSHOT_USER: %+v", r)
	}
	r = runIn(t, "", map[string]string{"EARSHOT_USER": "priya"}, "-config", cfgPath, "tasks", "resolve", itoa(ids[0]), "--as", "max")
	if r.code != 0 {
		t.Fatalf("resolve: %+v", r)
	}
	r = runIn(t, "", nil, "-config", cfgPath, "tasks", "show", itoa(ids[0]))
	if !strings.Contains(r.stdout, "priya") || !strings.Contains(r.stdout, "max") {
		t.Errorf("history lacks the CLI users:\n%s", r.stdout)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
