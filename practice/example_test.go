package practice_test

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/payment/fakegateway"
	paymentmem "github.com/sportello/sportello/payment/memstore"
	"github.com/sportello/sportello/practice"
	"github.com/sportello/sportello/practice/memstore"
)

// exampleActors returns an administrator, a citizen and an operator of one
// tenant.
func exampleActors() (admin, citizen, operator auth.Principal) {
	fc, _ := auth.ParseFiscalCode("RSSMRA80A01H501U")
	admin = auth.Principal{ID: "admin", Tenant: "comune", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator, auth.RoleAdmin}}
	citizen = auth.Principal{ID: "mario", Tenant: "comune", Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen},
		FiscalCode: fc, Level: auth.LevelL2}
	operator = auth.Principal{ID: "anna", Tenant: "comune", Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator},
		Services: []string{"bonus"}, Offices: []string{"servizi-sociali"}}
	return admin, citizen, operator
}

// A full approval flow: the citizen submits, the platform acquires, an
// operator takes the pratica in charge, asks for a document, and accepts
// once the citizen has answered.
func ExampleDesk() {
	ctx := context.Background()
	desk, err := practice.New(practice.Config{Store: memstore.New()})
	if err != nil {
		panic(err)
	}
	admin, citizen, operator := exampleActors()
	system := auth.System("comune")
	if _, err := desk.CreateService(ctx, admin, practice.Service{
		ID: "bonus", Name: "Bonus famiglie", Office: "servizi-sociali", Status: practice.ServiceAvailable,
		Workflow: practice.WorkflowApproval, Payment: practice.PaymentNone,
		AllowIntegrationRequest: true, RequiredLevel: auth.LevelL2,
	}); err != nil {
		panic(err)
	}

	p, _ := desk.Create(ctx, citizen, practice.NewPractice{Service: "bonus", Data: map[string]any{"figli": 2}})
	p, _ = desk.Submit(ctx, citizen, p.ID)
	p, _ = desk.Acquire(ctx, system, p.ID)
	p, _ = desk.TakeInCharge(ctx, operator, p.ID)
	p, _ = desk.RequestIntegration(ctx, operator, p.ID, practice.IntegrationInput{Text: "Allegare l'ISEE"})
	p, _ = desk.AnswerIntegration(ctx, citizen, p.ID, practice.AnswerInput{
		Text: "ISEE allegato", Attachments: []practice.Attachment{{ID: "file-42", Name: "isee.pdf"}},
	})
	p, err = desk.Accept(ctx, operator, p.ID, practice.Decision{Motivation: "Requisiti verificati"})
	if err != nil {
		panic(err)
	}
	for _, h := range p.History {
		fmt.Printf("%-19s %5d → %d\n", h.Event, h.From, h.To)
	}
	fmt.Println(p.Status.Label("it"), p.Status.IsFinal())
	// Output:
	// create                  0 → 1000
	// submit               1000 → 1900
	// acquire              1900 → 2000
	// take_in_charge       2000 → 4000
	// request_integration  4000 → 4100
	// skip_protocol        4100 → 4200
	// answer_integration   4200 → 4300
	// skip_protocol        4300 → 4000
	// accept               4000 → 7000
	// Accettata true
}

// A deferred payment: the operator accepts with an amount, the citizen
// pays through the gateway, and the payment's outcome completes the
// pratica.
func ExampleDesk_ApplyPaymentOutcome() {
	ctx := context.Background()
	gw := fakegateway.New(nil)
	payments, err := payment.New(payment.Config{Store: paymentmem.New(), Gateway: gw})
	if err != nil {
		panic(err)
	}
	desk, err := practice.New(practice.Config{Store: memstore.New(), Payments: payments})
	if err != nil {
		panic(err)
	}
	admin, citizen, operator := exampleActors()
	system := auth.System("comune")
	if _, err := desk.CreateService(ctx, admin, practice.Service{
		ID: "bonus", Name: "Occupazione suolo pubblico", Office: "servizi-sociali", Status: practice.ServiceAvailable,
		Workflow: practice.WorkflowApproval, Payment: practice.PaymentDeferred,
	}); err != nil {
		panic(err)
	}
	p, _ := desk.Create(ctx, citizen, practice.NewPractice{Service: "bonus"})
	p, _ = desk.Submit(ctx, citizen, p.ID)
	p, _ = desk.Acquire(ctx, system, p.ID)
	p, _ = desk.TakeInCharge(ctx, operator, p.ID)
	p, err = desk.Accept(ctx, operator, p.ID, practice.Decision{Motivation: "Concessa", Amount: decimal.RequireFromString("48.00")})
	if err != nil {
		panic(err)
	}
	ref := p.Payments[0]
	fmt.Println(p.Status, ref.Purpose, ref.Amount.StringFixed(2), ref.Status)

	// The citizen pays; the gateway tells the payment package, whose
	// event makes the host apply the outcome to the pratica.
	note, _ := gw.Pay("comune", ref.ID, "psp-demo")
	if _, _, err := payments.ApplyNotification(ctx, system, note); err != nil {
		panic(err)
	}
	p, err = desk.ApplyPaymentOutcome(ctx, system, p.ID, ref.ID)
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Status, p.Payments[0].Status)
	// Output:
	// payment_pending deferred 48.00 payment_pending
	// complete complete
}

