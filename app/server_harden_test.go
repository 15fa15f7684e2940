package app_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/earshot/earshot/auth"
	"github.com/earshot/earshot/models"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/app"
	"github.com/earshot/earshot/cli"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/demo"
	"github.com/earshot/earshot/store"
	"github.com/jonboulle/clockwork"
)

// sqliteOnly keeps a test on SQLite even when EARSHOT_TEST_POSTGRES is
// set: it needs the database file.
func sqliteOnly(t *testing.T) { t.Setenv("EARSHOT_TEST_POSTGRES", "") }

// demoWith parses the demo config with edits applied and env for secrets.
func demoWith(t *testing.T, e *env, env map[string]string, edit func(string) string) *config.Config {
	t.Helper()
	yml := edit(demo.ConfigYAML(e.dir, e.site.URL(""), e.sink.Port()))
	cfg, err := config.Parse([]byte(yml), filepath.Join(e.dir, "earshot.yaml"), func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// ownerClient creates an owner account and returns a client signed in
// to srv as that owner (the inbox needs a session).
func ownerClient(t *testing.T, a *app.App, srvURL string) *http.Client {
	t.Helper()
	return ownerClientNamed(t, a, srvURL, "olive")
}

// ownerClientNamed is ownerClient with an account of another name, for a
// test whose database (PostgreSQL) outlives it and already holds "olive".
func ownerClientNamed(t *testing.T, a *app.App, srvURL, name string) *http.Client {
	t.Helper()
	ctx := context.Background()
	hash, err := auth.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	acct := models.Account{Name: name, PasswordHash: hash}
	if err := a.Store.CreateAccount(ctx, &acct); err != nil {
		t.Fatal(err)
	}
	if err := a.Store.SetMembership(ctx, acct.ID, models.AllBusinesses, models.RoleOwner); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodPost, srvURL+"/login", strings.NewReader(url.Values{"name": {name}, "password": {"correct horse battery"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", srvURL)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: HTTP %d, want 303", resp.StatusCode)
	}
	return c
}

func TestServerRefusesLargeBodies(t *testing.T) {
	e := newEnv(t, time.Now)
	a := e.app(t, clockwork.NewRealClock())
	h, err := a.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	// Signed in, so the post reaches the form parser: a request without a
	// session is turned away before its body is read at all.
	client := ownerClient(t, a, srv.URL)
	big := "text=" + strings.Repeat("a", 9<<20)
	for _, chunked := range []bool{false, true} {
		t.Run(fmt.Sprintf("chunked=%v", chunked), func(t *testing.T) {
			var body io.Reader = strings.NewReader(big)
			if chunked {
				body = io.MultiReader(body) // unknown length: sent chunked
			}
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/tasks/1/reply", body)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", srv.URL)
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Fatalf("9 MB post: HTTP %d, want 413", resp.StatusCode)
			}
		})
	}
}

func TestServerChecksHost(t *testing.T) {
	e := newEnv(t, time.Now)
	e.cfg = demoWith(t, e, nil, func(y string) string {
		return strings.Replace(y, "server:\n", "server:\n  base_url: https://earshot.example.org/\n  allowed_hosts: [inbox.internal]\n", 1)
	})
	a := e.app(t, clockwork.NewRealClock())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.ServeListener(ctx, ln) }()
	defer func() { cancel(); <-done }()
	port := ln.Addr().(*net.TCPAddr).Port
	tests := []struct {
		host string
		want int
	}{
		{fmt.Sprintf("127.0.0.1:%d", port), http.StatusOK},
		{fmt.Sprintf("localhost:%d", port), http.StatusOK},
		{fmt.Sprintf("[::1]:%d", port), http.StatusOK},
		{"earshot.example.org", http.StatusOK},
		{"inbox.internal:8080", http.StatusOK},
		{fmt.Sprintf("rebind.attacker.example:%d", port), http.StatusMisdirectedRequest},
		{"earshot.example.org.attacker.example", http.StatusMisdirectedRequest},
		{"10.0.0.5", http.StatusMisdirectedRequest}, // loopback listener: no other address
	}
	for _, tc := range tests {
		t.Run(tc.host, func(t *testing.T) {
			for _, path := range []string{"/inbox", "/healthz"} {
				req, _ := http.NewRequest(http.MethodGet, "http://"+ln.Addr().String()+path, nil)
				req.Host = tc.host
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != tc.want {
					t.Errorf("GET %s with Host %s: HTTP %d, want %d", path, tc.host, resp.StatusCode, tc.want)
				}
			}
		})
	}
}

