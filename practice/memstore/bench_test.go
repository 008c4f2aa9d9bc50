package memstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sportello/sportello/auth"
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
			b.Run("page=reach", func(b *testing.B) {
				rf := f
				rf.Service, rf.Visible = "", &practice.Reach{Services: []string{"svc-1", "svc-2"}, Offices: []string{"off-3"}}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := s.ListSummaries(ctx, "t1", rf, practice.Position{}, 51); err != nil {
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

// BenchmarkExportCSV writes every pratica of the tenant through
// Desk.ExportCSV (one pass over the submission index), then the same rows
// with encoding/csv directly (practicetest.RawCSV over the summaries
// already in memory); the raw line reports ratio = raw time / export
// time, the export line the heap's growth during the export.
func BenchmarkExportCSV(b *testing.B) {
	ctx := context.Background()
	for _, n := range practicetest.BenchSizes() {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			s := benchStore(b, n)
			desk, err := practice.New(practice.Config{Store: s})
			if err != nil {
				b.Fatal(err)
			}
			who := auth.System("t1")
			var rows []practice.ExportRow
			for r, err := range desk.Export(ctx, who, practice.OfficeQuery{}, []string{"applicant"}) {
				if err != nil {
					b.Fatal(err)
				}
				rows = append(rows, r)
			}
			var exportTime time.Duration
			b.Run("way=export", func(b *testing.B) {
				b.ReportAllocs()
				start := time.Now()
				for b.Loop() {
					w := &practicetest.CountingWriter{}
					if _, err := desk.ExportCSV(ctx, who, practice.OfficeQuery{}, w, practice.CSVOptions{}); err != nil {
						b.Fatal(err)
					}
					if w.Lines != len(rows)+1 {
						b.Fatalf("%d lines for %d rows", w.Lines, len(rows))
					}
				}
				exportTime = time.Since(start) / time.Duration(b.N)
				// Once more, untimed, sampling the live heap 8 times.
				b.StopTimer()
				heap := practicetest.NewHeapWatch()
				w := &practicetest.CountingWriter{Heap: heap, Every: max(len(rows)/8, 1)}
				if _, err := desk.ExportCSV(ctx, who, practice.OfficeQuery{}, w, practice.CSVOptions{}); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(heap.GrowthMB(), "heap-MB")
			})
			b.Run("way=raw", func(b *testing.B) {
				b.ReportAllocs()
				start := time.Now()
				for b.Loop() {
					raw := practicetest.NewRawCSV(&practicetest.CountingWriter{})
					for _, r := range rows {
						applicant, _ := r.Values[0].(string)
						if err := raw.Write(string(r.ID), r.ProtocolNumber, r.Owner.Provider, r.Paid, applicant, r.Owner.FiscalCode,
							r.SubmittedAt, r.LastChange, r.Status, r.Assignee, r.Service); err != nil {
							b.Fatal(err)
						}
					}
					if err := raw.Flush(); err != nil {
						b.Fatal(err)
					}
				}
				if exportTime > 0 {
					b.ReportMetric(float64(time.Since(start)/time.Duration(b.N))/float64(exportTime), "ratio")
				}
			})
		})
	}
}
