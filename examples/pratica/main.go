// Command pratica plays a municipal application ("pratica") from draft to
// outcome on the embedded in-memory stores, with a fake pagoPA gateway and
// a toy protocol register: the citizen applies for a public-land permit,
// the office registers and takes it in charge, asks for a missing document,
// accepts with a fee to pay, the gateway's notifications arrive twice and
// out of order, and the paid pratica is completed.
//
//	go run ./examples/pratica
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/shopspring/decimal"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/payment/fakegateway"
	paymentmem "github.com/sportello/sportello/payment/memstore"
	"github.com/sportello/sportello/practice"
	practicemem "github.com/sportello/sportello/practice/memstore"
)

const tenant = "comune-di-esempio"

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "pratica:", err)
		os.Exit(1)
	}
}

func step(format string, args ...any) { fmt.Printf("\n== "+format+"\n", args...) }
func show(format string, args ...any) { fmt.Printf("   "+format+"\n", args...) }

// register is a toy protocol register: numbers in order, and the same
// number again for a repeated idempotency key, as practice.Registrar
// requires.
type register struct {
	mu    sync.Mutex
	byKey map[string]string
}

// Register numbers doc, or returns the number its key already has.
func (r *register) Register(_ context.Context, doc practice.ProtocolDocument) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n, ok := r.byKey[doc.IdempotencyKey]; ok {
		return n, nil
	}
	n := fmt.Sprintf("PG/2026/%05d", len(r.byKey)+1)
	r.byKey[doc.IdempotencyKey] = n
	return n, nil
}

