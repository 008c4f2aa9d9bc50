package memstore_test

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/ticket"
	"github.com/sportello/sportello/ticket/memstore"
)

// A Desk on the in-memory stores: requests in a Store, attachment content
// in Blobs.
func Example() {
	ctx := context.Background()
	blobs := memstore.NewBlobs()
	desk, err := ticket.New(ticket.Config{Store: memstore.New(), Blobs: blobs})
	if err != nil {
		panic(err)
	}
	admin := auth.Principal{ID: "adm", Tenant: "uni", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleAdmin}}
	user := auth.Principal{ID: "u1", Tenant: "uni", Kind: auth.KindCitizen}
	fam, _ := desk.CreateFamily(ctx, admin, ticket.FamilyInput{Name: "Digital"})
	svc, _ := desk.CreateService(ctx, admin, ticket.ServiceInput{FamilyID: fam.ID, Name: "E-mail"})
	sub, _ := desk.CreateSubcategory(ctx, admin, ticket.SubcategoryInput{ServiceID: svc.ID, Name: "Cannot send", Type: ticket.TypeIncident})

	r, _ := desk.Create(ctx, user, ticket.NewRequest{ServiceID: svc.ID, SubcategoryID: sub.ID, Title: "Mail stuck", Description: "Outbox full"})
	a, _ := desk.Attach(ctx, user, r.ID, "error.txt", strings.NewReader("550 mailbox unavailable"))
	_, rc, _ := desk.OpenAttachment(ctx, user, r.ID, a.ID)
	content, _ := io.ReadAll(rc)
	_ = rc.Close()
	fmt.Println(r.Ref, a.MIME, a.Size, blobs.Len())
	fmt.Println(string(content))
	// Output:
	// R-000001 text/plain; charset=utf-8 23 1
	// 550 mailbox unavailable
}
