package memstore_test

import (
	"context"
	"testing"

	"github.com/sportello/sportello/appointment"
	"github.com/sportello/sportello/appointment/appointmenttest"
	"github.com/sportello/sportello/appointment/memstore"
)

type harness struct{}

// MakeStores returns one store n times: one process.
func (harness) MakeStores(_ context.Context, n int) ([]appointment.Store, error) {
	s := memstore.New()
	out := make([]appointment.Store, n)
	for i := range out {
		out[i] = s
	}
	return out, nil
}

func (harness) Close() {}

func TestConformance(t *testing.T) {
	appointmenttest.Run(t, func(*testing.T) appointmenttest.Harness { return harness{} })
}
