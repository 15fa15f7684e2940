package cli

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
)

// Version, when set at build time with
// -ldflags "-X github.com/earshot/earshot/cli.Version=v1.2.3", replaces
// the module version read from the binary's build information.
var Version = ""

func runVersion(ctx context.Context, e *Env, args []string) error {
	fs := e.FlagSet("version", "", `
Print earshot's version: the module version and the VCS revision it was
built from, as recorded by the Go toolchain ("modified" when the working
tree had uncommitted changes).`)
	if err := parse(fs, args); err != nil {
		return err
	}
	info, _ := debug.ReadBuildInfo() // nil when the binary has none
	fmt.Fprintln(e.Stdout, versionLine(Version, info))
	return nil
}

// versionLine renders the build information, for example
// "earshot v1.2.0 (rev 4f2a9c1b7d3e, 2026-12-01T23:20:00Z, modified)".
// A binary built outside a module version (go build in a checkout without
// a tag, go run) has version "(devel)", shown as "devel"; one built
// without VCS stamping (go run, -buildvcs=false, a source tarball) says
// it has no revision rather than inventing one.
func versionLine(override string, info *debug.BuildInfo) string {
	version := override
	if version == "" && info != nil {
		version = info.Main.Version
	}
	if version == "" || version == "(devel)" {
		version = "devel"
	}
	var rev, at string
	modified := false
	if info != nil {
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if rev == "" {
		return "earshot " + version + " (no VCS revision recorded)"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	parts := []string{"rev " + rev}
	if at != "" {
		parts = append(parts, at)
	}
	if modified {
		parts = append(parts, "modified")
	}
	return "earshot " + version + " (" + strings.Join(parts, ", ") + ")"
}
