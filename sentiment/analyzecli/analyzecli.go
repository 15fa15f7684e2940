// Package analyzecli is the `earshot analyze` command: it scores JSON
// lines (one mention each) or a single text given on the command line.
// It lives beside the analyzer so the command and the library cannot
// drift apart; package cli only wraps it.
package analyzecli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/sentiment"
)

// MaxLineBytes bounds one JSON input line.
const MaxLineBytes = 1 << 20

// Config is what the command needs from its caller.
type Config struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Taxonomies come from the user's config (sentiment: taxonomies:).
	Taxonomies map[string]map[string][]string
	// Judge, when set, adds the --business flag: it applies that
	// business's policy (relevance for social kinds, its staff's
	// corrections) to each analysis, so the reasons show what decided.
	Judge func(ctx context.Context, business string, in sentiment.Input, a *models.Analysis) error
}

// inputLine is one JSON input record.
type inputLine struct {
	ID     json.RawMessage `json:"id"`
	Text   *string         `json:"text"`
	Title  string          `json:"title"`
	Rating *float64        `json:"rating"`
	Source string          `json:"source"`
	Domain string          `json:"domain"`
	Reach  int64           `json:"reach"`
	// Language is the site's language tag for the text, if it gives one.
	Language string `json:"language"`
	// Locale is the business's locale (settles kanji-only text).
	Locale string `json:"locale"`
}

// outputLine is one JSON output record.
type outputLine struct {
	ID             json.RawMessage `json:"id"`
	Compound       float64         `json:"compound"`
	Label          string          `json:"label"`
	Complaint      bool            `json:"complaint"`
	ComplaintScore float64         `json:"complaint_score"`
	Severity       int             `json:"severity"`
	Language       string          `json:"language"`
	NeedsHumanRead bool            `json:"needs_human_read"`
	Aspects        []aspectOut     `json:"aspects"`
	Reasons        []string        `json:"reasons"`
}

type aspectOut struct {
	Category string `json:"category"`
	Term     string `json:"term"`
	Polarity string `json:"polarity"`
	Evidence string `json:"evidence"`
}

// ErrUsage marks a mistake in how analyze was called (a bad flag or
// rating); the command line exits 2 for it.
var ErrUsage = errors.New("usage")

// optRating is --rating: unset unless given, so -h shows no default
// (a float flag would print "(default NaN)").
type optRating struct {
	v   float64
	set bool
}

func (r *optRating) String() string {
	if r == nil || !r.set {
		return ""
	}
	return strconv.FormatFloat(r.v, 'g', -1, 64)
}

func (r *optRating) Set(s string) error {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || v < 0 || v > 5 {
		return fmt.Errorf("%q is not a star rating; want 0 to 5", s)
	}
	r.v, r.set = v, true
	return nil
}

