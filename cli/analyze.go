package cli

import (
	"context"
	"errors"
	"os"

	"github.com/earshot/earshot/sentiment/analyzecli"
)

// runAnalyze scores text or JSON lines; the taxonomies of the config file
// apply when there is one (analyze also works without any config).
func runAnalyze(ctx context.Context, e *Env, args []string) error {
	var tax map[string]map[string][]string
	if _, err := os.Stat(e.ConfigPath); err == nil {
		cfg, err := e.LoadConfig()
		if err != nil {
			return err
		}
		tax = cfg.Sentiment.Taxonomies
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	err := analyzecli.Run(ctx, analyzecli.Config{Stdin: e.Stdin, Stdout: e.Stdout, Stderr: e.Stderr, Taxonomies: tax}, args)
	if errors.Is(err, analyzecli.ErrUsage) {
		return usageError{err}
	}
	return err
}

// usageError makes another package's usage error exit 2 like ErrUsage.
type usageError struct{ error }

func (u usageError) Is(target error) bool { return target == ErrUsage }
func (u usageError) Unwrap() error        { return u.error }
