package authtest_test

import (
	"context"
	"testing"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/auth/authtest"
	"github.com/sportello/sportello/auth/memstore"
)

// myHarness shows the shape of an adapter's harness; a real one opens a
// fresh database per MakeStores call and n connection pools on it.
type myHarness struct{}

func (myHarness) MakeStores(_ context.Context, n int) ([]auth.Store, error) {
	s := memstore.New() // your adapter here
	out := make([]auth.Store, n)
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
		authtest.Run(t, func(*testing.T) authtest.Harness { return myHarness{} })
	}
}
