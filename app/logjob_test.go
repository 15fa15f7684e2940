package app

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// A scrape failure is logged where it happens, with its source; the job
// wrapper counts it but does not log it a second time without source.
func TestLogJobLogsEachFailureOnce(t *testing.T) {
	cases := []struct {
		name    string
		err     error
		wantLog bool
	}{
		{"scrape failure already logged with its source", loggedError{errors.New("site down")}, false},
		{"other job failure", errors.New("database locked"), true},
		{"success", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			a := &App{Metrics: newMetrics("test"), Log: slog.New(slog.NewTextHandler(&buf, nil))}
			a.logJob("scrape", c.err)
			if got := strings.Contains(buf.String(), "job failed"); got != c.wantLog {
				t.Fatalf("logged %q, want a log line: %v", buf.String(), c.wantLog)
			}
		})
	}
}
