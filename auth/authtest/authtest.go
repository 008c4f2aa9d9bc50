package authtest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/conctest"
)

// Harness makes the stores under test.
type Harness interface {
	// MakeStores returns n stores over one fresh, empty data set, standing
	// for n application instances that share a database. An in-memory
	// adapter returns the same store n times.
	MakeStores(ctx context.Context, n int) ([]auth.Store, error)
	// Close releases what the harness holds.
	Close()
}

// Run runs the whole kit. newHarness is called once per subtest.
func Run(t *testing.T, newHarness func(t *testing.T) Harness) {
	tests := []struct {
		name string
		fn   func(*testing.T, *kit)
	}{
		{"CreateGetRoundTrip", testCreateGet},
		{"GetMissingIsNotFound", testGetMissing},
		{"UniqueUsernameAndEmail", testUnique},
		{"ConcurrentCreationUniqueUsername", testConcurrentUnique},
		{"FindByUsernameOrEmail", testFind},
		{"IdempotencyKey", testIdempotencyKey},
		{"StaleUpdateConflicts", testStaleUpdate},
		{"ConcurrentUpdatesOneWins", testConcurrentUpdates},
		{"LastAdminCannotBeRemoved", testLastAdmin},
		{"ConcurrentAdminRemovalKeepsOne", testConcurrentLastAdmin},
		{"ListPagesByID", testList},
		{"DeleteRemovesTokens", testDeleteRemovesTokens},
		{"TokenRedeemedOnce", testTokenOnce},
		{"TokenConsumedConcurrentlyOnce", testTokenConcurrent},
		{"TokenRedeemRefusals", testTokenRefusals},
		{"TokenRateLimitAtomic", testTokenRateLimit},
		{"PruneTokensAndAttempts", testPrune},
		{"LoginAttempts", testAttempts},
		{"OutboxSavedWithWrites", testOutbox},
		{"Profiles", testProfiles},
		{"TenantsAreIsolated", testTenants},
		{"BadTextRefusedBeforeTheStore", testBadText},
		{"ConcurrentBootstrapOneAdmin", testConcurrentBootstrap},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			t.Cleanup(h.Close)
			tc.fn(t, &kit{h: h, ctx: context.Background()})
		})
	}
	t.Run("Outbox", func(t *testing.T) { testSharedOutbox(t, newHarness) })
}

type kit struct {
	h   Harness
	ctx context.Context
	n   int
}

// stores returns n instances over one fresh data set.
func (k *kit) stores(t *testing.T, n int) []auth.Store {
	t.Helper()
	ss, err := k.h.MakeStores(k.ctx, n)
	require.NoError(t, err)
	require.Len(t, ss, n)
	return ss
}

func (k *kit) store(t *testing.T) auth.Store { return k.stores(t, 1)[0] }

// base is a fixed instant with microsecond precision (what SQL keeps).
var base = time.Date(2026, 3, 2, 8, 30, 0, 123000, time.UTC)

func (k *kit) account(tenant string, roles ...auth.Role) *auth.Account {
	k.n++
	if len(roles) == 0 {
		roles = []auth.Role{auth.RoleOperator}
	}
	return &auth.Account{
		Tenant:    tenant,
		ID:        fmt.Sprintf("acc-%04d", k.n),
		Username:  fmt.Sprintf("user%04d", k.n),
		Email:     fmt.Sprintf("User%04d@Example.org", k.n),
		Roles:     roles,
		CreatedAt: base,
		UpdatedAt: base,
	}
}

func (k *kit) create(t *testing.T, s auth.Store, a *auth.Account) *auth.Account {
	t.Helper()
	require.NoError(t, s.CreateAccount(k.ctx, a, nil))
	return a
}

func conflictField(err error) string {
	var ce *auth.ConflictError
	if errors.As(err, &ce) {
		return ce.Field
	}
	return ""
}

