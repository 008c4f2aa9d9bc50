package pgstore_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/auth/authtest"
	"github.com/sportello/sportello/auth/pgstore"
	"github.com/sportello/sportello/internal/pgtest"
	"github.com/sportello/sportello/internal/pgtx"
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

// TestDriverFailuresAreUnavailable: what the store does not translate to a
// domain error matches auth.ErrUnavailable, with no driver text (which may
// quote values or connection details) in the message. The Desk refuses bad
// text before a store sees it (authtest's BadTextRefusedBeforeTheStore);
// a store called directly with it must still not leak.
func TestDriverFailuresAreUnavailable(t *testing.T) {
	pgtest.URL(t)
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	s, err := pgstore.New(ctx, pool)
	require.NoError(t, err)

	a := &auth.Account{Tenant: "t1", ID: "a1", Username: "nul\x00name", Email: "x@example.org", Roles: []auth.Role{auth.RoleOperator}}
	err = s.CreateAccount(ctx, a, nil)
	require.ErrorIs(t, err, auth.ErrUnavailable)
	var ue *pgtx.UnavailableError
	require.ErrorAs(t, err, &ue)
	assert.NotEmpty(t, ue.Code, "the SQLSTATE is kept for logs")
	assert.Equal(t, "auth/pgstore: storage unavailable (SQLSTATE "+ue.Code+")", err.Error())
	assert.Error(t, ue.Cause())
	for _, sentinel := range []error{auth.ErrValidation, auth.ErrConflict, auth.ErrNotFound} {
		assert.NotErrorIs(t, err, sentinel)
	}

	pool.Close()
	_, err = s.GetAccount(ctx, "t1", "a1")
	require.ErrorIs(t, err, auth.ErrUnavailable, "a closed pool")
	assert.Equal(t, "auth/pgstore: storage unavailable", err.Error())
}
