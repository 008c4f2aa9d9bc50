package pgstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sportello/sportello/calendar"
	"github.com/sportello/sportello/calendar/calendartest"
	"github.com/sportello/sportello/calendar/pgstore"
	"github.com/sportello/sportello/internal/pgtest"
)

type harness struct{ t *testing.T }

// MakeStores opens n pools on one new database: n application instances.
func (h harness) MakeStores(ctx context.Context, n int) ([]calendar.Store, error) {
	return pgtest.Stores(h.t, ctx, n, func(ctx context.Context, p *pgxpool.Pool) (calendar.Store, error) { return pgstore.New(ctx, p) })
}

func (harness) Close() {}

func TestConformance(t *testing.T) {
	pgtest.URL(t)
	calendartest.Run(t, func(t *testing.T) calendartest.Harness { return harness{t} })
}

func TestNewRefusesNilPool(t *testing.T) {
	if _, err := pgstore.New(context.Background(), nil); err == nil {
		t.Fatal("New(nil) succeeded")
	}
}

// TestOutageIsUnavailable: a store whose database is gone reports
// calendar.ErrUnavailable, with no driver text in the message.
func TestOutageIsUnavailable(t *testing.T) {
	pool := pgtest.NewPool(t)
	ctx := context.Background()
	s, err := pgstore.New(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	pool.Close()
	_, err = s.GetCalendar(ctx, "t1", "cal-1")
	if !errors.Is(err, calendar.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if strings.Contains(err.Error(), "closed pool") || strings.Contains(err.Error(), "postgres") {
		t.Errorf("driver text in %q", err)
	}
}
