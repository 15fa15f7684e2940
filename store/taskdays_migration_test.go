package store

import (
	"os"
	"strings"
	"testing"
)

// Migration 00270 fills the dashboard's daily task rollups with the
// queries `earshot rollups rebuild` runs, so an upgraded database and a
// rebuilt one hold the same rows: the migration files must spell out
// taskDaySelect and issueDaySelect as the code builds them (bucket bounds
// included). EARSHOT_PRINT_MIGRATION=1 prints them.
func TestMigrationTaskDaysMatchesRebuild(t *testing.T) {
	flat := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	for _, driver := range []string{"sqlite", "postgres"} {
		t.Run(driver, func(t *testing.T) {
			s := &Store{driver: driver}
			b, err := migrations.ReadFile("migrations/" + driver + "/00270_dashboard_task_days.sql")
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{s.taskDaySelect(), s.issueDaySelect()} {
				if os.Getenv("EARSHOT_PRINT_MIGRATION") != "" {
					t.Logf("\n%s;", q)
				}
				if !strings.Contains(flat(string(b)), flat(q)) {
					t.Errorf("migration 00270 does not hold the query the rebuild runs:\n%s", q)
				}
			}
		})
	}
}
