package cli

import "fmt"

// count writes a count with its noun in the right number: "1 page",
// "3 pages", "0 pages".
func count(n int, noun string) string { return countAs(n, noun, noun+"s") }

// countAs is count for nouns whose plural is not noun+"s".
func countAs(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
