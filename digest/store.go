package digest

import (
	"context"
	"time"

	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
)

// Reader is what building a digest reads; *store.Store is one.
type Reader interface {
	DigestActivity(ctx context.Context, businessID int64, bounds []time.Time, rankers ...store.Ranker) (store.DigestActivity, error)
	DigestSources(ctx context.Context, businessID int64) ([]models.Source, error)
	DigestSourceCounts(ctx context.Context, sourceIDs []int64, from, to time.Time) ([]store.DigestSourceCount, error)
	DigestResolvedIssueCategories(ctx context.Context, businessID int64, from, before time.Time) ([]string, error)
	DigestTaskStats(ctx context.Context, businessID int64, from, to time.Time) (store.DigestTaskCounts, error)
	DigestSignalStats(ctx context.Context, businessID int64, from, to time.Time) (store.DigestSignal, error)
	DigestOverdueTasks(ctx context.Context, businessID int64, asOf time.Time, limit int) ([]models.Task, int64, error)
	DigestSourceRuns(ctx context.Context, businessID int64, from, to time.Time) ([]store.DigestRunStats, error)
	DigestReplyTimes(ctx context.Context, businessID int64, from, to time.Time) ([]time.Duration, error)
	DigestLastFailure(ctx context.Context, sourceID int64, from, to time.Time) (models.SourceRun, error)
}

// Store is what queueing digests needs: the reads of Build, which
// digests are queued already, and a transaction to queue them in through
// notify. *store.Store is one.
type Store interface {
	Reader
	BusinessByName(ctx context.Context, name string) (models.Business, error)
	DigestQueued(ctx context.Context, keys []string) (int64, error)
	Tx(ctx context.Context, fn func(tx *store.Store) error) error
}