func run(ctx context.Context) error {
	// The payment side: records in memory, positions at a fake gateway,
	// notice codes numbered by the office itself (segregation code 01).
	payStore := paymentmem.New()
	gateway := fakegateway.New(nil)
	notices, err := payment.NewGenerator("01", payment.StoreSequence(payStore, tenant, "notices"))
	if err != nil {
		return err
	}
	// Payment events feed the pratiche through practice's ready-made
	// handler, which ignores payments of other subjects. The two desks
	// need each other: the handler reaches the practice desk made below.
	var desk *practice.Desk
	payments, err := payment.New(payment.Config{Store: payStore, Gateway: gateway, Generator: notices,
		EventHandler: payment.EventHandlerFunc(func(ctx context.Context, ev payment.Event) error {
			return desk.ApplyPaymentEvent(ctx, ev)
		})})
	if err != nil {
		return err
	}
	// The pratiche side, using the payment desk and the register.
	desk, err = practice.New(practice.Config{
		Store:     practicemem.New(),
		Payments:  payments,
		Registrar: &register{byKey: map[string]string{}},
		Notifier: practice.NotifierFunc(func(_ context.Context, n practice.Notification) error {
			show("%-22s status %-24s to %s %q", n.Kind, n.Status, recipient(n), n.Subject)
			return nil
		}),
	})
	if err != nil {
		return err
	}

	fc, err := auth.ParseFiscalCode("RSSMRA80A01H501U")
	if err != nil {
		return err
	}
	system := auth.System(tenant)
	admin := auth.Principal{ID: "admin", Tenant: tenant, Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator, auth.RoleAdmin}}
	citizen := auth.Principal{ID: "citizen-1", Tenant: tenant, Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen},
		FiscalCode: fc, Level: auth.LevelL2, Provider: "spid"}
	anna := auth.Principal{ID: "anna", Tenant: tenant, Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator},
		Services: []string{"suolo-pubblico"}, Offices: []string{"polizia-locale"}}
	bruno := auth.Principal{ID: "bruno", Tenant: tenant, Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator},
		Services: []string{"anagrafe"}}

	step("The administrator publishes a service: approval, protocol, fee set at acceptance")
	if _, err := desk.CreateService(ctx, admin, practice.Service{
		ID: "suolo-pubblico", Name: "Occupazione di suolo pubblico", Office: "polizia-locale",
		Status: practice.ServiceAvailable, Workflow: practice.WorkflowApproval,
		Payment: practice.PaymentDeferred, ProtocolRequired: true,
		AllowIntegrationRequest: true, AllowWithdraw: true, MaxResponseDays: 30,
		RequiredLevel: auth.LevelL2,
		Templates: map[practice.Status]practice.MessageTemplate{
			practice.StatusComplete: {Active: true, Subject: "La sua pratica è stata accettata"},
		},
	}); err != nil {
		return err
	}
	show("service suolo-pubblico published")

	step("The citizen fills in a draft and submits it")
	p, err := desk.Create(ctx, citizen, practice.NewPractice{
		Service: "suolo-pubblico", IdempotencyKey: "form-7f3a",
		Data: map[string]any{"via": "Via Roma 1", "metri_quadri": 12, "giorni": 30},
	})
	if err != nil {
		return err
	}
	if p, err = desk.Submit(ctx, citizen, p.ID); err != nil {
		return err
	}
	show("%s: %s", p.Status, p.Status.Label("it"))

	step("The platform acquires it, the protocol registers it, an operator takes it in charge")
	if p, err = desk.Acquire(ctx, system, p.ID); err != nil {
		return err
	}
	if p, err = desk.RegisterProtocol(ctx, system, p.ID); err != nil {
		return err
	}
	show("%s, protocol %s", p.Status, p.Protocols[len(p.Protocols)-1].Number)
	_, err = desk.TakeInCharge(ctx, bruno, p.ID)
	show("an operator of another service: %v", err)
	if p, err = desk.TakeInCharge(ctx, anna, p.ID); err != nil {
		return err
	}
	show("%s by %s (%s)", p.Status, p.Assignee, p.Office)

	step("The operator asks for a missing document; the citizen answers")
	if p, err = desk.RequestIntegration(ctx, anna, p.ID, practice.IntegrationInput{Text: "Allegare la planimetria"}); err != nil {
		return err
	}
	if p, err = desk.RegisterProtocol(ctx, system, p.ID); err != nil {
		return err
	}
	show("%s", p.Status)
	if p, err = desk.AnswerIntegration(ctx, citizen, p.ID, practice.AnswerInput{
		Text: "Planimetria allegata", Attachments: []practice.Attachment{{ID: "file-1", Name: "planimetria.pdf"}},
	}); err != nil {
		return err
	}
	if p, err = desk.RegisterProtocol(ctx, system, p.ID); err != nil {
		return err
	}
	show("%s", p.Status)
	if p, err = desk.TakeInCharge(ctx, anna, p.ID); err != nil {
		return err
	}
	show("%s", p.Status)

	step("The operator accepts with a fee of 48.00 EUR: a pagoPA payment is opened")
	_, err = desk.Accept(ctx, bruno, p.ID, practice.Decision{Motivation: "Concessa"})
	show("someone not assigned: %v", err)
	decision := practice.Decision{Motivation: "Concessa per 30 giorni", Amount: decimal.RequireFromString("48.00")}
	if p, err = desk.Accept(ctx, anna, p.ID, decision); err != nil {
		return err
	}
	_, err = desk.Accept(ctx, anna, p.ID, decision)
	if !errors.Is(err, practice.ErrInvalidTransition) {
		return fmt.Errorf("accepting twice: got %v, want ErrInvalidTransition", err)
	}
	show("accepting again: %v", err)
	ref := p.Payments[len(p.Payments)-1]
	pay, err := payments.Get(ctx, citizen, ref.ID)
	if err != nil {
		return err
	}
	code, err := payment.ParseNoticeCode(pay.NoticeCode)
	if err != nil {
		return err
	}
	show("%s; %d payment record(s); notice code %s (IUV %s), %s EUR, due %s",
		p.Status, len(p.Payments), code.Grouped(), code.IUV(), pay.Amount.StringFixed(2), pay.DueAt.Format("02/01/2006"))

	step("The citizen pays; the gateway calls back twice and out of order")
	gateway.DeliverTwice(true)
	gateway.DeliverReversed(true)
	if _, err := gateway.Start(tenant, ref.ID); err != nil {
		return err
	}
	if _, err := gateway.Pay(tenant, ref.ID, "Banca Esempio"); err != nil {
		return err
	}
	if _, err := gateway.Deliver(ctx, func(ctx context.Context, n payment.Notification) error {
		_, outcome, err := payments.ApplyNotification(ctx, system, n)
		show("gateway says %-15s -> %s", n.Status, outcome)
		return err
	}); err != nil {
		return err
	}

	step("The host drains the payment events into the pratica")
	n, err := payments.DeliverEvents(ctx, tenant, 0)
	if err != nil {
		return err
	}
	if p, err = desk.Get(ctx, system, p.ID); err != nil {
		return err
	}
	show("%d payment event(s) applied -> pratica %s", n, p.Status)
	if p, err = desk.RegisterProtocol(ctx, system, p.ID); err != nil {
		return err
	}
	show("outcome registered: %s (%s), final %v", p.Status, p.Status.Label("it"), p.Status.IsFinal())

	step("History, as the citizen sees it")
	if p, err = desk.Get(ctx, citizen, p.ID); err != nil {
		return err
	}
	for _, h := range p.History {
		show("%-26s %5d -> %d", h.Event, h.From, h.To)
	}

	step("Notifications queued in the outbox")
	n, err = desk.DeliverNotifications(ctx, tenant, 0)
	if err != nil {
		return err
	}
	show("%d delivered", n)
	return nil
}

func recipient(n practice.Notification) string {
	if n.Recipient == "" {
		return "operators of " + n.Service
	}
	return n.Recipient
}
