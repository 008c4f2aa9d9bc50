package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// EnvURL is the name of the environment variable that holds the URL of the PostgreSQL
// server the tests use.
const EnvURL = "SPORTELLO_PG_URL"

// skipMessage is what a test without a server reports.
const skipMessage = "SPORTELLO_PG_URL is not set: PostgreSQL tests skipped (start one with .ci/postgres.sh)"

// opTimeout bounds each administrative operation (connect, create, drop, ping).
const opTimeout = 30 * time.Second

// URL returns the value of SPORTELLO_PG_URL, or skips the test when it is empty.
func URL(t testing.TB) string {
	t.Helper()
	raw := strings.TrimSpace(os.Getenv(EnvURL))
	if raw == "" {
		t.Skip(skipMessage)
	}
	return raw
}

// NewDatabase creates a new, empty database with a random name ("t_" followed by 16 hex
// digits) on the server of SPORTELLO_PG_URL and returns a URL for it: the same URL with
// the database name replaced. The database is dropped, with any session still connected
// to it, when the test and its subtests have finished. NewDatabase skips the test when
// SPORTELLO_PG_URL is empty and fails it when the database cannot be created.
func NewDatabase(t testing.TB) string {
	t.Helper()
	raw := URL(t)
	srv, err := parseServer(raw)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	name, err := randomName()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, raw)
	if err != nil {
		t.Fatalf("pgtest: connect to the server of %s: %s", EnvURL, srv.redact(err))
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	closeErr := conn.Close(ctx)
	if err != nil {
		t.Fatalf("pgtest: create database %s: %s", name, srv.redact(err))
	}
	// Registered only once the database exists, so it runs after every cleanup the caller
	// registers later (pools are closed before the database is dropped).
	t.Cleanup(func() { dropDatabase(t, raw, srv, name) })
	if closeErr != nil {
		t.Fatalf("pgtest: close the administrative connection: %s", srv.redact(closeErr))
	}
	return srv.withDatabase(name)
}

// NewPool returns a connection pool on a new database made by [NewDatabase]. The pool is
// closed when the test ends, before the database is dropped.
func NewPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	return NewPools(t, 1)[0]
}

// Stores opens a store on each of n pools made by [NewPools]: n application
// instances sharing one new database, as a conformance kit's MakeStores
// needs. open is the adapter's constructor, e.g.
//
//	func(ctx context.Context, p *pgxpool.Pool) (payment.Store, error) { return pgstore.New(ctx, p) }
func Stores[S any](t testing.TB, ctx context.Context, n int, open func(context.Context, *pgxpool.Pool) (S, error)) ([]S, error) {
	t.Helper()
	out := make([]S, 0, n)
	for _, pool := range NewPools(t, n) {
		s, err := open(ctx, pool)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// NewPools returns n separate connection pools on the same new database made by
// [NewDatabase], standing for n application instances that share one database. Every pool
// has been pinged. The pools are closed when the test ends, before the database is dropped.
func NewPools(t testing.TB, n int) []*pgxpool.Pool {
	t.Helper()
	if n < 1 {
		t.Fatalf("pgtest: NewPools needs at least one pool, got n=%d", n)
	}
	dbURL := NewDatabase(t)
	srv, err := parseServer(dbURL)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		t.Fatalf("pgtest: parse the pool configuration: %s", srv.redact(err))
	}
	pools := make([]*pgxpool.Pool, 0, n)
	for i := range n {
		pools = append(pools, openPool(t, cfg.Copy(), srv, i))
	}
	return pools
}

func openPool(t testing.TB, cfg *pgxpool.Config, srv *server, i int) *pgxpool.Pool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("pgtest: open pool %d: %s", i, srv.redact(err))
	}
	t.Cleanup(pool.Close)
	if err := pool.Ping(ctx); err != nil {
		t.Fatalf("pgtest: ping pool %d: %s", i, srv.redact(err))
	}
	return pool
}

// dropDatabase drops the database name, ending the sessions still connected to it. It runs
// during cleanup, when the test's context is already canceled, so it uses its own.
func dropDatabase(t testing.TB, raw string, srv *server, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, raw)
	if err != nil {
		t.Errorf("pgtest: drop database %s: connect: %s", name, srv.redact(err))
		return
	}
	defer func() { _ = conn.Close(ctx) }()
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		t.Errorf("pgtest: drop database %s: %s", name, srv.redact(err))
	}
}

// randomName returns a fresh database name: "t_" and 16 lowercase hex digits.
func randomName() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", errors.New("read random bytes for a database name: " + err.Error())
	}
	return "t_" + hex.EncodeToString(b[:]), nil
}

// server is a parsed SPORTELLO_PG_URL and the secrets it holds.
type server struct {
	u       *url.URL
	secrets []string
}

// parseServer parses a postgres:// URL. Its errors never quote the URL, which may hold a
// password.
func parseServer(raw string) (*server, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse's error quotes the whole URL: say only that it is malformed.
		return nil, errors.New(EnvURL + " is not a valid URL (not shown: it may hold a password)")
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return nil, errors.New(EnvURL + " must be a postgres:// or postgresql:// URL")
	}
	s := &server{u: u}
	if p, ok := u.User.Password(); ok {
		s.addSecret(p)
		s.addSecret(url.QueryEscape(p))
		s.addSecret(url.PathEscape(p))
		s.addSecret(url.UserPassword("x", p).String()[2:])
	}
	if p := u.Query().Get("password"); p != "" {
		s.addSecret(p)
		s.addSecret(url.QueryEscape(p))
	}
	return s, nil
}

func (s *server) addSecret(v string) {
	if v != "" {
		s.secrets = append(s.secrets, v)
	}
}

// redact returns the text of err with every form of the password replaced by "xxxxx".
func (s *server) redact(err error) string {
	msg := err.Error()
	for _, v := range s.secrets {
		msg = strings.ReplaceAll(msg, v, "xxxxx")
	}
	return msg
}

// withDatabase returns the URL with its database name replaced by name.
func (s *server) withDatabase(name string) string {
	u := *s.u
	u.Path = "/" + name
	u.RawPath = ""
	return u.String()
}
