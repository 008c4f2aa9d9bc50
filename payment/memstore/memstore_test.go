package memstore_test

import (
	"context"
	"testing"

	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/payment/memstore"
	"github.com/sportello/sportello/payment/paymenttest"
)

// harness hands out one memstore n times: the instances of one process.
type harness struct{}

func (harness) MakeStores(_ context.Context, n int) ([]payment.Store, error) {
	s := memstore.New()
	out := make([]payment.Store, n)
	for i := range out {
		out[i] = s
	}
	return out, nil
}

func (harness) Close() {}

func TestConformance(t *testing.T) {
	paymenttest.Run(t, func(*testing.T) paymenttest.Harness { return harness{} })
}
