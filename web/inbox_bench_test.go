package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/store"
	"github.com/earshot/earshot/tasks"
	"github.com/earshot/earshot/web"
	"github.com/jonboulle/clockwork"
)

// BenchmarkInbox renders the inbox's first page over the dashboard
// fixture (100,000 tasks, 1,000,000 mentions; one task in seven has a
// mention saying "rude") through the real handler, signed in as the
// brand's owner: the default view, a search, a search with filters, and
// every task newest first. Beside each, the plain-SQL peer runs the
// page's own query (the keyset page of tasks) straight on the database.
// Each reports its wall time, this process's CPU time and, on
// PostgreSQL, the CPU time of the server's backends (dbCPU), per page.
func BenchmarkInbox(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run("db="+dialect, func(b *testing.B) {
			ctx := context.Background()
			clock := clockwork.NewFakeClockAt(benchNow)
			o := store.Options{Path: b.TempDir() + "/inbox.db", Clock: clock}
			if dialect == "postgres" {
				o = store.Options{Driver: "postgres", DSN: testutil.FreshPostgres(b), Clock: clock}
			}
			st, err := store.Open(ctx, o)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { st.Close() })
			t0 := time.Now()
			fillDashboardFixture(b, st)
			db, err := st.DB()
			if err != nil {
				b.Fatal(err)
			}
			// Through the triggers (FTS5 on SQLite, the tasks' copy of
			// the words on PostgreSQL), like an edit by the scraper.
			if _, err := db.ExecContext(ctx, "UPDATE mentions SET text = 'cold soup and a rude waiter' WHERE id IN (SELECT mention_id FROM tasks WHERE id % 7 = 0)"); err != nil {
				b.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
				b.Fatal(err)
			}
			b.Logf("fixture built in %s", time.Since(t0).Round(time.Millisecond))
			svc := tasks.New(&config.Config{}, st, tasks.Options{Clock: clock})
			h, err := web.New(web.Options{Store: st, Tasks: svc, Clock: clock})
			if err != nil {
				b.Fatal(err)
			}
			cookies := benchOwnerSession(b, st, h)
			search := "id IN (SELECT t.id FROM mentions_fts CROSS JOIN tasks AS t ON t.mention_id = mentions_fts.rowid WHERE mentions_fts MATCH '\"rude\"')"
			if dialect == "postgres" {
				search = "search_vector @@ plainto_tsquery('simple', 'rude')"
			}
			active := "state IN ('open','acknowledged','awaiting_approval','replied','follow_up_due')"
			for _, c := range []struct{ page, peer string }{
				{"/inbox", "SELECT * FROM tasks WHERE " + active + " ORDER BY COALESCE(follow_up_at, due_at), id LIMIT 101"},
				{"/inbox?q=rude", "SELECT * FROM tasks WHERE " + active + " AND " + search + " ORDER BY COALESCE(follow_up_at, due_at), id LIMIT 101"},
				{"/inbox?q=rude&business=loc-03&severity=3&all=1", "SELECT * FROM tasks WHERE business_id = (SELECT id FROM businesses WHERE name = 'loc-03') AND severity >= 3 AND " + search + " ORDER BY COALESCE(follow_up_at, due_at), id LIMIT 101"},
				{"/inbox?all=1&sort=newest", "SELECT * FROM tasks ORDER BY opened_at DESC, id DESC LIMIT 101"},
			} {
				b.Run("page="+strings.TrimPrefix(c.page, "/inbox?"), func(b *testing.B) {
					var total time.Duration
					cpu, dbc := testutil.CPUTime(), dbCPU(ctx, db)
					for b.Loop() {
						req := httptest.NewRequest(http.MethodGet, c.page, nil)
						for _, ck := range cookies {
							req.AddCookie(ck)
						}
						w := httptest.NewRecorder()
						t := time.Now()
						h.ServeHTTP(w, req)
						total += time.Since(t)
						if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `id="tasks"`) {
							b.Fatalf("GET %s: %d %.300s", c.page, w.Code, w.Body.String())
						}
					}
					reportCPU(b, ctx, db, cpu, dbc, "page")
					b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/page")
				})
				b.Run("peer=plain-sql/page="+strings.TrimPrefix(c.page, "/inbox?"), func(b *testing.B) {
					var total time.Duration
					cpu, dbc := testutil.CPUTime(), dbCPU(ctx, db)
					for b.Loop() {
						t := time.Now()
						rows, err := db.QueryContext(ctx, c.peer)
						if err != nil {
							b.Fatal(fmt.Errorf("%w: %s", err, c.peer))
						}
						n := 0
						for rows.Next() {
							n++
						}
						rows.Close()
						total += time.Since(t)
						if n == 0 {
							b.Fatalf("peer query found nothing: %s", c.peer)
						}
					}
					reportCPU(b, ctx, db, cpu, dbc, "query")
					b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/query")
				})
			}
		})
	}
}

// reportCPU reports the CPU time per item since cpu (this process) and
// dbc (the PostgreSQL backends, when dbCPU can read them): wall time on a
// shared machine also counts other sessions' work.
func reportCPU(b *testing.B, ctx context.Context, db *sql.DB, cpu, dbc time.Duration, item string) {
	n := float64(b.N)
	b.ReportMetric(float64((testutil.CPUTime()-cpu).Microseconds())/1000/n, "cpu-ms/"+item)
	if d := dbCPU(ctx, db); d > 0 {
		b.ReportMetric(float64((d-dbc).Microseconds())/1000/n, "db-cpu-ms/"+item)
	}
}

// dbCPU is the CPU time (user + system) the PostgreSQL backends serving
// db's database have used so far, read from /proc/<pid>/stat: the server
// runs on this machine in the benchmarks, and its work is not this
// process's. It is 0 on SQLite (whose work is this process's own) or when
// /proc does not say. Its resolution is a clock tick (10 ms), so it means
// something only summed over many pages.
func dbCPU(ctx context.Context, db *sql.DB) time.Duration {
	rows, err := db.QueryContext(ctx, "SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
	if err != nil {
		return 0
	}
	defer rows.Close()
	var ticks int64
	for rows.Next() {
		var pid int
		if rows.Scan(&pid) != nil {
			return 0
		}
		raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return 0
		}
		// Fields after the command's closing parenthesis: state is the
		// first, utime and stime the 12th and 13th.
		f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+1:]))
		if len(f) < 13 {
			return 0
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + st
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}
