package auth_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/auth"
)

// directory is a fake provider directory keyed by fiscal code.
type directory struct {
	accounts     map[string]string
	unauthorized bool
	created      int
}

func (d *directory) FindAccount(_ context.Context, q auth.DirectoryQuery) (string, bool, error) {
	if d.unauthorized {
		return "", false, fmt.Errorf("directory said 401: %w", auth.ErrProviderUnauthorized)
	}
	id, ok := d.accounts[q.Provider+"/"+q.FiscalCode.String()]
	return id, ok, nil
}

func (d *directory) CreateAccount(_ context.Context, q auth.DirectoryQuery) (string, error) {
	if d.unauthorized {
		return "", auth.ErrProviderUnauthorized
	}
	d.created++
	id := fmt.Sprintf("%s-acc-%d", q.Provider, d.created)
	d.accounts[q.Provider+"/"+q.FiscalCode.String()] = id
	return id, nil
}

var policy = auth.ProviderPolicy{OneProvider: map[string]string{"sistemi": "sistemi-idp"}, Providers: []string{"local", "sistemi-idp"}}

func provEnv(t *testing.T) (*env, *directory) {
	dir := &directory{accounts: map[string]string{"sistemi-idp/MRTMTT91D08F205J": "existing-7"}}
	e := newEnv(t, func(c *auth.Config) { c.Directory = dir; c.Providers = policy })
	return e, dir
}

func subject(id, code string) auth.Subject {
	return auth.Subject{ID: id, Name: "Mario", Surname: "Rossi", FiscalCode: code}
}

func TestProvisionCreatesAccountAndQueuesRegistration(t *testing.T) {
	e, dir := provEnv(t)
	p, err := e.desk.ProvisionProfile(e.ctx, e.admin, auth.ProfileInput{Subject: subject("s-1", "rssmra80a01h501u"), Class: "sistemi", Email: "mario@impianto.example"})
	require.NoError(t, err)
	assert.Equal(t, "sistemi-idp", p.Provider, "the class's only provider is the default")
	assert.Equal(t, "sistemi-idp-acc-1", p.ProviderAccount)
	assert.Equal(t, "RSSMRA80A01H501U", p.FiscalCode.String())
	assert.Equal(t, 1, dir.created)
	n, err := e.desk.DeliverNotifications(e.ctx, tenant, 0)
	require.NoError(t, err)
	assert.Equal(t, 2, n, "the admin's password notice and the registration e-mail")
	reg := e.inbox.last(t, auth.NotifyProviderRegistration)
	assert.Equal(t, p.ID, reg.ProfileID)
	assert.Equal(t, "mario@impianto.example", reg.Recipient)
}

func TestProvisionAssociatesExistingAccount(t *testing.T) {
	e, dir := provEnv(t)
	p, err := e.desk.ProvisionProfile(e.ctx, e.admin, auth.ProfileInput{Subject: subject("s-2", "MRTMTT91D08F205J"), Class: "sistemi", Email: "m@x.example"})
	require.NoError(t, err)
	assert.Equal(t, "existing-7", p.ProviderAccount)
	assert.Zero(t, dir.created)
	assert.True(t, p.ActivationSentAt.IsZero(), "no registration e-mail for an existing account")
}

func TestProvisionSubjectWins(t *testing.T) {
	e, _ := provEnv(t)
	in := auth.ProfileInput{Subject: subject("s-3", "RSSMRA80A01H501U"), Class: "sistemi", Email: "m@x.example"}
	first, err := e.desk.ProvisionProfile(e.ctx, e.admin, in)
	require.NoError(t, err)
	in.Subject.Surname = "Rossi Bianchi"
	second, err := e.desk.ProvisionProfile(e.ctx, e.admin, in)
	require.NoError(t, err)
	assert.Equal(t, first.ID, second.ID, "one profile per subject")
	assert.Equal(t, "Rossi Bianchi", second.Surname)
	assert.Equal(t, first.ProviderAccount, second.ProviderAccount)
}

