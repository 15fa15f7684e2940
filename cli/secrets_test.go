package cli_test

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/demo"
)

// Read-only commands work without the variables that hold the Slack and
// webhook URLs (and the SMTP password): they are needed only to send.
// Commands that send refuse to start, naming every unset variable;
// `config check` warns.
func TestReadOnlyCommandsNeedNoSendSecrets(t *testing.T) {
	dir := t.TempDir()
	res, err := demo.Run(context.Background(), demo.Options{Dir: dir, Stdout: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	saved, err := os.ReadFile(res.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	yml := strings.Replace(string(saved), "channels:\n", `channels:
  - {name: team, type: slack, url_env: T_SLACK_URL}
  - {name: crm, type: webhook, url_env: T_HOOK_URL, secret_env: T_HOOK_KEY}
`, 1)
	yml = strings.Replace(yml, "smtp:\n", "smtp:\n  password_env: T_SMTP_PASSWORD\n", 1)
	cfg := filepath.Join(dir, "e.yaml")
	os.WriteFile(cfg, []byte(yml), 0o644)
	for _, args := range [][]string{{"tasks", "list"}, {"tasks", "list", "--json"}, {"tasks", "show", "1"}, {"sources"}, {"config", "show"}, {"migrate"}, {"digest"}, {"digest", "-preview", filepath.Join(dir, "d.html")}} {
		r := run(t, nil, append([]string{"-config", cfg}, args...)...)
		if r.code != 0 || strings.Contains(r.stderr, "T_SLACK_URL") {
			t.Errorf("%v without the send variables: exit %d\nstdout: %s\nstderr: %s", args, r.code, r.stdout, r.stderr)
		}
	}
	r := run(t, nil, "-config", cfg, "config", "check")
	if r.code != 0 || !strings.Contains(r.stderr, "warning: ") || !strings.Contains(r.stderr, "T_SLACK_URL") || !strings.Contains(r.stderr, "T_HOOK_KEY") {
		t.Errorf("config check: exit %d, stderr %s; want 0 and warnings naming the variables", r.code, r.stderr)
	}
	for _, args := range [][]string{{"serve"}, {"digest", "-send"}, {"scrape"}} {
		r := run(t, nil, append([]string{"-config", cfg}, args...)...)
		if r.code != 1 {
			t.Errorf("%v: exit %d, want 1", args, r.code)
		}
		for _, v := range []string{"T_SMTP_PASSWORD", "T_SLACK_URL", "T_HOOK_URL", "T_HOOK_KEY", "e.yaml:"} {
			if !strings.Contains(r.stderr, v) {
				t.Errorf("%v: stderr lacks %s:\n%s", args, v, r.stderr)
			}
		}
	}
}

// The config `earshot demo` leaves behind works after the demo's servers
// stopped: `digest -send` writes the digest into the demo's mailbox.
func TestDemoConfigSendsDigestToMailbox(t *testing.T) {
	dir := t.TempDir()
	res, err := demo.Run(context.Background(), demo.Options{Dir: dir, Stdout: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	// Nothing in it points at the ports that died with the demo.
	cfg, err := config.Load(res.ConfigPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SMTP.Host != "" || cfg.SMTP.Mailbox != res.Mailbox || cfg.Server.Listen != config.DefaultListen {
		t.Errorf("saved smtp = %+v, listen %s; want the mailbox and the default listener", cfg.SMTP, cfg.Server.Listen)
	}
	for _, s := range cfg.Businesses[0].Sources {
		if !s.Disabled {
			t.Errorf("source %s points at the stopped demo site and is enabled", s.Name)
		}
	}
	before, _ := filepath.Glob(filepath.Join(res.Mailbox, "*.eml"))
	r := run(t, nil, "-config", res.ConfigPath, "digest", "-send")
	if r.code != 0 || !strings.Contains(r.stdout, "1 notification delivered") {
		t.Fatalf("digest -send with the demo's config: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	after, _ := filepath.Glob(filepath.Join(res.Mailbox, "*.eml"))
	if len(after) != len(before)+1 {
		t.Fatalf("mailbox went from %d to %d files", len(before), len(after))
	}
	found := false
	for _, f := range after {
		b, _ := os.ReadFile(f)
		if strings.Contains(string(b), "Subject:") && strings.Contains(string(b), "week") {
			found = true
		}
	}
	if !found {
		t.Errorf("no digest email in %s", res.Mailbox)
	}
}

// When the mail server is gone, `digest -send` exits 1 and names the
// address it could not reach instead of exiting 0 after "0 delivered".
func TestDigestSendFailsOnDeadSMTP(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	ln.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "e.yaml")
	os.WriteFile(cfg, []byte(`database: {path: `+filepath.Join(dir, "e.db")+`}
smtp: {host: 127.0.0.1, port: `+port+`, tls: none}
alerts: {retry: {backoff: 1h}}
businesses:
  - name: a
    users: [{name: Ann, email: ann@example.com, role: owner}]
`), 0o644)
	r := run(t, nil, "-config", cfg, "digest", "-send")
	if r.code != 1 || !strings.Contains(r.stderr, "not delivered") || !strings.Contains(r.stderr, addr) {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
}
