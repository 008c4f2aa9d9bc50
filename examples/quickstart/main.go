// Command quickstart plays the three systems sportello learns from, end
// to end, on the embedded in-memory stores:
//
//  1. accounts: an administrator and a manager administer operators; a
//     citizen arrives from SPID and a profile is provisioned under a
//     one-provider policy;
//  2. pratiche and appointments: the citizen files a pratica and books an
//     appointment linked to it; an operator takes the pratica in charge,
//     asks for integrations and accepts it with a fee; the citizen pays
//     through a fake pagoPA gateway whose notifications arrive twice and
//     out of order; the pratica is complete and the booking follows it;
//  3. help desk: a request is filed with a contact, commented by both,
//     resolved by an agent and closed by the contact.
//
// It checks its own outcome and exits with status 1 if anything differs.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shopspring/decimal"

	"github.com/sportello/sportello/appointment"
	appointmentmem "github.com/sportello/sportello/appointment/memstore"
	"github.com/sportello/sportello/auth"
	authmem "github.com/sportello/sportello/auth/memstore"
	"github.com/sportello/sportello/calendar"
	calendarmem "github.com/sportello/sportello/calendar/memstore"
	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/payment/fakegateway"
	paymentmem "github.com/sportello/sportello/payment/memstore"
	"github.com/sportello/sportello/practice"
	practicemem "github.com/sportello/sportello/practice/memstore"
	"github.com/sportello/sportello/ticket"
	ticketmem "github.com/sportello/sportello/ticket/memstore"
)

const tenant = "comune-di-esempio"

func main() {
	ok, err := run(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
	if !ok {
		fmt.Fprintln(os.Stderr, "quickstart: some outcomes differ from the expected ones (marked ✗ above)")
		os.Exit(1)
	}
}

// tour prints the steps and keeps the score of the checks.
type tour struct{ failed int }

func (t *tour) part(title string)              { fmt.Printf("\n%s\n", title) }
func (t *tour) say(format string, args ...any) { fmt.Printf("  %s\n", fmt.Sprintf(format, args...)) }

// check prints what happened with ✓ when it is what was expected, ✗ (and
// counts a failure) otherwise.
func (t *tour) check(ok bool, format string, args ...any) {
	mark := "✓"
	if !ok {
		mark = "✗"
		t.failed++
	}
	fmt.Printf("  %s %s\n", mark, fmt.Sprintf(format, args...))
}

// refused checks that err is a refusal matching target.
func (t *tour) refused(err, target error, what string) {
	t.check(errors.Is(err, target), "%s: refused (%v)", what, err)
}

// mailbox stands for the host's mailer: it keeps the last link per
// recipient, so the tour can "click" it.
type mailbox struct {
	mu    sync.Mutex
	links map[string]string
}

// Notify keeps the link of a notification that carries one.
func (m *mailbox) Notify(_ context.Context, n auth.Notification) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if n.Token != "" {
		m.links[n.Recipient] = n.Token
	}
	return nil
}

func (m *mailbox) link(to string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.links[to]
}

// directory stands for the external login provider of the one-provider
// policy: it knows no one yet, so it creates accounts.
type directory struct{ n int }

// FindAccount finds nobody.
func (d *directory) FindAccount(context.Context, auth.DirectoryQuery) (string, bool, error) {
	return "", false, nil
}

// CreateAccount numbers new accounts per provider.
func (d *directory) CreateAccount(_ context.Context, q auth.DirectoryQuery) (string, error) {
	d.n++
	return fmt.Sprintf("%s-%03d", q.Provider, d.n), nil
}

// desks are the Desks of the tour, all on in-memory stores.
type desks struct {
	auth         *auth.Desk
	payments     *payment.Desk
	gateway      *fakegateway.Gateway
	practices    *practice.Desk
	calendars    *calendar.Desk
	appointments *appointment.Desk
	tickets      *ticket.Desk
	mail         *mailbox
	sent         atomic.Int64 // notifications of the other wings delivered
	// practiceEarly counts the practice notifications delivered before
	// the final drain (the booking follows the pratica through them).
	practiceEarly int
}

