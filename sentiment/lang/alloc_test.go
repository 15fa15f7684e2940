package lang

import "testing"

// TestNoAllocsOnClearText: an English review of a few sentences is
// decided by its words alone, without the trigram detector's allocations,
// so detection adds nothing measurable to the English analysis.
func TestNoAllocsOnClearText(t *testing.T) {
	d := New(Options{})
	text := "The food was great and the waiter was very friendly, but we waited 45 minutes for a table."
	if n := testing.AllocsPerRun(50, func() { d.Detect(text, "", "") }); n != 0 {
		t.Errorf("%v allocations per detection, want 0", n)
	}
}
