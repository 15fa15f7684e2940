package tasks

import (
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// TestClaimLive is when a second submit may take over a posting claim:
// never from a live process of this host within the lease, at once from
// a process of this host that is gone (killed mid-post), and from another
// host only after the lease.
func TestClaimLive(t *testing.T) {
	host, _ := os.Hostname()
	dead := exec.Command(os.Args[0], "-test.run=^$")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	at := func(ago time.Duration) *time.Time { t := now.Add(-ago); return &t }
	by := func(h string, pid int) string { return h + " " + strconv.Itoa(pid) + " 0a1b2c" }
	for _, tc := range []struct {
		name     string
		claimant string
		at       *time.Time
		live     bool
	}{
		{"no claim", "", nil, false},
		{"this process, just now", by(host, os.Getpid()), at(time.Second), true},
		{"this host's parent, alive", by(host, os.Getppid()), at(time.Second), true},
		{"this host, process gone", by(host, dead.Process.Pid), at(time.Second), false},
		{"another host, within the lease", by("replica-b.example", 12), at(postLease - time.Second), true},
		{"another host, lease over", by("replica-b.example", 12), at(postLease), false},
		{"this process, lease over", by(host, os.Getpid()), at(postLease + time.Minute), false},
		{"unreadable claimant, within the lease", "someone", at(time.Second), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := claimLive(tc.claimant, tc.at, now); got != tc.live {
				t.Errorf("claimLive(%q) = %v, want %v", tc.claimant, got, tc.live)
			}
		})
	}
}
