package memstore_test

import (
	"context"
	"testing"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/auth/authtest"
	"github.com/sportello/sportello/auth/memstore"
)

type harness struct{}

func (harness) MakeStores(_ context.Context, n int) ([]auth.Store, error) {
	s := memstore.New()
	out := make([]auth.Store, n)
	for i := range out {
		out[i] = s
	}
	return out, nil
}

func (harness) Close() {}

func TestConformance(t *testing.T) {
	authtest.Run(t, func(*testing.T) authtest.Harness { return harness{} })
}
