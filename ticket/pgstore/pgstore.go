package pgstore

import (
	"context"
	"embed"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sportello/sportello/internal/pgtx"
	"github.com/sportello/sportello/ticket"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a PostgreSQL ticket.Store. It is safe for concurrent use, and
// any number of Stores (in any number of processes) may share a database.
type Store struct {
	pool *pgxpool.Pool
}

var _ ticket.Store = (*Store)(nil)

// New applies the schema migrations (safe to run from many processes at
// once) and returns a Store over pool. The pool stays the caller's to
// close. A database that cannot be reached is an error matching
// ticket.ErrUnavailable.
func New(ctx context.Context, pool *pgxpool.Pool) (*Store, error) {
	if pool == nil {
		return nil, errors.New("ticket/pgstore: nil pool")
	}
	if err := pgtx.Open(ctx, pool, "ticket/pgstore", "ticket", migrations, "migrations"); err != nil {
		// A database that cannot be reached is ErrUnavailable, without
		// the connection details the driver's message holds.
		return nil, translate(err)
	}
	return &Store{pool: pool}, nil
}

// tx runs fn in a transaction, retrying on SQLSTATE 40001 and 40P01, and
// translates driver errors into ticket errors.
func (s *Store) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	return translate(pgtx.Run(ctx, s.pool, fn))
}

// constraintField names the unique field each constraint guards.
var constraintField = map[string]string{
	"ticket_families_pkey":            "id",
	"ticket_services_pkey":            "id",
	"ticket_subcategories_pkey":       "id",
	"ticket_requests_pkey":            "id",
	"ticket_requests_idempotency_key": "idempotency_key",
	"ticket_requests_number_key":      "number",
	"ticket_outbox_pkey":              "notification_id",
}

// translate turns driver errors into ticket errors; ticket errors and
// context errors pass through. No pgx type leaves the package, and no
// driver detail (which may quote values) reaches the message.
func translate(err error) error { return translator.Translate(err) }

// translator holds this store's constraint names and pass-through errors.
var translator = pgtx.Translator{
	Name:        "ticket/pgstore",
	Constraints: constraintField,
	Conflict:    func(f string) error { return &ticket.ConflictError{Field: f} },
	Keep:        []error{ticket.ErrNotFound, ticket.ErrConflict, ticket.ErrValidation},
	Unavailable: ticket.ErrUnavailable,
}

var errVersion = &ticket.ConflictError{Field: "version"}

// utc returns t in UTC. Instants come from the Desk truncated to the
// microsecond, what timestamptz keeps (DESIGN "time"): the store does not
// truncate them again.
func utc(t time.Time) time.Time { return t.UTC() }

// storable reports whether every s can be a text value in PostgreSQL:
// valid UTF-8 without NUL. No record has a key that is not, so a lookup
// by one is ErrNotFound (and a listing by one is empty) without a query
// that the server would refuse.
func storable(ss ...string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return false
		}
	}
	return true
}

// nullTime maps the zero time to NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := utc(t)
	return &u
}

func fromNull(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// guard finishes a version-checked write that touched no row: the record
// is missing (ErrNotFound) or its version differs (a version conflict).
func guard(ctx context.Context, tx pgx.Tx, table, tenant, id string) error {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM `+table+` WHERE tenant = $1 AND id = $2`, tenant, id).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return ticket.ErrNotFound
	}
	if err != nil {
		return err
	}
	return errVersion
}

// exec runs one version-checked statement (an UPDATE or DELETE guarded by
// "version = $3") in a transaction and reports a missing record or a stale
// version when it touched no row.
func (s *Store) exec(ctx context.Context, table, tenant, id, sql string, args ...any) error {
	if !storable(tenant, id) {
		return ticket.ErrNotFound
	}
	return s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, sql, args...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 1 {
			return nil
		}
		return guard(ctx, tx, table, tenant, id)
	})
}

// insert runs the INSERT of a new record in a transaction and sets the
// caller's version to 1 once it succeeded.
func (s *Store) insert(ctx context.Context, version *int64, sql string, args ...any) error {
	err := s.tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, sql, args...)
		return err
	})
	if err == nil {
		*version = 1
	}
	return err
}

// update runs one version-checked UPDATE (see exec) and increments the
// caller's version once it succeeded.
func (s *Store) update(ctx context.Context, version *int64, table, tenant, id, sql string, args ...any) error {
	err := s.exec(ctx, table, tenant, id, sql, args...)
	if err == nil {
		*version++
	}
	return err
}

// remove deletes the record id of table if its stored version is version.
func (s *Store) remove(ctx context.Context, table, tenant, id string, version int64) error {
	return s.exec(ctx, table, tenant, id,
		`DELETE FROM `+table+` WHERE tenant = $1 AND id = $2 AND version = $3`, tenant, id, version)
}

// querier runs a query: the pool, or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// one runs a query for a single record and scans it with scan (pgx's
// CollectOneRow); no row is ErrNotFound.
func one[T any](ctx context.Context, q querier, scan pgx.RowToFunc[*T], sql string, args ...any) (*T, error) {
	rows, _ := q.Query(ctx, sql, args...) // a failed query fails the collect
	v, err := pgx.CollectOneRow(rows, scan)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ticket.ErrNotFound
	}
	if err != nil {
		return nil, translate(err)
	}
	return v, nil
}

// list runs a query and scans every row with scan (pgx's CollectRows),
// driver errors translated.
func list[T any](ctx context.Context, q querier, scan pgx.RowToFunc[*T], sql string, args ...any) ([]*T, error) {
	rows, _ := q.Query(ctx, sql, args...) // a failed query fails the collect
	out, err := pgx.CollectRows(rows, scan)
	return out, translate(err)
}
