package pgstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/pgtest"
	"github.com/sportello/sportello/practice"
	"github.com/sportello/sportello/practice/practicetest"
)

// BenchmarkListSummaries measures the back office's first page of 50
// (one service, six statuses, a six-month submission window, newest
// first) and the page after it through the cursor, over a table seeded
// with practicetest.BenchSizes rows (SPORTELLO_BENCH_ROWS=1000000 for the
// million).
func BenchmarkListSummaries(b *testing.B) {
	ctx := context.Background()
	f := practicetest.BenchFilter()
	for _, n := range practicetest.BenchSizes() {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			s, err := New(ctx, pgtest.NewPool(b))
			if err != nil {
				b.Fatal(err)
			}
			seed(b, s, n)
			first, err := s.ListSummaries(ctx, "t1", f, practice.Position{}, 51)
			if err != nil || len(first) < 51 {
				b.Fatalf("first page: %d rows, %v", len(first), err)
			}
			after := first[49].Position(f.Sort)
			oldest := f
			oldest.SubmittedFrom, oldest.SubmittedTo = practicetest.GenStart, practicetest.GenStart.AddDate(0, 1, 0)
			for _, c := range []struct {
				name  string
				f     practice.OfficeFilter
				after practice.Position
			}{
				{"page=first", f, practice.Position{}},
				{"page=next", f, after},
				{"page=oldest-window", oldest, practice.Position{}},
				{"page=text", practice.OfficeFilter{Text: practice.SearchKey("Giulia Conti"), Sort: practice.SortLastChange, Desc: true}, practice.Position{}},
			} {
				b.Run(c.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						if _, err := s.ListSummaries(ctx, "t1", c.f, c.after, 51); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}

// BenchmarkImport imports generated pratiche (three history entries each)
// into an empty table in batches of importBatch through COPY, and reports
// the rate in rows per second. The size is 20,000 rows (2,000 under
// -short), or SPORTELLO_BENCH_ROWS.
func BenchmarkImport(b *testing.B) {
	n := 20_000
	if testing.Short() {
		n = 2_000
	}
	if sizes := practicetest.BenchSizes(); len(sizes) > 0 && sizes[len(sizes)-1] > 100_000 {
		n = sizes[len(sizes)-1]
	}
	ctx := context.Background()
	b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
		var elapsed time.Duration
		for b.Loop() {
			b.StopTimer()
			s, err := New(ctx, pgtest.NewPool(b))
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			start := time.Now()
			batch := make([]*practice.Practice, 0, importBatch)
			for p := range practicetest.Generate("t1", n, 1) {
				if batch = append(batch, p); len(batch) == importBatch {
					if _, err := s.Import(ctx, "t1", batch); err != nil {
						b.Fatal(err)
					}
					batch = batch[:0]
				}
			}
			if _, err := s.Import(ctx, "t1", batch); err != nil {
				b.Fatal(err)
			}
			elapsed += time.Since(start)
		}
		b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "rows/s")
	})
}
