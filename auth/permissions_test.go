package auth_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/auth"
)

// actors of the permission matrix, built in an env.
var actorNames = []string{"admin", "manager", "operator", "citizen", "system"}

func (e *env) actor(t *testing.T, name string) auth.Principal {
	t.Helper()
	switch name {
	case "admin":
		return e.admin
	case "manager":
		m := e.operator(t, e.admin, auth.NewOperator{Username: "the.manager", Email: "manager@comune.example", Manager: true,
			Services: []string{"svc-1", "svc-2"}, Calendars: []string{"cal-1"}, Offices: []string{"registry"}}, "gestione ufficio anagrafe")
		return m.Principal()
	case "operator":
		o := e.operator(t, e.admin, auth.NewOperator{Username: "plain.operator", Email: "op@comune.example",
			Services: []string{"svc-1"}}, "sportello numero sette")
		return o.Principal()
	case "citizen":
		return auth.Principal{ID: "RSSMRA80A01H501U", Tenant: tenant, Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen}, Level: auth.LevelL2}
	case "system":
		return auth.System(tenant)
	}
	t.Fatalf("unknown actor %s", name)
	return auth.Principal{}
}

// do runs one administration action through the desk on target.
func do(ctx context.Context, d *auth.Desk, who auth.Principal, a auth.Action, target string) error {
	var err error
	switch a {
	case auth.ActionCreateOperator:
		_, err = d.CreateOperator(ctx, who, auth.NewOperator{Username: "new.operator", Email: "new@comune.example", Services: []string{"svc-1"}})
	case auth.ActionViewOperator:
		_, err = d.GetOperator(ctx, who, target)
	case auth.ActionListOperators:
		_, err = d.ListOperators(ctx, who, "", 10)
	case auth.ActionDisableOperator:
		_, err = d.DisableOperator(ctx, who, target)
	case auth.ActionEnableOperator:
		_, err = d.EnableOperator(ctx, who, target)
	case auth.ActionDeleteOperator:
		err = d.DeleteOperator(ctx, who, target)
	case auth.ActionSetServices:
		_, err = d.SetServices(ctx, who, target, []string{"svc-2"})
	case auth.ActionSetCalendars:
		_, err = d.SetCalendars(ctx, who, target, []string{"cal-1"})
	case auth.ActionSetOffices:
		_, err = d.SetOffices(ctx, who, target, []string{"registry"})
	case auth.ActionGrantManager:
		_, err = d.GrantManager(ctx, who, target)
	case auth.ActionRevokeManager:
		_, err = d.RevokeManager(ctx, who, target)
	case auth.ActionGrantAdmin:
		_, err = d.GrantAdmin(ctx, who, target)
	case auth.ActionRevokeAdmin:
		_, err = d.RevokeAdmin(ctx, who, target)
	default:
		err = errors.New("no such action in the matrix")
	}
	return err
}

// TestOperatorPermissionMatrix is the whole account-administration matrix:
// every action by every kind of actor on a plain operator of the same
// tenant, through the Desk. "y" = allowed, "-" = ErrForbidden.
func TestOperatorPermissionMatrix(t *testing.T) {
	matrix := map[auth.Action]string{
		//                       admin manager operator citizen system
		auth.ActionCreateOperator:  "yy---",
		auth.ActionViewOperator:    "yy---",
		auth.ActionListOperators:   "yy---",
		auth.ActionDisableOperator: "yy---",
		auth.ActionEnableOperator:  "yy---",
		auth.ActionDeleteOperator:  "yy---",
		auth.ActionSetServices:     "yy---",
		auth.ActionSetCalendars:    "yy---",
		auth.ActionSetOffices:      "yy---",
		auth.ActionGrantManager:    "yy---",
		auth.ActionRevokeManager:   "yy---",
		auth.ActionGrantAdmin:      "y----",
		auth.ActionRevokeAdmin:     "y----",
	}
	require.Len(t, matrix, len(auth.OperatorActions), "every action is in the matrix")
	for _, action := range auth.OperatorActions {
		row := matrix[action]
		for i, name := range actorNames {
			t.Run(string(action)+"/"+name, func(t *testing.T) {
				e := newEnv(t)
				who := e.actor(t, name)
				target, err := e.desk.CreateOperator(e.ctx, e.admin, auth.NewOperator{Username: "target.op", Email: "target@comune.example",
					Manager: action == auth.ActionRevokeManager, Admin: action == auth.ActionRevokeAdmin, Services: []string{"svc-1"}})
				require.NoError(t, err)
				err = do(e.ctx, e.desk, who, action, target.ID)
				if row[i] == 'y' {
					assert.NoError(t, err)
				} else {
					assert.ErrorIs(t, err, auth.ErrForbidden)
					var pe *auth.PermissionError
					require.ErrorAs(t, err, &pe)
					assert.Equal(t, action, pe.Action)
				}
			})
		}
	}
}