// newDesks wires the six wings: pratiche pay through payment, whose
// events move them on; appointments read calendars.
func newDesks() (*desks, error) {
	d := &desks{mail: &mailbox{links: map[string]string{}}, gateway: fakegateway.New(nil)}
	var err error
	if d.auth, err = auth.New(auth.Config{Store: authmem.New(), Notifier: d.mail, Directory: &directory{},
		Providers: auth.ProviderPolicy{OneProvider: map[string]string{"citizens": "spid"}}}); err != nil {
		return nil, err
	}
	payStore := paymentmem.New()
	notices, err := payment.NewGenerator("01", payment.StoreSequence(payStore, tenant, "notices"))
	if err != nil {
		return nil, err
	}
	system := auth.System(tenant)
	if d.payments, err = payment.New(payment.Config{Store: payStore, Gateway: d.gateway, Generator: notices,
		// Payment events move the pratiche they pay for (events of other
		// subjects are ignored); the practice Desk is built just below.
		EventHandler: payment.EventHandlerFunc(func(ctx context.Context, ev payment.Event) error {
			return d.practices.ApplyPaymentEvent(ctx, ev)
		})}); err != nil {
		return nil, err
	}
	count := func() error { d.sent.Add(1); return nil }
	// The practice outbox tells the host each status a pratica enters: the
	// host mails the citizen and applies the outcome to the pratica's
	// bookings (idempotent, so a repeated delivery changes nothing).
	if d.practices, err = practice.New(practice.Config{Store: practicemem.New(), Payments: d.payments,
		Notifier: practice.NotifierFunc(func(ctx context.Context, n practice.Notification) error {
			if n.Kind == practice.NotifyCitizenStatus {
				effect := appointment.PracticeEffect(practice.AppointmentEffectOf(n.Status))
				if _, err := d.appointments.ApplyPracticeOutcome(ctx, system, n.Tenant, string(n.Practice), effect); err != nil {
					return err
				}
			}
			return count()
		})}); err != nil {
		return nil, err
	}
	if d.calendars, err = calendar.New(calendar.Config{Store: calendarmem.New()}); err != nil {
		return nil, err
	}
	if d.appointments, err = appointment.New(appointment.Config{Store: appointmentmem.New(), Calendars: d.calendars,
		Notifier: appointment.NotifierFunc(func(context.Context, appointment.Notification) error { return count() })}); err != nil {
		return nil, err
	}
	if d.tickets, err = ticket.New(ticket.Config{Store: ticketmem.New(), Blobs: ticketmem.NewBlobs(),
		Notifier: ticket.NotifierFunc(func(context.Context, ticket.Notification) error { return count() })}); err != nil {
		return nil, err
	}
	return d, nil
}

func run(ctx context.Context) (bool, error) {
	d, err := newDesks()
	if err != nil {
		return false, err
	}
	t := &tour{}
	admin, anna, err := accounts(ctx, t, d)
	if err != nil {
		return false, err
	}
	citizen, err := arrival(ctx, t, d, admin)
	if err != nil {
		return false, err
	}
	if err := pratica(ctx, t, d, admin, anna, citizen); err != nil {
		return false, err
	}
	if err := helpdesk(ctx, t, d, admin, anna, citizen); err != nil {
		return false, err
	}
	if err := drain(ctx, t, d); err != nil {
		return false, err
	}
	fmt.Println()
	if t.failed == 0 {
		fmt.Println("every outcome is the expected one")
	}
	return t.failed == 0, nil
}

// login sets the password of a new account through its e-mailed link and
// logs in.
func login(ctx context.Context, d *desks, a *auth.Account, password string) (auth.Principal, error) {
	if _, err := d.auth.SetPassword(ctx, tenant, d.mail.link(a.Email), password); err != nil {
		return auth.Principal{}, err
	}
	acc, err := d.auth.Login(ctx, tenant, a.Username, password)
	if err != nil {
		return auth.Principal{}, err
	}
	return acc.Principal(), nil
}

