// Command helpdesk plays a university help desk on the embedded in-memory
// stores: an administrator builds the service catalogue and SLA targets, a
// student files a request with an attachment and adds a colleague as a
// contact, the SLA sweep warns and escalates, an agent takes the request,
// puts it on hold, resolves it, and the colleague closes it.
//
//	go run ./examples/helpdesk
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/ticket"
	ticketmem "github.com/sportello/sportello/ticket/memstore"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "helpdesk:", err)
		os.Exit(1)
	}
}

// clock is a settable clock, so that the SLA part of the tour does not
// have to wait for hours to pass.
type clock struct{ now time.Time }

// Now returns the clock's time.
func (c *clock) Now() time.Time { return c.now }

// Advance moves the clock on by d.
func (c *clock) Advance(d time.Duration) { c.now = c.now.Add(d) }

func step(format string, args ...any) { fmt.Printf("\n== "+format+"\n", args...) }
func show(format string, args ...any) { fmt.Printf("   "+format+"\n", args...) }

// accepted lists the steps that should have been refused and were not; run
// fails if there is any.
var accepted []string

// refused prints why a step was refused, or notes that it was not.
func refused(what string, err error) {
	if err == nil {
		accepted = append(accepted, what)
		show("%s: ACCEPTED, which is a bug", what)
		return
	}
	show("%s: refused (%v)", what, err)
}

