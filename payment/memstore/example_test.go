package memstore_test

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

// A Desk backed by the in-memory store.
func Example() {
	store := memstore.New()
	desk, err := payment.New(payment.Config{Store: store, Gateway: fakegateway.New(nil)})
	if err != nil {
		panic(err)
	}
	p, err := desk.Create(context.Background(), auth.System("comune-a"), payment.NewPayment{
		Kind:    payment.KindStampDigital,
		Payer:   "RSSMRA80A01H501U",
		Subject: "pratica-1",
		Service: "edilizia",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Status, payment.FormatAmount(p.Amount))

	// The store scopes every call by tenant.
	_, err = store.Get(context.Background(), "comune-b", p.ID)
	fmt.Println(err)
	// Output:
	// payment_pending 16.00
	// payment: not found
}

// Stamp identifiers are unique across tenants.
func ExampleStore_Create() {
	store := memstore.New()
	ctx := context.Background()
	stamp := func(tenant, id string) *payment.Payment {
		return &payment.Payment{
			ID: payment.ID(id), Tenant: tenant, Kind: payment.KindStampPhysical,
			Status: payment.StatusComplete, Amount: decimal.New(16, 0),
			Stamp: &payment.Stamp{Identifier: "01234567890123"},
		}
	}
	_, created, err := store.Create(ctx, stamp("comune-a", "p1"), nil)
	fmt.Println(created, err)
	_, created, err = store.Create(ctx, stamp("comune-b", "p2"), nil)
	fmt.Println(created, err)
	// Output:
	// true <nil>
	// false payment: conflict: stamp_identifier already in use
}

// Deliverers claim outbox events under a lease: another claim gets them
// only once the lease ends, unless they were acknowledged.
func ExampleStore_ClaimEvents() {
	store := memstore.New()
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	p := &payment.Payment{ID: "p1", Tenant: "comune-a", Kind: payment.KindManual,
		Status: payment.StatusComplete, Amount: decimal.New(16, 0)}
	events := []payment.Event{
		{ID: "e1", PaymentID: "p1", To: payment.StatusPending, At: now},
		{ID: "e2", PaymentID: "p1", From: payment.StatusPending, To: payment.StatusComplete, At: now},
	}
	if _, _, err := store.Create(ctx, p, events); err != nil {
		panic(err)
	}
	show := func(at time.Time) {
		got, err := store.ClaimEvents(ctx, "comune-a", at, time.Minute, 10)
		if err != nil {
			panic(err)
		}
		ids := []string{}
		for _, e := range got {
			ids = append(ids, e.ID)
		}
		fmt.Println(at.Sub(now), ids)
	}
	show(now)                  // both leased for a minute
	show(now.Add(time.Second)) // nothing: the lease runs
	if err := store.AckEvent(ctx, "comune-a", "e1"); err != nil {
		panic(err)
	}
	show(now.Add(time.Minute)) // e2 was not acknowledged: claimable again
	// Output:
	// 0s [e1 e2]
	// 1s []
	// 1m0s [e2]
}
