// Package console prints notifications to a writer (the terminal of
// `earshot serve`), for trying earshot out before any mail server exists.
// Control characters from scraped text are replaced, so a review cannot
// move the cursor or recolour the terminal.
package console

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode"

	"github.com/earshot/earshot/models"
)

// Notifier writes to one writer; it is safe for concurrent use.
type Notifier struct {
	mu sync.Mutex
	w  io.Writer
}

// New builds a notifier writing to w.
func New(w io.Writer) *Notifier { return &Notifier{w: w} }

// Clean replaces control characters except newlines and tabs.
func Clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) {
			return '?'
		}
		return r
	}, s)
}

// Notify prints n.
func (c *Notifier) Notify(ctx context.Context, n models.Notification) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	to := n.Recipient
	if to != "" {
		to = " → " + Clean(to)
	}
	if _, err := fmt.Fprintf(c.w, "── %s%s ──\n%s\n%s\n\n", Clean(string(n.Kind)), to, Clean(n.Subject), Clean(n.Body)); err != nil {
		return true, fmt.Errorf("console: %w", err)
	}
	return false, nil
}
