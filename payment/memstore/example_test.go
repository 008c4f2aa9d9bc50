package memstore_test

import (
	"context"
	"fmt"

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
