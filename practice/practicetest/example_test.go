package practicetest_test

import (
	"context"
	"testing"

	"github.com/sportello/sportello/practice"
	"github.com/sportello/sportello/practice/memstore"
	"github.com/sportello/sportello/practice/practicetest"
)

// myHarness shows the shape of an adapter's harness; a real one opens a
// fresh database per MakeStores call and n connection pools on it.
type myHarness struct{}

func (myHarness) MakeStores(_ context.Context, n int) ([]practice.Store, error) {
	s := memstore.New() // your adapter here
	out := make([]practice.Store, n)
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
		practicetest.Run(t, func(*testing.T) practicetest.Harness { return myHarness{} })
	}
}
