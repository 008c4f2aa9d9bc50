package ticket

import (
	"errors"
	"testing"

	"github.com/sportello/sportello/auth"
)

func TestPermissionMatrix(t *testing.T) {
	r := &Request{ID: "r1", Tenant: "t1", RequesterID: "u-req", Contacts: []string{"u-con"}, TeamID: "team-a"}
	actors := map[string]auth.Principal{
		"requester":     {ID: "u-req", Tenant: "t1", Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen}},
		"contact":       {ID: "u-con", Tenant: "t1", Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen}},
		"other user":    {ID: "u-other", Tenant: "t1", Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen}},
		"team agent":    {ID: "ag-a", Tenant: "t1", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator}, Offices: []string{"team-a"}},
		"other agent":   {ID: "ag-b", Tenant: "t1", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator}, Offices: []string{"team-b"}},
		"admin":         {ID: "adm", Tenant: "t1", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator, auth.RoleAdmin}},
		"foreign admin": {ID: "adm", Tenant: "t2", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator, auth.RoleAdmin}},
	}
	party := "view comment attach add_contact remove_contact close reopen"
	agent := "view comment attach add_contact remove_contact reopen assign reassign pending resolve wait_for_approval approve reject private_log view_private"
	allowed := map[string]string{
		"requester":     party,
		"contact":       party,
		"other user":    "",
		"team agent":    agent,
		"other agent":   "",
		"admin":         agent,
		"foreign admin": "",
	}
	for name, who := range actors {
		for _, a := range Actions() {
			want := containsWord(allowed[name], string(a))
			err := Authorize(who, a, r)
			if want && err != nil {
				t.Errorf("%s %s: %v, want allowed", name, a, err)
			}
			if !want {
				var pe *auth.PermissionError
				if !errors.As(err, &pe) || !errors.Is(err, auth.ErrForbidden) {
					t.Errorf("%s %s: %v, want *auth.PermissionError", name, a, err)
				}
			}
		}
	}
}

// The contact's rights are the requester's, action by action, whatever
// the request: one rule serves both.
func TestContactHasExactlyTheRequesterRights(t *testing.T) {
	req := auth.Principal{ID: "u-req", Tenant: "t1", Kind: auth.KindCitizen}
	con := auth.Principal{ID: "u-con", Tenant: "t1", Kind: auth.KindCitizen}
	for _, team := range []string{"", "team-a"} {
		for _, s := range Statuses() {
			r := &Request{ID: "r1", Tenant: "t1", RequesterID: "u-req", Contacts: []string{"u-con"}, TeamID: team, Status: s}
			for _, a := range Actions() {
				if (Authorize(req, a, r) == nil) != (Authorize(con, a, r) == nil) {
					t.Errorf("team %q status %s action %s: requester and contact differ", team, s, a)
				}
			}
		}
	}
}

func TestCatalogueAndQueuePermissions(t *testing.T) {
	mgr := auth.Principal{ID: "m", Tenant: "t1", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator, auth.RoleManager}}
	op := auth.Principal{ID: "o", Tenant: "t1", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator}, Offices: []string{"team-a"}}
	cit := auth.Principal{ID: "c", Tenant: "t1", Kind: auth.KindCitizen}
	if AuthorizeCatalogue(mgr, "t1") != nil || AuthorizeCatalogue(op, "t1") == nil || AuthorizeCatalogue(cit, "t1") == nil || AuthorizeCatalogue(mgr, "t2") == nil {
		t.Error("catalogue permission")
	}
	if AuthorizeQueue(op, "t1", "team-a") != nil || AuthorizeQueue(op, "t1", "team-b") == nil || AuthorizeQueue(cit, "t1", "team-a") == nil || AuthorizeQueue(op, "t1", "") == nil {
		t.Error("queue permission")
	}
}

func containsWord(list, w string) bool {
	start := 0
	for i := 0; i <= len(list); i++ {
		if i == len(list) || list[i] == ' ' {
			if list[start:i] == w {
				return true
			}
			start = i + 1
		}
	}
	return false
}
