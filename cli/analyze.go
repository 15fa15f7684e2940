package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/earshot/earshot/alerts"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/sentiment"
	"github.com/earshot/earshot/sentiment/analyzecli"
	"github.com/earshot/earshot/store"
)

// runAnalyze scores text or JSON lines; the taxonomies of the config file
// apply when there is one (analyze also works without any config). With
// --business, that business's relevance and its staff's corrections
// (from the database) are applied too, and the reasons say so.
func runAnalyze(ctx context.Context, e *Env, args []string) error {
	var tax map[string]map[string][]string
	var cfg *config.Config
	if _, err := os.Stat(e.ConfigPath); err == nil {
		if cfg, err = e.LoadConfig(); err != nil {
			return err
		}
		tax = cfg.Sentiment.Taxonomies
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	var st *store.Store
	defer func() {
		if st != nil {
			st.Close()
		}
	}()
	signals := map[string]*alerts.Signal{}
	judge := func(ctx context.Context, business string, in sentiment.Input, a *models.Analysis) error {
		sig, ok := signals[business]
		if !ok {
			if cfg == nil {
				return fmt.Errorf("%w: --business needs a config file (%s not found)", ErrUsage, e.ConfigPath)
			}
			if st == nil {
				var err error
				if _, st, err = e.OpenStore(ctx); err != nil {
					return err
				}
			}
			biz, err := st.BusinessByName(ctx, business)
			if err != nil {
				return fmt.Errorf("analyze --business %q: %w", business, err)
			}
			// The reasons name the business, so they are in its locale;
			// the config is the source of the locale.
			if b, ok := cfg.Business(business); ok && b.Locale != "" {
				biz.Locale = b.Locale
			}
			cs, err := st.Corrections(ctx, biz.ID)
			if err != nil {
				return err
			}
			sig = alerts.NewSignal(biz, cs)
			signals[business] = sig
		}
		sig.Judge(models.Mention{SourceKind: in.SourceKind, Title: in.Title, Text: in.Text, Rating: in.Rating}, a)
		return nil
	}
	err := analyzecli.Run(ctx, analyzecli.Config{Stdin: e.Stdin, Stdout: e.Stdout, Stderr: e.Stderr, Taxonomies: tax, Judge: judge}, args)
	if errors.Is(err, analyzecli.ErrUsage) {
		return usageError{err}
	}
	return err
}

// usageError makes another package's usage error exit 2 like ErrUsage.
type usageError struct{ error }

func (u usageError) Is(target error) bool { return target == ErrUsage }
func (u usageError) Unwrap() error        { return u.error }
