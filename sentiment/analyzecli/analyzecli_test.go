package analyzecli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/sentiment"
)

var update = flag.Bool("update", false, "rewrite the expected-output files in testdata")

func run(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := Run(context.Background(), Config{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb}, args)
	return out.String(), errb.String(), err
}

func TestJSONLinesGolden(t *testing.T) {
	in := filepath.Join("testdata", "mentions.jsonl")
	out, stderr, err := run(t, "", in)
	if !errors.Is(err, sentiment.ErrBadInput) {
		t.Fatalf("err = %v, want ErrBadInput for the malformed lines", err)
	}
	for _, want := range []string{"line 3: skipped: not a JSON object", "line 4: skipped: rating 9 out of range", `line 5: skipped: no "text" field`} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	golden := filepath.Join("testdata", "mentions.golden.jsonl")
	if *update {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if out != string(want) {
		t.Errorf("output differs from %s (run with -update after a deliberate model change):\n%s", golden, out)
	}
	// every output line is a JSON object with the documented fields
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d output lines, want 6 (10 input lines, 1 blank, 3 malformed)", len(lines))
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("output line %q: %v", l, err)
		}
		for _, k := range []string{"id", "compound", "label", "complaint", "complaint_score", "severity", "language", "aspects", "reasons"} {
			if _, ok := m[k]; !ok {
				t.Errorf("output line lacks %q: %s", k, l)
			}
		}
	}
	if strings.Contains(out, "<script>") {
		t.Error("hostile text reached the output unescaped")
	}
}

func TestStdinAndFlags(t *testing.T) {
	cases := []struct {
		name, stdin string
		args        []string
		want        []string // substrings of stdout
		wantErr     bool
	}{
		{"stdin with domain flag", `{"id":"x","text":"The beer selection was poor."}`, []string{"--domain", "restaurant"},
			[]string{`"id":"x"`, `"category":"drinks"`, `"term":"beer selection"`}, false},
		{"line domain wins over the flag", `{"id":"y","text":"The app crashes on login.","domain":"software"}`, []string{"--domain", "restaurant"},
			[]string{`"category":"crashes"`}, false},
		{"text argument prints an explanation", "", []string{"--domain", "restaurant", "The food was great but the service was terribly slow."},
			[]string{"label:", "complaint:  yes", "issues:", `service: "service"`, "praised:"}, false},
		{"text with a rating", "", []string{"--rating", "2", "The staff were lovely, thank you."},
			[]string{"complaint:  yes", "rating 2/5"}, false},
		{"bad rating flag", "", []string{"--rating", "8", "hello"}, nil, true},
		{"help", "", []string{"-h"}, nil, false},
		{"missing file is treated as text", "", []string{"no-such-file.jsonl"}, []string{"label:"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, stderr, err := run(t, c.stdin, c.args...)
			if (err != nil) != c.wantErr {
				t.Fatalf("err = %v, wantErr %v (stderr %s)", err, c.wantErr, stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestHelpDescribesInput(t *testing.T) {
	_, stderr, err := run(t, "", "-h")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"usage: earshot analyze", "-domain", "JSON lines", "restaurant"} {
		if !strings.Contains(stderr, w) {
			t.Errorf("help lacks %q", w)
		}
	}
}

func TestOverlongLineIsSkipped(t *testing.T) {
	long := `{"id":"big","text":"` + strings.Repeat("a", MaxLineBytes+10) + `"}`
	out, stderr, err := run(t, long+"\n"+`{"id":"ok","text":"fine, thanks"}`+"\n")
	if !errors.Is(err, sentiment.ErrBadInput) || !strings.Contains(stderr, "line 1: skipped: longer than") {
		t.Fatalf("err %v stderr %q, want line 1 reported", err, stderr)
	}
	if !strings.Contains(out, `"id":"ok"`) || strings.Contains(out, `"id":"big"`) {
		t.Fatalf("output %q: want only the second line", out)
	}
}

func FuzzParseLine(f *testing.F) {
	for _, s := range []string{`{"id":"a","text":"hi","rating":4}`, `{"text":null}`, `{"text":"x","rating":-1}`, `[]`, `{"id":{"a":1},"text":"x"}`, `{"text":"x"} {}`, ``, `{"rating":1e309,"text":""}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		in, id, err := parseLine(line, 1)
		if err != nil {
			return
		}
		if in.Rating != nil && (*in.Rating < 0 || *in.Rating > 5) {
			t.Fatalf("accepted rating %v", *in.Rating)
		}
		if !json.Valid(id) {
			t.Fatalf("id %q is not valid JSON", id)
		}
	})
}

// TestLanguageFields: the site's language goes in, the language and the
// needs-a-human-read flag come out.
func TestLanguageFields(t *testing.T) {
	in := `{"id":1,"text":"Servizio pessimo","rating":1}
{"id":2,"text":"Sehr gut","language":"de-DE"}
{"id":3,"text":"普通","locale":"ja"}
`
	out, stderr, err := run(t, in)
	if err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	want := []struct {
		lang  string
		human bool
	}{{"it", true}, {"de", false}, {"ja", false}}
	if len(lines) != len(want) {
		t.Fatalf("%d lines: %s", len(lines), out)
	}
	for i, l := range lines {
		var o outputLine
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatal(err)
		}
		if o.Language != want[i].lang || o.NeedsHumanRead != want[i].human {
			t.Errorf("line %d: language %q needs_human_read %v, want %q %v", i+1, o.Language, o.NeedsHumanRead, want[i].lang, want[i].human)
		}
	}
	if !strings.Contains(lines[0], `"complaint":true`) {
		t.Errorf("1-star Italian review is no complaint: %s", lines[0])
	}
}
