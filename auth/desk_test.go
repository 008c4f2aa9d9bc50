package auth_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/auth/memstore"
)

func TestNewRequiresStoreAndNotifier(t *testing.T) {
	_, err := auth.New(auth.Config{Notifier: &inbox{}})
	assert.Error(t, err)
	_, err = auth.New(auth.Config{Store: memstore.New()})
	assert.Error(t, err)
	_, err = auth.New(auth.Config{Store: memstore.New(), Notifier: &inbox{}, Argon2: auth.Argon2Params{Memory: 1}})
	assert.Error(t, err, "invalid argon2 parameters")
}

func TestCreateOperatorSendsLinkNotPassword(t *testing.T) {
	e := newEnv(t)
	a, err := e.desk.CreateOperator(e.ctx, e.admin, auth.NewOperator{Username: " Mario Rossi ", Email: "Mario.Rossi@Comune.example",
		Services: []string{"svc-b", " svc-a", "svc-a"}})
	require.NoError(t, err)
	assert.Equal(t, "Mario Rossi", a.Username)
	assert.Equal(t, []string{"svc-a", "svc-b"}, a.Services)
	assert.Equal(t, []auth.Role{auth.RoleOperator}, a.Roles)
	assert.False(t, a.HasPassword(), "no password is generated")
	n := e.inbox.last(t, auth.NotifySetPassword)
	assert.Equal(t, a.ID, n.AccountID)
	assert.Equal(t, "Mario.Rossi@Comune.example", n.Recipient)
	assert.Len(t, n.Token, 43, "256-bit token")
	assert.Equal(t, e.clock.Now().Add(72*time.Hour), n.ExpiresAt)

	_, err = e.desk.Login(e.ctx, tenant, "Mario Rossi", "anything at all 123")
	assert.ErrorIs(t, err, auth.ErrInvalidCredentials, "no login before the password is set")
	_, err = e.desk.SetPassword(e.ctx, tenant, n.Token, "a long enough passphrase")
	require.NoError(t, err)
	got, err := e.desk.Login(e.ctx, tenant, "mario.rossi@comune.EXAMPLE", "a long enough passphrase")
	require.NoError(t, err)
	assert.Equal(t, a.ID, got.ID)
	assert.True(t, got.Principal().CanWorkOnService("svc-a"))
}

func TestCreateOperatorRejectsBadInput(t *testing.T) {
	e := newEnv(t)
	_, err := e.desk.CreateOperator(e.ctx, e.admin, auth.NewOperator{Username: "a@b", Email: "not-an-email"})
	var ve *auth.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("username", ""), "usernames may not contain @")
	assert.True(t, ve.Has("email", "email"))
	_, err = e.desk.CreateOperator(e.ctx, e.admin, auth.NewOperator{})
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("username", "required"))
	assert.True(t, ve.Has("email", "required"))
	list, err := e.desk.ListOperators(e.ctx, e.admin, "", 10)
	require.NoError(t, err)
	assert.Len(t, list.Items, 1, "bad input leaves the store unchanged")
}

func TestCreateOperatorRefusesEmptyRightEntries(t *testing.T) {
	e := newEnv(t)
	_, err := e.desk.CreateOperator(e.ctx, e.admin, auth.NewOperator{Username: "mario", Email: "mario@comune.example",
		Services: []string{"svc-a", ""}, Calendars: []string{"  "}, Offices: []string{"registry"}})
	var ve *auth.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("services[1]", "required"), "%v", err)
	assert.True(t, ve.Has("calendars[0]", "required"), "%v", err)
	assert.Len(t, ve.Fields, 2)
	list, err := e.desk.ListOperators(e.ctx, e.admin, "", 10)
	require.NoError(t, err)
	assert.Len(t, list.Items, 1, "nothing saved")

	op, err := e.desk.CreateOperator(e.ctx, e.admin, auth.NewOperator{Username: "mario", Email: "mario@comune.example"})
	require.NoError(t, err)
	_, err = e.desk.SetServices(e.ctx, e.admin, op.ID, []string{"svc-a", " "})
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("services[1]", "required"), "%v", err)
	got, err := e.desk.GetOperator(e.ctx, e.admin, op.ID)
	require.NoError(t, err)
	assert.Empty(t, got.Services, "nothing saved")
}

