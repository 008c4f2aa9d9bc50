package auth_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/auth/memstore"
)

// Operators are listed a page at a time; Next continues the listing.
func ExampleDesk_ListOperators() {
	ctx := context.Background()
	desk, err := auth.New(auth.Config{Store: memstore.New(), Notifier: auth.NotifierFunc(func(context.Context, auth.Notification) error { return nil })})
	if err != nil {
		panic(err)
	}
	admin, _ := desk.Bootstrap(ctx, "comune", auth.NewOperator{Username: "root", Email: "it@comune.example"})
	for _, name := range []string{"anna", "bruno", "carla"} {
		if _, err := desk.CreateOperator(ctx, admin.Principal(), auth.NewOperator{Username: name, Email: name + "@comune.example"}); err != nil {
			panic(err)
		}
	}
	next, pages := "", 0
	for {
		page, err := desk.ListOperators(ctx, admin.Principal(), next, 2)
		if err != nil {
			panic(err)
		}
		pages++
		fmt.Println("page", pages, "holds", len(page.Items))
		if next = page.Next; next == "" {
			break
		}
	}
	// Output:
	// page 1 holds 2
	// page 2 holds 2
}

// Authorize is the account-administration permission rule: pure, so a host
// can show or hide a button without calling the Desk.
func ExampleAuthorize() {
	manager := auth.Principal{ID: "m", Tenant: "comune", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator, auth.RoleManager}}
	admin := &auth.Account{Tenant: "comune", ID: "a", Roles: []auth.Role{auth.RoleOperator, auth.RoleAdmin}}
	fmt.Println(auth.Authorize(manager, auth.ActionViewOperator, admin))
	err := auth.Authorize(manager, auth.ActionDisableOperator, admin)
	fmt.Println(errors.Is(err, auth.ErrForbidden), err)
	// Output:
	// <nil>
	// true auth: forbidden: disable_operator requires role:admin
}
