package memstore_test

import (
	"context"
	"fmt"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/calendar"
	"github.com/sportello/sportello/calendar/memstore"
)

// A Desk over the in-memory store: titles are unique per tenant.
func Example() {
	desk, err := calendar.New(calendar.Config{Store: memstore.New()})
	if err != nil {
		panic(err)
	}
	admin := auth.Principal{ID: "op-1", Tenant: "comune-a", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator, auth.RoleAdmin}}
	ctx := context.Background()
	_, err = desk.CreateCalendar(ctx, admin, calendar.NewCalendar{Title: "Anagrafe", Location: "Via Roma 1"})
	fmt.Println(err)
	_, err = desk.CreateCalendar(ctx, admin, calendar.NewCalendar{Title: "anagrafe", Location: "Via Roma 2"})
	fmt.Println(err)
	// Output:
	// <nil>
	// calendar: conflict: title already in use
}