func TestUsernameAndEmailAreUnique(t *testing.T) {
	e := newEnv(t)
	_, err := e.desk.CreateOperator(e.ctx, e.admin, auth.NewOperator{Username: "anna", Email: "anna@comune.example"})
	require.NoError(t, err)
	_, err = e.desk.CreateOperator(e.ctx, e.admin, auth.NewOperator{Username: "anna", Email: "other@comune.example"})
	var ce *auth.ConflictError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "username", ce.Field)
	_, err = e.desk.CreateOperator(e.ctx, e.admin, auth.NewOperator{Username: "anna2", Email: "ANNA@comune.example"})
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "email", ce.Field)
}

func TestCreateOperatorIsIdempotent(t *testing.T) {
	e := newEnv(t)
	e.inbox.fail = errors.New("mail server down")
	in := auth.NewOperator{Username: "luca", Email: "luca@comune.example", IdempotencyKey: "req-42"}
	first, err := e.desk.CreateOperator(e.ctx, e.admin, in)
	require.Error(t, err, "delivery failed")
	require.NotNil(t, first)
	e.inbox.fail = nil
	again, err := e.desk.CreateOperator(e.ctx, e.admin, in)
	require.NoError(t, err, "repeating completes the creation")
	assert.Equal(t, first.ID, again.ID)
	assert.Equal(t, 1, e.inbox.count(auth.NotifySetPassword)-1, "the repeat sent the link") // -1: the bootstrap's
	in.Email = "someone.else@comune.example"
	_, err = e.desk.CreateOperator(e.ctx, e.admin, in)
	assert.ErrorIs(t, err, auth.ErrConflict, "same key, other data")
}

func TestManagerCannotGrantBeyondOwnRights(t *testing.T) {
	e := newEnv(t)
	manager := e.actor(t, "manager") // svc-1, svc-2, cal-1, registry
	_, err := e.desk.CreateOperator(e.ctx, manager, auth.NewOperator{Username: "xx1", Email: "xx1@comune.example", Services: []string{"svc-9"}})
	var pe *auth.PermissionError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "service:svc-9", pe.Missing)
	_, err = e.desk.CreateOperator(e.ctx, manager, auth.NewOperator{Username: "xx2", Email: "xx2@comune.example", Admin: true})
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "role:admin", pe.Missing)
	_, err = e.desk.CreateOperator(e.ctx, manager, auth.NewOperator{Username: "xx3", Email: "xx3@comune.example", Calendars: []string{"cal-2"}})
	assert.ErrorIs(t, err, auth.ErrForbidden)
	_, err = e.desk.CreateOperator(e.ctx, manager, auth.NewOperator{Username: "xx4", Email: "xx4@comune.example", Offices: []string{"tax"}})
	assert.ErrorIs(t, err, auth.ErrForbidden)

	op, err := e.desk.CreateOperator(e.ctx, e.admin, auth.NewOperator{Username: "xx5", Email: "xx5@comune.example", Services: []string{"svc-7"}})
	require.NoError(t, err)
	_, err = e.desk.SetServices(e.ctx, manager, op.ID, []string{"svc-7", "svc-8"})
	assert.ErrorIs(t, err, auth.ErrForbidden)
	got, err := e.desk.SetServices(e.ctx, manager, op.ID, []string{"svc-7", "svc-1"})
	require.NoError(t, err, "keeping a right the manager lacks is fine")
	assert.Equal(t, []string{"svc-1", "svc-7"}, got.Services)
	got, err = e.desk.SetServices(e.ctx, manager, op.ID, nil)
	require.NoError(t, err, "removing is fine")
	assert.Empty(t, got.Services)
	m2, err := e.desk.GrantManager(e.ctx, manager, op.ID)
	require.NoError(t, err)
	assert.True(t, m2.HasRole(auth.RoleManager))
}

