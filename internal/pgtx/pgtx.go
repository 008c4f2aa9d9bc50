// Package pgtx holds what every PostgreSQL store of sportello shares:
// opening a store (applying its embedded migrations), running transactions
// that are retried when PostgreSQL reports a serialization failure or a
// deadlock, and reading the SQLSTATE of driver errors. Each store keeps
// its own translation of those errors into its package's error types.
package pgtx

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sportello/sportello/internal/pgmigrate"
	"github.com/sportello/sportello/internal/retry"
)

// MaxAttempts bounds how many times Retry runs a function that keeps
// losing serialization conflicts or deadlocks.
const MaxAttempts = 8

// SQLSTATE codes the stores act on.
const (
	// SerializationFailure (40001): the transaction lost to a concurrent
	// one under SERIALIZABLE (or a distributed engine); run it again.
	SerializationFailure = "40001"
	// DeadlockDetected (40P01): the transaction was chosen as a deadlock
	// victim; run it again.
	DeadlockDetected = "40P01"
	// UniqueViolation (23505): a unique constraint or index refused a row.
	UniqueViolation = "23505"
	// ForeignKeyViolation (23503): a referenced row does not exist.
	ForeignKeyViolation = "23503"
)

// Open checks pool and applies the migrations found in the directory dir of
// fsys (an embed.FS, usually) under component's name in the shared
// migrations table. It is safe to call from many processes at once. name
// prefixes its errors, e.g. "payment/pgstore".
func Open(ctx context.Context, pool *pgxpool.Pool, name, component string, fsys fs.FS, dir string) error {
	if pool == nil {
		return fmt.Errorf("%s: nil pool", name)
	}
	files, err := fs.Sub(fsys, dir)
	if err != nil {
		return fmt.Errorf("%s: migrations: %w", name, err)
	}
	if err := pgmigrate.Apply(ctx, pool, component, files); err != nil {
		return fmt.Errorf("%s: migrating: %w", name, err)
	}
	return nil
}

// Run runs fn in a transaction on pool, committing when fn returns nil, and
// runs the whole transaction again (see Retry) when it lost a
// serialization conflict or a deadlock. Any other error is returned as it
// is, for the caller to translate.
func Run(ctx context.Context, pool *pgxpool.Pool, fn func(pgx.Tx) error) error {
	return Retry(ctx, func() error { return pgx.BeginFunc(ctx, pool, fn) })
}

// Retry calls fn until it succeeds, fails with an error that Retryable
// refuses, or has run MaxAttempts times. Between runs it waits a growing,
// slightly randomised time, so that rivals part ways; a context ended
// while waiting gives an error matching the context's (internal/retry).
func Retry(ctx context.Context, fn func() error) error {
	return retry.Do(ctx, retry.Policy{
		Attempts: MaxAttempts,
		Wait: func(attempt int) time.Duration {
			return time.Duration(attempt)*5*time.Millisecond + rand.N(5*time.Millisecond)
		},
		Transient: Retryable,
	}, fn)
}

// Retryable reports whether err is a serialization failure or a deadlock,
// after which the same transaction may simply run again.
func Retryable(err error) bool {
	code := Code(err)
	return code == SerializationFailure || code == DeadlockDetected
}

// Code returns the SQLSTATE of the PostgreSQL error in err's chain, or ""
// when there is none.
func Code(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// Constraint returns the name of the constraint a PostgreSQL error in
// err's chain names (for a unique violation, the index or constraint that
// refused the row), or "".
func Constraint(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.ConstraintName
	}
	return ""
}

// Translator turns driver errors into one package's errors, so that no pgx
// type leaves a store and no driver detail (which may quote values,
// personal data among them) reaches an error message.
type Translator struct {
	// Name prefixes the messages of untranslated errors, e.g.
	// "payment/pgstore".
	Name string
	// Constraints names the field each unique constraint or index guards;
	// a unique violation of another constraint names the field "unique".
	Constraints map[string]string
	// Conflict builds the package's conflict error for a field.
	Conflict func(field string) error
	// NotFound, when set, is returned for foreign-key violations (a
	// referenced row is missing).
	NotFound error
	// Keep lists the errors (matched with errors.Is) returned as they are:
	// the package's own sentinels and typed errors.
	Keep []error
	// Unavailable is the package's ErrUnavailable: every error Translate
	// does not map to another of the package's errors (a PostgreSQL error
	// with another SQLSTATE, a refused or broken connection, an unexpected
	// EOF) is returned as an *UnavailableError matching it.
	Unavailable error
}

// UnavailableError is a storage failure that is not the caller's fault:
// the server refused or dropped the connection, is starting or shutting
// down, or reported an error the store does not translate. Its message
// names the store and, for a PostgreSQL error, the SQLSTATE only: never
// the driver's text, which may quote values (personal data among them) or
// connection details (user, database, host, port). Cause returns the
// original error for the host's logs.
type UnavailableError struct {
	// Store names the store, e.g. "practice/pgstore".
	Store string
	// Code is the SQLSTATE of a PostgreSQL error, or "" for a connection
	// or transport failure.
	Code string

	sentinel error
	cause    error
}

// Error returns "<store>: storage unavailable" followed by the SQLSTATE
// when there is one.
func (e *UnavailableError) Error() string {
	if e.Code != "" {
		return e.Store + ": storage unavailable (SQLSTATE " + e.Code + ")"
	}
	return e.Store + ": storage unavailable"
}

// Is matches the package's ErrUnavailable the error was made for.
func (e *UnavailableError) Is(target error) bool {
	return e.sentinel != nil && target == e.sentinel
}

// Cause returns the driver's error, for logs only: its text may hold
// connection details and values and must not reach a user. It is
// deliberately not returned by an Unwrap method, so that errors.As never
// finds a pgx type in an error a store returned.
func (e *UnavailableError) Cause() error { return e.cause }

// Translate maps err: nil stays nil; unique violations become
// Conflict(field); foreign-key violations NotFound when it is set; context
// errors and errors matching Keep pass through; anything else (other
// PostgreSQL errors, connection and transport failures) becomes an
// *UnavailableError matching Unavailable, whose message carries no driver
// text.
func (t Translator) Translate(err error) error {
	if err == nil {
		return nil
	}
	if code := Code(err); code != "" {
		switch {
		case code == UniqueViolation:
			if f, ok := t.Constraints[Constraint(err)]; ok {
				return t.Conflict(f)
			}
			return t.Conflict("unique")
		case code == ForeignKeyViolation && t.NotFound != nil:
			return t.NotFound
		}
		return &UnavailableError{Store: t.Name, Code: code, sentinel: t.Unavailable, cause: err}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	for _, keep := range t.Keep {
		if errors.Is(err, keep) {
			return err
		}
	}
	return &UnavailableError{Store: t.Name, sentinel: t.Unavailable, cause: err}
}
