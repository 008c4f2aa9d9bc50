package ticket_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/ticket"
	"github.com/sportello/sportello/ticket/memstore"
)

// exampleDesk returns a Desk on memory stores with a fixed clock and a
// small catalogue: Digital > Workplace > {Broken PC, New account}.
func exampleDesk() (*ticket.Desk, *ticket.Service, *ticket.Subcategory) {
	ctx := context.Background()
	clock := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	desk, err := ticket.New(ticket.Config{
		Store: memstore.New(),
		Blobs: memstore.NewBlobs(),
		Now:   func() time.Time { clock = clock.Add(time.Minute); return clock },
		// The host's notifier looks up addresses by principal ID; this
		// one prints.
		Notifier: ticket.NotifierFunc(func(_ context.Context, n ticket.Notification) error {
			to := fmt.Sprint(n.Recipients)
			if len(n.Recipients) == 0 {
				to = "team " + n.Team
			}
			fmt.Println(n.Ref, n.Kind, "→", to)
			return nil
		}),
	})
	if err != nil {
		panic(err)
	}
	admin := auth.Principal{ID: "adm", Tenant: "uni", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleAdmin}}
	fam, _ := desk.CreateFamily(ctx, admin, ticket.FamilyInput{Name: "Digital"})
	svc, _ := desk.CreateService(ctx, admin, ticket.ServiceInput{
		FamilyID: fam.ID, Name: "Workplace", TeamID: "helpdesk",
		ExtraFields: []ticket.ExtraField{{Name: "local_team", Label: "Local support team",
			Type: ticket.FieldChoice, Required: true, Choices: []string{"north", "south"}}},
	})
	sub, _ := desk.CreateSubcategory(ctx, admin, ticket.SubcategoryInput{ServiceID: svc.ID, Name: "Broken PC", Type: ticket.TypeIncident})
	_, _ = desk.CreateSubcategory(ctx, admin, ticket.SubcategoryInput{ServiceID: svc.ID, Name: "New account", Type: ticket.TypeServiceRequest, Position: 1})
	old, _ := desk.CreateService(ctx, admin, ticket.ServiceInput{FamilyID: fam.ID, Name: "Fax", Status: ticket.ServiceObsolete})
	_, _ = desk.CreateSubcategory(ctx, admin, ticket.SubcategoryInput{ServiceID: old.ID, Name: "Paper jam", Type: ticket.TypeIncident})
	return desk, svc, sub
}

var (
	student   = auth.Principal{ID: "student-1", Tenant: "uni", Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen}}
	colleague = auth.Principal{ID: "student-2", Tenant: "uni", Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen}}
	agent     = auth.Principal{ID: "agent-1", Tenant: "uni", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator}, Offices: []string{"helpdesk"}}
)

// The portal shows the catalogue as a tree, a list or a mosaic; obsolete
// services are not offered.
func ExampleDesk_Catalogue() {
	desk, _, _ := exampleDesk()
	cat, _ := desk.Catalogue(context.Background(), student)
	for _, f := range cat.Tree() {
		fmt.Println(f.Family.Name)
		for _, s := range f.Services {
			fmt.Println("  " + s.Service.Name)
			for _, sub := range s.Subcategories {
				fmt.Printf("    %s (%s)\n", sub.Name, sub.Type)
			}
		}
	}
	for _, e := range cat.List() {
		fmt.Println(e.Path)
	}
	for _, tile := range cat.Mosaic() {
		fmt.Printf("[%s: %d kinds of request]\n", tile.Name, tile.Subcategories)
	}
	// Output:
	// Digital
	//   Workplace
	//     Broken PC (incident)
	//     New account (service_request)
	// Digital > Workplace > Broken PC
	// Digital > Workplace > New account
	// [Workplace: 2 kinds of request]
}

// Creating a request validates every field at once, then computes the
// priority and allocates the reference.
func ExampleDesk_Create() {
	desk, svc, sub := exampleDesk()
	ctx := context.Background()
	_, err := desk.Create(ctx, student, ticket.NewRequest{ServiceID: svc.ID, SubcategoryID: sub.ID})
	fmt.Println(err)

	r, err := desk.Create(ctx, student, ticket.NewRequest{
		ServiceID: svc.ID, SubcategoryID: sub.ID,
		Title: "PC does not boot", Description: "Black screen since this morning",
		Extra:  map[string]string{"local_team": "north"},
		Impact: ticket.ImpactService, Urgency: ticket.UrgencyHigh,
	})
	fmt.Println(err)
	fmt.Println(r.Ref, r.Status, r.Type, "priority", r.Priority, "team", r.TeamID, "origin", r.Origin)
	// Output:
	// ticket: invalid input: title: is required; description: is required; extra.local_team: is required
	// <nil>
	// R-000001 new incident priority 2 team helpdesk origin portal
}

