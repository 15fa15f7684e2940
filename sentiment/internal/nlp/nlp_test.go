package nlp

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func words(toks []Token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			b.WriteByte('|')
		}
		b.WriteString(t.Lower)
	}
	return b.String()
}

func TestTokenize(t *testing.T) {
	cases := []struct {
		in    string
		words string
		sents int
	}{
		{"The food was NOT good!", "the|food|was|not|good", 1},
		{"Great :) but slow :(", "great|:)|but|slow|:(", 1},
		{"Waited 45 minutes. Never again!!! Bye", "waited|45|minutes|never|again|bye", 3},
		{"e.g. it cost $3.50, ok?", "e.g|it|cost|$3.50|ok", 1},
		{"I don't like it", "i|don't|like|it", 1},
		{"so good😍😍", "so|good|😍|😍", 1},
		{"", "", 0},
		{"   \n\n  ", "", 0},
		{"line one\n\nline two", "line|one|line|two", 2},
		{"#awesome @bob http://x.y/z", "#awesome|@bob|http|x.y/z", 1},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			toks, sents := Tokenize(c.in, nil, nil)
			if got := words(toks); got != c.words {
				t.Errorf("words = %q, want %q", got, c.words)
			}
			if len(sents) != c.sents {
				t.Errorf("%d sentences, want %d: %+v", len(sents), c.sents, sents)
			}
			for _, tk := range toks {
				if c.in[tk.Start:tk.End] != tk.Text {
					t.Errorf("token %q does not match its offsets %d:%d", tk.Text, tk.Start, tk.End)
				}
			}
		})
	}
}

func TestValencesRules(t *testing.T) {
	lex := NewLexicon()
	score := func(s string) float64 {
		toks, _ := Tokenize(s, nil, nil)
		_, sc := lex.Valences(toks, 0, len(toks), nil)
		return sc.Compound
	}
	cases := []struct {
		name, a, b string // a must score above b
	}{
		{"negation", "the food was good", "the food was not good"},
		{"intensifier", "the food was very good", "the food was good"},
		{"capitals", "the food was GOOD", "the food was good"},
		{"exclamation", "the food was good!!", "the food was good"},
		{"but weighs the second clause", "the food was bad but the service was great", "the food was great but the service was bad"},
		{"emoji", "dinner 😍", "dinner 😡"},
		{"stretched words", "sooo goooood", "so"},
		{"hashtags", "#awesome", "#awful"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if sa, sb := score(c.a), score(c.b); sa <= sb {
				t.Errorf("%q = %.3f, want more than %q = %.3f", c.a, sa, c.b, sb)
			}
		})
	}
}

func TestBundleRoundTrip(t *testing.T) {
	mk := func(k int, dense int) *Linear {
		m := NewLinear(k, 8, dense)
		for i := range m.W {
			if i%7 == 0 {
				m.W[i] = float32(i) / 100
			}
		}
		for i := range m.DW {
			m.DW[i] = 0.5
		}
		return m
	}
	b := &Bundle{Version: "test/1", Sentiment: mk(1, SentDense), CatPol: mk(4, CatPolDenseN), Terms: mk(3, 0),
		Category: map[string]*Linear{"food": mk(1, 0)}, POS: map[string]string{"food": "NN"}, CatThresh: map[string]float64{"food": 0.4}}
	data, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	got, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	h := []uint64{Hash('u', "food", ""), Hash('u', "good", "")}
	d := make([]float64, SentDense)
	d[0] = 1
	if a, b := b.Sentiment.Scores(h, d, nil)[0], got.Sentiment.Scores(h, d, nil)[0]; a != b {
		t.Errorf("sentiment score %v after round trip, want %v", b, a)
	}
	if got.Version != "test/1" || got.POS["food"] != "NN" || got.Category["food"] == nil {
		t.Errorf("round trip lost fields: %+v", got)
	}
	if _, err := Unmarshal(data[:len(data)/2]); err == nil {
		t.Error("truncated model accepted")
	}
	if _, err := Unmarshal(bytes.Repeat([]byte{0x1f}, 10)); err == nil {
		t.Error("garbage accepted")
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"Hello, world!", "e.g. 3.5", ":-) :(", "😍😍", "\xff\xfe\xfd", "a\n\nb", "...", "—", "n't", "''"} {
		f.Add(s)
	}
	lex := NewLexicon()
	f.Fuzz(func(t *testing.T, s string) {
		toks, sents := Tokenize(s, nil, nil)
		prevEnd := 0
		for _, tk := range toks {
			if tk.Start < prevEnd || tk.End > len(s) || tk.Start >= tk.End || s[tk.Start:tk.End] != tk.Text {
				t.Fatalf("bad token %+v in %q", tk, s)
			}
			if utf8.ValidString(s) && !utf8.ValidString(tk.Text) {
				t.Fatalf("token %q splits a rune", tk.Text)
			}
			prevEnd = tk.End
		}
		covered := 0
		for _, sp := range sents {
			if sp.From != covered || sp.To <= sp.From || sp.To > len(toks) {
				t.Fatalf("sentences %+v do not tile %d tokens", sents, len(toks))
			}
			covered = sp.To
		}
		if covered != len(toks) {
			t.Fatalf("sentences cover %d of %d tokens", covered, len(toks))
		}
		_, sc := lex.Valences(toks, 0, len(toks), nil)
		if sc.Compound < -1 || sc.Compound > 1 {
			t.Fatalf("compound %v", sc.Compound)
		}
	})
}
