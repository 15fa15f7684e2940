package extract

import (
	"testing"
	"time"
)

func TestStars(t *testing.T) {
	tests := []struct {
		name               string
		value, best, worst float64
		want               float64 // -1 for nil
	}{
		{"five scale", 4, 5, 1, 4},
		{"ten scale", 7, 10, 0, 3.5},
		{"hundred scale", 80, 100, 0, 4},
		{"above best", 6, 5, 1, -1},
		{"below worst", 0, 5, 1, -1},
		{"missing best means five", 3, 0, 0, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Stars(tc.value, tc.best, tc.worst)
			switch {
			case tc.want < 0 && got != nil:
				t.Errorf("got %v, want nil", *got)
			case tc.want >= 0 && (got == nil || *got != tc.want):
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFloatAndInt(t *testing.T) {
	if f, ok := Float("4,5"); !ok || f != 4.5 {
		t.Errorf("Float(4,5) = %v %v", f, ok)
	}
	if _, ok := Float("NaN"); ok {
		t.Error("Float accepted NaN")
	}
	for in, want := range map[string]int{"1,234 reviews": 1234, "2.132": 2132, "(34)": 34, "12 345 avis": 12345} {
		if n, ok := Int(in); !ok || n != want {
			t.Errorf("Int(%q) = %d %v, want %d", in, n, ok, want)
		}
	}
	if n, ok := LastInt("Showing 1-10 of 2,132 reviews"); !ok || n != 2132 {
		t.Errorf("LastInt = %d", n)
	}
}

func TestTime(t *testing.T) {
	want := time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)
	for _, in := range []string{"2026-03-04", "2026-03-04T00:00:00Z", "2026-03-04T01:00:00+01:00", "March 4, 2026", "4 March 2026", "Wed Mar 04 00:00:00 +0000 2026", "1772582400"} {
		t.Run(in, func(t *testing.T) {
			got, ok := Time(in)
			if !ok || !got.Equal(want) || got.Location() != time.UTC {
				t.Errorf("Time(%q) = %v %v, want %v UTC", in, got, ok, want)
			}
		})
	}
	if _, ok := Time("yesterday"); ok {
		t.Error("Time accepted 'yesterday'")
	}
}

func TestLocalDate(t *testing.T) {
	want := time.Date(2018, 11, 14, 0, 0, 0, 0, time.UTC)
	for _, in := range []string{"14 novembre 2018", "Rezension aus Deutschland vom 14. November 2018", "Reviewed in the United States on November 14, 2018", "14 de noviembre de 2018", "2018年11月14日", "le 14 novembre 2018"} {
		t.Run(in, func(t *testing.T) {
			got, ok := LocalDate(in)
			if !ok || !got.Equal(want) {
				t.Errorf("LocalDate(%q) = %v %v", in, got, ok)
			}
		})
	}
	if _, ok := LocalDate("14 smarch 2018"); ok {
		t.Error("accepted an unknown month")
	}
}

func TestHTMLTextAndClean(t *testing.T) {
	tests := map[string]string{
		"Cold &amp; late<br>Never again":           "Cold & late\nNever again",
		"<p>One</p><p>Two</p>":                     "One\n\nTwo",
		"x<script>alert(1)</script>y":              "xy",
		"  lots   of\tspace  ":                     "lots of space",
		"bad \xff utf8":                            "bad utf8",
		"<b>Harbour</b> &lt;script&gt; stays text": "Harbour <script> stays text",
	}
	for in, want := range tests {
		if got := HTMLText(in); got != want {
			t.Errorf("HTMLText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHashIDStable(t *testing.T) {
	a := HashID("https://x/p", "Ana", "2026-01-02")
	if a != HashID("https://x/p", "Ana", "2026-01-02") || a == HashID("https://x/p", "Ana", "2026-01-03") || a == HashID("https://x/pA", "na", "2026-01-02") {
		t.Error("HashID is not a stable, collision-resistant join")
	}
}

func FuzzTime(f *testing.F) {
	for _, s := range []string{"2026-03-04", "14 novembre 2018", "2018年11月14日", "Mon Jan 02 15:04:05 -0700 2006"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		Time(s)
		LocalDate(s)
		LastInt(s)
		HTMLText(s)
	})
}

func TestPagePathAndSiteID(t *testing.T) {
	paths := []struct{ in, want string }{
		{"http://127.0.0.1:8123/reviews?page=2&utm_source=x#top", "/reviews"},
		{"https://example.com/reviews/", "/reviews"},
		{"https://example.com", "/"},
		{"https://example.com/caf%C3%A9/reviews", "/caf%C3%A9/reviews"},
	}
	for _, tt := range paths {
		if got := PagePath(tt.in); got != tt.want {
			t.Errorf("PagePath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	ids := []struct{ id, page, want string }{
		{"http://127.0.0.1:8123/reviews#r-1", "http://127.0.0.1:8123/reviews", "/reviews#r-1"},
		{"http://127.0.0.1:9999/reviews#r-1", "http://127.0.0.1:9999/reviews?sort=new", "/reviews#r-1"},
		{"https://example.com/r?id=5", "https://EXAMPLE.com/list", "/r?id=5"},
		{"https://other.example/r/5", "https://example.com/list", "https://other.example/r/5"},
		{"r-1001", "https://example.com/list", "r-1001"},
		{"urn:uuid:1234", "https://example.com/list", "urn:uuid:1234"},
	}
	for _, tt := range ids {
		if got := SiteID(tt.id, tt.page); got != tt.want {
			t.Errorf("SiteID(%q, %q) = %q, want %q", tt.id, tt.page, got, tt.want)
		}
	}
}