func testCreateGet(t *testing.T, k *kit) {
	s := k.store(t)
	a := k.account("t1", auth.RoleOperator, auth.RoleManager)
	a.Services = []string{"svc-a", "svc-b"}
	a.Calendars = []string{"cal-1"}
	a.Offices = []string{"registry"}
	a.PasswordHash = "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
	a.CredentialsVersion = 3
	a.IdempotencyKey = "idem-1"
	require.NoError(t, s.CreateAccount(k.ctx, a, nil))
	assert.Equal(t, int64(1), a.Version)
	got, err := s.GetAccount(k.ctx, "t1", a.ID)
	require.NoError(t, err)
	assert.Equal(t, a, got)
	got.Services[0] = "changed"
	again, err := s.GetAccount(k.ctx, "t1", a.ID)
	require.NoError(t, err)
	assert.Equal(t, "svc-a", again.Services[0], "a returned account must be a copy")
	err = s.CreateAccount(k.ctx, &auth.Account{Tenant: "t1", ID: a.ID, Username: "other", Email: "other@example.org", Roles: a.Roles}, nil)
	assert.ErrorIs(t, err, auth.ErrConflict, "same ID twice")
}

func testGetMissing(t *testing.T, k *kit) {
	s := k.store(t)
	_, err := s.GetAccount(k.ctx, "t1", "nope")
	assert.ErrorIs(t, err, auth.ErrNotFound)
	_, err = s.FindAccount(k.ctx, "t1", "nope")
	assert.ErrorIs(t, err, auth.ErrNotFound)
	_, err = s.FindAccountByIdempotencyKey(k.ctx, "t1", "nope")
	assert.ErrorIs(t, err, auth.ErrNotFound)
	_, err = s.GetToken(k.ctx, "t1", auth.TokenHash{})
	assert.ErrorIs(t, err, auth.ErrNotFound)
	_, err = s.GetProfile(k.ctx, "t1", "nope")
	assert.ErrorIs(t, err, auth.ErrNotFound)
	_, err = s.FindProfileBySubject(k.ctx, "t1", "nope")
	assert.ErrorIs(t, err, auth.ErrNotFound)
	err = s.UpdateAccount(k.ctx, k.account("t1"), nil)
	assert.ErrorIs(t, err, auth.ErrNotFound)
	err = s.DeleteAccount(k.ctx, "t1", "nope", 1, nil)
	assert.ErrorIs(t, err, auth.ErrNotFound)
}

func testUnique(t *testing.T, k *kit) {
	s := k.store(t)
	a := k.create(t, s, k.account("t1"))

	dupUser := k.account("t1")
	dupUser.Username = a.Username
	err := s.CreateAccount(k.ctx, dupUser, nil)
	assert.ErrorIs(t, err, auth.ErrConflict)
	assert.Equal(t, "username", conflictField(err))

	dupMail := k.account("t1")
	dupMail.Email = "user0001@EXAMPLE.org"
	err = s.CreateAccount(k.ctx, dupMail, nil)
	assert.ErrorIs(t, err, auth.ErrConflict)
	assert.Equal(t, "email", conflictField(err))

	// Another tenant may reuse both.
	other := k.account("t2")
	other.Username, other.Email = a.Username, a.Email
	require.NoError(t, s.CreateAccount(k.ctx, other, nil))

	// An update may not take a used e-mail either.
	b := k.create(t, s, k.account("t1"))
	b.Email = "USER0001@example.org"
	err = s.UpdateAccount(k.ctx, b, nil)
	assert.Equal(t, "email", conflictField(err))
	got, err := s.GetAccount(k.ctx, "t1", b.ID)
	require.NoError(t, err)
	assert.NotEqual(t, "USER0001@example.org", got.Email, "a refused update changes nothing")
}

func testConcurrentUnique(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	const n = 20
	ok, conflicts := conctest.Run(t, n, auth.ErrConflict, func(i int) error {
		// Odd ones collide on the username, even ones on the e-mail,
		// differing only in case.
		a := &auth.Account{Tenant: "t1", ID: fmt.Sprintf("c-%02d", i), Username: "same.name",
			Email: fmt.Sprintf("c%02d@example.org", i), Roles: []auth.Role{auth.RoleOperator}, CreatedAt: base, UpdatedAt: base}
		if i%2 == 0 {
			a.Username = fmt.Sprintf("name-%02d", i)
			a.Email = "SAME@example.org"
			if i%4 == 0 {
				a.Email = "same@EXAMPLE.org"
			}
		}
		return ss[i%2].CreateAccount(k.ctx, a, nil)
	})
	assert.Equal(t, 2, ok, "one account per username and one per e-mail")
	assert.Equal(t, n-2, conflicts)
}

