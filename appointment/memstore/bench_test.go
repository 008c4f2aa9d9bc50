package memstore_test

import (
	"testing"

	"github.com/sportello/sportello/appointment"
	"github.com/sportello/sportello/appointment/appointmenttest"
	"github.com/sportello/sportello/appointment/memstore"
)

func BenchmarkStore(b *testing.B) {
	appointmenttest.Bench(b, func(*testing.B) appointment.Store { return memstore.New() })
}
