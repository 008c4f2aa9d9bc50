package pgstore_test

import (
	"context"
	"testing"

	"github.com/sportello/sportello/internal/pgtest"
	"github.com/sportello/sportello/ticket"
	"github.com/sportello/sportello/ticket/pgstore"
	"github.com/sportello/sportello/ticket/tickettest"
)

type harness struct{ t *testing.T }

// MakeStores opens n pools on one new database: n application instances.
func (h harness) MakeStores(ctx context.Context, n int) ([]ticket.Store, error) {
	pools := pgtest.NewPools(h.t, n)
	out := make([]ticket.Store, n)
	for i, pool := range pools {
		s, err := pgstore.New(ctx, pool)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

func (harness) Close() {}

func TestConformance(t *testing.T) {
	pgtest.URL(t)
	tickettest.Run(t, func(t *testing.T) tickettest.Harness { return harness{t} })
}