// A contact has exactly the requester's rights: here a colleague added as
// contact comments on the request, and both see the public log, newest
// first; the agent's private note stays hidden from them.
func ExampleDesk_Comment() {
	desk, svc, sub := exampleDesk()
	ctx := context.Background()
	r, _ := desk.Create(ctx, student, ticket.NewRequest{
		ServiceID: svc.ID, SubcategoryID: sub.ID, Title: "Wi-Fi down", Description: "Room B12",
		Extra: map[string]string{"local_team": "south"},
	})
	_, _ = desk.AddContact(ctx, student, r.ID, colleague.ID)
	_, _ = desk.Comment(ctx, colleague, r.ID, "Same in B13")
	_, _ = desk.PrivateLog(ctx, agent, r.ID, "Access point 7 rebooting")
	_, _ = desk.Comment(ctx, student, r.ID, "Still down")

	seen, _ := desk.Get(ctx, student, r.ID)
	for _, e := range seen.Logs {
		fmt.Printf("%s %s: %s\n", e.At.Format("15:04"), e.AuthorID, e.Text)
	}
	_, err := desk.Comment(ctx, auth.Principal{ID: "stranger", Tenant: "uni", Kind: auth.KindCitizen}, r.ID, "hello")
	fmt.Println(err)
	// Output:
	// 09:11 student-1: Still down
	// 09:09 student-2: Same in B13
	// auth: forbidden: ticket.comment requires party or agent:helpdesk
}

// An agent resolves; the requester may not. The requester (or a contact)
// closes with a satisfaction and a comment, and the request becomes
// read-only.
func ExampleDesk_Resolve() {
	desk, svc, sub := exampleDesk()
	ctx := context.Background()
	r, _ := desk.Create(ctx, student, ticket.NewRequest{
		ServiceID: svc.ID, SubcategoryID: sub.ID, Title: "PC does not boot", Description: "Black screen",
		Extra: map[string]string{"local_team": "north"},
	})
	_, err := desk.Resolve(ctx, student, r.ID, "fixed", "I fixed it myself")
	fmt.Println(err)
	_, err = desk.Resolve(ctx, agent, r.ID, "fixed", "Replaced the power supply")
	fmt.Println(errors.Is(err, ticket.ErrInvalidTransition))

	r, _ = desk.Assign(ctx, agent, r.ID, "helpdesk", agent.ID)
	fmt.Println(r.Status, r.AgentID)
	r, _ = desk.Resolve(ctx, agent, r.ID, "fixed", "Replaced the power supply")
	fmt.Println(r.Status, r.Solution, r.TimeSpent)
	r, _ = desk.Close(ctx, student, r.ID, 1, "Quick and kind, thanks")
	fmt.Println(r.Status, "satisfaction", r.Satisfaction)
	_, err = desk.Comment(ctx, student, r.ID, "One more thing")
	fmt.Println(err)
	// Output:
	// auth: forbidden: ticket.resolve requires agent:helpdesk
	// true
	// assigned agent-1
	// resolved Replaced the power supply 3m0s
	// closed satisfaction 1
	// ticket: request is closed
}

// Every change saves its notifications in the same store write; the host
// drains the outbox through its own Notifier (Config.Notifier), looking
// up addresses by principal ID. A delivered notification leaves the outbox.
func ExampleDesk_DeliverNotifications() {
	desk, svc, sub := exampleDesk()
	ctx := context.Background()
	r, _ := desk.Create(ctx, student, ticket.NewRequest{
		ServiceID: svc.ID, SubcategoryID: sub.ID, Title: "Wi-Fi down", Description: "Room B12",
		Extra: map[string]string{"local_team": "south"}, Contacts: []string{colleague.ID},
	})
	_, _ = desk.Assign(ctx, agent, r.ID, "helpdesk", agent.ID)
	_, _ = desk.Comment(ctx, colleague, r.ID, "Same in B13")

	sent, err := desk.DeliverNotifications(ctx, "uni", 100)
	fmt.Println(sent, err)
	sent, _ = desk.DeliverNotifications(ctx, "uni", 100)
	fmt.Println(sent, "left")
	// Output:
	// R-000001 new_request → team helpdesk
	// R-000001 assigned → [student-1 student-2]
	// R-000001 party_comment → [agent-1]
	// 3 <nil>
	// 0 left
}

// A team's queue lists summaries, newest first: what a row shows, without
// the description or the logs; the request's page loads it with Get.
func ExampleDesk_Queue() {
	desk, svc, sub := exampleDesk()
	ctx := context.Background()
	for _, title := range []string{"PC does not boot", "Screen flickers"} {
		_, _ = desk.Create(ctx, student, ticket.NewRequest{
			ServiceID: svc.ID, SubcategoryID: sub.ID, Title: title, Description: "Since this morning",
			Extra: map[string]string{"local_team": "north"},
		})
	}
	page, err := desk.Queue(ctx, agent, "helpdesk", "", 10)
	fmt.Println(err)
	for _, s := range page.Items {
		fmt.Println(s.Ref, s.Title, s.Status, "priority", s.Priority, "from", s.RequesterID)
	}
	full, _ := desk.Get(ctx, agent, page.Items[0].ID)
	fmt.Println(full.Description)
	// Output:
	// <nil>
	// R-000002 Screen flickers new priority 4 from student-1
	// R-000001 PC does not boot new priority 4 from student-1
	// Since this morning
}
