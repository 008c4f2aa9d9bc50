package practice_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/sportello/sportello/practice"
	"github.com/sportello/sportello/practice/memstore"
)

// A bulk change edited in a spreadsheet: each row says what a pratica's
// operator, office and status should become, and goes through the same
// rules and permissions as Assign and ChangeStatus. A refused row changes
// nothing.
func ExampleDesk_ApplyCSV() {
	ctx := context.Background()
	desk, err := practice.New(practice.Config{Store: memstore.New(), AcquireOnSubmit: true})
	if err != nil {
		panic(err)
	}
	admin, citizen, operator := exampleActors()
	if _, err := desk.CreateService(ctx, admin, practice.Service{
		ID: "bonus", Name: "Bonus famiglie", Office: "servizi-sociali", Status: practice.ServiceAvailable,
		Workflow: practice.WorkflowApproval, Payment: practice.PaymentNone, AllowStatusChange: true,
	}); err != nil {
		panic(err)
	}
	var ids []string
	for range 2 {
		p, _ := desk.Create(ctx, citizen, practice.NewPractice{Service: "bonus"})
		if _, err := desk.Submit(ctx, citizen, p.ID); err != nil {
			panic(err)
		}
		ids = append(ids, string(p.ID))
	}
	sheet := "ID;Operatore;Ufficio;Stato\r\n" +
		ids[0] + ";anna;servizi-sociali;Protocollata\r\n" + // assign and register
		ids[1] + ";anna;servizi-sociali;Bozza\r\n" // no operator may force a draft
	totals, err := desk.ApplyCSV(ctx, operator, strings.NewReader(sheet), func(r practice.BulkRow) {
		fmt.Println("line", r.Line, r.Outcome)
	})
	fmt.Printf("%+v %v\n", totals, err)
	for _, id := range ids {
		p, _ := desk.Get(ctx, operator, practice.ID(id))
		fmt.Printf("%q %s\n", p.Assignee, p.Status)
	}
	// Output:
	// line 2 changed
	// line 3 refused
	// {Changed:1 Unchanged:0 Refused:1} <nil>
	// "anna" registered
	// "" submitted
}
