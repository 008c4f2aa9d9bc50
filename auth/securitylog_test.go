package auth_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/auth"
)

// logBuffer collects JSON log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// events returns the logged lines whose message is msg.
func (b *logBuffer) events(t *testing.T, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), line)
		if m["message"] == msg {
			out = append(out, m)
		}
	}
	return out
}

func loggedEnv(t *testing.T) (*env, *logBuffer) {
	buf := &logBuffer{}
	logger := zerolog.New(buf)
	e := newEnv(t, func(c *auth.Config) {
		c.Logger = &logger
		c.Throttle = auth.ThrottlePolicy{MaxFailures: 2, Window: 10 * time.Minute, Lockout: 5 * time.Minute}
	})
	return e, buf
}

// assertSecurityEvent checks the keys every security event carries.
func assertSecurityEvent(t *testing.T, ev map[string]any, level, action, outcome, accountID string) {
	t.Helper()
	assert.Equal(t, level, ev["level"])
	assert.Equal(t, tenant, ev["tenant"])
	assert.Equal(t, action, ev["action"])
	assert.Equal(t, outcome, ev["outcome"])
	if accountID == "" {
		assert.NotContains(t, ev, "account_id")
	} else {
		assert.Equal(t, accountID, ev["account_id"])
	}
}

func TestFailedLoginsAndLockoutsAreLogged(t *testing.T) {
	e, logs := loggedEnv(t)
	for range 2 {
		_, err := e.desk.Login(e.ctx, tenant, "root@comune.example", "wrong password 1")
		require.ErrorIs(t, err, auth.ErrInvalidCredentials)
	}
	_, err := e.desk.Login(e.ctx, tenant, "root.admin", "admin passphrase for tests")
	require.ErrorIs(t, err, auth.ErrThrottled)
	_, err = e.desk.Login(e.ctx, tenant, "ghost.user", "wrong password 1")
	require.ErrorIs(t, err, auth.ErrInvalidCredentials)

	failed := logs.events(t, "login failed")
	require.Len(t, failed, 3)
	assertSecurityEvent(t, failed[0], "info", "login", "invalid_credentials", e.admin.ID)
	assertSecurityEvent(t, failed[2], "info", "login", "invalid_credentials", "")
	assert.Equal(t, false, failed[2]["known_account"])
	locked := logs.events(t, "login locked")
	require.Len(t, locked, 1)
	assertSecurityEvent(t, locked[0], "warn", "login", "locked", e.admin.ID)
	refused := logs.events(t, "login refused while locked")
	require.Len(t, refused, 1)
	assertSecurityEvent(t, refused[0], "warn", "login", "throttled", e.admin.ID)

	for _, personal := range []string{"root@comune.example", "root.admin", "ghost.user", "wrong password", "passphrase"} {
		assert.NotContains(t, logs.String(), personal, "no login string, e-mail or password in the logs")
	}
}

func TestPermissionRefusalsAreLogged(t *testing.T) {
	e, logs := loggedEnv(t)
	op := e.operator(t, e.admin, auth.NewOperator{Username: "plain.operator", Email: "op@comune.example"}, "sportello numero sette")
	_, err := e.desk.DisableOperator(e.ctx, op.Principal(), e.admin.ID)
	require.ErrorIs(t, err, auth.ErrForbidden)
	citizen := auth.Principal{ID: "RSSMRA80A01H501U", Tenant: tenant, Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen}}
	_, err = e.desk.ListOperators(e.ctx, citizen, "", 10)
	require.ErrorIs(t, err, auth.ErrForbidden)

	refused := logs.events(t, "permission refused")
	require.Len(t, refused, 2)
	assertSecurityEvent(t, refused[0], "warn", "disable_operator", "forbidden", op.ID)
	assert.Equal(t, e.admin.ID, refused[0]["target_account_id"])
	assert.Equal(t, "role:manager", refused[0]["missing"])
	assertSecurityEvent(t, refused[1], "warn", "list_operators", "forbidden", "")
	assert.Equal(t, "citizen", refused[1]["kind"])
	assert.NotContains(t, logs.String(), "RSSMRA80A01H501U", "a citizen's ID is the codice fiscale: never logged")
}

func TestTokenRedemptionsAreLogged(t *testing.T) {
	e, logs := loggedEnv(t)
	require.NoError(t, e.desk.RequestPasswordReset(e.ctx, tenant, "root.admin"))
	tok := e.inbox.last(t, auth.NotifyPasswordReset).Token
	_, err := e.desk.SetPassword(e.ctx, tenant, tok, "a brand new passphrase")
	require.NoError(t, err)
	_, err = e.desk.SetPassword(e.ctx, tenant, tok, "a brand new passphrase")
	require.ErrorIs(t, err, auth.ErrInvalidToken)

	redeemed := logs.events(t, "token redeemed, password set")
	require.Len(t, redeemed, 2, "the bootstrap's set-password token and the reset")
	assertSecurityEvent(t, redeemed[1], "info", "redeem_token", "redeemed", e.admin.ID)
	assert.Equal(t, "reset", redeemed[1]["purpose"])
	refused := logs.events(t, "token refused")
	require.Len(t, refused, 1)
	assertSecurityEvent(t, refused[0], "info", "redeem_token", "invalid_token", e.admin.ID)
	assert.NotContains(t, logs.String(), tok, "never the token")
}
