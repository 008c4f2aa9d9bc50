package pgstore_test

import (
	"context"
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
