package auth_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sportello/sportello/auth"
)

func TestPrincipalPredicates(t *testing.T) {
	fc, err := auth.ParseFiscalCode("RSSMRA80A01H501U")
	if err != nil {
		t.Fatal(err)
	}
	operator := auth.Principal{ID: "o", Tenant: "t", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator},
		Services: []string{"svc"}, Calendars: []string{"cal"}, Offices: []string{"office"}}
	manager := operator
	manager.Roles = []auth.Role{auth.RoleOperator, auth.RoleManager}
	admin := auth.Principal{ID: "a", Tenant: "t", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator, auth.RoleAdmin}}
	citizen := auth.Principal{ID: fc.String(), Tenant: "t", Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen},
		FiscalCode: fc, Level: auth.LevelL2, Services: []string{"svc"}, Offices: []string{"office"}}
	// A citizen or system principal that claims staff roles gets none of them.
	forged := auth.Principal{ID: "x", Tenant: "t", Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleAdmin}, Calendars: []string{"cal"}}
	system := auth.System("t")

	tests := []struct {
		name                                    string
		p                                       auth.Principal
		citizen, op, sys, mgr, adm              bool
		service, otherService, calendar, office bool
		meetsL2, meetsL3                        bool
	}{
		{"operator", operator, false, true, false, false, false, true, false, true, true, false, false},
		{"manager", manager, false, true, false, true, false, true, false, true, true, false, false},
		{"admin", admin, false, true, false, true, true, true, true, true, false, false, false},
		{"citizen", citizen, true, false, false, false, false, false, false, false, false, true, false},
		{"forged citizen", forged, true, false, false, false, false, false, false, false, false, false, false},
		{"system", system, false, false, true, false, false, false, false, false, false, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.p
			assert.Equal(t, tc.citizen, p.IsCitizen(), "IsCitizen")
			assert.Equal(t, tc.op, p.IsOperator(), "IsOperator")
			assert.Equal(t, tc.sys, p.IsSystem(), "IsSystem")
			assert.Equal(t, tc.mgr, p.IsManager(), "IsManager")
			assert.Equal(t, tc.adm, p.IsAdmin(), "IsAdmin")
			assert.Equal(t, tc.service, p.CanWorkOnService("svc"), "CanWorkOnService(svc)")
			assert.Equal(t, tc.otherService, p.CanWorkOnService("other"), "CanWorkOnService(other)")
			assert.False(t, p.CanWorkOnService(""), "the empty service")
			assert.Equal(t, tc.calendar, p.CanUseCalendar("cal"), "CanUseCalendar")
			assert.Equal(t, tc.office, p.InOffice("office"), "InOffice")
			assert.False(t, p.InOffice(""), "the empty office")
			assert.Equal(t, tc.meetsL2, p.MeetsLevel(auth.LevelL2), "MeetsLevel(L2)")
			assert.Equal(t, tc.meetsL3, p.MeetsLevel(auth.LevelL3), "MeetsLevel(L3)")
		})
	}
	assert.True(t, citizen.HasRole(auth.RoleCitizen))
	assert.False(t, operator.HasRole(auth.RoleCitizen), "staff never hold the citizen role")
	assert.False(t, operator.HasRole("superuser"), "unknown roles are never held")
}

func TestRolesKindsLevels(t *testing.T) {
	for _, r := range []auth.Role{auth.RoleCitizen, auth.RoleOperator, auth.RoleManager, auth.RoleAdmin} {
		assert.True(t, r.Valid(), r)
	}
	assert.False(t, auth.Role("root").Valid())
	assert.Equal(t, []string{"citizen", "operator", "system", "unknown"},
		[]string{auth.KindCitizen.String(), auth.KindOperator.String(), auth.KindSystem.String(), auth.Kind(0).String()})
	assert.Equal(t, []string{"none", "L1", "L2", "L3", "unknown"},
		[]string{auth.LevelNone.String(), auth.LevelL1.String(), auth.LevelL2.String(), auth.LevelL3.String(), auth.Level(9).String()})
	levels := []auth.Level{auth.LevelNone, auth.LevelL1, auth.LevelL2, auth.LevelL3}
	for i, have := range levels {
		for j, need := range levels {
			assert.Equal(t, i >= j, have.Meets(need), "%s meets %s", have, need)
		}
	}
}

func TestProviderPolicyRules(t *testing.T) {
	p := auth.ProviderPolicy{OneProvider: map[string]string{"installers": "sistemi"}, Providers: []string{"local", "spid"}}
	open := auth.ProviderPolicy{}
	tests := []struct {
		name            string
		policy          auth.ProviderPolicy
		class, provider string
		allowed         bool
	}{
		{"the one provider", p, "installers", "sistemi", true},
		{"another provider for a one-provider class", p, "installers", "local", false},
		{"a listed provider", p, "staff", "spid", true},
		{"an unlisted provider", p, "staff", "sistemi", false},
		{"empty provider", p, "staff", "", false},
		{"any provider when none is listed", open, "staff", "whatever", true},
		{"empty provider when none is listed", open, "staff", "", false},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.allowed, tc.policy.Allowed(tc.class, tc.provider), tc.name)
	}
	assert.Equal(t, "sistemi", p.Default("installers"))
	assert.Equal(t, "local", p.Default("staff"))
	assert.Equal(t, "", open.Default("staff"))
	assert.True(t, p.HasOneProvider("installers"))
	assert.False(t, p.HasOneProvider("staff"))
}

func TestThrottledErrorAndConflictMessages(t *testing.T) {
	assert.Equal(t, "auth: conflict: email already in use", (&auth.ConflictError{Field: "email"}).Error())
	assert.Equal(t, "auth: conflict: the record changed since it was read", (&auth.ConflictError{Field: "version"}).Error())
	assert.ErrorIs(t, &auth.ThrottledError{}, auth.ErrThrottled)
	assert.ErrorIs(t, &auth.ConflictError{}, auth.ErrConflict)
	assert.ErrorIs(t, &auth.PermissionError{}, auth.ErrForbidden)
}