func testFind(t *testing.T, k *kit) {
	s := k.store(t)
	a := k.create(t, s, k.account("t1"))
	got, err := s.FindAccount(k.ctx, "t1", a.Username)
	require.NoError(t, err)
	assert.Equal(t, a.ID, got.ID)
	got, err = s.FindAccount(k.ctx, "t1", "USER0001@EXAMPLE.ORG")
	require.NoError(t, err)
	assert.Equal(t, a.ID, got.ID)
	_, err = s.FindAccount(k.ctx, "t1", "USER0001")
	assert.ErrorIs(t, err, auth.ErrNotFound, "usernames are compared exactly")
}

func testIdempotencyKey(t *testing.T, k *kit) {
	s := k.store(t)
	a := k.account("t1")
	a.IdempotencyKey = "k-1"
	k.create(t, s, a)
	got, err := s.FindAccountByIdempotencyKey(k.ctx, "t1", "k-1")
	require.NoError(t, err)
	assert.Equal(t, a.ID, got.ID)
	b := k.account("t1")
	b.IdempotencyKey = "k-1"
	err = s.CreateAccount(k.ctx, b, nil)
	assert.Equal(t, "idempotency_key", conflictField(err))
	c := k.account("t1")
	k.create(t, s, c) // accounts without a key never collide
	d := k.account("t1")
	k.create(t, s, d)
}

func testStaleUpdate(t *testing.T, k *kit) {
	s := k.store(t)
	a := k.create(t, s, k.account("t1"))
	first, _ := s.GetAccount(k.ctx, "t1", a.ID)
	second, _ := s.GetAccount(k.ctx, "t1", a.ID)
	first.Services = []string{"svc-1"}
	require.NoError(t, s.UpdateAccount(k.ctx, first, nil))
	assert.Equal(t, int64(2), first.Version)
	second.Calendars = []string{"cal-1"}
	err := s.UpdateAccount(k.ctx, second, nil)
	assert.ErrorIs(t, err, auth.ErrConflict)
	assert.Equal(t, "version", conflictField(err))
	got, _ := s.GetAccount(k.ctx, "t1", a.ID)
	assert.Equal(t, []string{"svc-1"}, got.Services)
	assert.Empty(t, got.Calendars, "the stale write is not applied")
	err = s.DeleteAccount(k.ctx, "t1", a.ID, 1, nil)
	assert.ErrorIs(t, err, auth.ErrConflict, "stale delete")
}

func testConcurrentUpdates(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	a := k.create(t, ss[0], k.account("t1"))
	ok, _ := conctest.Run(t, 16, auth.ErrConflict, func(i int) error {
		c := a.Clone()
		c.Services = []string{fmt.Sprintf("svc-%d", i)}
		return ss[i%2].UpdateAccount(k.ctx, c, nil)
	})
	assert.Equal(t, 1, ok, "exactly one writer of a version wins")
	got, _ := ss[0].GetAccount(k.ctx, "t1", a.ID)
	assert.Equal(t, int64(2), got.Version)
}

