package pgmigrate_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sportello/sportello/internal/pgmigrate"
	"github.com/sportello/sportello/internal/pgtest"
)

// files returns a migration file system whose files each log their own name in the table
// migration_log, created by the first file.
func files(extra map[string]string) fstest.MapFS {
	m := fstest.MapFS{
		"0001_init.sql": {Data: []byte(`
			CREATE TABLE migration_log (id bigserial PRIMARY KEY, name text NOT NULL);
			INSERT INTO migration_log (name) VALUES ('0001_init.sql');`)},
		"0002_people.sql": {Data: []byte(`
			CREATE TABLE people (id int PRIMARY KEY, name text NOT NULL);
			INSERT INTO migration_log (name) VALUES ('0002_people.sql');`)},
		"0010_people_email.sql": {Data: []byte(`
			ALTER TABLE people ADD COLUMN email text;
			INSERT INTO migration_log (name) VALUES ('0010_people_email.sql');`)},
		"README.md": {Data: []byte("not a migration")},
	}
	for name, sql := range extra {
		m[name] = &fstest.MapFile{Data: []byte(sql)}
	}
	return m
}

func logged(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	return names(t, pool, "SELECT name FROM migration_log ORDER BY id")
}

func recorded(t *testing.T, pool *pgxpool.Pool, component string) []string {
	t.Helper()
	return names(t, pool, "SELECT name FROM sportello_migrations WHERE component = $1 ORDER BY name", component)
}

