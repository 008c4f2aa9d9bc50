package memstore_test

import (
	"context"
	"testing"

	"github.com/sportello/sportello/ticket"
	"github.com/sportello/sportello/ticket/memstore"
	"github.com/sportello/sportello/ticket/tickettest"
)

type harness struct{}

// MakeStores returns one store n times: in memory, the instances of one
// process share it.
func (harness) MakeStores(_ context.Context, n int) ([]ticket.Store, error) {
	s := memstore.New()
	out := make([]ticket.Store, n)
	for i := range out {
		out[i] = s
	}
	return out, nil
}

func (harness) Close() {}

func TestConformance(t *testing.T) {
	tickettest.Run(t, func(*testing.T) tickettest.Harness { return harness{} })
}

func TestBlobs(t *testing.T) {
	tickettest.RunBlobStore(t, func(*testing.T) ticket.BlobStore { return memstore.NewBlobs() })
}
