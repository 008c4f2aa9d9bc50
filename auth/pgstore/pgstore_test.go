package pgstore_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/auth/authtest"
	"github.com/sportello/sportello/auth/pgstore"
	"github.com/sportello/sportello/internal/pgtest"
)

type harness struct{ t *testing.T }

func (h harness) MakeStores(ctx context.Context, n int) ([]auth.Store, error) {
	return pgtest.Stores(h.t, ctx, n, func(ctx context.Context, p *pgxpool.Pool) (auth.Store, error) { return pgstore.New(ctx, p) })
}

func (harness) Close() {}

func TestConformance(t *testing.T) {
	pgtest.URL(t)
	authtest.Run(t, func(t *testing.T) authtest.Harness { return harness{t} })
}