func TestMetricsAuthSetting(t *testing.T) {
	e := newEnv(t, time.Now)
	tests := []struct {
		name     string
		password string
		public   string // "" (unset), "true", "false"
		want     int
	}{
		{"no password", "", "", http.StatusOK},
		{"password, default", "s3cret", "", http.StatusUnauthorized},
		{"password, metrics_public: false", "s3cret", "false", http.StatusUnauthorized},
		{"password, metrics_public: true", "s3cret", "true", http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := demoWith(t, e, map[string]string{"PW": tc.password}, func(y string) string {
				add := ""
				if tc.password != "" {
					add += "  password_env: PW\n"
				}
				if tc.public != "" {
					add += "  metrics_public: " + tc.public + "\n"
				}
				return strings.Replace(y, "server:\n", "server:\n"+add, 1)
			})
			cfg.Database.Path = filepath.Join(t.TempDir(), "earshot.db")
			a, err := app.New(context.Background(), cfg, app.Options{Clock: clockwork.NewRealClock()})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			h, err := a.Handler()
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(h)
			defer srv.Close()
			resp, err := http.Get(srv.URL + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("/metrics: HTTP %d, want %d", resp.StatusCode, tc.want)
			}
			if tc.password != "" && tc.want == http.StatusUnauthorized {
				req, _ := http.NewRequest(http.MethodGet, srv.URL+"/metrics", nil)
				req.SetBasicAuth("prometheus", tc.password)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("/metrics with the password: HTTP %d", resp.StatusCode)
				}
			}
		})
	}
}

// TestBidiNeutralisedOnDisplay: text stored before the cleaning boundary
// existed (or put there by anything else) still shows without bidi
// overrides in the inbox and in `earshot tasks show`.
func TestBidiNeutralisedOnDisplay(t *testing.T) {
	sqliteOnly(t)
	e := newEnv(t, time.Now)
	a := e.app(t, clockwork.NewRealClock())
	ctx := context.Background()
	if _, err := a.RunOnce(ctx, app.ScrapeOptions{}); err != nil {
		t.Fatal(err)
	}
	db, _ := a.Store.DB()
	if _, err := db.Exec("UPDATE mentions SET author = '\u202Eevil' || author, text = text || ' \u202Etxt.exe \u2066x\u2069'"); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := db.QueryRow("SELECT id FROM tasks ORDER BY id LIMIT 1").Scan(&id); err != nil {
		t.Fatal(err)
	}
	h, err := a.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := ownerClient(t, a, srv.URL)
	for _, path := range []string{"/inbox", fmt.Sprintf("/tasks/%d", id)} {
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), "evil") {
			t.Fatalf("%s does not show the edited author", path)
		}
		if strings.ContainsAny(string(b), "\u202E\u2066\u2069") {
			t.Errorf("%s shows bidi controls", path)
		}
	}
	cfgPath := filepath.Join(e.dir, "earshot.yaml")
	a.Close()
	var out, errb bytes.Buffer
	code := cli.Run(ctx, []string{"-config", cfgPath, "tasks", "show", fmt.Sprint(id)}, strings.NewReader(""), &out, &errb, func(string) string { return "" })
	if code != 0 {
		t.Fatalf("tasks show: exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "evil") || strings.ContainsAny(out.String(), "\u202E\u2066\u2069") {
		t.Errorf("tasks show output keeps bidi controls or lost the text:\n%q", out.String())
	}
}