// The glue between the wings: the payment Desk hands its events to the
// practice Desk's ApplyPaymentEvent, which moves the pratica the payment
// belongs to and ignores payments of other subjects.
func ExampleDesk_ApplyPaymentEvent() {
	ctx := context.Background()
	gw := fakegateway.New(nil)
	var desk *practice.Desk // the two desks need each other
	payments, err := payment.New(payment.Config{Store: paymentmem.New(), Gateway: gw,
		EventHandler: payment.EventHandlerFunc(func(ctx context.Context, ev payment.Event) error {
			return desk.ApplyPaymentEvent(ctx, ev)
		})})
	if err != nil {
		panic(err)
	}
	desk, err = practice.New(practice.Config{Store: memstore.New(), Payments: payments, AcquireOnSubmit: true})
	if err != nil {
		panic(err)
	}
	admin, citizen, _ := exampleActors()
	system := auth.System("comune")
	if _, err := desk.CreateService(ctx, admin, practice.Service{
		ID: "mensa", Name: "Iscrizione mensa", Status: practice.ServiceAvailable, Workflow: practice.WorkflowForward,
		Payment: practice.PaymentRequired, PaymentAmount: decimal.RequireFromString("25.00"),
	}); err != nil {
		panic(err)
	}
	p, _ := desk.Create(ctx, citizen, practice.NewPractice{Service: "mensa"})
	if p, err = desk.Pay(ctx, citizen, p.ID); err != nil {
		panic(err)
	}
	// A payment of something else: its events are ignored.
	if _, err := payments.Create(ctx, system, payment.NewPayment{Kind: payment.KindPagoPA, Amount: decimal.RequireFromString("80.00"),
		Payer: "RSSMRA80A01H501U", Subject: "TARI-2026", Service: "tributi", IdempotencyKey: "tari"}); err != nil {
		panic(err)
	}
	note, _ := gw.Pay("comune", p.Payments[0].ID, "psp-demo")
	if _, _, err := payments.ApplyNotification(ctx, system, note); err != nil {
		panic(err)
	}
	// Every event, the other subject's too, is handled without error.
	if _, err := payments.DeliverEvents(ctx, "comune", 0); err != nil {
		panic(err)
	}
	p, _ = desk.Get(ctx, citizen, p.ID)
	fmt.Println(p.Status, p.Payments[0].Status) // paid, sent and, with AcquireOnSubmit, acquired
	// Output:
	// submitted complete
}

// The pure transition check: what accepting does under a service's
// settings.
func ExampleNext() {
	svc := practice.Service{Workflow: practice.WorkflowApproval, Payment: practice.PaymentNone, ProtocolRequired: true}
	to, ok := practice.Next(practice.StatusPending, practice.ActionAccept, svc.Facts())
	fmt.Println(to, ok, to.Label("it"))
	_, ok = practice.Next(practice.StatusDraft, practice.ActionAccept, svc.Facts())
	fmt.Println(ok)
	// Output:
	// complete_waiting_document true Accettata (in attesa di protocollo)
	// false
}

