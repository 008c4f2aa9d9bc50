package memstore_test

import (
	"context"
	"fmt"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/practice"
	"github.com/sportello/sportello/practice/memstore"
)

// The in-memory store is the default Store of a practice.Desk.
func Example() {
	ctx := context.Background()
	desk, err := practice.New(practice.Config{Store: memstore.New()})
	if err != nil {
		panic(err)
	}
	admin := auth.Principal{ID: "admin", Tenant: "comune", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleAdmin}}
	fc, _ := auth.ParseFiscalCode("RSSMRA80A01H501U")
	citizen := auth.Principal{ID: "mario", Tenant: "comune", Kind: auth.KindCitizen, FiscalCode: fc, Level: auth.LevelL2}
	if _, err := desk.CreateService(ctx, admin, practice.Service{
		ID: "bonus", Name: "Bonus", Status: practice.ServiceAvailable,
		Workflow: practice.WorkflowApproval, Payment: practice.PaymentNone,
	}); err != nil {
		panic(err)
	}
	p, err := desk.Create(ctx, citizen, practice.NewPractice{Service: "bonus"})
	if err != nil {
		panic(err)
	}
	p, err = desk.Submit(ctx, citizen, p.ID)
	if err != nil {
		panic(err)
	}
	page, _ := desk.ListTab(ctx, citizen, practice.TabPending, "", 10)
	fmt.Println(p.Status.Label("it"), p.Version, len(page.Items))
	// Output: Inviata 2 1
}
