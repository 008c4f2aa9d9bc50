package payment_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sportello/sportello/payment"
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