// The back-office list of summaries, newest submission first, two per
// page: the cursor of a page leads to the next. A text query finds a
// pratica by a word of the owner's name (or its ID, codice fiscale or
// protocol number).
func ExampleDesk_ListSummaries() {
	ctx := context.Background()
	clock := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	desk, err := practice.New(practice.Config{
		Store: memstore.New(),
		Now:   func() time.Time { clock = clock.Add(time.Minute); return clock },
	})
	if err != nil {
		panic(err)
	}
	admin, citizen, operator := exampleActors()
	if _, err := desk.CreateService(ctx, admin, practice.Service{
		ID: "bonus", Name: "Bonus famiglie", Office: "servizi-sociali", Status: practice.ServiceAvailable,
		Workflow: practice.WorkflowApproval, Payment: practice.PaymentNone,
	}); err != nil {
		panic(err)
	}
	var ids []practice.ID
	name := map[practice.ID]string{}
	for _, n := range []string{"first", "second", "third"} {
		p, _ := desk.Create(ctx, citizen, practice.NewPractice{Service: "bonus", OwnerName: "Maria Rossi " + n})
		ids = append(ids, p.ID)
		name[p.ID] = n
	}
	for _, i := range []int{1, 2, 0} { // sent in another order than made
		if _, err := desk.Submit(ctx, citizen, ids[i]); err != nil {
			panic(err)
		}
	}
	q := practice.OfficeQuery{Sort: practice.SortSubmitted, Desc: true}
	cursor := ""
	for {
		page, err := desk.ListSummaries(ctx, operator, q, cursor, 2)
		if err != nil {
			panic(err)
		}
		for _, s := range page.Items {
			fmt.Println(name[s.ID], "sent at", s.SubmittedAt.Format("15:04"), s.Status)
		}
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	found, _ := desk.ListSummaries(ctx, operator, practice.OfficeQuery{Text: "rossi th"}, "", 10)
	for _, s := range found.Items {
		fmt.Println("found:", s.Owner.Name)
	}
	// Output:
	// first sent at 09:07 pre_submit
	// third sent at 09:06 pre_submit
	// second sent at 09:05 pre_submit
	// found: Maria Rossi third
}

// Two application instances drain one outbox at once: each notification
// is handed to one of them. A failed delivery stays in the outbox and is
// claimed again once its lease has ended; the pratica's later
// notifications wait behind it, so a pratica's notifications go out in
// order.
func ExampleDesk_DeliverNotifications() {
	ctx := context.Background()
	store := memstore.New() // shared, as a database would be
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	down := practice.NotifierFunc(func(context.Context, practice.Notification) error {
		return fmt.Errorf("mail server down")
	})
	up := practice.NotifierFunc(func(_ context.Context, n practice.Notification) error {
		fmt.Printf("  deliver %s %d\n", n.Kind, n.Status)
		return nil
	})
	first, _ := practice.New(practice.Config{Store: store, Now: clock, NotificationLease: 5 * time.Minute, Notifier: down})
	second, _ := practice.New(practice.Config{Store: store, Now: clock, NotificationLease: 5 * time.Minute, Notifier: up})
	admin, citizen, _ := exampleActors()
	if _, err := first.CreateService(ctx, admin, practice.Service{
		ID: "bonus", Name: "Bonus famiglie", Office: "servizi-sociali", Status: practice.ServiceAvailable,
		Workflow: practice.WorkflowApproval, Payment: practice.PaymentNone, RequiredLevel: auth.LevelL2,
	}); err != nil {
		panic(err)
	}
	p, _ := first.Create(ctx, citizen, practice.NewPractice{Service: "bonus"}) // 1000: the citizen
	if _, err := first.Submit(ctx, citizen, p.ID); err != nil {                // 1900: the citizen
		panic(err)
	}
	if _, err := first.Acquire(ctx, auth.System("comune"), p.ID); err != nil { // 2000: the citizen, the operators
		panic(err)
	}

	n, err := first.DeliverNotifications(ctx, "comune", 2)
	fmt.Println("first instance:", n, err)
	n, _ = second.DeliverNotifications(ctx, "comune", 0)
	fmt.Println("second instance:", n)
	now = now.Add(5 * time.Minute) // the first instance's lease ends
	n, _ = second.DeliverNotifications(ctx, "comune", 0)
	fmt.Println("second instance, after the lease:", n)
	// Output:
	// first instance: 0 mail server down
	// second instance: 0
	//   deliver citizen_status 1000
	//   deliver citizen_status 1900
	//   deliver citizen_status 2000
	//   deliver operators_new_practice 2000
	// second instance, after the lease: 4
}
