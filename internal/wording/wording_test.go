package wording

import "testing"

func TestCount(t *testing.T) {
	for _, c := range []struct {
		n         int
		one, many string
		want      string
	}{
		{0, "page", "", "0 pages"},
		{1, "page", "", "1 page"},
		{2, "page", "", "2 pages"},
		{1, "business", "businesses", "1 business"},
		{3, "business", "businesses", "3 businesses"},
	} {
		got := Count(c.n, c.one)
		if c.many != "" {
			got = CountAs(c.n, c.one, c.many)
		}
		if got != c.want {
			t.Errorf("%d %s: %q, want %q", c.n, c.one, got, c.want)
		}
	}
}
