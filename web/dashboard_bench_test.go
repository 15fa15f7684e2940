package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/auth"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/models"
	"github.com/earshot/earshot/store"
	"github.com/earshot/earshot/web"
	"github.com/jonboulle/clockwork"
)

// Dashboard benchmark fixture: a brand of benchBusinesses locations with
// two sources each, benchMentions mentions and benchTasks tasks spread
// evenly over the benchDays before now (a third of the mentions rated,
// issues from a set of twelve, most tasks replied and resolved).
const (
	benchBusinesses = 10
	benchMentions   = 1_000_000
	benchTasks      = 100_000
	benchDays       = 730
)

var benchNow = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// fillDashboardFixture bulk-inserts the fixture with a few INSERT …
// SELECT statements over a generated series, straight through the
// store's database handle.
func fillDashboardFixture(b *testing.B, st *store.Store) {
	b.Helper()
	ctx := context.Background()
	var srcs []models.Source
	for i := range benchBusinesses {
		_, ss, err := st.SyncBusiness(ctx, models.Business{Name: fmt.Sprintf("loc-%02d", i), DisplayName: fmt.Sprintf("Location %d", i), Domain: "restaurant", TimeZone: "UTC"}, nil,
			[]models.Source{{Name: "reviews", Kind: "jsonld", Target: "http://127.0.0.1/r"}, {Name: "social", Kind: "rss", Target: "http://127.0.0.1/s"}})
		if err != nil {
			b.Fatal(err)
		}
		srcs = append(srcs, ss...)
	}
	db, err := st.DB()
	if err != nil {
		b.Fatal(err)
	}
	first := srcs[0].ID // sources are numbered in order: business k has sources first+2k, first+2k+1
	firstBiz := srcs[0].BusinessID
	start := benchNow.Add(-benchDays * 24 * time.Hour)
	step := float64(benchDays*24*3600) / benchMentions
	tstep := float64(benchDays*24*3600) / benchTasks
	issues := "'food/cold','service/slow','service/rude','price/double charge','cleanliness/toilets','health and safety/allergic reaction','food/portion','staff/attitude','wait time/queue','delivery/late','booking/lost','noise/music'"
	var stmts []string
	if st.Driver() == "postgres" {
		stmts = []string{
			fmt.Sprintf(`INSERT INTO mentions (business_id, source_id, source_kind, external_id, rating, text, posted_at, content_hash, version, analyzed_version)
				SELECT %d + (i %% %d), %d + 2 * (i %% %d) + (i / %d) %% 2, 'jsonld', 'm' || i, CASE WHEN i %% 3 = 0 THEN 1 + (i %% 5) END, 'text', $1::timestamptz + make_interval(secs => i * %f), 'h' || i, 1, 1
				FROM generate_series(0, %d) AS i`, firstBiz, benchBusinesses, first, benchBusinesses, benchBusinesses, step, benchMentions-1),
			fmt.Sprintf(`INSERT INTO tasks (business_id, mention_id, kind, state, dedup_key, severity, issue, opened_at, due_at, replied_at, resolved_at)
				SELECT %d + (i %% %d), (SELECT MIN(id) FROM mentions) + i * 10, 'apology', CASE WHEN (i / 10) %% 20 = 0 THEN 'open' ELSE 'resolved' END, 'bench-' || i, 1 + i %% 5,
				(ARRAY[%s])[1 + (i * 7) %% 12], t, t + interval '4 hours', CASE WHEN (i / 10) %% 20 <> 0 THEN t + make_interval(secs => 600 + (i %% 97) * 300) END, CASE WHEN (i / 10) %% 20 <> 0 THEN t + interval '2 days' END
				FROM (SELECT i, $1::timestamptz + make_interval(secs => i * %f) AS t FROM generate_series(0, %d) AS i) s`, firstBiz, benchBusinesses, issues, tstep, benchTasks-1),
		}
	} else {
		ts := func(step float64) string {
			return "strftime('%Y-%m-%d %H:%M:%f', ?, '+' || (i * " + strconv.FormatFloat(step, 'f', 6, 64) + ") || ' seconds')"
		}
		stmts = []string{
			strings.Replace(fmt.Sprintf(`WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < %d)
				INSERT INTO mentions (business_id, source_id, source_kind, external_id, rating, text, posted_at, content_hash, version, analyzed_version)
				SELECT %d + (i %% %d), %d + 2 * (i %% %d) + (i / %d) %% 2, 'jsonld', 'm' || i, CASE WHEN i %% 3 = 0 THEN 1 + (i %% 5) END, 'text', TS, 'h' || i, 1, 1 FROM seq`,
				benchMentions-1, firstBiz, benchBusinesses, first, benchBusinesses, benchBusinesses), "TS", ts(step), 1),
			strings.Replace(fmt.Sprintf(`WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < %d),
				s AS (SELECT i, TS AS t FROM seq)
				INSERT INTO tasks (business_id, mention_id, kind, state, dedup_key, severity, issue, opened_at, due_at, replied_at, resolved_at)
				SELECT %d + (i %% %d), (SELECT MIN(id) FROM mentions) + i * 10, 'apology', CASE WHEN (i / 10) %% 20 = 0 THEN 'open' ELSE 'resolved' END, 'bench-' || i, 1 + i %% 5,
				json_extract('[%s]', '$[' || ((i * 7) %% 12) || ']'), t, strftime('%%Y-%%m-%%d %%H:%%M:%%f', t, '+4 hours'),
				CASE WHEN (i / 10) %% 20 <> 0 THEN strftime('%%Y-%%m-%%d %%H:%%M:%%f', t, '+' || (600 + (i %% 97) * 300) || ' seconds') END,
				CASE WHEN (i / 10) %% 20 <> 0 THEN strftime('%%Y-%%m-%%d %%H:%%M:%%f', t, '+2 days') END FROM s`,
				benchTasks-1, firstBiz, benchBusinesses, strings.ReplaceAll(issues, "'", `"`)), "TS", ts(tstep), 1),
		}
	}
	base := start.Format("2006-01-02 15:04:05")
	for _, q := range stmts {
		var err error
		if st.Driver() == "postgres" {
			_, err = db.ExecContext(ctx, q, start)
		} else {
			_, err = db.ExecContext(ctx, q, base)
		}
		if err != nil {
			b.Fatalf("fixture: %v\n%s", err, q)
		}
	}
	// The bulk inserts bypass the store's writes, which keep the rollups
	// current: recompute them, as `earshot rollups rebuild` does.
	if _, err := st.RebuildRollups(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	var n, m int64
	if err := db.QueryRowContext(ctx, "SELECT (SELECT COUNT(*) FROM mentions), (SELECT COUNT(*) FROM tasks)").Scan(&n, &m); err != nil {
		b.Fatal(err)
	}
	if n != benchMentions || m != benchTasks {
		b.Fatalf("fixture has %d mentions and %d tasks", n, m)
	}
}

// BenchmarkDashboard renders /dashboard (signed in as an owner of the
// whole brand: the roll-up, and one location) over the fixture, through
// the real handler, and reports the server time per page.
func BenchmarkDashboard(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run("db="+dialect, func(b *testing.B) {
			ctx := context.Background()
			// EARSHOT_DASH_BENCH_DB keeps the SQLite fixture in that file
			// and reuses it on the next run.
			path, reuse := os.Getenv("EARSHOT_DASH_BENCH_DB"), false
			if path == "" {
				path = filepath.Join(b.TempDir(), "dash.db")
			} else if _, err := os.Stat(path); err == nil {
				reuse = true
			}
			o := store.Options{Path: path, Clock: clockwork.NewFakeClockAt(benchNow)}
			if dialect == "postgres" {
				o, reuse = store.Options{Driver: "postgres", DSN: testutil.FreshPostgres(b), Clock: o.Clock}, false
			}
			st, err := store.Open(ctx, o)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { st.Close() })
			t0 := time.Now()
			if reuse {
				benchDashboard(b, st, o.Clock)
				return
			}
			fillDashboardFixture(b, st)
			b.Logf("fixture of %d mentions and %d tasks built in %s", benchMentions, benchTasks, time.Since(t0).Round(time.Millisecond))
			benchDashboard(b, st, o.Clock)
		})
	}
}