// accounts: the installation's administrator, a manager who administers
// operators within her own rights, and an operator.
func accounts(ctx context.Context, t *tour, d *desks) (admin, anna auth.Principal, err error) {
	t.part("1. Accounts: a manager administers operators")
	a, err := d.auth.Bootstrap(ctx, tenant, auth.NewOperator{Username: "admin", Email: "it@comune.example"})
	if err != nil {
		return admin, anna, err
	}
	if admin, err = login(ctx, d, a, "tre gatti sul tetto di via roma"); err != nil {
		return admin, anna, err
	}
	m, err := d.auth.CreateOperator(ctx, admin, auth.NewOperator{Username: "giulia", Email: "giulia@comune.example", Manager: true,
		Services: []string{"suolo-pubblico"}, Offices: []string{"polizia-locale", "servicedesk"}})
	if err != nil {
		return admin, anna, err
	}
	manager, err := login(ctx, d, m, "una passphrase scelta con cura")
	if err != nil {
		return admin, anna, err
	}
	t.say("the administrator created manager %s; no password was ever mailed, only a set-password link", m.Username)
	_, err = d.auth.CreateOperator(ctx, manager, auth.NewOperator{Username: "troppo", Email: "t@comune.example", Services: []string{"edilizia"}})
	t.refused(err, auth.ErrForbidden, "the manager enabling a service she lacks")
	op, err := d.auth.CreateOperator(ctx, manager, auth.NewOperator{Username: "anna", Email: "anna@comune.example",
		Services: []string{"suolo-pubblico"}, Offices: []string{"polizia-locale", "servicedesk"}})
	if err != nil {
		return admin, anna, err
	}
	_, err = d.auth.SetPassword(ctx, tenant, d.mail.link(op.Email), "password")
	t.refused(err, auth.ErrValidation, `anna choosing "password"`)
	if anna, err = login(ctx, d, op, "lavoro allo sportello dal 2019"); err != nil {
		return admin, anna, err
	}
	page, err := d.auth.ListOperators(ctx, manager, "", 10)
	if err != nil {
		return admin, anna, err
	}
	t.check(len(page.Items) == 3 && anna.CanWorkOnService("suolo-pubblico"), "anna logged in; the tenant has %d accounts", len(page.Items))
	return admin, anna, nil
}

// arrival: a citizen arrives from SPID and a profile is provisioned.
func arrival(ctx context.Context, t *tour, d *desks, admin auth.Principal) (auth.Principal, error) {
	id, err := auth.IdentityFromAttributes("spid", auth.LevelL2, auth.Attributes{
		auth.AttrName: "Mario", auth.AttrFamilyName: "Rossi", auth.AttrFiscalNumber: "TINIT-RSSMRA80A01H501U",
		auth.AttrEmail: "mario.rossi@example.org",
	})
	if err != nil {
		return auth.Principal{}, err
	}
	citizen := id.Principal(tenant)
	t.check(auth.CheckLevel(citizen, auth.LevelL2) == nil && auth.CheckLevel(citizen, auth.LevelL3) != nil,
		"Mario Rossi at level %s meets services requiring L2, not L3", citizen.Level)
	prof, err := d.auth.ProvisionProfile(ctx, admin, auth.ProfileInput{
		Subject: auth.Subject{ID: "mario", Name: "Mario", Surname: "Rossi", FiscalCode: id.FiscalCode.String()},
		Class:   "citizens", Email: "mario.rossi@example.org",
	})
	if err != nil {
		return auth.Principal{}, err
	}
	_, err = d.auth.SwitchProvider(ctx, admin, prof.ID, "local")
	t.check(prof.Provider == "spid" && err != nil, "one-provider profile on %q (account %s); switching provider refused", prof.Provider, prof.ProviderAccount)
	return citizen, nil
}

