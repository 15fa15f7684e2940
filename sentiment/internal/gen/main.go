// Command gen trains the analyzer's model from the shared datasets and
// writes the file package sentiment embeds. Run it with `go generate
// ./sentiment` from a checkout that has ../shared beside it.
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/earshot/earshot/sentiment/internal/nlp"
	"github.com/earshot/earshot/sentiment/train"
)

func main() {
	shared := flag.String("shared", "../../shared/datasets", "datasets folder (vader/, semeval14/, complaints/)")
	out := flag.String("out", "model.bin", "model file to write")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(*shared, *out, log); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(shared, out string, log *slog.Logger) error {
	start := time.Now()
	d, err := train.Load(shared)
	if err != nil {
		return err
	}
	pos, err := train.BuildPOS(d.AllTexts())
	if err != nil {
		return fmt.Errorf("part-of-speech table: %w", err)
	}
	lex := nlp.NewLexicon()
	b := train.BuildBundle(lex, pos, d.Vader, d.Restaurant, d.Laptop)
	train.AddComplaintModels(lex, b, d.Complaints)
	data, err := b.Marshal()
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	log.Info("model written", "file", out, "bytes", len(data), "pos_words", len(pos), "took", time.Since(start).Round(time.Millisecond))
	return nil
}
