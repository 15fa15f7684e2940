package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/cli"
)

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), args, strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
	return result{code, out.String(), errb.String()}
}

func TestCommandLine(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "earshot.yaml")
	notSQLite := filepath.Join(dir, "notes.txt")
	os.WriteFile(notSQLite, []byte("not a database"), 0o644)
	badKind := filepath.Join(dir, "bad-kind.yaml")
	os.WriteFile(badKind, []byte("businesses:\n  - name: a\n    sources:\n      - kind: trustpiolt\n        url: https://example.com\n"), 0o644)
	badDB := filepath.Join(dir, "bad-db.yaml")
	os.WriteFile(badDB, []byte("database: {path: "+notSQLite+"}\nbusinesses: [{name: a}]\n"), 0o644)

	tests := []struct {
		name     string
		args     []string
		code     int
		inStdout []string
		inStderr []string
	}{
		{"help lists commands", []string{"-h"}, 0, nil, []string{"demo", "serve", "tasks", "digest"}},
		{"no command", nil, 2, nil, []string{"Usage: earshot"}},
		{"unknown command", []string{"frobnicate"}, 2, nil, []string{`unknown command "frobnicate"`}},
		{"version", []string{"version"}, 0, []string{"earshot "}, nil},
		{"subcommand help", []string{"serve", "-h"}, 0, nil, []string{"Usage: earshot serve", "/metrics"}},
		{"bad flag", []string{"demo", "-nope"}, 2, nil, []string{"flag provided but not defined"}},
		{"missing config", []string{"-config", filepath.Join(dir, "missing.yaml"), "config", "check"}, 1, nil, []string{"config file not found", "earshot init"}},
		{"init writes example", []string{"init", cfg}, 0, []string{"Wrote " + cfg}, nil},
		{"init refuses overwrite", []string{"init", cfg}, 1, nil, []string{"already exists", "-force"}},
		{"config check", []string{"-config", cfg, "config", "check"}, 0, []string{"is valid: 1 business, 4 sources, 1 channel,"}, nil},
		{"config show hides secrets", []string{"-config", cfg, "config", "show"}, 0, []string{"rosies-diner", "request_delay: 1s"}, nil},
		{"config without verb", []string{"-config", cfg, "config"}, 2, nil, []string{"config check"}},
		{"unknown source kind", []string{"-config", badKind, "config", "check"}, 1, nil, []string{"bad-kind.yaml:4:", `unknown kind "trustpiolt"`, "trustpilot"}},
		{"database is not sqlite", []string{"-config", badDB, "migrate"}, 1, nil, []string{"not an SQLite database", notSQLite}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, nil, tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			for _, w := range tt.inStdout {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
				}
			}
			for _, w := range tt.inStderr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
		})
	}
}

func TestMigrateCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "e.yaml")
	os.WriteFile(cfg, []byte("database: {path: "+filepath.Join(dir, "e.db")+"}\nbusinesses: [{name: a}]\n"), 0o644)
	r := run(t, nil, "-config", cfg, "migrate")
	if r.code != 0 || !strings.Contains(r.stdout, "Applied") {
		t.Fatalf("first migrate: %+v", r)
	}
	r = run(t, nil, "-config", cfg, "migrate")
	if r.code != 0 || !strings.Contains(r.stdout, "up to date") {
		t.Fatalf("second migrate: %+v", r)
	}
}

func TestSecretFromEnvironmentNeverPrinted(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "e.yaml")
	os.WriteFile(cfg, []byte("smtp: {host: mail.example.com, username: u, password_env: MY_SMTP_PASS}\nbusinesses: [{name: a}]\n"), 0o644)
	env := map[string]string{"MY_SMTP_PASS": "s3cr3t-value"}
	for _, verb := range []string{"check", "show"} {
		r := run(t, env, "-log-level", "debug", "-config", cfg, "config", verb)
		if r.code != 0 {
			t.Fatalf("config %s: %+v", verb, r)
		}
		if strings.Contains(r.stdout+r.stderr, "s3cr3t-value") {
			t.Errorf("config %s printed the password", verb)
		}
	}
	// Unset, the password is needed only to send: config check warns,
	// serve refuses to start.
	r := run(t, nil, "-config", cfg, "config", "check")
	if r.code != 0 || !strings.Contains(r.stderr, "warning: ") || !strings.Contains(r.stderr, "MY_SMTP_PASS") || !strings.Contains(r.stderr, "not set") {
		t.Errorf("unset secret: %+v", r)
	}
	r = run(t, nil, "-config", cfg, "serve")
	if r.code != 1 || !strings.Contains(r.stderr, "MY_SMTP_PASS") || !strings.Contains(r.stderr, "not set") {
		t.Errorf("serve with an unset secret: %+v", r)
	}
}

func TestRollupsRebuildCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "e.yaml")
	os.WriteFile(cfg, []byte("database: {path: "+filepath.Join(dir, "e.db")+"}\nbusinesses: [{name: a}]\n"), 0o644)
	if r := run(t, nil, "-config", cfg, "rollups", "rebuild"); r.code != 0 || !strings.Contains(r.stdout, "Rebuilt the digest rollups") {
		t.Fatalf("rollups rebuild: %+v", r)
	}
	if r := run(t, nil, "-config", cfg, "rollups"); r.code != 2 || !strings.Contains(r.stderr, "rollups rebuild") {
		t.Fatalf("rollups without a verb: %+v, want a usage error naming `rollups rebuild`", r)
	}
}