// pratica: a pratica with an appointment, integrations, a fee paid
// through pagoPA, and the booking following the outcome.
func pratica(ctx context.Context, t *tour, d *desks, admin, anna, citizen auth.Principal) error {
	t.part("2. A pratica, its appointment and its payment")
	system := auth.System(tenant)
	if _, err := d.practices.CreateService(ctx, admin, practice.Service{
		ID: "suolo-pubblico", Name: "Occupazione di suolo pubblico", Office: "polizia-locale", Status: practice.ServiceAvailable,
		Workflow: practice.WorkflowApproval, Payment: practice.PaymentDeferred, AllowIntegrationRequest: true, RequiredLevel: auth.LevelL2,
	}); err != nil {
		return err
	}
	p, err := d.practices.Create(ctx, citizen, practice.NewPractice{Service: "suolo-pubblico", IdempotencyKey: "form-1",
		Data: map[string]any{"via": "Via Roma 1", "metri_quadri": 12}})
	if err != nil {
		return err
	}
	if _, err = d.practices.Submit(ctx, citizen, p.ID); err != nil {
		return err
	}
	if p, err = d.practices.Acquire(ctx, system, p.ID); err != nil {
		return err
	}
	t.check(p.Status == practice.StatusSubmitted, "Mario files pratica …%s; the platform acquires it: %d %s", tail(string(p.ID)), p.Status, p.Status.Label("it"))

	// The office's calendar: moderated, so a booking waits for approval.
	cal, err := d.calendars.CreateCalendar(ctx, admin, calendar.NewCalendar{Title: "Polizia locale", Location: "Via Roma 1",
		Moderators: []string{anna.ID}, Moderated: true})
	if err != nil {
		return err
	}
	today := calendar.DateOf(time.Now().In(rome))
	if _, err := d.calendars.AddOpeningHour(ctx, admin, cal.ID, calendar.NewOpeningHour{Name: "Sportello", Days: []int{1, 2, 3, 4, 5},
		ValidFrom: today, Begin: calendar.Clock(9, 0), End: calendar.Clock(12, 0), Queue: 1}); err != nil {
		return err
	}
	from := time.Now().AddDate(0, 0, 2)
	slots, err := d.appointments.Availability(ctx, citizen, cal.ID, from, from.AddDate(0, 0, 7))
	if err != nil || len(slots) == 0 {
		return fmt.Errorf("no slot in the next week (%v)", err)
	}
	draft, err := d.appointments.Book(ctx, citizen, appointment.Pick{Calendar: cal.ID, Start: slots[0].Start, End: slots[0].End, Name: "Mario Rossi"})
	if err != nil {
		return err
	}
	b, _, err := d.appointments.Confirm(ctx, citizen, draft.ID)
	if err != nil {
		return err
	}
	if b, err = d.appointments.LinkPractice(ctx, system, b.ID, string(p.ID)); err != nil {
		return err
	}
	t.check(b.Status == appointment.StatusPending && b.PracticeID == string(p.ID), "he books %s at the counter, linked to the pratica: %s",
		slots[0].Start.In(rome).Format("Mon 02/01 15:04"), b.Status.Label("en"))
	_, err = d.appointments.Book(ctx, auth.Principal{ID: "x", Tenant: tenant, Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen},
		FiscalCode: mustFC("BNCGLI85M41F205B")}, appointment.Pick{Calendar: cal.ID, Start: slots[0].Start, End: slots[0].End, Name: "Giulia Bianchi"})
	t.refused(err, appointment.ErrSlotFull, "another citizen booking the same one-place slot")

	if p, err = d.practices.TakeInCharge(ctx, anna, p.ID); err != nil {
		return err
	}
	if p, err = d.practices.RequestIntegration(ctx, anna, p.ID, practice.IntegrationInput{Text: "Allegare la planimetria"}); err != nil {
		return err
	}
	t.check(p.Status == practice.StatusDraftForIntegration, "anna takes it in charge and asks for a plan: %d %s", p.Status, p.Status.Label("it"))
	if p, err = d.practices.AnswerIntegration(ctx, citizen, p.ID, practice.AnswerInput{Text: "Planimetria allegata",
		Attachments: []practice.Attachment{{ID: "file-1", Name: "planimetria.pdf"}}}); err != nil {
		return err
	}
	t.check(p.Status == practice.StatusPending && p.Assignee == anna.ID, "Mario answers; the pratica is back with anna: %d %s", p.Status, p.Status.Label("it"))
	_, err = d.practices.Accept(ctx, admin, p.ID, practice.Decision{Motivation: "Concessa"})
	t.refused(err, auth.ErrForbidden, "the administrator deciding a pratica assigned to anna")
	fee := practice.Decision{Motivation: "Concessa per 30 giorni", Amount: decimal.RequireFromString("48.00")}
	if p, err = d.practices.Accept(ctx, anna, p.ID, fee); err != nil {
		return err
	}
	ref := p.Payments[len(p.Payments)-1]
	pay, err := d.payments.Get(ctx, citizen, ref.ID)
	if err != nil {
		return err
	}
	code, err := payment.ParseNoticeCode(pay.NoticeCode)
	if err != nil {
		return err
	}
	t.check(p.Status == practice.StatusPaymentPending, "anna accepts with a fee: %d %s; pagoPA notice %s, %s EUR",
		p.Status, p.Status.Label("it"), code.Grouped(), pay.Amount.StringFixed(2))

	// The citizen pays; the gateway calls back twice and out of order.
	d.gateway.DeliverTwice(true)
	d.gateway.DeliverReversed(true)
	if _, err := d.gateway.Start(tenant, ref.ID); err != nil {
		return err
	}
	if _, err := d.gateway.Pay(tenant, ref.ID, "Banca Esempio"); err != nil {
		return err
	}
	var outcomes []string
	if _, err := d.gateway.Deliver(ctx, func(ctx context.Context, n payment.Notification) error {
		_, outcome, err := d.payments.ApplyNotification(ctx, system, n)
		outcomes = append(outcomes, fmt.Sprintf("%s→%s", n.Status, outcome))
		return err
	}); err != nil {
		return err
	}
	t.say("the gateway's callbacks: %s", strings.Join(outcomes, ", "))
	// The host's chores: payment events into the pratica, the pratica's
	// outcome into its bookings.
	if _, err := d.payments.DeliverEvents(ctx, tenant, 0); err != nil {
		return err
	}
	if p, err = d.practices.Get(ctx, citizen, p.ID); err != nil {
		return err
	}
	if pay, err = d.payments.Get(ctx, citizen, ref.ID); err != nil {
		return err
	}
	t.check(p.Status == practice.StatusComplete && len(p.Payments) == 1 && pay.Status == payment.StatusComplete,
		"paid once, whatever the order: payment %s, pratica %d %s", pay.Status, p.Status, p.Status.Label("it"))
	// The host drains the practice outbox; its notifier moves the bookings.
	n, err := d.practices.DeliverNotifications(ctx, tenant, 0)
	if err != nil {
		return err
	}
	d.practiceEarly = n
	if b, err = d.appointments.Get(ctx, citizen, b.ID); err != nil {
		return err
	}
	t.check(b.Status == appointment.StatusApproved, "the booking follows the accepted pratica: %s", b.Status.Label("en"))
	return nil
}

