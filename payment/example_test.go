package payment_test

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/payment/fakegateway"
	"github.com/sportello/sportello/payment/memstore"
)

func ExampleParseNoticeCode() {
	c, err := payment.ParseNoticeCode("3010 0000 0000 0123 73")
	fmt.Println(c, err)
	fmt.Println(c.AuxDigit(), c.SegregationCode(), c.IUV())

	_, err = payment.ParseNoticeCode("301000000000012374")
	fmt.Println(err)
	// Output:
	// 301000000000012373 <nil>
	// 3 01 01000000000012373
	// payment: notice code check digits do not match
}

func ExampleGenerator() {
	store := memstore.New()
	g, err := payment.NewGenerator("01", payment.StoreSequence(store, "comune-a", "notice"))
	if err != nil {
		panic(err)
	}
	for range 3 {
		c, err := g.Next(context.Background())
		if err != nil {
			panic(err)
		}
		fmt.Println(c.Grouped())
	}
	// Output:
	// 3010 0000 0000 0001 44
	// 3010 0000 0000 0002 45
	// 3010 0000 0000 0003 46
}

func ExampleParseAmount() {
	d, err := payment.ParseAmount("16,5")
	if err != nil {
		panic(err)
	}
	cents, _ := payment.Cents(d)
	fmt.Println(payment.FormatAmount(d), cents)

	_, err = payment.ParseAmount("16.505")
	fmt.Println(err)
	// Output:
	// 16.50 1650
	// payment: invalid input: amount: must have at most 2 decimals
}

// Create a payment and complete it through the fake gateway.
func ExampleDesk_Create() {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ids := 0
	gw := fakegateway.New(func() time.Time { return now })
	desk, err := payment.New(payment.Config{
		Store:   memstore.New(),
		Gateway: gw,
		Now:     func() time.Time { return now },
		NewID:   func() string { ids++; return fmt.Sprintf("pay-%03d", ids) },
		// The host's handler of the outbox's events; practice's
		// Desk.ApplyPaymentEvent fits here.
		EventHandler: payment.EventHandlerFunc(func(_ context.Context, e payment.Event) error {
			fmt.Printf("event %s -> %s\n", e.From, e.To)
			return nil
		}),
	})
	if err != nil {
		panic(err)
	}
	fc, _ := auth.ParseFiscalCode("RSSMRA80A01H501U")
	citizen := auth.Principal{ID: "c1", Tenant: "comune-a", Kind: auth.KindCitizen, FiscalCode: fc}

	p, err := desk.Create(ctx, citizen, payment.NewPayment{
		Kind:           payment.KindPagoPA,
		Amount:         decimal.RequireFromString("48.50"),
		Payer:          fc.String(),
		Subject:        "pratica-42",
		Service:        "edilizia",
		IdempotencyKey: "pratica-42/fee",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Status, p.NoticeCode, p.DueAt.Format(time.DateOnly))

	// The citizen pays; the platform notifies twice.
	gw.DeliverTwice(true)
	if _, err := gw.Pay("comune-a", p.ID, "Banca Esempio"); err != nil {
		panic(err)
	}
	if _, err := gw.Deliver(ctx, func(ctx context.Context, n payment.Notification) error {
		_, outcome, err := desk.ApplyNotification(ctx, auth.System(n.Tenant), n)
		fmt.Println("notification", n.Status, outcome)
		return err
	}); err != nil {
		panic(err)
	}

	p, _ = desk.Get(ctx, citizen, p.ID)
	fmt.Println(p.Status, p.Receipt.PSP)
	_, _ = desk.DeliverEvents(ctx, "comune-a", 0)
	// Output:
	// payment_pending 301000000000000144 2026-05-31
	// notification complete applied
	// notification complete ignored
	// complete Banca Esempio
	// event  -> creation_pending
	// event creation_pending -> payment_pending
	// event payment_pending -> complete
}

func ExampleDesk_RegisterManual() {
	desk, err := payment.New(payment.Config{Store: memstore.New(), Gateway: fakegateway.New(nil)})
	if err != nil {
		panic(err)
	}
	clerk := auth.Principal{ID: "op-7", Tenant: "comune-a", Kind: auth.KindOperator,
		Roles: []auth.Role{auth.RoleOperator}, Services: []string{"anagrafe"}}
	p, err := desk.RegisterManual(context.Background(), clerk, payment.NewManual{
		Amount:  decimal.RequireFromString("5.16"),
		Payer:   "RSSMRA80A01H501U",
		Subject: "certificato-9",
		Service: "anagrafe",
		Note:    &payment.Note{Text: "paid in cash at the counter", Internal: true},
	})
	fmt.Println(p.Kind, p.Status, payment.FormatAmount(p.Amount), err)
	// Output: manual complete 5.16 <nil>
}
