package console

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/earshot/earshot/models"
)

func TestConsoleStripsTerminalEscapes(t *testing.T) {
	var buf bytes.Buffer
	n := New(&buf)
	_, err := n.Notify(context.Background(), models.Notification{Kind: "alert", Recipient: "owner@example.com",
		Subject: "1★ from Eve\x1b[2J", Body: "line one\nline two\x07\x1b]0;pwned\x07"})
	if err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Fatalf("terminal control characters reached the console: %q", out)
	}
	for _, want := range []string{"alert → owner@example.com", "1★ from Eve?[2J", "line one\nline two"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q: %q", want, out)
		}
	}
}
