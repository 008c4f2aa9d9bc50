package memstore_test

import (
	"context"
	"testing"

	"github.com/sportello/sportello/practice"
	"github.com/sportello/sportello/practice/memstore"
	"github.com/sportello/sportello/practice/practicetest"
)

type harness struct{}

func (harness) MakeStores(_ context.Context, n int) ([]practice.Store, error) {
	s := memstore.New()
	out := make([]practice.Store, n)
	for i := range out {
		out[i] = s
	}
	return out, nil
}

func (harness) Close() {}

func TestConformance(t *testing.T) {
	practicetest.Run(t, func(*testing.T) practicetest.Harness { return harness{} })
}