func TestLastAdminCannotBeRemoved(t *testing.T) {
	e := newEnv(t)
	_, err := e.desk.RevokeAdmin(e.ctx, e.admin, e.admin.ID)
	assert.ErrorIs(t, err, auth.ErrLastAdmin)
	_, err = e.desk.DisableOperator(e.ctx, e.admin, e.admin.ID)
	assert.ErrorIs(t, err, auth.ErrLastAdmin)
	assert.ErrorIs(t, e.desk.DeleteOperator(e.ctx, e.admin, e.admin.ID), auth.ErrLastAdmin)
	second := e.operator(t, e.admin, auth.NewOperator{Username: "second.admin", Email: "a2@comune.example", Admin: true}, "second admin passphrase")
	require.NoError(t, e.desk.DeleteOperator(e.ctx, second.Principal(), e.admin.ID), "with two, one may go")
	_, err = e.desk.Bootstrap(e.ctx, tenant, auth.NewOperator{Username: "intruder", Email: "i@x.example"})
	assert.ErrorIs(t, err, auth.ErrForbidden, "bootstrap only for a tenant without admin")
}

func TestDisabledOperatorCannotLogIn(t *testing.T) {
	e := newEnv(t)
	op := e.operator(t, e.admin, auth.NewOperator{Username: "paolo", Email: "paolo@comune.example"}, "chiave segreta di lavoro")
	_, err := e.desk.DisableOperator(e.ctx, e.admin, op.ID)
	require.NoError(t, err)
	_, err = e.desk.Login(e.ctx, tenant, "paolo", "chiave segreta di lavoro")
	assert.ErrorIs(t, err, auth.ErrInvalidCredentials)
	_, err = e.desk.EnableOperator(e.ctx, e.admin, op.ID)
	require.NoError(t, err)
	_, err = e.desk.Login(e.ctx, tenant, "paolo", "chiave segreta di lavoro")
	assert.NoError(t, err)
}

func TestLoginSameErrorForUnknownAndWrong(t *testing.T) {
	e := newEnv(t)
	_, errUnknown := e.desk.Login(e.ctx, tenant, "nobody", "whatever password")
	_, errWrong := e.desk.Login(e.ctx, tenant, "root.admin", "whatever password")
	assert.Equal(t, errUnknown, errWrong)
	assert.ErrorIs(t, errWrong, auth.ErrInvalidCredentials)
	_, err := e.desk.Login(e.ctx, "other-tenant", "root.admin", "admin passphrase for tests")
	assert.ErrorIs(t, err, auth.ErrInvalidCredentials, "accounts are per tenant")
}

func TestLoginThrottledAfterFailures(t *testing.T) {
	e := newEnv(t, func(c *auth.Config) {
		c.Throttle = auth.ThrottlePolicy{MaxFailures: 3, Window: 10 * time.Minute, Lockout: 5 * time.Minute}
	})
	for range 3 {
		_, err := e.desk.Login(e.ctx, tenant, "root.admin", "wrong password 1")
		assert.ErrorIs(t, err, auth.ErrInvalidCredentials)
	}
	_, err := e.desk.Login(e.ctx, tenant, "root@comune.example", "admin passphrase for tests")
	var te *auth.ThrottledError
	require.ErrorAs(t, err, &te, "locked even with the right password, through the e-mail too")
	assert.Equal(t, 5*time.Minute, te.RetryAfter)
	require.NoError(t, e.desk.RequestPasswordReset(e.ctx, tenant, "root.admin"), "a reset request is never locked")
	e.clock.Advance(5 * time.Minute)
	_, err = e.desk.Login(e.ctx, tenant, "root.admin", "admin passphrase for tests")
	require.NoError(t, err)
	// Success cleared the count: two failures do not lock.
	for range 2 {
		_, _ = e.desk.Login(e.ctx, tenant, "root.admin", "wrong password 1")
	}
	_, err = e.desk.Login(e.ctx, tenant, "root.admin", "admin passphrase for tests")
	assert.NoError(t, err)

	// Unknown names are throttled the same way.
	for range 3 {
		_, _ = e.desk.Login(e.ctx, tenant, "ghost", "wrong password 1")
	}
	_, err = e.desk.Login(e.ctx, tenant, "ghost", "wrong password 1")
	assert.ErrorIs(t, err, auth.ErrThrottled)
}