func run(ctx context.Context) error {
	const tenant = "ateneo"
	clk := &clock{now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)} // a Monday
	desk, err := ticket.New(ticket.Config{
		Store: ticketmem.New(),
		Blobs: ticketmem.NewBlobs(),
		Targets: []ticket.Target{
			{Metric: ticket.MetricTTO, Duration: 4 * time.Hour},              // any priority
			{Priority: 2, Metric: ticket.MetricTTO, Duration: 2 * time.Hour}, // the shorter one wins
			{Metric: ticket.MetricTTR, Duration: 3 * 24 * time.Hour},
		},
		Now: clk.Now,
		// The host's notifier: it looks up addresses by principal ID.
		Notifier: ticket.NotifierFunc(func(_ context.Context, n ticket.Notification) error {
			to := strings.Join(n.Recipients, ", ")
			if to == "" {
				to = "agents of team " + n.Team
			}
			show("%s %-15s to %s", n.Ref, n.Kind, to)
			return nil
		}),
	})
	if err != nil {
		return err
	}

	admin := auth.Principal{ID: "admin", Tenant: tenant, Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleAdmin}}
	student := auth.Principal{ID: "stud-1", Tenant: tenant, Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen}}
	colleague := auth.Principal{ID: "stud-2", Tenant: tenant, Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen}}
	stranger := auth.Principal{ID: "stud-3", Tenant: tenant, Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen}}
	agent := auth.Principal{ID: "agent-7", Tenant: tenant, Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator}, Offices: []string{"servicedesk"}}

	step("The administrator builds the catalogue")
	fam, err := desk.CreateFamily(ctx, admin, ticket.FamilyInput{Name: "IT services"})
	if err != nil {
		return err
	}
	mail, err := desk.CreateService(ctx, admin, ticket.ServiceInput{
		FamilyID: fam.ID, Name: "E-mail and collaboration", TeamID: "servicedesk",
		ExtraFields: []ticket.ExtraField{{Name: "campus", Label: "Campus", Type: ticket.FieldChoice,
			Required: true, Choices: []string{"centre", "north"}}},
	})
	if err != nil {
		return err
	}
	broken, err := desk.CreateSubcategory(ctx, admin, ticket.SubcategoryInput{ServiceID: mail.ID, Name: "Mailbox not working", Type: ticket.TypeIncident})
	if err != nil {
		return err
	}
	if _, err := desk.CreateSubcategory(ctx, admin, ticket.SubcategoryInput{ServiceID: mail.ID, Name: "Shared mailbox", Type: ticket.TypeServiceRequest, Position: 1}); err != nil {
		return err
	}
	cat, err := desk.Catalogue(ctx, student)
	if err != nil {
		return err
	}
	for _, e := range cat.List() {
		show("%s", e.Path)
	}

	step("A student files a request: every bad field is reported at once")
	_, err = desk.Create(ctx, student, ticket.NewRequest{ServiceID: mail.ID, SubcategoryID: broken.ID})
	refused("an empty request", err)
	req, err := desk.Create(ctx, student, ticket.NewRequest{
		ServiceID: mail.ID, SubcategoryID: broken.ID,
		Title:       "Cannot send e-mail",
		Description: "Every message bounces since this morning.",
		Extra:       map[string]string{"campus": "north"},
		Impact:      ticket.ImpactService, Urgency: ticket.UrgencyHigh,
		IdempotencyKey: "form-submission-1",
	})
	if err != nil {
		return err
	}
	show("%s: %s, priority %d, team %s, time to own due %s", req.Ref, req.Status, req.Priority,
		req.TeamID, req.SLA.TTO.DueAt.Format("15:04"))
	again, err := desk.Create(ctx, student, ticket.NewRequest{
		ServiceID: mail.ID, SubcategoryID: broken.ID, Title: "Cannot send e-mail",
		Description: "Every message bounces since this morning.", Extra: map[string]string{"campus": "north"},
		Impact: ticket.ImpactService, Urgency: ticket.UrgencyHigh, IdempotencyKey: "form-submission-1",
	})
	if err != nil {
		return err
	}
	show("the form submitted twice gives the same request: %s", again.Ref)

	att, err := desk.Attach(ctx, student, req.ID, "bounce.pdf", strings.NewReader("%PDF-1.7\n% the bounce message\n"))
	if err != nil {
		return err
	}
	show("attachment %q stored as %s, %d bytes, sha256 %s…", att.Name, att.MIME, att.Size, att.SHA256[:8])
	_, err = desk.Attach(ctx, student, req.ID, "photo.pdf", strings.NewReader("MZ\x90\x00 not a PDF at all"))
	refused("a program named .pdf", err)

	step("The student adds a colleague, who has the same rights")
	if _, err := desk.AddContact(ctx, student, req.ID, colleague.ID); err != nil {
		return err
	}
	if _, err := desk.Comment(ctx, colleague, req.ID, "Same problem on my account."); err != nil {
		return err
	}
	_, err = desk.Comment(ctx, stranger, req.ID, "Me too?")
	refused("a student who is neither requester nor contact", err)

	step("Nobody takes the request: the SLA sweep warns, then escalates")
	clk.Advance(95 * time.Minute)
	rep, err := desk.Sweep(ctx, tenant, clk.Now())
	if err != nil {
		return err
	}
	show("after 1h35: warned %d, fired %d", rep.Warned, rep.Fired)
	clk.Advance(30 * time.Minute)
	rep, err = desk.Sweep(ctx, tenant, clk.Now())
	if err != nil {
		return err
	}
	show("after 2h05: warned %d, fired %d", rep.Warned, rep.Fired)
	rep, err = desk.Sweep(ctx, tenant, clk.Now())
	if err != nil {
		return err
	}
	show("the same sweep again changes nothing: warned %d, fired %d", rep.Warned, rep.Fired)
	req, err = desk.Get(ctx, agent, req.ID)
	if err != nil {
		return err
	}
	show("status now %s", req.Status)

	step("The agent works the request")
	queue, err := desk.Queue(ctx, agent, "servicedesk", "", 10)
	if err != nil {
		return err
	}
	show("the service desk queue holds %d request(s)", len(queue.Items))
	for _, row := range queue.Items {
		// A row is a summary; the request's page loads it with Get.
		show("  %s %q %s, priority %d", row.Ref, row.Title, row.Status, row.Priority)
	}
	_, err = desk.Resolve(ctx, student, req.ID, "fixed", "done")
	refused("the student resolving", err)
	if req, err = desk.Assign(ctx, agent, req.ID, "servicedesk", agent.ID); err != nil {
		return err
	}
	show("%s, agent %s", req.Status, req.AgentID)
	if _, err = desk.PrivateLog(ctx, agent, req.ID, "Outbound relay queue is stuck."); err != nil {
		return err
	}
	if req, err = desk.SetPending(ctx, agent, req.ID, "waiting for the mail provider"); err != nil {
		return err
	}
	show("%s: %s", req.Status, req.PendingReason)
	_, err = desk.Resolve(ctx, agent, req.ID, "fixed", "Relay restarted")
	refused("resolving straight from pending", err)
	clk.Advance(2 * time.Hour)
	if req, err = desk.Assign(ctx, agent, req.ID, "servicedesk", agent.ID); err != nil {
		return err
	}
	if req, err = desk.Resolve(ctx, agent, req.ID, "fixed", "Relay restarted; mail flows again."); err != nil {
		return err
	}
	show("%s with %q", req.Status, req.Solution)

	step("The colleague closes it; the request becomes read-only")
	_, err = desk.Close(ctx, colleague, req.ID, 7, "great")
	refused("satisfaction 7", err)
	if req, err = desk.Close(ctx, colleague, req.ID, 1, "Fixed the same morning, thanks."); err != nil {
		return err
	}
	show("%s, satisfaction %d", req.Status, req.Satisfaction)
	_, err = desk.Comment(ctx, student, req.ID, "One more thing")
	refused("a comment on a closed request", err)
	if !errors.Is(err, ticket.ErrClosed) {
		return fmt.Errorf("expected ErrClosed, got %v", err)
	}

	step("What the student sees")
	seen, err := desk.Get(ctx, student, req.ID)
	if err != nil {
		return err
	}
	for _, e := range seen.Logs {
		show("%s %-7s %s", e.At.Format("15:04"), e.AuthorID, e.Text)
	}
	closed, err := desk.Closed(ctx, colleague, "", 10)
	if err != nil {
		return err
	}
	show("the colleague's closed list: %d request(s)", len(closed.Items))

	step("The host drains the notification outbox")
	sent, err := desk.DeliverNotifications(ctx, req.Tenant, 100)
	if err != nil {
		return err
	}
	show("%d delivered; each carries only principal IDs, the host looks up addresses", sent)
	if len(accepted) > 0 {
		return fmt.Errorf("steps that should have been refused were accepted: %s", strings.Join(accepted, "; "))
	}
	return nil
}
