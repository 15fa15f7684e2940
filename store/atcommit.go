package store

import (
	"context"
	"maps"
	"slices"
)

// AtCommit has fn run once, when the outermost transaction commits
// (before the rollups are written), in the transaction; a later call
// with the same key replaces it, so only the latest state is written. It
// lets a row that every item of a batch rewrites (the incident alert of
// a burst, 200 complaints a transaction) be rendered and written once.
// A savepoint's hooks join the enclosing transaction's only when the
// savepoint succeeds. Outside a transaction it does nothing and reports
// false: the caller writes now.
func (s *Store) AtCommit(key string, fn func(ctx context.Context, tx *Store) error) bool {
	if s.rollups == nil {
		return false
	}
	if s.rollups.commit == nil {
		s.rollups.commit = map[string]func(context.Context, *Store) error{}
	}
	s.rollups.commit[key] = fn
	return true
}

// PendingAtCommit reports whether this transaction (or one enclosing
// it) holds a hook under key.
func (s *Store) PendingAtCommit(key string) bool {
	for b := s.rollups; b != nil; b = b.parent {
		if _, ok := b.commit[key]; ok {
			return true
		}
	}
	return false
}

// runAtCommit runs the hooks in key order (so concurrent transactions
// take their locks in one order), and any the hooks add.
func (b *rollupBuffer) runAtCommit(ctx context.Context, tx *Store) error {
	for len(b.commit) > 0 {
		hooks := b.commit
		b.commit = nil
		for _, k := range slices.Sorted(maps.Keys(hooks)) {
			if err := hooks[k](ctx, tx); err != nil {
				return err
			}
		}
	}
	return nil
}
