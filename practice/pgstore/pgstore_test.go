package pgstore_test

import (
	"context"
	"math"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/auth"
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
	require.ErrorIs(t, err, practice.ErrValidation)
	assert.NotContains(t, err.Error(), "NaN")
	_, err = s.Get(ctx, "t1", "p-1")
	assert.ErrorIs(t, err, practice.ErrNotFound)

	p.Data = map[string]any{"income": 1.5}
	_, created, err := s.Create(ctx, p, nil)
	require.NoError(t, err)
	require.True(t, created)
	p.Data["income"] = math.Inf(1)
	require.ErrorIs(t, s.Update(ctx, p, nil), practice.ErrValidation)
	got, err := s.Get(ctx, "t1", "p-1")
	require.NoError(t, err)
	assert.Equal(t, 1.5, got.Data["income"])
	assert.Equal(t, int64(1), got.Version)
}

// An outage is ErrUnavailable: the server dropping the connection under a
// Desk gives an error that matches practice.ErrUnavailable and names no
// connection detail or driver text; the next call, on a new connection,
// works again.
func TestDroppedConnectionIsUnavailable(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	cfg, err := pgxpool.ParseConfig(url)
	require.NoError(t, err)
	cfg.MaxConns = 1
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	s, err := pgstore.New(ctx, pool)
	require.NoError(t, err)
	d, err := practice.New(practice.Config{Store: s})
	require.NoError(t, err)
	who := auth.Principal{ID: "op", Tenant: "t1", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator, auth.RoleAdmin}}
	_, err = d.GetService(ctx, who, "svc")
	require.ErrorIs(t, err, practice.ErrNotFound)

	// Another session ends every other backend of the database, as a
	// restart would.
	killer, err := pgxpool.New(ctx, url)
	require.NoError(t, err)
	defer killer.Close()
	_, err = killer.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()`)
	require.NoError(t, err)

	_, err = d.GetService(ctx, who, "svc")
	require.ErrorIs(t, err, practice.ErrUnavailable)
	for _, leak := range []string{"user=", cfg.ConnConfig.Database, cfg.ConnConfig.Host, "terminating", "FATAL", "EOF"} {
		assert.NotContains(t, err.Error(), leak)
	}
	for _, other := range []error{practice.ErrNotFound, practice.ErrConflict, practice.ErrValidation} {
		assert.NotErrorIs(t, err, other)
	}
	_, err = d.GetService(ctx, who, "svc")
	assert.ErrorIs(t, err, practice.ErrNotFound, "the Desk recovers by itself")
}
