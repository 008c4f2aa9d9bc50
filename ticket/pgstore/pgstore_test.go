package pgstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sportello/sportello/internal/pgtest"
	"github.com/sportello/sportello/ticket"
	"github.com/sportello/sportello/ticket/pgstore"
	"github.com/sportello/sportello/ticket/tickettest"
)

type harness struct{ t *testing.T }

// MakeStores opens n pools on one new database: n application instances.
func (h harness) MakeStores(ctx context.Context, n int) ([]ticket.Store, error) {
	return pgtest.Stores(h.t, ctx, n, func(ctx context.Context, p *pgxpool.Pool) (ticket.Store, error) { return pgstore.New(ctx, p) })
}

func (harness) Close() {}

func TestConformance(t *testing.T) {
	pgtest.URL(t)
	tickettest.Run(t, func(t *testing.T) tickettest.Harness { return harness{t} })
}

func TestNewRefusesNilPool(t *testing.T) {
	_, err := pgstore.New(context.Background(), nil)
	if err == nil {
		t.Fatal("New(nil) succeeded")
	}
}

// Several instances starting at once on one database apply the schema
// once and all work.
func TestNewConcurrentlyOnOneDatabase(t *testing.T) {
	pools := pgtest.NewPools(t, 3)
	ctx := context.Background()
	stores := make([]*pgstore.Store, len(pools))
	errs := make(chan error, len(pools))
	for i, pool := range pools {
		go func() {
			s, err := pgstore.New(ctx, pool)
			stores[i] = s
			errs <- err
		}()
	}
	for range pools {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	again, err := pgstore.New(ctx, pools[0])
	if err != nil {
		t.Fatalf("New on a migrated database: %v", err)
	}
	r := &ticket.Request{ID: "r1", Tenant: "t1", Title: "t", Description: "d", RequesterID: "u", Status: ticket.StatusNew}
	if err := stores[1].CreateRequest(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := again.GetRequest(ctx, "t1", "r1"); err != nil {
		t.Fatal(err)
	}
}

func TestCanceledContextIsReturned(t *testing.T) {
	pool := pgtest.NewPool(t)
	s, err := pgstore.New(context.Background(), pool)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := &ticket.Request{ID: "r1", Tenant: "t1", Title: "t", Description: "d", RequesterID: "u", Status: ticket.StatusNew}
	if err := s.CreateRequest(ctx, r, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if r.Version != 0 || r.Number != 0 {
		t.Fatalf("a failed create changed the caller's value: %+v", r)
	}
	if _, err := s.GetRequest(context.Background(), "t1", "r1"); !errors.Is(err, ticket.ErrNotFound) {
		t.Fatalf("got %v, want ErrNotFound", err)
	}
}

// A store whose database is gone reports ErrUnavailable, with no
// connection details and no driver text in the message.
func TestLostDatabaseIsUnavailable(t *testing.T) {
	pool := pgtest.NewPool(t)
	s, err := pgstore.New(context.Background(), pool)
	if err != nil {
		t.Fatal(err)
	}
	pool.Close()
	_, err = s.GetRequest(context.Background(), "t1", "r1")
	if !errors.Is(err, ticket.ErrUnavailable) {
		t.Fatalf("got %v, want ErrUnavailable", err)
	}
	for _, leak := range []string{"postgres", "127.0.0.1", "user=", "database", "closed pool"} {
		if strings.Contains(err.Error(), leak) {
			t.Errorf("error %q shows %q", err, leak)
		}
	}
	if errors.Is(err, ticket.ErrNotFound) || errors.Is(err, ticket.ErrConflict) || errors.Is(err, ticket.ErrValidation) {
		t.Errorf("error %v matches another sentinel", err)
	}
}

// A database that cannot be reached at start is ErrUnavailable, and the
// error shows neither the address nor the user.
func TestUnreachableDatabaseIsUnavailable(t *testing.T) {
	pool, err := pgxpool.New(context.Background(), "postgres://sportello_user:secret@127.0.0.1:1/sportello_db?connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	_, err = pgstore.New(context.Background(), pool)
	if !errors.Is(err, ticket.ErrUnavailable) {
		t.Fatalf("got %v, want ErrUnavailable", err)
	}
	for _, leak := range []string{"127.0.0.1", "sportello_user", "secret", "sportello_db", "dial"} {
		if strings.Contains(err.Error(), leak) {
			t.Errorf("error %q shows %q", err, leak)
		}
	}
}