func TestManagerCannotChangeAnAdministrator(t *testing.T) {
	e := newEnv(t)
	manager := e.actor(t, "manager")
	for _, action := range auth.OperatorActions {
		if action == auth.ActionCreateOperator || action == auth.ActionListOperators || action == auth.ActionViewOperator {
			continue
		}
		err := do(e.ctx, e.desk, manager, action, e.admin.ID)
		assert.ErrorIs(t, err, auth.ErrForbidden, action)
	}
	_, err := e.desk.GetOperator(e.ctx, manager, e.admin.ID)
	assert.NoError(t, err, "a manager may look at an administrator")
}

func TestAnotherTenantsAccountIsNotFound(t *testing.T) {
	e := newEnv(t)
	stranger := e.admin
	stranger.Tenant = "another-body"
	for _, action := range auth.OperatorActions {
		if action == auth.ActionCreateOperator || action == auth.ActionListOperators {
			continue
		}
		err := do(e.ctx, e.desk, stranger, action, e.admin.ID)
		assert.ErrorIs(t, err, auth.ErrNotFound, action)
	}
	list, err := e.desk.ListOperators(e.ctx, stranger, "", 10)
	require.NoError(t, err)
	assert.Empty(t, list.Items)
}

func TestAuthorizeRules(t *testing.T) {
	op := &auth.Account{Tenant: tenant, ID: "x", Roles: []auth.Role{auth.RoleOperator}}
	admin := &auth.Account{Tenant: tenant, ID: "y", Roles: []auth.Role{auth.RoleOperator, auth.RoleAdmin}}
	foreign := &auth.Account{Tenant: "other", ID: "z", Roles: []auth.Role{auth.RoleOperator}}
	mgr := auth.Principal{ID: "m", Tenant: tenant, Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator, auth.RoleManager}}
	adm := auth.Principal{ID: "a", Tenant: tenant, Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator, auth.RoleAdmin}}
	citizenWithAdminRole := auth.Principal{ID: "c", Tenant: tenant, Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleAdmin}}
	tests := []struct {
		name    string
		who     auth.Principal
		action  auth.Action
		target  *auth.Account
		missing string
	}{
		{"manager disables operator", mgr, auth.ActionDisableOperator, op, ""},
		{"manager disables admin", mgr, auth.ActionDisableOperator, admin, "role:admin"},
		{"manager grants admin", mgr, auth.ActionGrantAdmin, op, "role:admin"},
		{"manager resends activation", mgr, auth.ActionResendActivation, nil, "role:admin"},
		{"manager provisions", mgr, auth.ActionProvisionProfile, nil, ""},
		{"admin in another tenant", adm, auth.ActionDisableOperator, foreign, "tenant"},
		{"admin disables admin", adm, auth.ActionDisableOperator, admin, ""},
		{"citizen claiming admin role", citizenWithAdminRole, auth.ActionCreateOperator, nil, "kind:operator"},
		{"system", auth.System(tenant), auth.ActionCreateOperator, nil, "kind:operator"},
		{"admin of a tenant that breaks the text rule", auth.Principal{ID: "a", Tenant: "t\x00", Kind: auth.KindOperator, Roles: adm.Roles}, auth.ActionListOperators, nil, "tenant"},
		{"admin without tenant", auth.Principal{ID: "a", Kind: auth.KindOperator, Roles: adm.Roles}, auth.ActionListOperators, nil, "tenant"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := auth.Authorize(tc.who, tc.action, tc.target)
			if tc.missing == "" {
				assert.NoError(t, err)
				return
			}
			var pe *auth.PermissionError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.missing, pe.Missing)
		})
	}
}

func TestAuthorizeGrantWithinOwnRights(t *testing.T) {
	mgr := auth.Principal{ID: "m", Tenant: tenant, Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator, auth.RoleManager},
		Services: []string{"a", "b"}}
	adm := auth.Principal{ID: "x", Tenant: tenant, Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator, auth.RoleAdmin}}
	tests := []struct {
		name          string
		who           auth.Principal
		before, after []string
		ok            bool
	}{
		{"grant own", mgr, nil, []string{"a"}, true},
		{"grant foreign", mgr, nil, []string{"a", "c"}, false},
		{"keep foreign already held", mgr, []string{"c"}, []string{"c", "a"}, true},
		{"revoke foreign", mgr, []string{"c", "a"}, []string{"a"}, true},
		{"admin grants anything", adm, nil, []string{"z"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := auth.AuthorizeGrant(tc.who, auth.ActionSetServices, "service", tc.before, tc.after)
			if tc.ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, auth.ErrForbidden)
			}
		})
	}
}
