package fetch_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/scrapers"
	"github.com/earshot/earshot/scrapers/fetch"
	"github.com/earshot/earshot/store"
)

// TestSharedHostSlots runs two "replicas" (Fetchers with their own
// in-process politeness state and their own database connection pools)
// against one site: with the shared slots of PostgreSQL, all their
// requests together are spaced by request_delay, so 20 requests take at
// least 19 delays; each replica's limiter alone would let them finish in
// half that.
func TestSharedHostSlots(t *testing.T) {
	dsn := testutil.FreshPostgres(t)
	const delay = 60 * time.Millisecond
	const perReplica = 10
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html><body>ok</body></html>"))
	}))
	defer srv.Close()
	ctx := context.Background()
	var fetchers []*fetch.Fetcher
	for range 2 {
		st, err := store.Open(ctx, store.Options{Driver: "postgres", DSN: dsn})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		f := fetch.New("jsonld", scrapers.Options{RequestDelay: delay, IgnoreRobots: true, MaxRetries: -1, HostSlots: st})
		fetchers = append(fetchers, f.WithPoliteness(fetch.NewPoliteness()))
	}
	start := time.Now()
	var wg sync.WaitGroup
	for _, f := range fetchers {
		for i := range perReplica {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := f.Page(ctx, srv.URL+"/p/"+string(rune('a'+i))); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
	took := time.Since(start)
	if want := time.Duration(2*perReplica-1) * delay; took < want {
		t.Errorf("%d requests from two replicas took %s; request_delay %s across replicas needs at least %s", 2*perReplica, took, delay, want)
	}
}
