package cli

import (
	"runtime/debug"
	"testing"
)

func TestVersionLine(t *testing.T) {
	vcs := func(kv ...string) []debug.BuildSetting {
		var out []debug.BuildSetting
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	info := func(version string, settings []debug.BuildSetting) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Path: "github.com/earshot/earshot", Version: version}, Settings: settings}
	}
	cases := []struct {
		name, override string
		info           *debug.BuildInfo
		want           string
	}{
		{"tagged release from a clean tree", "", info("v1.2.0", vcs("vcs.revision", "4f2a9c1b7d3e5a6b7c8d9e0f1a2b3c4d5e6f7a8b", "vcs.time", "2026-12-01T23:20:00Z", "vcs.modified", "false")),
			"earshot v1.2.0 (rev 4f2a9c1b7d3e, 2026-12-01T23:20:00Z)"},
		{"pseudo-version from a dirty checkout", "", info("v0.0.0-20261201232000-4f2a9c1b7d3e+dirty", vcs("vcs.revision", "4f2a9c1b7d3e5a6b", "vcs.modified", "true")),
			"earshot v0.0.0-20261201232000-4f2a9c1b7d3e+dirty (rev 4f2a9c1b7d3e, modified)"},
		{"devel build says devel, not (devel)", "", info("(devel)", vcs("vcs.revision", "abc123", "vcs.modified", "true")),
			"earshot devel (rev abc123, modified)"},
		{"go run: no revision is said, not invented", "", info("(devel)", nil), "earshot devel (no VCS revision recorded)"},
		{"no build information at all", "", nil, "earshot devel (no VCS revision recorded)"},
		{"-ldflags version wins over the module version", "v9.9.9", info("(devel)", vcs("vcs.revision", "abc123")), "earshot v9.9.9 (rev abc123)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := versionLine(c.override, c.info); got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}