func testLastAdmin(t *testing.T, k *kit) {
	s := k.store(t)
	admin := k.create(t, s, k.account("t1", auth.RoleOperator, auth.RoleAdmin))
	n, err := s.CountAdmins(k.ctx, "t1")
	require.NoError(t, err)
	assert.Equal(t, 1, n)

	revoked := admin.Clone()
	revoked.Roles = []auth.Role{auth.RoleOperator}
	assert.ErrorIs(t, s.UpdateAccount(k.ctx, revoked, nil), auth.ErrLastAdmin)
	disabled := admin.Clone()
	disabled.Disabled = true
	assert.ErrorIs(t, s.UpdateAccount(k.ctx, disabled, nil), auth.ErrLastAdmin)
	assert.ErrorIs(t, s.DeleteAccount(k.ctx, "t1", admin.ID, admin.Version, nil), auth.ErrLastAdmin)

	// Other changes to the last admin are fine.
	changed := admin.Clone()
	changed.Services = []string{"svc"}
	require.NoError(t, s.UpdateAccount(k.ctx, changed, nil))

	// With a second admin, one can go.
	k.create(t, s, k.account("t1", auth.RoleOperator, auth.RoleAdmin))
	require.NoError(t, s.DeleteAccount(k.ctx, "t1", admin.ID, changed.Version, nil))
	n, _ = s.CountAdmins(k.ctx, "t1")
	assert.Equal(t, 1, n)
	// Another tenant's admins do not count.
	k.create(t, s, k.account("t2", auth.RoleOperator, auth.RoleAdmin))
	n, _ = s.CountAdmins(k.ctx, "t1")
	assert.Equal(t, 1, n)
}

func testConcurrentLastAdmin(t *testing.T, k *kit) {
	for round := range 5 {
		ss := k.stores(t, 2)
		tenant := fmt.Sprintf("t-%d", round)
		a := k.create(t, ss[0], k.account(tenant, auth.RoleOperator, auth.RoleAdmin))
		b := k.create(t, ss[0], k.account(tenant, auth.RoleOperator, auth.RoleAdmin))
		ok, _ := conctest.Run(t, 2, auth.ErrLastAdmin, func(i int) error {
			if i == 0 {
				c := a.Clone()
				c.Disabled = true
				return ss[0].UpdateAccount(k.ctx, c, nil)
			}
			return ss[1].DeleteAccount(k.ctx, tenant, b.ID, b.Version, nil)
		})
		assert.Equal(t, 1, ok, "only one of two concurrent removals may succeed")
		n, err := ss[0].CountAdmins(k.ctx, tenant)
		require.NoError(t, err)
		assert.Equal(t, 1, n)
	}
}

func testList(t *testing.T, k *kit) {
	s := k.store(t)
	var ids []string
	for range 7 {
		ids = append(ids, k.create(t, s, k.account("t1")).ID)
	}
	k.create(t, s, k.account("t2"))
	var got []string
	after := ""
	for {
		page, err := s.ListAccounts(k.ctx, "t1", after, 3)
		require.NoError(t, err)
		for _, a := range page {
			got = append(got, a.ID)
		}
		if len(page) < 3 {
			break
		}
		after = page[len(page)-1].ID
	}
	assert.Equal(t, ids, got)
}

func hashOf(s string) auth.TokenHash { return sha256.Sum256([]byte(s)) }

func token(a *auth.Account, raw string, p auth.TokenPurpose, created time.Time) *auth.Token {
	return &auth.Token{Tenant: a.Tenant, AccountID: a.ID, Hash: hashOf(raw), Purpose: p, CreatedAt: created, ExpiresAt: created.Add(time.Hour)}
}

func redemption(a *auth.Account, raw string, p auth.TokenPurpose, now time.Time) auth.Redemption {
	return auth.Redemption{Tenant: a.Tenant, Hash: hashOf(raw), Purpose: p, AccountID: a.ID, Now: now, PasswordHash: "hash-" + raw,
		Notes: []auth.Notification{{ID: "note-" + raw, Tenant: a.Tenant, Kind: auth.NotifyPasswordChanged, AccountID: a.ID, Recipient: a.Email, CreatedAt: now}}}
}

func testDeleteRemovesTokens(t *testing.T, k *kit) {
	s := k.store(t)
	a := k.create(t, s, k.account("t1"))
	require.NoError(t, s.CreateToken(k.ctx, token(a, "tok", auth.PurposeSetPassword, base), 0, time.Time{}))
	require.NoError(t, s.DeleteAccount(k.ctx, "t1", a.ID, a.Version, nil))
	_, err := s.GetToken(k.ctx, "t1", hashOf("tok"))
	assert.ErrorIs(t, err, auth.ErrNotFound)
	assert.ErrorIs(t, s.CreateToken(k.ctx, token(a, "tok2", auth.PurposeReset, base), 0, time.Time{}), auth.ErrNotFound,
		"no token for a missing account")
}

