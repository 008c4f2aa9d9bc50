package appointmenttest_test

import (
	"context"
	"testing"

	"github.com/sportello/sportello/appointment"
	"github.com/sportello/sportello/appointment/appointmenttest"
	"github.com/sportello/sportello/appointment/memstore"
)

type memHarness struct{}

func (memHarness) MakeStores(_ context.Context, n int) ([]appointment.Store, error) {
	s := memstore.New()
	out := make([]appointment.Store, n)
	for i := range out {
		out[i] = s
	}
	return out, nil
}

func (memHarness) Close() {}

// An adapter's whole conformance test: a harness and one call.
func ExampleRun() {
	_ = func(t *testing.T) {
		appointmenttest.Run(t, func(*testing.T) appointmenttest.Harness { return memHarness{} })
	}
}