// Run executes `earshot analyze [flags] [FILE | TEXT...]`.
func Run(ctx context.Context, c Config, args []string) error {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fs.SetOutput(c.Stderr)
	domain := fs.String("domain", "", "taxonomy pack: "+strings.Join(sentiment.Domains(), ", ")+" (default general; a JSON line's \"domain\" wins)")
	source := fs.String("source", "", "source kind for every input (twitter, trustpilot, ...); a JSON line's \"source\" wins")
	var rating optRating
	fs.Var(&rating, "rating", "star rating (0-5) of a TEXT given on the command line (default: none)")
	explainLines := fs.Bool("explain", false, "print the readable explanation (label, complaint, why) for each JSON line instead of JSON; TEXT is always explained")
	business := new(string)
	if c.Judge != nil {
		fs.StringVar(business, "business", "", "apply this configured business's relevance (names, handles, keywords) and its staff's corrections")
	}
	fs.Usage = func() {
		fmt.Fprint(c.Stderr, `usage: earshot analyze [--domain D] [--source KIND] [FILE]
       earshot analyze [--domain D] [--rating R] "some text"

Reads JSON lines {"id": "...", "text": "...", "rating": 4} (rating, title,
source, domain and reach optional) from FILE or standard input and writes one
JSON line per input with compound, label, complaint, complaint_score,
severity, language, aspects and reasons. Malformed lines are reported on
standard error with their line number and skipped.

Given text instead of a file, prints a readable explanation.

flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("%w: %v", ErrUsage, err)
	}
	an, err := sentiment.New(sentiment.Options{Taxonomies: c.Taxonomies})
	if err != nil {
		return fmt.Errorf("%w", err)
	}
	rest := fs.Args()
	switch {
	case len(rest) == 0 || len(rest) == 1 && rest[0] == "-":
		return runLines(ctx, an, c, c.Stdin, "stdin", *domain, *source, *business, *explainLines)
	case len(rest) == 1 && isFile(rest[0]):
		f, err := os.Open(rest[0])
		if err != nil {
			return fmt.Errorf("%w", err)
		}
		defer f.Close()
		return runLines(ctx, an, c, f, rest[0], *domain, *source, *business, *explainLines)
	}
	in := sentiment.Input{Text: strings.Join(rest, " "), Domain: *domain, SourceKind: *source}
	if rating.set {
		in.Rating = &rating.v
	}
	out := an.Analyze(ctx, in)
	if *business != "" {
		if err := c.Judge(ctx, *business, in, &out); err != nil {
			return err
		}
	}
	explain(c.Stdout, out)
	return nil
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

func runLines(ctx context.Context, an *sentiment.Analyzer, c Config, r io.Reader, name, domain, source, business string, explainEach bool) error {
	br := bufio.NewReaderSize(r, 64<<10)
	bw := bufio.NewWriter(c.Stdout)
	defer bw.Flush()
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(true)
	bad, lineNo := 0, 0
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("%s line %d: %w", name, lineNo, err)
		}
		line, tooLong, err := readLine(br)
		if err != nil && err != io.EOF {
			return fmt.Errorf("read %s: %w", name, err)
		}
		if len(line) == 0 && err == io.EOF && !tooLong {
			break
		}
		lineNo++
		if tooLong {
			bad++
			fmt.Fprintf(c.Stderr, "analyze: %s line %d: skipped: longer than %d bytes\n", name, lineNo, MaxLineBytes)
		} else if len(bytes.TrimSpace(line)) > 0 {
			in, id, perr := parseLine(line, lineNo)
			if perr != nil {
				bad++
				fmt.Fprintf(c.Stderr, "analyze: %s line %d: skipped: %v\n", name, lineNo, perr)
			} else {
				if in.Domain == "" {
					in.Domain = domain
				}
				if in.SourceKind == "" {
					in.SourceKind = source
				}
				out := an.Analyze(ctx, in)
				if business != "" {
					if err := c.Judge(ctx, business, in, &out); err != nil {
						return err
					}
				}
				if explainEach {
					fmt.Fprintf(bw, "id:         %s\n", id)
					explain(bw, out)
					fmt.Fprintln(bw)
				} else if err := enc.Encode(toOutput(id, out)); err != nil {
					return fmt.Errorf("write: %w", err)
				}
			}
		}
		if err == io.EOF {
			break
		}
	}
	if bad > 0 {
		return fmt.Errorf("%s: %d of %d lines skipped: %w", name, bad, lineNo, sentiment.ErrBadInput)
	}
	return nil
}

// readLine reads one line up to MaxLineBytes; a longer line is consumed
// and reported as too long.
func readLine(br *bufio.Reader) ([]byte, bool, error) {
	var buf []byte
	tooLong := false
	for {
		chunk, isPrefix, err := br.ReadLine()
		if !tooLong {
			buf = append(buf, chunk...)
			if len(buf) > MaxLineBytes {
				tooLong = true
				buf = nil
			}
		}
		if err != nil {
			return buf, tooLong, err
		}
		if !isPrefix {
			return buf, tooLong, nil
		}
	}
}

func parseLine(line []byte, n int) (sentiment.Input, json.RawMessage, error) {
	var l inputLine
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&l); err != nil {
		return sentiment.Input{}, nil, fmt.Errorf("not a JSON object: %v", err)
	}
	if dec.More() {
		return sentiment.Input{}, nil, errors.New("trailing data after the JSON object")
	}
	if l.Text == nil {
		return sentiment.Input{}, nil, errors.New(`no "text" field`)
	}
	if l.Rating != nil && (*l.Rating < 0 || *l.Rating > 5) {
		return sentiment.Input{}, nil, fmt.Errorf("rating %v out of range 0-5", *l.Rating)
	}
	id := l.ID
	if len(id) == 0 || string(id) == "null" {
		id = json.RawMessage(fmt.Sprintf("%d", n))
	}
	return sentiment.Input{Text: *l.Text, Title: l.Title, Rating: l.Rating, SourceKind: l.Source, Domain: l.Domain, AuthorReach: l.Reach,
		Language: l.Language, Locale: l.Locale}, id, nil
}

func toOutput(id json.RawMessage, a models.Analysis) outputLine {
	o := outputLine{ID: id, Compound: a.Compound, Label: a.Label, Complaint: a.Complaint, ComplaintScore: a.ComplaintScore,
		Severity: a.Severity, Language: a.Language, NeedsHumanRead: a.NeedsHumanRead(), Reasons: a.Reasons, Aspects: make([]aspectOut, 0, len(a.Aspects))}
	if o.Reasons == nil {
		o.Reasons = []string{}
	}
	for _, x := range a.Aspects {
		o.Aspects = append(o.Aspects, aspectOut{Category: x.Category, Term: x.Term, Polarity: x.Polarity, Evidence: x.Evidence})
	}
	return o
}

func explain(w io.Writer, a models.Analysis) {
	fmt.Fprintf(w, "label:      %s (compound %+.3f)\n", a.Label, a.Compound)
	if a.Complaint {
		fmt.Fprintf(w, "complaint:  yes (confidence %.2f), severity %d/5\n", a.ComplaintScore, a.Severity)
	} else {
		fmt.Fprintf(w, "complaint:  no (complaint score %.2f)\n", a.ComplaintScore)
	}
	fmt.Fprintf(w, "language:   %s\n", a.Language)
	if len(a.Reasons) > 0 {
		fmt.Fprintln(w, "why:")
		for _, r := range a.Reasons {
			fmt.Fprintf(w, "  - %s\n", r)
		}
	}
	for _, g := range []struct{ title, pol string }{{"issues", models.PolarityNegative}, {"praised", models.PolarityPositive}, {"mentioned", models.PolarityNeutral}} {
		first := true
		for _, x := range a.Aspects {
			if x.Polarity != g.pol {
				continue
			}
			if first {
				fmt.Fprintf(w, "%s:\n", g.title)
				first = false
			}
			fmt.Fprintf(w, "  - %s: %q  (%q)\n", x.Category, x.Term, x.Evidence)
		}
	}
}
