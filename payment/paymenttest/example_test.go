package paymenttest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/payment/memstore"
	"github.com/sportello/sportello/payment/paymenttest"
)

// myHarness shows the shape of an adapter's harness; a real one opens a
// fresh database per MakeStores call and n connection pools on it.
type myHarness struct{}

func (myHarness) MakeStores(_ context.Context, n int) ([]payment.Store, error) {
	s := memstore.New() // your adapter here
	out := make([]payment.Store, n)
	for i := range out {
		out[i] = s
	}
	return out, nil
}

func (myHarness) Close() {}

// An adapter's whole conformance test is one call in a Test function.
func ExampleRun() {
	var t *testing.T // in a real test: func TestConformance(t *testing.T)
	if t != nil {
		paymenttest.Run(t, func(*testing.T) paymenttest.Harness { return myHarness{} })
	}
}

// A harness's stores share one data set: what one instance writes, another
// reads, as the kit's concurrency checks require.
func ExampleHarness() {
	ctx := context.Background()
	var h paymenttest.Harness = myHarness{}
	defer h.Close()
	stores, err := h.MakeStores(ctx, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	p := &payment.Payment{ID: "pay-1", Tenant: "t1", Kind: payment.KindPagoPA, Status: payment.StatusPending,
		Amount: payment.FromCents(1600), IdempotencyKey: "req-1"}
	_, created, _ := stores[0].Create(ctx, p, nil)
	again, createdAgain, _ := stores[1].Create(ctx, &payment.Payment{ID: "pay-2", Tenant: "t1", IdempotencyKey: "req-1"}, nil)
	got, _ := stores[1].Get(ctx, "t1", "pay-1")
	fmt.Println(created, createdAgain, again.ID, got.Amount.StringFixed(2), got.Version)
	// Output: true false pay-1 16.00 1
}
