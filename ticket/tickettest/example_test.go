package tickettest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/sportello/sportello/ticket"
	"github.com/sportello/sportello/ticket/memstore"
	"github.com/sportello/sportello/ticket/tickettest"
)

// memHarness shows the shape of an adapter's harness. An in-memory store
// is shared by the instances of one process, so it returns one store n
// times; a database adapter opens n connection pools on one fresh
// database instead.
type memHarness struct{}

func (memHarness) MakeStores(_ context.Context, n int) ([]ticket.Store, error) {
	s := memstore.New()
	out := make([]ticket.Store, n)
	for i := range out {
		out[i] = s
	}
	return out, nil
}

func (memHarness) Close() {}

// An adapter's whole conformance test is two calls in Test functions. The
// stores a harness makes share one data set: a request created through one
// instance is read through another.
func ExampleRun() {
	var t *testing.T // in a real test: func TestConformance(t *testing.T)
	if t != nil {
		tickettest.Run(t, func(*testing.T) tickettest.Harness { return memHarness{} })
		tickettest.RunBlobStore(t, func(*testing.T) ticket.BlobStore { return memstore.NewBlobs() })
	}

	ctx := context.Background()
	stores, _ := memHarness{}.MakeStores(ctx, 2)
	r := &ticket.Request{ID: "req-1", Tenant: "comune-a", Title: "No network", Description: "Room 12", Status: ticket.StatusNew}
	if err := stores[0].CreateRequest(ctx, r, nil); err != nil {
		fmt.Println(err)
		return
	}
	got, err := stores[1].GetRequest(ctx, "comune-a", "req-1")
	fmt.Println(got.Ref, got.Version, err)
	// Output: R-000001 1 <nil>
}
