package extract

import "testing"

func TestStarsText(t *testing.T) {
	for _, c := range []struct {
		in   string
		want float64 // 0: none
	}{
		{"5つ星のうち1.0", 1},
		{"5つ星のうち 4.5", 4.5},
		{"1.0 out of 5 stars", 1},
		{"3,0 von 5 Sternen", 3},
		{"4,0 sur 5 étoiles", 4},
		{"8 out of 10", 4},
		{"5つ星のうち9.0", 0},
		{"five stars", 0},
		{"", 0},
	} {
		t.Run(c.in, func(t *testing.T) {
			got := StarsText(c.in)
			switch {
			case c.want == 0 && got != nil:
				t.Errorf("StarsText(%q) = %v, want none", c.in, *got)
			case c.want != 0 && (got == nil || *got != c.want):
				t.Errorf("StarsText(%q) = %v, want %v", c.in, got, c.want)
			}
		})
	}
}

func TestJapaneseDates(t *testing.T) {
	for _, in := range []string{"2026年11月3日に日本でレビュー済み", "2026年11月3日", "投稿日：2026年11月3日"} {
		got, ok := LocalDate(in)
		if !ok || got.Format("2006-01-02") != "2026-11-03" {
			t.Errorf("LocalDate(%q) = %v, %v; want 2026-11-03", in, got, ok)
		}
	}
}

func FuzzStarsText(f *testing.F) {
	for _, s := range []string{"5つ星のうち1.0", "1.0 out of 5 stars", "3,0 von 5 Sternen", "99999999999999999999 out of 5", "5つ星のうち", "0 out of 0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if r := StarsText(s); r != nil && (*r < 0 || *r > 5) {
			t.Errorf("StarsText(%q) = %v, outside 0..5", s, *r)
		}
	})
}
