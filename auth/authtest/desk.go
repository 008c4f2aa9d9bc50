package authtest

import (
	"context"
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

// badTexts break the text rule: a NUL, invalid UTF-8, a control character.
var badTexts = map[string]string{
	"NUL":           "a\x00b",
	"invalid UTF-8": "a\xffb",
	"control":       "a\x1bb",
}

// recorder is a Notifier that keeps what it was given.
type recorder struct {
	mu   sync.Mutex
	sent []auth.Notification
}

func (r *recorder) Notify(_ context.Context, n auth.Notification) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, n)
	return nil
}

// nobodyDirectory is a provider directory that must never be reached.
type nobodyDirectory struct{ t *testing.T }

func (d nobodyDirectory) FindAccount(context.Context, auth.DirectoryQuery) (string, bool, error) {
	d.t.Error("bad text reached the provider directory")
	return "", false, errors.New("unexpected")
}

func (d nobodyDirectory) CreateAccount(context.Context, auth.DirectoryQuery) (string, error) {
	d.t.Error("bad text reached the provider directory")
	return "", errors.New("unexpected")
}

// testBadText: text that breaks the text rule, in any string field or
// lookup ID of any Desk command, is refused the same way on every store
// (ErrValidation naming the field, or ErrNotFound for a lookup by an ID
// that cannot exist), before the store is asked, and nothing is saved.
func testBadText(t *testing.T, k *kit) {
	s := k.store(t)
	d, err := auth.New(auth.Config{
		Store:     s,
		Notifier:  &recorder{},
		Directory: nobodyDirectory{t},
		Argon2:    auth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32},
		Now:       func() time.Time { return base },
	})
	require.NoError(t, err)
	admin, err := d.Bootstrap(k.ctx, "t1", auth.NewOperator{Username: "root.admin", Email: "root@example.org"})
	require.NoError(t, err)
	who := admin.Principal()

	invalid := func(t *testing.T, err error, field string) {
		t.Helper()
		var ve *auth.ValidationError
		if assert.ErrorAs(t, err, &ve) {
			assert.True(t, ve.Has(field, ""), "%v does not name %s", err, field)
		}
		assert.NotErrorIs(t, err, auth.ErrUnavailable)
	}
	good := auth.NewOperator{Username: "mario.rossi", Email: "mario@example.org"}
	goodProfile := auth.ProfileInput{
		Subject: auth.Subject{ID: "subj-1", Name: "Mario", Surname: "Rossi", FiscalCode: "RSSMRA80A01H501U"},
		Class:   "staff", Email: "mario@example.org",
	}
	for name, bad := range badTexts {
		t.Run(name, func(t *testing.T) {
			_, err := d.Bootstrap(k.ctx, bad, good)
			invalid(t, err, "tenant")

			for field, in := range map[string]auth.NewOperator{
				"username":        {Username: bad, Email: good.Email},
				"email":           {Username: good.Username, Email: "m" + bad + "@example.org"},
				"services[0]":     {Username: good.Username, Email: good.Email, Services: []string{bad}},
				"calendars[1]":    {Username: good.Username, Email: good.Email, Calendars: []string{"cal", bad}},
				"offices[0]":      {Username: good.Username, Email: good.Email, Offices: []string{bad}},
				"idempotency_key": {Username: good.Username, Email: good.Email, IdempotencyKey: bad},
			} {
				_, err := d.CreateOperator(k.ctx, who, in)
				invalid(t, err, field)
			}
			_, err = d.SetServices(k.ctx, who, admin.ID, []string{bad})
			invalid(t, err, "services[0]")

			_, err = d.GetOperator(k.ctx, who, bad)
			assert.ErrorIs(t, err, auth.ErrNotFound, "a lookup by an ID that cannot exist")
			_, err = d.DisableOperator(k.ctx, who, bad)
			assert.ErrorIs(t, err, auth.ErrNotFound)
			assert.ErrorIs(t, d.DeleteOperator(k.ctx, who, bad), auth.ErrNotFound)
			_, err = d.GetProfile(k.ctx, who, bad)
			assert.ErrorIs(t, err, auth.ErrNotFound)
			_, err = d.ResendActivation(k.ctx, who, bad)
			assert.ErrorIs(t, err, auth.ErrNotFound)
			foreign := who
			foreign.Tenant = bad
			_, err = d.GetOperator(k.ctx, foreign, admin.ID)
			assert.ErrorIs(t, err, auth.ErrNotFound, "a tenant that cannot exist")
			_, err = d.CreateOperator(k.ctx, foreign, good)
			assert.ErrorIs(t, err, auth.ErrForbidden, "a principal of a tenant that cannot exist")

			_, err = d.Login(k.ctx, bad, "root.admin", "whatever password")
			invalid(t, err, "tenant")
			_, err = d.Login(k.ctx, "t1", bad, "whatever password")
			invalid(t, err, "login")
			invalid(t, d.RequestPasswordReset(k.ctx, "t1", bad), "login")
			invalid(t, d.RequestPasswordReset(k.ctx, bad, "root.admin"), "tenant")
			_, err = d.SetPassword(k.ctx, bad, "token", "a long enough passphrase")
			invalid(t, err, "tenant")
			_, err = d.DeliverNotifications(k.ctx, bad, 10)
			invalid(t, err, "tenant")
			_, err = d.Prune(k.ctx, bad)
			invalid(t, err, "tenant")

			for field, edit := range map[string]func(*auth.ProfileInput){
				"subject.id":      func(p *auth.ProfileInput) { p.Subject.ID = bad },
				"subject.name":    func(p *auth.ProfileInput) { p.Subject.Name = bad },
				"subject.surname": func(p *auth.ProfileInput) { p.Subject.Surname = bad },
				"class":           func(p *auth.ProfileInput) { p.Class = bad },
				"provider":        func(p *auth.ProfileInput) { p.Provider = bad },
			} {
				in := goodProfile
				edit(&in)
				_, err := d.ProvisionProfile(k.ctx, who, in)
				invalid(t, err, field)
			}
			_, err = d.SwitchProvider(k.ctx, who, "p1", bad)
			invalid(t, err, "provider")
		})
	}

	list, err := s.ListAccounts(k.ctx, "t1", "", 100)
	require.NoError(t, err)
	require.Len(t, list, 1, "nothing saved")
	assert.Equal(t, admin, list[0], "the account is untouched")
	_, err = s.FindProfileBySubject(k.ctx, "t1", "subj-1")
	assert.ErrorIs(t, err, auth.ErrNotFound)
	claimed, err := s.ClaimNotifications(k.ctx, "t1", base.Add(time.Hour), time.Minute, 100)
	require.NoError(t, err)
	assert.Empty(t, claimed)
}

// testConcurrentBootstrap: of concurrent bootstraps of one tenant with
// different usernames, on several instances, one creates the
// administrator and every other is ErrForbidden (never a conflict about an
// idempotency key the callers did not pass).
func testConcurrentBootstrap(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	desks := make([]*auth.Desk, len(ss))
	for i, s := range ss {
		d, err := auth.New(auth.Config{Store: s, Notifier: &recorder{},
			Argon2: auth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}})
		require.NoError(t, err)
		desks[i] = d
	}
	const n = 10
	ok, forbidden := conctest.Run(t, n, auth.ErrForbidden, func(i int) error {
		_, err := desks[i%2].Bootstrap(k.ctx, "t1", auth.NewOperator{Username: fmt.Sprintf("admin-%02d", i), Email: fmt.Sprintf("admin%02d@example.org", i)})
		return err
	})
	assert.Equal(t, 1, ok, "one administrator")
	assert.Equal(t, n-1, forbidden)
	admins, err := ss[0].CountAdmins(k.ctx, "t1")
	require.NoError(t, err)
	assert.Equal(t, 1, admins)
}