// TestUnsavableMentionsReachTheOwner: a source whose mentions the
// database refuses counts as failing, and after broken_after runs the
// owner hears about it like any broken source.
func TestUnsavableMentionsReachTheOwner(t *testing.T) {
	sqliteOnly(t)
	e := newEnv(t, time.Now)
	e.cfg = demoWith(t, e, nil, func(y string) string {
		return strings.Replace(y, "scraping:\n", "scraping:\n  broken_after: 2\n", 1)
	})
	a := e.app(t, clockwork.NewRealClock())
	db, _ := a.Store.DB()
	// A real refusal by the database, as PostgreSQL refused NUL bytes.
	if _, err := db.Exec(`CREATE TRIGGER refuse_mentions BEFORE INSERT ON mentions BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END`); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for run := 1; run <= 2; run++ {
		runs, err := a.ScrapeAll(ctx, app.ScrapeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range runs {
			if r.Err == nil || r.Run.ErrorClass != "store" || r.Source.ConsecutiveFailures != run {
				t.Fatalf("run %d of %s: err %v, class %q, failures %d; want a store failure counted", run, r.Source.Name, r.Err, r.Run.ErrorClass, r.Source.ConsecutiveFailures)
			}
		}
	}
	if _, err := a.Notify.Deliver(ctx); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range e.sink.Messages() {
		if strings.Contains(string(m.Data), "is not working") && strings.Contains(string(m.Data), "Error class: store") {
			n++
		}
	}
	if n != 2 {
		for _, m := range e.sink.Messages() {
			t.Logf("message:\n%s", m.Data)
		}
		t.Fatalf("%d broken-source emails naming the save failure, want 2 (one per source)", n)
	}
}

// TestSourcesShowsTruncation: `earshot scrape` and `earshot sources` say
// that a page was cut at the size limit.
func TestSourcesShowsTruncation(t *testing.T) {
	sqliteOnly(t)
	h := newHostile(t)
	dir := t.TempDir()
	cfg, _ := matrixConfig(t, dir, h.srv.URL, 2525, []matrixRow{{kind: "jsonld", path: "/huge"}}, "")
	var out, errb bytes.Buffer
	ctx := context.Background()
	if code := cli.Run(ctx, []string{"-config", cfg.File, "scrape"}, strings.NewReader(""), &out, &errb, os.Getenv); code != 0 {
		t.Fatalf("scrape: exit %d: %s %s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "WARNING: truncated") {
		t.Errorf("scrape output does not warn of the cut:\n%s", out.String())
	}
	out.Reset()
	if code := cli.Run(ctx, []string{"-config", cfg.File, "sources"}, strings.NewReader(""), &out, &errb, os.Getenv); code != 0 {
		t.Fatalf("sources: exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "truncated") {
		t.Errorf("earshot sources does not show the truncation:\n%s", out.String())
	}
}

func healthz(t *testing.T, h http.Handler) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://127.0.0.1/healthz", nil))
	return rec.Code, strings.TrimSpace(rec.Body.String())
}

// TestHealthzTellsTheTruth: /healthz fails when the database file was
// deleted or replaced under the running process, or its disk is full.
func TestHealthzTellsTheTruth(t *testing.T) {
	sqliteOnly(t)
	tests := []struct {
		name  string
		fault func(t *testing.T, dbPath string)
		want  string
	}{
		{"deleted", func(t *testing.T, p string) { os.Remove(p) }, "deleted or replaced"},
		{"replaced by a restore", func(t *testing.T, p string) {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			os.Remove(p)
			os.WriteFile(p, b, 0o644)
		}, "deleted or replaced"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, time.Now)
			a := e.app(t, clockwork.NewRealClock())
			h, err := a.Handler()
			if err != nil {
				t.Fatal(err)
			}
			if code, body := healthz(t, h); code != 200 || body != "ok" {
				t.Fatalf("healthy: %d %q", code, body)
			}
			tc.fault(t, e.cfg.Database.Path)
			if code, body := healthz(t, h); code != 503 || !strings.Contains(body, tc.want) {
				t.Fatalf("after the fault: %d %q, want 503 %q", code, body, tc.want)
			}
		})
	}
	t.Run("disk full", func(t *testing.T) {
		dir := smallDisk(t, "16m")
		e := newEnv(t, time.Now)
		e.cfg.Database.Path = filepath.Join(dir, "earshot.db")
		a := e.app(t, clockwork.NewRealClock())
		h, err := a.Handler()
		if err != nil {
			t.Fatal(err)
		}
		if code, body := healthz(t, h); code != 200 {
			t.Fatalf("healthy: %d %q", code, body)
		}
		fill(t, dir)
		if code, body := healthz(t, h); code != 503 || body != "disk full" {
			t.Fatalf("disk full: %d %q, want 503 \"disk full\"", code, body)
		}
	})
}

// smallDisk mounts a tmpfs of size for the test, or skips when that is
// not possible (not root, no mount(8), a container without the right).
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

// fill writes a file until the disk refuses more.
func fill(t *testing.T, dir string) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 256<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			return
		}
	}
}

// TestServeStopsWhenDatabaseVanishes: earshot serve whose database file
// is deleted stops its scheduler with a clear error instead of scraping
// into a file nobody will see again.
func TestServeStopsWhenDatabaseVanishes(t *testing.T) {
	sqliteOnly(t)
	e := newEnv(t, time.Now)
	var hits int
	e.site.OnRequest(func(r *http.Request) {
		if r.URL.Path == "/reviews" {
			hits++
		}
	})
	a := e.app(t, clockwork.NewRealClock())
	if err := os.Remove(e.cfg.Database.Path); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err = a.ServeListener(ctx, ln)
	if ctx.Err() != nil {
		t.Fatal("serve kept running on a deleted database")
	}
	if !errors.Is(err, store.ErrDatabaseGone) || !strings.Contains(err.Error(), "deleted") {
		t.Fatalf("serve returned %v, want ErrDatabaseGone naming the deletion", err)
	}
	if hits != 0 {
		t.Errorf("%d scrapes ran into the deleted database", hits)
	}
}
