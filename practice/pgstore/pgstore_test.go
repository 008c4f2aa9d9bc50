package pgstore_test

import (
	"context"
	"math"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/internal/pgtest"
	"github.com/sportello/sportello/practice"
	"github.com/sportello/sportello/practice/pgstore"
	"github.com/sportello/sportello/practice/practicetest"
)

type harness struct{ t *testing.T }

func (h harness) MakeStores(ctx context.Context, n int) ([]practice.Store, error) {
	return pgtest.Stores(h.t, ctx, n, func(ctx context.Context, p *pgxpool.Pool) (practice.Store, error) { return pgstore.New(ctx, p) })
}

func (harness) Close() {}

func TestConformance(t *testing.T) {
	pgtest.URL(t)
	practicetest.Run(t, func(t *testing.T) practicetest.Harness { return harness{t} })
}

// Form data JSON cannot hold is refused before anything is written, with
// an error that quotes no value.
func TestUnencodableFormDataRefused(t *testing.T) {
	ctx := context.Background()
	s, err := pgstore.New(ctx, pgtest.NewPool(t))
	require.NoError(t, err)
	p := &practice.Practice{ID: "p-1", Tenant: "t1", Service: "svc", Owner: practice.Owner{ID: "c-1"},
		Status: practice.StatusDraft, Data: map[string]any{"income": math.NaN()}}
	_, _, err = s.Create(ctx, p, nil)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "NaN")
	_, err = s.Get(ctx, "t1", "p-1")
	assert.ErrorIs(t, err, practice.ErrNotFound)

	p.Data = map[string]any{"income": 1.5}
	_, created, err := s.Create(ctx, p, nil)
	require.NoError(t, err)
	require.True(t, created)
	p.Data["income"] = math.Inf(1)
	require.Error(t, s.Update(ctx, p, nil))
	got, err := s.Get(ctx, "t1", "p-1")
	require.NoError(t, err)
	assert.Equal(t, 1.5, got.Data["income"])
	assert.Equal(t, int64(1), got.Version)
}