func testTokenOnce(t *testing.T, k *kit) {
	s := k.store(t)
	a := k.create(t, s, k.account("t1"))
	require.NoError(t, s.CreateToken(k.ctx, token(a, "one", auth.PurposeReset, base), 0, time.Time{}))
	require.NoError(t, s.CreateToken(k.ctx, token(a, "two", auth.PurposeReset, base), 0, time.Time{}))
	require.NoError(t, s.CreateToken(k.ctx, token(a, "set", auth.PurposeSetPassword, base), 0, time.Time{}))
	got, err := s.GetToken(k.ctx, "t1", hashOf("one"))
	require.NoError(t, err)
	assert.Equal(t, token(a, "one", auth.PurposeReset, base), got)

	now := base.Add(time.Minute)
	acc, err := s.RedeemToken(k.ctx, redemption(a, "one", auth.PurposeReset, now))
	require.NoError(t, err)
	assert.Equal(t, "hash-one", acc.PasswordHash)
	assert.Equal(t, int64(1), acc.CredentialsVersion)
	assert.Equal(t, int64(2), acc.Version)
	assert.Equal(t, now, acc.UpdatedAt)
	stored, _ := s.GetAccount(k.ctx, "t1", a.ID)
	assert.Equal(t, acc, stored)

	_, err = s.RedeemToken(k.ctx, redemption(a, "one", auth.PurposeReset, now))
	assert.ErrorIs(t, err, auth.ErrInvalidToken, "used")
	_, err = s.RedeemToken(k.ctx, redemption(a, "two", auth.PurposeReset, now))
	assert.ErrorIs(t, err, auth.ErrInvalidToken, "revoked by the first redemption")
	_, err = s.RedeemToken(k.ctx, redemption(a, "set", auth.PurposeSetPassword, now))
	assert.ErrorIs(t, err, auth.ErrInvalidToken, "tokens of every purpose are revoked")
	used, _ := s.GetToken(k.ctx, "t1", hashOf("one"))
	assert.Equal(t, now, used.UsedAt)
	revoked, _ := s.GetToken(k.ctx, "t1", hashOf("two"))
	assert.Equal(t, now, revoked.RevokedAt)
	assert.False(t, revoked.Usable(now))
}

func testTokenConcurrent(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	a := k.create(t, ss[0], k.account("t1"))
	require.NoError(t, ss[0].CreateToken(k.ctx, token(a, "race", auth.PurposeReset, base), 0, time.Time{}))
	const n = 50
	ok, invalid := conctest.Run(t, n, auth.ErrInvalidToken, func(i int) error {
		_, err := ss[i%2].RedeemToken(k.ctx, redemption(a, "race", auth.PurposeReset, base.Add(time.Second)))
		return err
	})
	assert.Equal(t, 1, ok, "a token is consumed exactly once")
	assert.Equal(t, n-1, invalid)
	got, _ := ss[1].GetAccount(k.ctx, "t1", a.ID)
	assert.Equal(t, int64(1), got.CredentialsVersion)
	claimed, err := ss[0].ClaimNotifications(k.ctx, "t1", base.Add(time.Hour), time.Minute, 100)
	require.NoError(t, err)
	assert.Len(t, claimed, 1, "one password-changed notice")
}

