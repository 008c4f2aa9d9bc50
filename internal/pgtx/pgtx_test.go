package pgtx_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sportello/sportello/internal/pgtest"
	"github.com/sportello/sportello/internal/pgtx"
)

func pgErr(code, constraint string) error {
	return fmt.Errorf("wrapped: %w", &pgconn.PgError{Code: code, ConstraintName: constraint})
}

func TestCodeAndConstraint(t *testing.T) {
	tests := []struct {
		err        error
		code, cons string
		retryable  bool
	}{
		{nil, "", "", false},
		{errors.New("plain"), "", "", false},
		{pgErr("40001", ""), "40001", "", true},
		{pgErr("40P01", ""), "40P01", "", true},
		{pgErr("23505", "things_name_key"), "23505", "things_name_key", false},
		{pgErr("23503", "things_owner_fkey"), "23503", "things_owner_fkey", false},
	}
	for _, tt := range tests {
		if got := pgtx.Code(tt.err); got != tt.code {
			t.Errorf("Code(%v) = %q, want %q", tt.err, got, tt.code)
		}
		if got := pgtx.Constraint(tt.err); got != tt.cons {
			t.Errorf("Constraint(%v) = %q, want %q", tt.err, got, tt.cons)
		}
		if got := pgtx.Retryable(tt.err); got != tt.retryable {
			t.Errorf("Retryable(%v) = %v, want %v", tt.err, got, tt.retryable)
		}
	}
}

func TestRetryRunsAgainOnlyAfterRetryableErrors(t *testing.T) {
	ctx := context.Background()
	calls := 0
	err := pgtx.Retry(ctx, func() error {
		calls++
		if calls < 3 {
			return pgErr(pgtx.SerializationFailure, "")
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Fatalf("Retry after two serialization failures = %v after %d calls, want nil after 3", err, calls)
	}

	calls = 0
	unique := pgErr(pgtx.UniqueViolation, "k")
	if err := pgtx.Retry(ctx, func() error { calls++; return unique }); !errors.Is(err, unique) || calls != 1 {
		t.Fatalf("Retry of a unique violation = %v after %d calls, want it at once", err, calls)
	}

	calls = 0
	err = pgtx.Retry(ctx, func() error { calls++; return pgErr(pgtx.DeadlockDetected, "") })
	if pgtx.Code(err) != pgtx.DeadlockDetected || calls != pgtx.MaxAttempts {
		t.Fatalf("Retry of endless deadlocks = %v after %d calls, want the deadlock after %d", err, calls, pgtx.MaxAttempts)
	}

	cctx, cancel := context.WithCancel(ctx)
	calls = 0
	err = pgtx.Retry(cctx, func() error { calls++; cancel(); return pgErr(pgtx.SerializationFailure, "") })
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Fatalf("Retry with a cancelled context = %v after %d calls, want context.Canceled after 1", err, calls)
	}
}

func TestOpenAndRun(t *testing.T) {
	ctx := context.Background()
	if err := pgtx.Open(ctx, nil, "x/pgstore", "x", fstest.MapFS{}, "migrations"); err == nil {
		t.Fatal("Open with a nil pool succeeded")
	}
	pool := pgtest.NewPool(t)
	fsys := fstest.MapFS{"migrations/0001_init.sql": {Data: []byte(`CREATE TABLE things (id int PRIMARY KEY)`)}}
	for i := 0; i < 2; i++ {
		if err := pgtx.Open(ctx, pool, "x/pgstore", "x", fsys, "migrations"); err != nil {
			t.Fatalf("Open #%d: %v", i+1, err)
		}
	}
	if err := pgtx.Run(ctx, pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO things VALUES (1)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	err := pgtx.Run(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO things VALUES (2)`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO things VALUES (1)`)
		return err
	})
	if pgtx.Code(err) != pgtx.UniqueViolation || pgtx.Constraint(err) != "things_pkey" {
		t.Fatalf("duplicate insert: %v, want a unique violation on things_pkey", err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM things`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d rows after a failed transaction, want 1 (it must roll back whole)", n)
	}
}

type conflictError struct{ field string }

func (e *conflictError) Error() string { return "conflict on " + e.field }

var (
	errMissing = errors.New("missing")
	errKept    = errors.New("kept")
	errDown    = errors.New("down")
)

func TestTranslator(t *testing.T) {
	tr := pgtx.Translator{
		Name:        "x/pgstore",
		Constraints: map[string]string{"things_name_key": "name"},
		Conflict:    func(f string) error { return &conflictError{f} },
		NotFound:    errMissing,
		Keep:        []error{errKept},
		Unavailable: errDown,
	}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"unique known", pgErr(pgtx.UniqueViolation, "things_name_key"), "conflict on name"},
		{"unique other", pgErr(pgtx.UniqueViolation, "other_key"), "conflict on unique"},
		{"foreign key", pgErr(pgtx.ForeignKeyViolation, "things_owner_fkey"), "missing"},
		{"other sqlstate", &pgconn.PgError{Code: "22001", Message: "value too long: secret@example.org"}, "x/pgstore: storage unavailable (SQLSTATE 22001)"},
		{"kept", fmt.Errorf("wrapped: %w", errKept), "wrapped: kept"},
		{"context", context.Canceled, "context canceled"},
		{"other", errors.New("boom"), "x/pgstore: storage unavailable"},
		{"connection", errors.New("failed to connect to `user=postgres database=x`: 127.0.0.1:5432: dial tcp: connection refused"), "x/pgstore: storage unavailable"},
	}
	for _, tt := range tests {
		if got := tr.Translate(tt.err); got == nil || got.Error() != tt.want {
			t.Errorf("%s: Translate = %v, want %q", tt.name, got, tt.want)
		}
	}
	if tr.Translate(nil) != nil {
		t.Error("Translate(nil) is not nil")
	}
	noFK := tr
	noFK.NotFound = nil
	if got := noFK.Translate(pgErr(pgtx.ForeignKeyViolation, "k")); got.Error() != "x/pgstore: storage unavailable (SQLSTATE 23503)" {
		t.Errorf("foreign key without NotFound: %v", got)
	}
}

func TestTranslatorUnavailable(t *testing.T) {
	tr := pgtx.Translator{Name: "x/pgstore", Conflict: func(f string) error { return &conflictError{f} }, Unavailable: errDown}
	cause := &pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"}
	for _, in := range []error{cause, errors.New("unexpected EOF"), fmt.Errorf("dial: %w", errors.New("connection refused"))} {
		got := tr.Translate(in)
		if !errors.Is(got, errDown) {
			t.Errorf("Translate(%v) = %v, does not match Unavailable", in, got)
		}
		var pe *pgconn.PgError
		if errors.As(got, &pe) {
			t.Errorf("Translate(%v): a *pgconn.PgError escapes through errors.As", in)
		}
		var ue *pgtx.UnavailableError
		if !errors.As(got, &ue) || ue.Cause() != in {
			t.Errorf("Translate(%v): cause not kept for logs", in)
		}
	}
	bare := pgtx.Translator{Name: "x/pgstore"}
	if errors.Is(bare.Translate(errors.New("boom")), errDown) {
		t.Error("a translator without Unavailable matched errDown")
	}
}