// drain is the host's chore: every outbox through its notifier (here a
// counter; a real host sends e-mail, app notifications, protocol
// messages).
func drain(ctx context.Context, t *tour, d *desks) error {
	t.part("4. The host drains the outboxes")
	counts := map[string]int{}
	for _, o := range []struct {
		name    string
		deliver func(context.Context, string, int) (int, error)
	}{
		{"auth", d.auth.DeliverNotifications}, {"practice", d.practices.DeliverNotifications},
		{"appointment", d.appointments.DeliverNotifications}, {"ticket", d.tickets.DeliverNotifications},
	} {
		n, err := o.deliver(ctx, tenant, 0)
		if err != nil {
			return err
		}
		counts[o.name] = n
	}
	counts["practice"] += d.practiceEarly
	again, err := d.practices.DeliverNotifications(ctx, tenant, 0)
	if err != nil {
		return err
	}
	t.check(d.sent.Load() == int64(counts["practice"]+counts["appointment"]+counts["ticket"]) && again == 0,
		"auth %d, practice %d, appointment %d, ticket %d notifications, each sent once",
		counts["auth"], counts["practice"], counts["appointment"], counts["ticket"])
	return nil
}

// tail is the end of an ID, for short output.
func tail(id string) string { return id[max(0, len(id)-6):] }