// names runs a query returning one text column and collects it.
func names(t *testing.T, pool *pgxpool.Pool, query string, args ...any) []string {
	t.Helper()
	rows, err := pool.Query(t.Context(), query, args...)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func equal(a, b []string) bool { return strings.Join(a, "\n") == strings.Join(b, "\n") }

var all = []string{"0001_init.sql", "0002_people.sql", "0010_people_email.sql"}

func TestApplyInOrder(t *testing.T) {
	pool := pgtest.NewPool(t)
	if err := pgmigrate.Apply(t.Context(), pool, "practice", files(nil)); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if got := logged(t, pool); !equal(got, all) {
		t.Errorf("files ran as %q, want %q", got, all)
	}
	if got := recorded(t, pool, "practice"); !equal(got, all) {
		t.Errorf("recorded %q, want %q", got, all)
	}
	if _, err := pool.Exec(t.Context(), "INSERT INTO people (id, name, email) VALUES (1, 'a', 'b')"); err != nil {
		t.Errorf("the migrated schema is not there: %v", err)
	}
	var stamped int
	if err := pool.QueryRow(t.Context(), "SELECT count(*) FROM sportello_migrations WHERE applied_at > now() - interval '1 hour'").Scan(&stamped); err != nil {
		t.Fatal(err)
	}
	if stamped != len(all) {
		t.Errorf("%d records have a recent applied_at, want %d", stamped, len(all))
	}
}

func TestApplyIsIdempotent(t *testing.T) {
	pool := pgtest.NewPool(t)
	ctx := t.Context()
	for i := range 3 {
		if err := pgmigrate.Apply(ctx, pool, "practice", files(nil)); err != nil {
			t.Fatalf("Apply #%d: %v", i+1, err)
		}
	}
	if got := logged(t, pool); !equal(got, all) {
		t.Fatalf("after three Apply calls the files ran as %q, want each once: %q", got, all)
	}

	// A new file is applied alone, after the others.
	more := files(map[string]string{"0011_index.sql": `
		CREATE INDEX people_email ON people (email);
		INSERT INTO migration_log (name) VALUES ('0011_index.sql');`})
	if err := pgmigrate.Apply(ctx, pool, "practice", more); err != nil {
		t.Fatalf("Apply with a new file: %v", err)
	}
	want := append(append([]string(nil), all...), "0011_index.sql")
	if got := logged(t, pool); !equal(got, want) {
		t.Fatalf("files ran as %q, want %q", got, want)
	}
}

func TestApplyEmptyAndSubdirectory(t *testing.T) {
	pool := pgtest.NewPool(t)
	if err := pgmigrate.Apply(t.Context(), pool, "empty", fstest.MapFS{}); err != nil {
		t.Fatalf("Apply with no files: %v", err)
	}
	// Files below the root are not migrations (callers pass fs.Sub).
	nested := fstest.MapFS{"migrations/0001_x.sql": {Data: []byte("CREATE TABLE nested (x int)")}}
	if err := pgmigrate.Apply(t.Context(), pool, "nested", nested); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if got := recorded(t, pool, "nested"); len(got) != 0 {
		t.Fatalf("recorded %q for files below the root, want none", got)
	}
}

func TestComponentsAreIndependent(t *testing.T) {
	pool := pgtest.NewPool(t)
	ctx := t.Context()
	a := fstest.MapFS{"0001_init.sql": {Data: []byte("CREATE TABLE a_things (id int)")}}
	b := fstest.MapFS{"0001_init.sql": {Data: []byte("CREATE TABLE b_things (id int)")}}
	if err := pgmigrate.Apply(ctx, pool, "a", a); err != nil {
		t.Fatal(err)
	}
	if err := pgmigrate.Apply(ctx, pool, "b", b); err != nil {
		t.Fatalf("a file of component b with the name of one of a: %v", err)
	}
	for _, table := range []string{"a_things", "b_things"} {
		if _, err := pool.Exec(ctx, "SELECT * FROM "+table); err != nil {
			t.Errorf("table %s missing: %v", table, err)
		}
	}
}

func TestFailingMigrationRollsBack(t *testing.T) {
	pool := pgtest.NewPool(t)
	ctx := t.Context()
	bad := files(map[string]string{"0003_bad.sql": `
		CREATE TABLE half_done (id int);
		INSERT INTO migration_log (name) VALUES ('0003_bad.sql');
		SELECT 1/0;`})
	// 0010 sorts after 0003 and must not run.
	err := pgmigrate.Apply(ctx, pool, "practice", bad)
	if err == nil {
		t.Fatal("Apply with a failing file returned nil")
	}
	if !strings.Contains(err.Error(), "0003_bad.sql") || !strings.Contains(err.Error(), "practice") {
		t.Errorf("error %q does not name the component and the file", err)
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "22012" {
		t.Errorf("error %v does not wrap the division_by_zero PgError", err)
	}

	want := []string{"0001_init.sql", "0002_people.sql"}
	if got := logged(t, pool); !equal(got, want) {
		t.Errorf("files ran as %q, want %q", got, want)
	}
	if got := recorded(t, pool, "practice"); !equal(got, want) {
		t.Errorf("recorded %q, want %q", got, want)
	}
	var exists bool
	if err := pool.QueryRow(ctx, "SELECT to_regclass('half_done') IS NOT NULL").Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Error("the failing file's table survived: not rolled back")
	}

	// Once the file is fixed, Apply completes the job.
	fixed := files(map[string]string{"0003_bad.sql": `
		CREATE TABLE half_done (id int);
		INSERT INTO migration_log (name) VALUES ('0003_bad.sql');`})
	if err := pgmigrate.Apply(ctx, pool, "practice", fixed); err != nil {
		t.Fatalf("Apply after the fix: %v", err)
	}
	want = []string{"0001_init.sql", "0002_people.sql", "0003_bad.sql", "0010_people_email.sql"}
	if got := logged(t, pool); !equal(got, want) {
		t.Errorf("files ran as %q, want %q", got, want)
	}
}

func TestConcurrentApplyFromTwoInstances(t *testing.T) {
	// Several rounds, each on a fresh database, so that the instances also race on the
	// creation of the bookkeeping table.
	for round := range 3 {
		pools := pgtest.NewPools(t, 2)
		slow := files(map[string]string{"0003_slow.sql": `
			SELECT pg_sleep(0.2);
			INSERT INTO migration_log (name) VALUES ('0003_slow.sql');`})
		const callers = 6
		start := make(chan struct{})
		errs := make([]error, callers)
		var wg sync.WaitGroup
		for i := range callers {
			wg.Go(func() {
				<-start
				errs[i] = pgmigrate.Apply(context.Background(), pools[i%2], "practice", slow)
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("round %d: Apply #%d (pool %d): %v", round, i, i%2, err)
			}
		}
		want := []string{"0001_init.sql", "0002_people.sql", "0003_slow.sql", "0010_people_email.sql"}
		if got := logged(t, pools[0]); !equal(got, want) {
			t.Fatalf("round %d: files ran as %q, want each exactly once in order: %q", round, got, want)
		}
		if got := recorded(t, pools[1], "practice"); !equal(got, want) {
			t.Fatalf("round %d: recorded %q, want %q", round, got, want)
		}
	}
}

func TestApplyRejectsBadArguments(t *testing.T) {
	ctx := context.Background()
	if err := pgmigrate.Apply(ctx, nil, "x", fstest.MapFS{}); err == nil {
		t.Error("nil pool: no error")
	}
	// A pool that never connects: the argument checks come first.
	cfg, err := pgxpool.ParseConfig("postgres://nobody@127.0.0.1:1/none")
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if err := pgmigrate.Apply(ctx, pool, "", fstest.MapFS{}); err == nil {
		t.Error("empty component: no error")
	}
	if err := pgmigrate.Apply(ctx, pool, "x", nil); err == nil {
		t.Error("nil file system: no error")
	}
}

func TestErrorsCarryNoPassword(t *testing.T) {
	const secret = "hunter2-very-secret"
	cfg, err := pgxpool.ParseConfig("postgres://nobody:" + secret + "@127.0.0.1:1/none?connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	err = pgmigrate.Apply(context.Background(), pool, "x", fstest.MapFS{"0001_a.sql": {Data: []byte("SELECT 1")}})
	if err == nil {
		t.Fatal("Apply on an unreachable server returned nil")
	}
	if strings.Contains(err.Error(), secret) {
		t.Fatalf("error %q contains the password", err)
	}
}