// TestThrottledErrorGivesTheExactRetryTime: the message carries the
// instant and the wait as they are, not rounded.
func TestThrottledErrorGivesTheExactRetryTime(t *testing.T) {
	e := newEnv(t, func(c *auth.Config) {
		c.Throttle = auth.ThrottlePolicy{MaxFailures: 1, Window: 10 * time.Minute, Lockout: 15 * time.Minute}
	})
	e.clock.Advance(123456 * time.Microsecond)
	_, err := e.desk.Login(e.ctx, tenant, "root.admin", "wrong password 1")
	require.ErrorIs(t, err, auth.ErrInvalidCredentials)
	failedAt := e.clock.Now()
	e.clock.Advance(1500 * time.Millisecond)
	_, err = e.desk.Login(e.ctx, tenant, "root.admin", "wrong password 1")
	var te *auth.ThrottledError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, 15*time.Minute-1500*time.Millisecond, te.RetryAfter)
	assert.Equal(t, failedAt.Add(15*time.Minute), te.Until)
	assert.Equal(t, "auth: too many attempts, retry at 2026-03-02T09:15:00.123456Z (in 14m58.5s)", err.Error())
}

// TestDeskTruncatesInstantsToMicroseconds: what memstore returns equals
// what pgstore (which keeps microseconds) returns.
func TestDeskTruncatesInstantsToMicroseconds(t *testing.T) {
	e := newEnv(t)
	e.clock.Advance(1234567 * time.Nanosecond)
	a, err := e.desk.CreateOperator(e.ctx, e.admin, auth.NewOperator{Username: "mario", Email: "mario@comune.example"})
	require.NoError(t, err)
	assert.Equal(t, e.clock.Now().Truncate(time.Microsecond), a.CreatedAt)
	assert.Equal(t, 1234*time.Microsecond, a.CreatedAt.Sub(a.CreatedAt.Truncate(time.Second)))
	assert.Equal(t, e.clock.Now().Truncate(time.Microsecond).Add(72*time.Hour), e.inbox.last(t, auth.NotifySetPassword).ExpiresAt)
}

func TestThrottlePolicyLockedFor(t *testing.T) {
	p := auth.ThrottlePolicy{MaxFailures: 3, Window: time.Minute, Lockout: 10 * time.Minute}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		att  auth.LoginAttempts
		now  time.Time
		wait time.Duration
		lock bool
	}{
		{auth.LoginAttempts{}, t0, 0, false},
		{auth.LoginAttempts{Failures: 2, First: t0, Last: t0}, t0, 0, false},
		{auth.LoginAttempts{Failures: 3, First: t0, Last: t0}, t0, 10 * time.Minute, true},
		{auth.LoginAttempts{Failures: 3, First: t0, Last: t0}, t0.Add(9 * time.Minute), time.Minute, true},
		{auth.LoginAttempts{Failures: 3, First: t0, Last: t0}, t0.Add(10 * time.Minute), 0, false},
	}
	for _, tc := range tests {
		wait, lock := p.LockedFor(tc.att, tc.now)
		assert.Equal(t, tc.lock, lock)
		assert.Equal(t, tc.wait, wait)
	}
}

