package memstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/sportello/sportello/practice"
	"github.com/sportello/sportello/practice/memstore"
	"github.com/sportello/sportello/practice/practicetest"
)

// benchStore returns a store holding n generated pratiche of tenant "t1"
// (and a few of "t2").
func benchStore(b *testing.B, n int) *memstore.Store {
	b.Helper()
	ctx := context.Background()
	s := memstore.New()
	for _, tenant := range []struct {
		id string
		n  int
	}{{"t1", n}, {"t2", n / 10}} {
		for p := range practicetest.Generate(tenant.id, tenant.n, 1) {
			if _, _, err := s.Create(ctx, p, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
	return s
}

// BenchmarkListSummaries measures the back office's first page of 50
// (one service, six statuses, a six-month submission window, newest
// first) and the page after it, at each of practicetest.BenchSizes.
func BenchmarkListSummaries(b *testing.B) {
	ctx := context.Background()
	f := practicetest.BenchFilter()
	for _, n := range practicetest.BenchSizes() {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			s := benchStore(b, n)
			first, err := s.ListSummaries(ctx, "t1", f, practice.Position{}, 51)
			if err != nil || len(first) < 51 {
				b.Fatalf("first page: %d rows, %v", len(first), err)
			}
			after := first[49].Position(f.Sort)
			b.Run("page=first", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := s.ListSummaries(ctx, "t1", f, practice.Position{}, 51); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("page=next", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := s.ListSummaries(ctx, "t1", f, after, 51); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("page=text", func(b *testing.B) {
				tf := practice.OfficeFilter{Text: practice.SearchKey("Mario Ross"), Sort: practice.SortLastChange, Desc: true}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := s.ListSummaries(ctx, "t1", tf, practice.Position{}, 51); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