func testTokenRefusals(t *testing.T, k *kit) {
	s := k.store(t)
	a := k.create(t, s, k.account("t1"))
	other := k.create(t, s, k.account("t1"))
	require.NoError(t, s.CreateToken(k.ctx, token(a, "tok", auth.PurposeReset, base), 0, time.Time{}))
	cases := map[string]auth.Redemption{
		"expired":       redemption(a, "tok", auth.PurposeReset, base.Add(time.Hour)),
		"wrong purpose": redemption(a, "tok", auth.PurposeSetPassword, base),
		"wrong account": redemption(other, "tok", auth.PurposeReset, base),
		"unknown":       redemption(a, "unknown", auth.PurposeReset, base),
	}
	wrongTenant := redemption(a, "tok", auth.PurposeReset, base)
	wrongTenant.Tenant = "t2"
	cases["wrong tenant"] = wrongTenant
	for name, r := range cases {
		_, err := s.RedeemToken(k.ctx, r)
		assert.ErrorIs(t, err, auth.ErrInvalidToken, name)
	}
	disabled := a.Clone()
	disabled.Disabled = true
	require.NoError(t, s.UpdateAccount(k.ctx, disabled, nil))
	_, err := s.RedeemToken(k.ctx, redemption(a, "tok", auth.PurposeReset, base))
	assert.ErrorIs(t, err, auth.ErrInvalidToken, "disabled account")
	got, _ := s.GetAccount(k.ctx, "t1", a.ID)
	assert.Empty(t, got.PasswordHash, "refusals change nothing")
	tok, _ := s.GetToken(k.ctx, "t1", hashOf("tok"))
	assert.True(t, tok.UsedAt.IsZero())
	claimed, _ := s.ClaimNotifications(k.ctx, "t1", base, time.Minute, 10)
	assert.Empty(t, claimed)
}

func testTokenRateLimit(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	a := k.create(t, ss[0], k.account("t1"))
	// An old token outside the window does not count.
	require.NoError(t, ss[0].CreateToken(k.ctx, token(a, "old", auth.PurposeReset, base.Add(-2*time.Hour)), 3, base.Add(-3*time.Hour)))
	const n = 10
	ok, throttled := conctest.Run(t, n, auth.ErrThrottled, func(i int) error {
		return ss[i%2].CreateToken(k.ctx, token(a, fmt.Sprintf("r%d", i), auth.PurposeReset, base), 3, base.Add(-time.Hour))
	})
	assert.Equal(t, 3, ok, "the limit holds under concurrency")
	assert.Equal(t, n-3, throttled)
	// Other purposes have their own count.
	require.NoError(t, ss[0].CreateToken(k.ctx, token(a, "set", auth.PurposeSetPassword, base), 3, base.Add(-time.Hour)))
}

