package pgstore_test

import (
	"context"
	"testing"

	"github.com/sportello/sportello/appointment"
	"github.com/sportello/sportello/appointment/appointmenttest"
	"github.com/sportello/sportello/appointment/pgstore"
	"github.com/sportello/sportello/internal/pgtest"
)

func BenchmarkStore(b *testing.B) {
	appointmenttest.Bench(b, func(b *testing.B) appointment.Store {
		s, err := pgstore.New(context.Background(), pgtest.NewPool(b))
		if err != nil {
			b.Fatal(err)
		}
		return s
	})
}