var rome = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic(err)
	}
	return loc
}()

func mustFC(s string) auth.FiscalCode {
	fc, err := auth.ParseFiscalCode(s)
	if err != nil {
		panic(err)
	}
	return fc
}

// helpdesk: a request with a contact, comments, resolution and closure.
func helpdesk(ctx context.Context, t *tour, d *desks, admin, anna, citizen auth.Principal) error {
	t.part("3. The help desk")
	fam, err := d.tickets.CreateFamily(ctx, admin, ticket.FamilyInput{Name: "Servizi online"})
	if err != nil {
		return err
	}
	svc, err := d.tickets.CreateService(ctx, admin, ticket.ServiceInput{FamilyID: fam.ID, Name: "Portale dei servizi", TeamID: "servicedesk"})
	if err != nil {
		return err
	}
	sub, err := d.tickets.CreateSubcategory(ctx, admin, ticket.SubcategoryInput{ServiceID: svc.ID, Name: "Errore nel modulo", Type: ticket.TypeIncident})
	if err != nil {
		return err
	}
	helper := auth.Principal{ID: "studio-bianchi", Tenant: tenant, Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen}}
	r, err := d.tickets.Create(ctx, citizen, ticket.NewRequest{ServiceID: svc.ID, SubcategoryID: sub.ID,
		Title: "Il modulo non si invia", Description: "Al passo 3 il pulsante Invia non risponde.",
		Contacts: []string{helper.ID}, Urgency: ticket.UrgencyMedium})
	if err != nil {
		return err
	}
	t.check(r.Status == ticket.StatusNew && r.TeamID == "servicedesk", "Mario files %s with his accountant as a contact: %s, priority %d, team %s",
		r.Ref, r.Status, r.Priority, r.TeamID)
	if _, err := d.tickets.Comment(ctx, citizen, r.ID, "Succede con ogni browser."); err != nil {
		return err
	}
	if _, err := d.tickets.Comment(ctx, helper, r.ID, "Confermo, anche dal nostro studio."); err != nil {
		return err
	}
	_, err = d.tickets.Resolve(ctx, citizen, r.ID, "fixed", "fatto")
	t.refused(err, auth.ErrForbidden, "Mario resolving his own request")
	if _, err := d.tickets.Assign(ctx, anna, r.ID, "servicedesk", anna.ID); err != nil {
		return err
	}
	if r, err = d.tickets.Resolve(ctx, anna, r.ID, "fixed", "Corretto il modulo: ora si invia."); err != nil {
		return err
	}
	t.check(r.Status == ticket.StatusResolved, "both comment; anna, an agent of the team, takes it and resolves it: %s", r.Status)
	if r, err = d.tickets.Close(ctx, helper, r.ID, 1, "Grazie!"); err != nil {
		return err
	}
	_, err = d.tickets.Comment(ctx, citizen, r.ID, "Un'ultima cosa")
	t.check(r.Status == ticket.StatusClosed && errors.Is(err, ticket.ErrClosed),
		"the contact closes it (satisfaction %d); a closed request takes no more comments", r.Satisfaction)
	r, err = d.tickets.Get(ctx, citizen, r.ID)
	if err != nil {
		return err
	}
	t.check(len(r.PublicLogs()) >= 3, "Mario reads %d public log entries, the private ones stay with the agents", len(r.PublicLogs()))
	return nil
}
