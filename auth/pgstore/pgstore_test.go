package pgstore_test

import (
	"context"
	"testing"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/auth/authtest"
	"github.com/sportello/sportello/auth/pgstore"
	"github.com/sportello/sportello/internal/pgtest"
)

type harness struct{ t *testing.T }

func (h harness) MakeStores(ctx context.Context, n int) ([]auth.Store, error) {
	pools := pgtest.NewPools(h.t, n)
	out := make([]auth.Store, n)
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
	authtest.Run(t, func(t *testing.T) authtest.Harness { return harness{t} })
}
