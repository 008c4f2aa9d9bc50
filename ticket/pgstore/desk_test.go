package pgstore_test

import (
	"context"
	"testing"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/pgtest"
	"github.com/sportello/sportello/ticket"
	"github.com/sportello/sportello/ticket/memstore"
	"github.com/sportello/sportello/ticket/pgstore"
)

// A Desk on PostgreSQL: a request's life saves its notifications with
// each change, the first with the Ref the database allocated, and the
// outbox drains to empty.
func TestDeskOnPostgres(t *testing.T) {
	ctx := context.Background()
	store, err := pgstore.New(ctx, pgtest.NewPool(t))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	n := ticket.NotifierFunc(func(_ context.Context, n ticket.Notification) error {
		got = append(got, n.Ref+" "+string(n.Kind))
		return nil
	})
	desk, err := ticket.New(ticket.Config{Store: store, Blobs: memstore.NewBlobs(), Notifier: n})
	if err != nil {
		t.Fatal(err)
	}
	admin := auth.Principal{ID: "adm", Tenant: "uni", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleAdmin}}
	agent := auth.Principal{ID: "ag-1", Tenant: "uni", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator}, Offices: []string{"desk"}}
	student := auth.Principal{ID: "st-1", Tenant: "uni", Kind: auth.KindCitizen}
	fam, err := desk.CreateFamily(ctx, admin, ticket.FamilyInput{Name: "Digital"})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := desk.CreateService(ctx, admin, ticket.ServiceInput{FamilyID: fam.ID, Name: "Mail", TeamID: "desk"})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := desk.CreateSubcategory(ctx, admin, ticket.SubcategoryInput{ServiceID: svc.ID, Name: "Outage", Type: ticket.TypeIncident})
	if err != nil {
		t.Fatal(err)
	}
	r, err := desk.Create(ctx, student, ticket.NewRequest{ServiceID: svc.ID, SubcategoryID: sub.ID, Title: "No mail", Description: "Since 9"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := desk.Assign(ctx, agent, r.ID, "", agent.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := desk.Comment(ctx, student, r.ID, "Still nothing"); err != nil {
		t.Fatal(err)
	}
	sent, err := desk.DeliverNotifications(ctx, "uni", 10)
	if err != nil || sent != 3 {
		t.Fatalf("delivered %d: %v", sent, err)
	}
	want := []string{"R-000001 new_request", "R-000001 assigned", "R-000001 party_comment"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("delivered %q, want %q", got, want)
		}
	}
	if sent, err := desk.DeliverNotifications(ctx, "uni", 10); sent != 0 || err != nil {
		t.Fatalf("outbox not drained: %d %v", sent, err)
	}
}