func benchDashboard(b *testing.B, st *store.Store, clock clockwork.Clock) {
	{
		{
			h, err := web.New(web.Options{Store: st, Clock: clock})
			if err != nil {
				b.Fatal(err)
			}
			cookies := benchOwnerSession(b, st, h)
			for _, page := range []string{"/dashboard?days=30", "/dashboard?days=90", "/dashboard?business=loc-03&days=30"} {
				b.Run("page="+strings.TrimPrefix(page, "/dashboard?"), func(b *testing.B) {
					var total time.Duration
					cpu0 := testutil.CPUTime()
					for b.Loop() {
						req := httptest.NewRequest(http.MethodGet, page, nil)
						for _, ck := range cookies {
							req.AddCookie(ck)
						}
						w := httptest.NewRecorder()
						t := time.Now()
						h.ServeHTTP(w, req)
						total += time.Since(t)
						if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `id="chart-days"`) {
							b.Fatalf("GET %s: %d %.300s", page, w.Code, w.Body.String())
						}
					}
					b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/page")
					// CPU time of this process (handler, driver, SQLite); a
					// PostgreSQL server's own work is not in it.
					b.ReportMetric(float64((testutil.CPUTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/page")
				})
			}
		}
	}
}

// benchOwnerSession creates an owner of every business, signs it in to h
// through the login form and returns the session cookies, for
// benchmarks that time pages through the real handler.
func benchOwnerSession(b *testing.B, st *store.Store, h http.Handler) []*http.Cookie {
	b.Helper()
	ctx := context.Background()
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		b.Fatal(err)
	}
	a := models.Account{Name: fmt.Sprintf("owner-%d", time.Now().UnixNano()), PasswordHash: hash}
	if err := st.CreateAccount(ctx, &a); err != nil {
		b.Fatal(err)
	}
	if err := st.SetMembership(ctx, a.ID, models.AllBusinesses, models.RoleOwner); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(srv.URL+"/login", url.Values{"name": {a.Name}, "password": {testPassword}})
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	u, _ := url.Parse(srv.URL)
	return jar.Cookies(u)
}