func TestResetFlow(t *testing.T) {
	e := newEnv(t)
	op := e.operator(t, e.admin, auth.NewOperator{Username: "giulia", Email: "giulia@comune.example"}, "prima chiave segreta lunga")
	before := op.CredentialsVersion

	require.NoError(t, e.desk.RequestPasswordReset(e.ctx, tenant, "GIULIA@comune.example"))
	first := e.inbox.last(t, auth.NotifyPasswordReset)
	require.NoError(t, e.desk.RequestPasswordReset(e.ctx, tenant, "giulia"))
	second := e.inbox.last(t, auth.NotifyPasswordReset)
	assert.NotEqual(t, first.Token, second.Token)
	assert.Equal(t, e.clock.Now().Add(time.Hour), second.ExpiresAt)

	_, err := e.desk.SetPassword(e.ctx, tenant, second.Token, "giulia")
	var ve *auth.ValidationError
	require.ErrorAs(t, err, &ve, "the policy applies")
	got, err := e.desk.SetPassword(e.ctx, tenant, second.Token, "second passphrase, longer")
	require.NoError(t, err, "a refused password leaves the token usable")
	assert.Equal(t, before+1, got.CredentialsVersion)

	_, err = e.desk.SetPassword(e.ctx, tenant, second.Token, "third passphrase, longer")
	assert.ErrorIs(t, err, auth.ErrInvalidToken, "single use")
	_, err = e.desk.SetPassword(e.ctx, tenant, first.Token, "third passphrase, longer")
	assert.ErrorIs(t, err, auth.ErrInvalidToken, "the other outstanding token was invalidated")
	_, err = e.desk.Login(e.ctx, tenant, "giulia", "prima chiave segreta lunga")
	assert.ErrorIs(t, err, auth.ErrInvalidCredentials)
	_, err = e.desk.Login(e.ctx, tenant, "giulia", "second passphrase, longer")
	require.NoError(t, err)

	// The "password changed" notice waits in the outbox until delivered.
	delivered, err := e.desk.DeliverNotifications(e.ctx, tenant, 0)
	require.NoError(t, err)
	assert.Equal(t, 3, delivered, "admin's, giulia's first and reset password changes")
	changed := e.inbox.last(t, auth.NotifyPasswordChanged)
	assert.Equal(t, op.ID, changed.AccountID)
	assert.Empty(t, changed.Token)
	again, err := e.desk.DeliverNotifications(e.ctx, tenant, 0)
	require.NoError(t, err)
	assert.Zero(t, again, "nothing is sent twice")
}

func TestResetSameResultForUnknownAccount(t *testing.T) {
	e := newEnv(t)
	sent := len(e.inbox.sent)
	assert.NoError(t, e.desk.RequestPasswordReset(e.ctx, tenant, "nobody@comune.example"))
	assert.NoError(t, e.desk.RequestPasswordReset(e.ctx, "other-tenant", "root.admin"))
	assert.Equal(t, sent, len(e.inbox.sent))
	assert.ErrorIs(t, e.desk.RequestPasswordReset(e.ctx, tenant, "  "), auth.ErrValidation)
}

func TestResetRateLimitedPerAccount(t *testing.T) {
	e := newEnv(t)
	for range 5 {
		require.NoError(t, e.desk.RequestPasswordReset(e.ctx, tenant, "root.admin"))
	}
	assert.Equal(t, 3, e.inbox.count(auth.NotifyPasswordReset), "default 3 per hour, extra requests dropped silently")
	e.clock.Advance(61 * time.Minute)
	require.NoError(t, e.desk.RequestPasswordReset(e.ctx, tenant, "root.admin"))
	assert.Equal(t, 4, e.inbox.count(auth.NotifyPasswordReset))
}

func TestResetTokenExpires(t *testing.T) {
	e := newEnv(t)
	require.NoError(t, e.desk.RequestPasswordReset(e.ctx, tenant, "root.admin"))
	tok := e.inbox.last(t, auth.NotifyPasswordReset).Token
	e.clock.Advance(time.Hour)
	_, err := e.desk.SetPassword(e.ctx, tenant, tok, "brand new passphrase here")
	assert.ErrorIs(t, err, auth.ErrInvalidToken)
	for _, bad := range []string{"", "short", tok + "x", "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"} {
		_, err := e.desk.SetPassword(e.ctx, tenant, bad, "brand new passphrase here")
		assert.ErrorIs(t, err, auth.ErrInvalidToken)
	}
}

func TestSetPasswordTokenConcurrentlyOnce(t *testing.T) {
	e := newEnv(t)
	require.NoError(t, e.desk.RequestPasswordReset(e.ctx, tenant, "root.admin"))
	tok := e.inbox.last(t, auth.NotifyPasswordReset).Token
	var ok atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.desk.SetPassword(context.Background(), tenant, tok, "concurrent passphrase 1"); err == nil {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), ok.Load())
}

