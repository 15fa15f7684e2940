package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeSkips are the README commands this test does not run, each with
// the reason. Every other command of a ```sh block runs (blocks that need
// infrastructure the demo has not, such as a PostgreSQL server, systemd
// or podman for several replicas, a running server or a password file,
// are fenced ```bash instead); a command added
// to the README is run unless it is listed here.
var readmeSkips = map[string]string{
	"bash scripts/test.sh":              "runs the whole test suite, this test included",
	"go build -o earshot ./cmd/earshot": "the test builds the binary itself, into its own folder",
	"$EDITOR earshot.yaml":              "interactive",
	"export EARSHOT_SMTP_PASSWORD=…":    "a placeholder secret for the lines after it",
	"./earshot serve":                   "runs until stopped; app's serve tests cover it",
	"make test":                         "the whole suite",
	"make bench":                        "every benchmark (minutes)",
	"make fuzz":                         "every fuzz target (minutes)",
	"make lint":                         "gofmt and go vet of the tree, not a command of earshot",
	"make accuracy":                     "needs the datasets in ../shared",
	"earshot scrape --kind trustpilot --url https://www.trustpilot.com/review/example.com":     "needs the network (trustpilot.com)",
	"earshot scrape --kind hackernews --query \"rosies diner\" --format jsonl":                 "needs the network (Algolia)",
	"earshot scrape --kind mastodon --query '#rosiesdiner' --api-base https://mastodon.social": "needs the network (mastodon.social)",
}

// TestReadmeCommands runs the README's shell examples the way a user
// would after `earshot demo`: the built binary on PATH (also as
// ./earshot), EARSHOT_CONFIG pointing at the config the demo left
// behind, in a scratch folder. Each must exit 0 and print no error.
// Before, `./earshot config check` failed on the config `init` writes
// (its SMTP password variable, exported only on the README's next line)
// and `digest -send` on the demo's config "delivered 0" to a dead port.
func TestReadmeCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs the demo")
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	cmds := readmeCommands(readme)
	if len(cmds) < 20 {
		t.Fatalf("found only %d commands in the README's sh blocks: %q", len(cmds), cmds)
	}
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "earshot"), ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	work := t.TempDir()
	if err := os.Symlink(filepath.Join(bin, "earshot"), filepath.Join(work, "earshot")); err != nil {
		t.Fatal(err)
	}
	demoDir := filepath.Join(work, "demo")
	env := append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "TMPDIR="+work, "EARSHOT_LOG_LEVEL=")
	if out, err := command(work, env, "earshot demo -dir "+demoDir).CombinedOutput(); err != nil {
		t.Fatalf("earshot demo: %v\n%s", err, out)
	}
	// `./earshot …` lines are the "monitor your own business" steps: they
	// use ./earshot.yaml in the folder, written by `./earshot init`. The
	// `earshot …` lines try the commands on the demo's config.
	own := env
	env = append(env, "EARSHOT_CONFIG="+filepath.Join(demoDir, "earshot.yaml"))
	ran := 0
	for _, c := range cmds {
		if why, ok := readmeSkips[c]; ok {
			t.Logf("skipped %s: %s", c, why)
			continue
		}
		ran++
		t.Run(c, func(t *testing.T) {
			// `go run ./cmd/earshot` is the same program as the binary.
			line := strings.Replace(c, "go run ./cmd/earshot", "earshot", 1)
			var stdout, stderr bytes.Buffer
			e := env
			if strings.HasPrefix(line, "./earshot ") {
				e = own
			}
			cmd := command(work, e, line)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			if err != nil {
				t.Errorf("%s: %v\nstdout:\n%s\nstderr:\n%s", c, err, stdout.String(), stderr.String())
				return
			}
			if m := errorRE.FindString(stderr.String()); m != "" {
				t.Errorf("%s printed an error (%q):\n%s", c, m, stderr.String())
			}
		})
	}
	if ran < 15 {
		t.Errorf("ran only %d README commands", ran)
	}
}

// errorRE matches what earshot prints for an error: "earshot CMD: …" on
// stderr, or a log line at ERROR level.
var errorRE = regexp.MustCompile(`(?m)^earshot( [a-z]+)?: .*|level=ERROR.*|"level":"ERROR".*`)

func command(dir string, env []string, line string) *exec.Cmd {
	cmd := exec.Command("bash", "-o", "pipefail", "-c", line)
	cmd.Dir, cmd.Env = dir, env
	return cmd
}

// readmeCommands returns the command lines of the ```sh blocks, without
// their trailing comments. Lines in other blocks (``` synopses, yaml) are
// not commands.
func readmeCommands(readme []byte) []string {
	var out []string
	in := false
	sc := bufio.NewScanner(bytes.NewReader(readme))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case !in && strings.TrimSpace(line) == "```sh":
			in = true
			continue
		case in && strings.TrimSpace(line) == "```":
			in = false
			continue
		case !in:
			continue
		}
		if i := strings.Index(line, "  #"); i >= 0 {
			line = line[:i]
		}
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}
