package pgtest

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestURLSkipsWithoutVariable(t *testing.T) {
	t.Setenv(EnvURL, "")
	var sub *testing.T
	reached := false
	t.Run("inner", func(t *testing.T) {
		sub = t
		URL(t)
		reached = true
	})
	if reached {
		t.Fatal("URL returned without SPORTELLO_PG_URL; want a skip")
	}
	if !sub.Skipped() {
		t.Fatal("the test was not marked as skipped")
	}
}

func TestParseServerHidesPassword(t *testing.T) {
	const pw = "s3cr:et/p@ss"
	raw := "postgres://alice:" + url.QueryEscape(pw) + "@db.example:5432/app?sslmode=disable"
	srv, err := parseServer(raw)
	if err != nil {
		t.Fatalf("parseServer: %v", err)
	}
	got := srv.withDatabase("t_0123")
	u, err := url.Parse(got)
	if err != nil {
		t.Fatalf("withDatabase returned a malformed URL: %v", err)
	}
	if u.Path != "/t_0123" || u.Query().Get("sslmode") != "disable" || u.Host != "db.example:5432" {
		t.Fatalf("withDatabase = %q: want the same URL with database t_0123", got)
	}
	if p, _ := u.User.Password(); p != pw {
		t.Fatal("withDatabase lost the password")
	}
	for _, leak := range []string{pw, url.QueryEscape(pw), url.PathEscape(pw)} {
		msg := srv.redact(errors.New("failed for " + leak + " and " + raw))
		if strings.Contains(msg, pw) || strings.Contains(msg, url.QueryEscape(pw)) {
			t.Errorf("redact left the password in %q", msg)
		}
	}

	if _, err := parseServer("postgres://u:p%zz@host/db"); err == nil || strings.Contains(err.Error(), "p%zz") {
		t.Errorf("malformed URL: err = %v; want an error that does not quote the URL", err)
	}
	if _, err := parseServer("mysql://u:pw@host/db"); err == nil || strings.Contains(err.Error(), "pw") {
		t.Errorf("wrong scheme: err = %v; want an error that does not quote the URL", err)
	}
}

func TestNewPoolsShareOneDatabase(t *testing.T) {
	pools := NewPools(t, 2)
	if len(pools) != 2 || pools[0] == pools[1] {
		t.Fatalf("NewPools(t, 2) returned %d pools, distinct=%v", len(pools), len(pools) == 2 && pools[0] != pools[1])
	}
	ctx := t.Context()
	if _, err := pools[0].Exec(ctx, "CREATE TABLE shared (v int)"); err != nil {
		t.Fatal(err)
	}
	if _, err := pools[0].Exec(ctx, "INSERT INTO shared VALUES (42)"); err != nil {
		t.Fatal(err)
	}
	var v int
	if err := pools[1].QueryRow(ctx, "SELECT v FROM shared").Scan(&v); err != nil {
		t.Fatalf("the second pool does not see the first pool's table: %v", err)
	}
	if v != 42 {
		t.Fatalf("v = %d, want 42", v)
	}
	var db0, db1 string
	if err := pools[0].QueryRow(ctx, "SELECT current_database()").Scan(&db0); err != nil {
		t.Fatal(err)
	}
	if err := pools[1].QueryRow(ctx, "SELECT current_database()").Scan(&db1); err != nil {
		t.Fatal(err)
	}
	if db0 != db1 || !strings.HasPrefix(db0, "t_") {
		t.Fatalf("databases %q and %q: want one fresh t_ database", db0, db1)
	}
}

func TestDatabasesAreFreshAndDropped(t *testing.T) {
	admin := URL(t)
	var names []string
	for i := range 2 {
		t.Run("db", func(t *testing.T) {
			dbURL := NewDatabase(t)
			u, err := url.Parse(dbURL)
			if err != nil {
				t.Fatal(err)
			}
			name := strings.TrimPrefix(u.Path, "/")
			names = append(names, name)

			pool := NewPool(t) // a second database in the same test
			var other string
			if err := pool.QueryRow(t.Context(), "SELECT current_database()").Scan(&other); err != nil {
				t.Fatal(err)
			}
			names = append(names, other)

			conn, err := pgx.Connect(t.Context(), dbURL)
			if err != nil {
				t.Fatalf("connect %d: %v", i, err)
			}
			defer func() { _ = conn.Close(context.Background()) }()
			var n int
			err = conn.QueryRow(t.Context(), "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&n)
			if err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Fatalf("a new database has %d tables, want 0", n)
			}
		})
	}
	seen := map[string]bool{}
	for _, n := range names {
		if n == "" || seen[n] {
			t.Fatalf("database names %q are not all distinct", names)
		}
		seen[n] = true
	}

	conn, err := pgx.Connect(t.Context(), admin)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close(context.Background()) }()
	var left int
	if err := conn.QueryRow(t.Context(), "SELECT count(*) FROM pg_database WHERE datname = ANY($1)", names).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Fatalf("%d of the databases %q were not dropped after their tests", left, names)
	}
}
