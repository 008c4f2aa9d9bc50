package memstore_test

import (
	"context"
	"testing"

	"github.com/sportello/sportello/calendar"
	"github.com/sportello/sportello/calendar/calendartest"
	"github.com/sportello/sportello/calendar/memstore"
)

type harness struct{}

func (harness) MakeStores(_ context.Context, n int) ([]calendar.Store, error) {
	s := memstore.New()
	out := make([]calendar.Store, n)
	for i := range out {
		out[i] = s
	}
	return out, nil
}

func (harness) Close() {}

func TestConformance(t *testing.T) {
	calendartest.Run(t, func(*testing.T) calendartest.Harness { return harness{} })
}
