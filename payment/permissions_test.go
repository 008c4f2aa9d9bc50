package payment

import (
	"errors"
	"testing"

	"github.com/sportello/sportello/auth"
)

func TestAuthorizeMatrix(t *testing.T) {
	fc, err := auth.ParseFiscalCode("RSSMRA80A01H501U")
	if err != nil {
		t.Fatal(err)
	}
	const payer, otherPayer, service = "RSSMRA80A01H501U", "MRTMTT91D08F205J", "svc-1"
	actors := map[string]auth.Principal{
		"system":          auth.System("t1"),
		"system other":    auth.System("t2"),
		"operator on svc": {ID: "o1", Tenant: "t1", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator}, Services: []string{service}},
		"operator off":    {ID: "o2", Tenant: "t1", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator}, Services: []string{"svc-2"}},
		"manager off":     {ID: "m1", Tenant: "t1", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator, auth.RoleManager}},
		"admin":           {ID: "a1", Tenant: "t1", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator, auth.RoleAdmin}},
		"admin other":     {ID: "a2", Tenant: "t2", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleAdmin}},
		"citizen payer":   {ID: "c1", Tenant: "t1", Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen}, FiscalCode: fc},
		"citizen no code": {ID: "c2", Tenant: "t1", Kind: auth.KindCitizen},
	}
	type row struct {
		actor  string
		action Action
		payer  string
		ok     bool
	}
	var rows []row
	all := func(actor string, ok bool) {
		for _, a := range Actions {
			rows = append(rows, row{actor, a, payer, ok})
		}
	}
	all("system", true)
	all("system other", false)
	all("admin other", false)
	all("operator off", false)
	all("manager off", false)
	all("citizen no code", false)
	for _, actor := range []string{"operator on svc", "admin"} {
		for _, a := range Actions {
			rows = append(rows, row{actor, a, payer, a != ActionNotify})
		}
	}
	citizen := map[Action]bool{ActionCreate: true, ActionView: true, ActionRegisterStamp: true, ActionRefresh: true}
	for _, a := range Actions {
		rows = append(rows, row{"citizen payer", a, payer, citizen[a]})
		rows = append(rows, row{"citizen payer", a, otherPayer, false})
	}
	rows = append(rows, row{"citizen payer", ActionView, "rssmra80a01h501u", true})

	for _, r := range rows {
		err := Authorize(actors[r.actor], r.action, &Payment{Tenant: "t1", Payer: r.payer, Service: service})
		if r.ok && err != nil {
			t.Errorf("%s %s: %v, want allowed", r.actor, r.action, err)
		}
		if !r.ok {
			var pe *auth.PermissionError
			if !errors.As(err, &pe) || !errors.Is(err, auth.ErrForbidden) || pe.Action != auth.Action(r.action) {
				t.Errorf("%s %s (payer %s): %v, want *auth.PermissionError", r.actor, r.action, r.payer[:3], err)
			}
		}
	}
	if err := Authorize(auth.Principal{Tenant: "t1"}, ActionView, &Payment{Tenant: "t1", Payer: payer, Service: service}); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("principal without kind: %v", err)
	}
}
