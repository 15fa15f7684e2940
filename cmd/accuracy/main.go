// Command accuracy measures earshot's sentiment analyzer against govader
// on the public human-rated datasets, with k-fold cross-validation, and
// prints each metric beside govader's and the target of GitHub issue 4.
//
//	go run ./cmd/accuracy [-data ../shared/datasets] [-folds 5]
//	go run ./cmd/accuracy -lang    # Japanese set and short-mention language detection
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/earshot/earshot/sentiment/accuracy"
	"github.com/earshot/earshot/sentiment/train"
)

func main() {
	data := flag.String("data", "../shared/datasets", "datasets folder holding vader/ and semeval14/")
	folds := flag.Int("folds", 5, "cross-validation folds")
	quiet := flag.Bool("q", false, "no progress lines on stderr")
	langs := flag.Bool("lang", false, "report Japanese analysis and language detection instead (needs no datasets)")
	jaDir := flag.String("ja", "sentiment/ja/testdata", "labelled Japanese sentences (with -lang)")
	short := flag.String("short", "sentiment/lang/testdata/short.tsv", "short mentions with their language (with -lang)")
	only := flag.String("only", "", `run one part only: "complaints" (the complaint tweets, 10-fold)`)
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *langs {
		rep, err := accuracy.EvaluateLanguages(ctx, *jaDir, *short)
		if err != nil {
			fmt.Fprintln(os.Stderr, "accuracy:", err)
			os.Exit(1)
		}
		rep.Print(os.Stdout)
		return
	}
	d, err := train.Load(*data)
	if err != nil {
		fmt.Fprintln(os.Stderr, "accuracy:", err)
		os.Exit(1)
	}
	progress := os.Stderr
	if *quiet {
		progress = nil
	}
	if *only == "complaints" {
		row, err := accuracy.EvaluateComplaints(ctx, d.Complaints, progress)
		if err != nil {
			fmt.Fprintln(os.Stderr, "accuracy:", err)
			os.Exit(1)
		}
		row.PrintComplaints(os.Stdout)
		return
	}
	rep, err := accuracy.Evaluate(ctx, d, *folds, progress)
	if err != nil {
		fmt.Fprintln(os.Stderr, "accuracy:", err)
		os.Exit(1)
	}
	rep.Print(os.Stdout)
}
