package payment_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/payment/fakegateway"
	"github.com/sportello/sportello/payment/memstore"
)

var sinkCode payment.NoticeCode

func BenchmarkParseNoticeCode(b *testing.B) {
	c, err := payment.NewSegregationNoticeCode(1, 1234567890123)
	if err != nil {
		b.Fatal(err)
	}
	s := c.String()
	b.ReportAllocs()
	for b.Loop() {
		sinkCode, err = payment.ParseNoticeCode(s)
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGeneratorEightGoroutines issues notice codes from 8 goroutines
// sharing one Generator backed by a memstore sequence.
func BenchmarkGeneratorEightGoroutines(b *testing.B) {
	g, err := payment.NewGenerator("01", payment.StoreSequence(memstore.New(), "t", "notice"))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var issued atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for issued.Add(1) <= int64(b.N) {
				if _, err := g.Next(ctx); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// BenchmarkDeliverEvents drains batches of 100 events (20 payments, 5
// events each) from a memstore through DeliverEvents.
func BenchmarkDeliverEvents(b *testing.B) {
	ctx := context.Background()
	s := memstore.New()
	d, err := payment.New(payment.Config{Store: s, Gateway: fakegateway.New(nil),
		EventHandler: payment.EventHandlerFunc(func(context.Context, payment.Event) error { return nil })})
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	fill := func() {
		for p := range 20 {
			rec := &payment.Payment{ID: payment.ID(fmt.Sprintf("p%d-%d", n, p)), Tenant: "t1", Kind: payment.KindManual,
				Status: payment.StatusComplete, Amount: payment.FromCents(100)}
			var evs []payment.Event
			for e := range 5 {
				evs = append(evs, payment.Event{ID: fmt.Sprintf("e%d-%d-%d", n, p, e), PaymentID: rec.ID, To: payment.StatusComplete})
			}
			if _, _, err := s.Create(ctx, rec, evs); err != nil {
				b.Fatal(err)
			}
		}
		n++
	}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		fill()
		b.StartTimer()
		if got, err := d.DeliverEvents(ctx, "t1", 100); err != nil || got != 100 {
			b.Fatalf("DeliverEvents = %d, %v", got, err)
		}
	}
}