func TestProvisionValidates(t *testing.T) {
	e, dir := provEnv(t)
	tests := map[string]auth.ProfileInput{
		"placeholder code": {Subject: subject("s", "XXXXXX00A01H501?"), Class: "sistemi", Email: "m@x.example"},
		"no code":          {Subject: subject("s", ""), Class: "sistemi", Email: "m@x.example"},
		"bad check char":   {Subject: subject("s", "RSSMRA80A01H501A"), Class: "sistemi", Email: "m@x.example"},
		"no name":          {Subject: auth.Subject{ID: "s", Surname: "Rossi", FiscalCode: "RSSMRA80A01H501U"}, Class: "sistemi", Email: "m@x.example"},
		"bad email":        {Subject: subject("s", "RSSMRA80A01H501U"), Class: "sistemi", Email: "nope"},
		"no class":         {Subject: subject("s", "RSSMRA80A01H501U"), Email: "m@x.example"},
	}
	for name, in := range tests {
		_, err := e.desk.ProvisionProfile(e.ctx, e.admin, in)
		assert.ErrorIs(t, err, auth.ErrValidation, name)
		assert.NotContains(t, err.Error(), "RSSMRA80A01H501", "no personal data in errors")
	}
	_, err := e.desk.ProvisionProfile(e.ctx, e.admin, auth.ProfileInput{Subject: subject("s", "RSSMRA80A01H501U"), Class: "sistemi", Email: "m@x.example", Provider: "local"})
	assert.ErrorIs(t, err, auth.ErrPolicy, "another provider for a one-provider class")
	assert.Zero(t, dir.created)
}

func TestProvisionRefusesPlaceholderCode(t *testing.T) {
	e, _ := provEnv(t)
	_, err := e.desk.ProvisionProfile(e.ctx, e.admin, auth.ProfileInput{Subject: subject("s", "00000000000"), Class: "sistemi", Email: "m@x.example"})
	assert.ErrorIs(t, err, auth.ErrValidation)
}

func TestProvisionUnauthorizedChangesNothing(t *testing.T) {
	e, dir := provEnv(t)
	dir.unauthorized = true
	_, err := e.desk.ProvisionProfile(e.ctx, e.admin, auth.ProfileInput{Subject: subject("s-4", "RSSMRA80A01H501U"), Class: "sistemi", Email: "m@x.example"})
	assert.ErrorIs(t, err, auth.ErrProviderUnauthorized)
	_, err = e.store.FindProfileBySubject(e.ctx, tenant, "s-4")
	assert.ErrorIs(t, err, auth.ErrNotFound)
	n, _ := e.desk.DeliverNotifications(e.ctx, tenant, 0)
	assert.Equal(t, 1, n, "only the admin's password notice")
}

func TestProfileCorrections(t *testing.T) {
	e, _ := provEnv(t)
	p, err := e.desk.ProvisionProfile(e.ctx, e.admin, auth.ProfileInput{Subject: subject("s-5", "RSSMRA80A01H501U"), Class: "other", Email: "m@x.example", Provider: "local"})
	require.NoError(t, err)
	manager := e.actor(t, "manager")
	_, err = e.desk.CancelAssociation(e.ctx, manager, p.ID)
	assert.ErrorIs(t, err, auth.ErrForbidden, "administrators only")

	_, err = e.desk.SwitchProvider(e.ctx, e.admin, p.ID, "elsewhere")
	assert.ErrorIs(t, err, auth.ErrPolicy)
	sw, err := e.desk.SwitchProvider(e.ctx, e.admin, p.ID, "sistemi-idp")
	require.NoError(t, err)
	assert.Equal(t, "sistemi-idp", sw.Provider)
	assert.Empty(t, sw.ProviderAccount, "the old provider's account is no longer associated")

	// A one-provider class cannot be switched away.
	q, err := e.desk.ProvisionProfile(e.ctx, e.admin, auth.ProfileInput{Subject: subject("s-6", "MRTMTT91D08F205J"), Class: "sistemi", Email: "m@x.example"})
	require.NoError(t, err)
	_, err = e.desk.SwitchProvider(e.ctx, e.admin, q.ID, "local")
	assert.ErrorIs(t, err, auth.ErrPolicy)

	_, err = e.desk.ResendActivation(e.ctx, e.admin, q.ID)
	require.NoError(t, err)
	_, err = e.desk.ResendActivation(e.ctx, e.admin, q.ID)
	var te *auth.ThrottledError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, 10*time.Minute, te.RetryAfter)
	e.clock.Advance(10 * time.Minute)
	_, err = e.desk.ResendActivation(e.ctx, e.admin, q.ID)
	require.NoError(t, err)

	c, err := e.desk.CancelAssociation(e.ctx, e.admin, q.ID)
	require.NoError(t, err)
	assert.Empty(t, c.ProviderAccount)
	_, err = e.desk.ResendActivation(e.ctx, e.admin, q.ID)
	assert.ErrorIs(t, err, auth.ErrPolicy, "nothing to activate without an association")
}