func testPrune(t *testing.T, k *kit) {
	s := k.store(t)
	a := k.create(t, s, k.account("t1"))
	b := k.create(t, s, k.account("t2"))
	require.NoError(t, s.CreateToken(k.ctx, token(a, "old", auth.PurposeReset, base.Add(-3*time.Hour)), 0, time.Time{}))
	require.NoError(t, s.CreateToken(k.ctx, token(a, "new", auth.PurposeReset, base), 0, time.Time{}))
	require.NoError(t, s.CreateToken(k.ctx, token(b, "old", auth.PurposeReset, base.Add(-3*time.Hour)), 0, time.Time{}))
	n, err := s.PruneTokens(k.ctx, "t1", base.Add(-time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, err = s.GetToken(k.ctx, "t1", hashOf("old"))
	assert.ErrorIs(t, err, auth.ErrNotFound)
	_, err = s.GetToken(k.ctx, "t1", hashOf("new"))
	assert.NoError(t, err)
	_, err = s.GetToken(k.ctx, "t2", hashOf("old"))
	assert.NoError(t, err, "another tenant's tokens are untouched")

	for _, key := range []string{"stale", "fresh"} {
		at := base
		if key == "stale" {
			at = base.Add(-time.Hour)
		}
		_, err := s.RecordLoginFailure(k.ctx, "t1", key, at, time.Minute)
		require.NoError(t, err)
		_, err = s.RecordLoginFailure(k.ctx, "t2", key, at, time.Minute)
		require.NoError(t, err)
	}
	n, err = s.PruneLoginAttempts(k.ctx, "t1", base.Add(-time.Minute))
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	stale, _ := s.LoginAttempts(k.ctx, "t1", "stale")
	assert.Zero(t, stale)
	fresh, _ := s.LoginAttempts(k.ctx, "t1", "fresh")
	assert.Equal(t, 1, fresh.Failures)
	other, _ := s.LoginAttempts(k.ctx, "t2", "stale")
	assert.Equal(t, 1, other.Failures, "another tenant's counters are untouched")
}

func testAttempts(t *testing.T, k *kit) {
	s := k.store(t)
	att, err := s.LoginAttempts(k.ctx, "t1", "account:x")
	require.NoError(t, err)
	assert.Zero(t, att)
	w := 15 * time.Minute
	for i := range 3 {
		att, err = s.RecordLoginFailure(k.ctx, "t1", "account:x", base.Add(time.Duration(i)*time.Minute), w)
		require.NoError(t, err)
	}
	assert.Equal(t, auth.LoginAttempts{Failures: 3, First: base, Last: base.Add(2 * time.Minute)}, att)
	got, _ := s.LoginAttempts(k.ctx, "t1", "account:x")
	assert.Equal(t, att, got)
	other, _ := s.LoginAttempts(k.ctx, "t2", "account:x")
	assert.Zero(t, other, "attempts are per tenant")
	later := base.Add(20 * time.Minute)
	att, err = s.RecordLoginFailure(k.ctx, "t1", "account:x", later, w)
	require.NoError(t, err)
	assert.Equal(t, auth.LoginAttempts{Failures: 1, First: later, Last: later}, att, "a new window starts")
	require.NoError(t, s.ClearLoginAttempts(k.ctx, "t1", "account:x"))
	got, _ = s.LoginAttempts(k.ctx, "t1", "account:x")
	assert.Zero(t, got)

	ss := k.stores(t, 2)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := ss[i%2].RecordLoginFailure(k.ctx, "t1", "login:y", base, w)
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	got, _ = ss[0].LoginAttempts(k.ctx, "t1", "login:y")
	assert.Equal(t, 20, got.Failures, "no failure is lost under concurrency")
}

func note(id, tenant string, at time.Time) auth.Notification {
	return auth.Notification{ID: id, Tenant: tenant, Kind: auth.NotifyPasswordChanged, AccountID: "acc", Recipient: "someone@example.org",
		Token: "must-not-be-stored", ExpiresAt: at.Add(time.Hour), CreatedAt: at}
}

func testOutbox(t *testing.T, k *kit) {
	s := k.store(t)
	a := k.account("t1")
	require.NoError(t, s.CreateAccount(k.ctx, a, []auth.Notification{note("n1", "t1", base)}))
	b := a.Clone()
	b.Services = []string{"x"}
	require.NoError(t, s.UpdateAccount(k.ctx, b, []auth.Notification{note("n2", "t1", base.Add(time.Second))}))
	stale := a.Clone()
	assert.ErrorIs(t, s.UpdateAccount(k.ctx, stale, []auth.Notification{note("lost", "t1", base)}), auth.ErrConflict)

	got, err := s.ClaimNotifications(k.ctx, "t1", base, time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, got, 2, "a refused write saves no notification")
	assert.Equal(t, "n1", got[0].ID)
	assert.Equal(t, "n2", got[1].ID)
	assert.Empty(t, got[0].Token, "tokens are never stored")
	want := note("n1", "t1", base)
	want.Token = ""
	assert.Equal(t, want, got[0])

	again, _ := s.ClaimNotifications(k.ctx, "t1", base.Add(30*time.Second), time.Minute, 10)
	assert.Empty(t, again, "leased")
	require.NoError(t, s.AckNotification(k.ctx, "t1", "n1"))
	require.NoError(t, s.AckNotification(k.ctx, "t1", "n1"), "acknowledging twice is fine")
	after, _ := s.ClaimNotifications(k.ctx, "t1", base.Add(2*time.Minute), time.Minute, 10)
	require.Len(t, after, 1, "an unacknowledged notification comes back after its lease")
	assert.Equal(t, "n2", after[0].ID)
	other, _ := s.ClaimNotifications(k.ctx, "t2", base.Add(time.Hour), time.Minute, 10)
	assert.Empty(t, other)
}

func profile(tenant, id, subject string) *auth.Profile {
	fc, _ := auth.ParseFiscalCode("RSSMRA80A01H501U")
	return &auth.Profile{Tenant: tenant, ID: id, SubjectID: subject, Class: "sistemi", Name: "Mario", Surname: "Rossi",
		FiscalCode: fc, Email: "mario@example.org", Provider: "sistemi", ProviderAccount: "ext-1", ActivationSentAt: base,
		CreatedAt: base, UpdatedAt: base}
}

func testProfiles(t *testing.T, k *kit) {
	s := k.store(t)
	p := profile("t1", "p1", "subj-1")
	require.NoError(t, s.CreateProfile(k.ctx, p, []auth.Notification{note("reg", "t1", base)}))
	assert.Equal(t, int64(1), p.Version)
	got, err := s.GetProfile(k.ctx, "t1", "p1")
	require.NoError(t, err)
	assert.Equal(t, p, got)
	bySubject, err := s.FindProfileBySubject(k.ctx, "t1", "subj-1")
	require.NoError(t, err)
	assert.Equal(t, p, bySubject)
	err = s.CreateProfile(k.ctx, profile("t1", "p2", "subj-1"), nil)
	assert.Equal(t, "subject", conflictField(err))
	require.NoError(t, s.CreateProfile(k.ctx, profile("t2", "p2", "subj-1"), nil), "another tenant's subject")

	stale := got.Clone()
	got.ProviderAccount = ""
	require.NoError(t, s.UpdateProfile(k.ctx, got, nil))
	assert.Equal(t, int64(2), got.Version)
	err = s.UpdateProfile(k.ctx, stale, nil)
	assert.Equal(t, "version", conflictField(err))
	claimed, _ := s.ClaimNotifications(k.ctx, "t1", base, time.Minute, 10)
	assert.Len(t, claimed, 1)
}

func testTenants(t *testing.T, k *kit) {
	s := k.store(t)
	a := k.create(t, s, k.account("t1", auth.RoleOperator, auth.RoleAdmin))
	require.NoError(t, s.CreateToken(k.ctx, token(a, "tok", auth.PurposeReset, base), 0, time.Time{}))
	require.NoError(t, s.CreateProfile(k.ctx, profile("t1", "p1", "subj"), nil))

	_, err := s.GetAccount(k.ctx, "t2", a.ID)
	assert.ErrorIs(t, err, auth.ErrNotFound)
	_, err = s.FindAccount(k.ctx, "t2", a.Username)
	assert.ErrorIs(t, err, auth.ErrNotFound)
	_, err = s.FindAccount(k.ctx, "t2", a.Email)
	assert.ErrorIs(t, err, auth.ErrNotFound)
	list, err := s.ListAccounts(k.ctx, "t2", "", 100)
	require.NoError(t, err)
	assert.Empty(t, list)
	n, _ := s.CountAdmins(k.ctx, "t2")
	assert.Zero(t, n)
	foreign := a.Clone()
	foreign.Tenant = "t2"
	foreign.Services = []string{"stolen"}
	assert.ErrorIs(t, s.UpdateAccount(k.ctx, foreign, nil), auth.ErrNotFound)
	assert.ErrorIs(t, s.DeleteAccount(k.ctx, "t2", a.ID, a.Version, nil), auth.ErrNotFound)
	_, err = s.GetToken(k.ctx, "t2", hashOf("tok"))
	assert.ErrorIs(t, err, auth.ErrNotFound)
	ft := token(a, "foreign", auth.PurposeReset, base)
	ft.Tenant = "t2"
	assert.ErrorIs(t, s.CreateToken(k.ctx, ft, 0, time.Time{}), auth.ErrNotFound)
	_, err = s.GetProfile(k.ctx, "t2", "p1")
	assert.ErrorIs(t, err, auth.ErrNotFound)
	_, err = s.FindProfileBySubject(k.ctx, "t2", "subj")
	assert.ErrorIs(t, err, auth.ErrNotFound)
	fp := profile("t2", "p1", "subj")
	fp.Version = 1
	assert.ErrorIs(t, s.UpdateProfile(k.ctx, fp, nil), auth.ErrNotFound)

	got, err := s.GetAccount(k.ctx, "t1", a.ID)
	require.NoError(t, err)
	assert.Equal(t, a, got, "nothing changed in the owner's tenant")
}
