package auth_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/auth/memstore"
)

// TestBootstrapRefusedOnceAnAdminExists: the documented behaviour. Only
// the very same call repeats; any other is ErrForbidden, never a conflict
// about an idempotency key the caller did not pass.
func TestBootstrapRefusedOnceAnAdminExists(t *testing.T) {
	box := &inbox{}
	d, err := auth.New(auth.Config{Store: memstore.New(), Notifier: box, Argon2: cheap})
	require.NoError(t, err)
	ctx := context.Background()
	first := auth.NewOperator{Username: "root.admin", Email: "root@comune.example"}
	a, err := d.Bootstrap(ctx, tenant, first)
	require.NoError(t, err)
	assert.True(t, a.HasRole(auth.RoleAdmin))

	again, err := d.Bootstrap(ctx, tenant, first)
	require.NoError(t, err, "the idempotent repeat of the same call")
	assert.Equal(t, a.ID, again.ID)
	assert.Equal(t, 2, box.count(auth.NotifySetPassword), "a fresh link while no password is set")

	for name, in := range map[string]auth.NewOperator{
		"another username":           {Username: "intruder", Email: "intruder@x.example"},
		"same username, other email": {Username: "root.admin", Email: "other@x.example"},
		"same data, own key":         {Username: "root.admin", Email: "root@comune.example", IdempotencyKey: "mine"},
		"other data, the first key":  {Username: "intruder", Email: "intruder@x.example", IdempotencyKey: "sportello:bootstrap"},
	} {
		_, err := d.Bootstrap(ctx, tenant, in)
		assert.ErrorIs(t, err, auth.ErrForbidden, name)
		assert.NotErrorIs(t, err, auth.ErrConflict, name)
	}

	_, err = d.SetPassword(ctx, tenant, box.last(t, auth.NotifySetPassword).Token, "admin passphrase for tests")
	require.NoError(t, err)
	again, err = d.Bootstrap(ctx, tenant, first)
	require.NoError(t, err, "still the same call once the password is set")
	assert.Equal(t, a.ID, again.ID)
	assert.Equal(t, 2, box.count(auth.NotifySetPassword), "no link once a password is set")

	other, err := d.Bootstrap(ctx, "another-body", auth.NewOperator{Username: "intruder", Email: "intruder@x.example"})
	require.NoError(t, err, "every tenant bootstraps its own")
	assert.NotEqual(t, a.ID, other.ID)
}

func TestBootstrapValidatesTenantAndInput(t *testing.T) {
	d, err := auth.New(auth.Config{Store: memstore.New(), Notifier: &inbox{}, Argon2: cheap})
	require.NoError(t, err)
	ctx := context.Background()
	var ve *auth.ValidationError
	for _, bad := range []string{"", "  ", "t\x00", "t\xff"} {
		_, err := d.Bootstrap(ctx, bad, auth.NewOperator{Username: "root.admin", Email: "root@comune.example"})
		require.ErrorAs(t, err, &ve, "%q", bad)
		assert.True(t, ve.Has("tenant", ""), "%q", bad)
	}
	_, err = d.Bootstrap(ctx, tenant, auth.NewOperator{Username: "root\x00admin", Email: "root@comune.example"})
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("username", "line"))
}