func TestLoginRehashesWhenParametersRise(t *testing.T) {
	s := memstore.New()
	b := &inbox{}
	weak, err := auth.New(auth.Config{Store: s, Notifier: b, Argon2: cheap})
	require.NoError(t, err)
	_, err = weak.Bootstrap(context.Background(), tenant, auth.NewOperator{Username: "root.admin", Email: "root@comune.example"})
	require.NoError(t, err)
	a, err := weak.SetPassword(context.Background(), tenant, b.last(t, auth.NotifySetPassword).Token, "a passphrase to upgrade")
	require.NoError(t, err)
	stronger := cheap
	stronger.Iterations = 2
	strong, err := auth.New(auth.Config{Store: s, Notifier: b, Argon2: stronger})
	require.NoError(t, err)
	got, err := strong.Login(context.Background(), tenant, "root.admin", "a passphrase to upgrade")
	require.NoError(t, err)
	assert.NotEqual(t, a.PasswordHash, got.PasswordHash)
	assert.Contains(t, got.PasswordHash, "t=2")
	assert.Equal(t, a.CredentialsVersion, got.CredentialsVersion, "a rehash is not a password change")
	_, err = strong.Login(context.Background(), tenant, "root.admin", "a passphrase to upgrade")
	assert.NoError(t, err)
}

func TestListOperatorsPagesWithOpaqueCursor(t *testing.T) {
	e := newEnv(t)
	for i := range 4 {
		_, err := e.desk.CreateOperator(e.ctx, e.admin, auth.NewOperator{Username: fmt.Sprintf("op-%d", i), Email: fmt.Sprintf("op%d@comune.example", i)})
		require.NoError(t, err)
	}
	var seen []string
	cursor := ""
	for {
		page, err := e.desk.ListOperators(e.ctx, e.admin, cursor, 2)
		require.NoError(t, err)
		for _, a := range page.Items {
			seen = append(seen, a.Username)
		}
		if page.Next == "" {
			break
		}
		assert.NotContains(t, page.Next, page.Items[len(page.Items)-1].ID, "the cursor is opaque")
		cursor = page.Next
	}
	assert.Len(t, seen, 5, "the admin and four operators, each once")
	_, err := e.desk.ListOperators(e.ctx, e.admin, "not-a-cursor!", 2)
	var ve *auth.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("cursor", "cursor"))
}

func TestPrincipalWithoutTenantCannotAdminister(t *testing.T) {
	e := newEnv(t)
	who := e.admin
	who.Tenant = ""
	_, err := e.desk.CreateOperator(e.ctx, who, auth.NewOperator{Username: "nobody.s", Email: "n@comune.example"})
	assert.ErrorIs(t, err, auth.ErrForbidden)
}

func TestPruneForgetsWhatNoRuleNeeds(t *testing.T) {
	e := newEnv(t)
	require.NoError(t, e.desk.RequestPasswordReset(e.ctx, tenant, "root.admin"))
	_, _ = e.desk.Login(e.ctx, tenant, "ghost", "wrong password 1")
	p, err := e.desk.Prune(e.ctx, tenant)
	require.NoError(t, err)
	assert.Equal(t, auth.Pruned{}, p, "everything is still in use")
	e.clock.Advance(5 * 24 * time.Hour)
	p, err = e.desk.Prune(e.ctx, tenant)
	require.NoError(t, err)
	assert.Equal(t, auth.Pruned{Tokens: 2, Attempts: 1}, p, "the bootstrap's and the reset's tokens, the ghost's counter")
}

func TestResetRequestNamesTheBadField(t *testing.T) {
	e := newEnv(t)
	err := e.desk.RequestPasswordReset(e.ctx, "", "")
	var ve *auth.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("tenant", "required"))
	assert.True(t, ve.Has("login", "required"))
	err = e.desk.RequestPasswordReset(e.ctx, tenant, strings.Repeat("a", 255))
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("login", "max"))
}
