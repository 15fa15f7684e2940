package store

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// A deadlock between two replicas' analysis transactions once set a good
// mention aside for ever; such errors must read as "try again".
func TestIsTransient(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("store: save analysis: %w", &pgconn.PgError{Code: "40P01", Message: "deadlock detected"}), true},
		{&pgconn.PgError{Code: "40001"}, true},
		{&pgconn.PgError{Code: "22021", Message: "invalid byte sequence"}, false},
		{errors.New("sqlite3: database is locked"), true},
		{errors.New("alert on mention 3: template failed"), false},
	} {
		if got := IsTransient(c.err); got != c.want {
			t.Errorf("IsTransient(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
