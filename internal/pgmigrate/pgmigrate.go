// Package pgmigrate applies the SQL schema migrations that sportello's PostgreSQL adapters
// embed.
//
// Each adapter (a "component", such as "practice" or "calendar") ships its migrations as
// files named so that they sort in the order they must run (0001_init.sql,
// 0002_outbox.sql, ...), usually embedded with //go:embed, and calls [Apply] when it
// starts. Apply runs the files that the table sportello_migrations does not yet record for
// that component:
//
//	CREATE TABLE sportello_migrations (
//		component  text        NOT NULL,
//		name       text        NOT NULL,
//		applied_at timestamptz NOT NULL DEFAULT now(),
//		PRIMARY KEY (component, name)
//	)
//
// Each file runs in its own transaction together with the insert of its record, so a file
// is either applied and recorded or neither. A file may hold several statements; it must
// not hold transaction control (BEGIN, COMMIT) nor statements that cannot run inside a
// transaction block (CREATE INDEX CONCURRENTLY, CREATE DATABASE, VACUUM).
//
// Many application instances may call Apply at once on one database: the record insert
// comes first in each transaction, so the instance that inserts it applies the file while
// the others wait on the primary key until that transaction ends, then skip the file
// (or apply it themselves if the first one rolled back). The guard is a unique key, not an
// advisory lock, so it works on the distributed PostgreSQL-compatible engines the adapters
// target; serialization failures and deadlocks (SQLSTATE 40001, 40P01) and the races of
// concurrent CREATE ... IF NOT EXISTS (23505, 42P07, 42710) are retried.
package pgmigrate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sportello/sportello/internal/retry"
)

// Table is the name of the table that records the applied migrations.
const Table = "sportello_migrations"

// maxAttempts bounds how many times Apply runs when it meets a transient conflict.
const maxAttempts = 6

const createTable = `CREATE TABLE IF NOT EXISTS ` + Table + ` (
	component  text        NOT NULL,
	name       text        NOT NULL,
	applied_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (component, name)
)`

// migration is one file of a component.
type migration struct {
	name string
	sql  string
}

// Apply applies to the database of pool, in name order, the files matching *.sql at the
// root of migrations that are not yet recorded for component, recording each one in the
// same transaction that runs it. Files already recorded are skipped, so calling Apply
// again is harmless; a failing file is rolled back, and Apply returns an error naming it
// without running the files after it. Apply is safe to call from several processes at
// once on the same database. To use a subdirectory of an embedded file system, pass
// fs.Sub(files, "migrations").
//
// The errors name the component and the file; they wrap the driver's error and never
// contain connection credentials.
func Apply(ctx context.Context, pool *pgxpool.Pool, component string, migrations fs.FS) error {
	if pool == nil {
		return errors.New("pgmigrate: nil pool")
	}
	if component == "" {
		return errors.New("pgmigrate: empty component name")
	}
	if migrations == nil {
		return fmt.Errorf("pgmigrate: %s: nil migrations file system", component)
	}
	files, err := load(migrations)
	if err != nil {
		return fmt.Errorf("pgmigrate: %s: %w", component, err)
	}

	return retry.Do(ctx, retry.Policy{
		Attempts: maxAttempts,
		// Exponential backoff with a little spread so that racing instances part ways.
		Wait: func(attempt int) time.Duration {
			return time.Duration(10<<attempt)*time.Millisecond + rand.N(20*time.Millisecond)
		},
		Transient: transient,
	}, func() error { return apply(ctx, pool, component, files) })
}

// load reads the *.sql files at the root of fsys, sorted by name.
func load(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	slices.Sort(names)
	files := make([]migration, 0, len(names))
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("migration %s: read: %w", name, err)
		}
		files = append(files, migration{name: path.Base(name), sql: string(b)})
	}
	return files, nil
}

// apply makes one attempt at bringing component up to date.
func apply(ctx context.Context, pool *pgxpool.Pool, component string, files []migration) error {
	if _, err := pool.Exec(ctx, createTable); err != nil {
		return fmt.Errorf("pgmigrate: %s: create table %s: %w", component, Table, err)
	}
	if len(files) == 0 {
		return nil
	}

	// A first look outside any transaction, so that an up-to-date database costs one query.
	rows, err := pool.Query(ctx, "SELECT name FROM "+Table+" WHERE component = $1", component)
	if err != nil {
		return fmt.Errorf("pgmigrate: %s: read applied migrations: %w", component, err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("pgmigrate: %s: read applied migrations: %w", component, err)
	}
	applied := make(map[string]bool, len(names))
	for _, n := range names {
		applied[n] = true
	}

	for _, m := range files {
		if applied[m.name] {
			continue
		}
		if err := applyOne(ctx, pool, component, m); err != nil {
			return fmt.Errorf("pgmigrate: %s: migration %s: %w", component, m.name, err)
		}
	}
	return nil
}

// applyOne runs one file and records it, in one transaction. When another transaction
// holds or has committed the record, the insert waits for it to end and then inserts
// nothing, and the file is skipped.
func applyOne(ctx context.Context, pool *pgxpool.Pool, component string, m migration) (err error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil {
			// The error that matters is err; a failed rollback only means the connection
			// is gone, and the pool discards it.
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()

	tag, err := tx.Exec(ctx,
		"INSERT INTO "+Table+" (component, name) VALUES ($1, $2) ON CONFLICT (component, name) DO NOTHING",
		component, m.name)
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	if tag.RowsAffected() == 0 {
		// Another instance applied it (the insert waited for its commit).
		return tx.Rollback(ctx)
	}
	// No arguments: pgx sends the text with the simple query protocol, which allows
	// several statements in one file.
	if _, err = tx.Exec(ctx, m.sql); err != nil {
		return err
	}
	if err = tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// transient reports whether err is a conflict with a concurrent transaction that is worth
// a new attempt: a serialization failure or deadlock, or the duplicate-key and
// duplicate-object errors that concurrent CREATE ... IF NOT EXISTS statements may raise.
func transient(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	switch pgErr.Code {
	case "40001", // serialization_failure
		"40P01", // deadlock_detected
		"23505", // unique_violation (pg_type race of CREATE TABLE IF NOT EXISTS)
		"42P07", // duplicate_table
		"42710": // duplicate_object
		return true
	}
	return false
}
