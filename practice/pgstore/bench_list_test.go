package pgstore

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sportello/sportello/auth"
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
				{"page=reach", func() practice.OfficeFilter {
					rf := f
					rf.Service, rf.Visible = "", &practice.Reach{Services: []string{"svc-1", "svc-2"}, Offices: []string{"off-3"}}
					return rf
				}(), practice.Position{}},
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

// BenchmarkImport imports generated pratiche (three history entries
// each) into an empty table through Desk.Import (every row checked,
// batches written with COPY, two at a time), and reports the rate in rows
// per second. The size is 20,000 rows (2,000 under -short), or
// SPORTELLO_BENCH_ROWS when larger than 100,000.
func BenchmarkImport(b *testing.B) {
	n := 20_000
	if testing.Short() {
		n = 2_000
	}
	if sizes := practicetest.BenchSizes(); sizes[len(sizes)-1] > 100_000 {
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
			desk, err := practice.New(practice.Config{Store: s})
			if err != nil {
				b.Fatal(err)
			}
			for i := range practicetest.GenServices {
				svc := &practice.Service{Tenant: "t1", ID: "svc-" + strconv.Itoa(i), Name: "Servizio", Status: practice.ServiceAvailable,
					Workflow: practice.WorkflowApproval, Payment: practice.PaymentNone}
				if err := s.CreateService(ctx, svc); err != nil {
					b.Fatal(err)
				}
			}
			b.StartTimer()
			start := time.Now()
			src := func(yield func(*practice.Practice, error) bool) {
				for p := range practicetest.Generate("t1", n, 1) {
					if !yield(p, nil) {
						return
					}
				}
			}
			totals, err := desk.Import(ctx, auth.System("t1"), src, nil)
			if err != nil || totals.Created != n {
				b.Fatalf("%+v %v", totals, err)
			}
			elapsed += time.Since(start)
		}
		b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "rows/s")
	})
}

// BenchmarkExportCSV writes every pratica of the tenant through
// Desk.ExportCSV (one streamed query), then the same columns from one
// plain pgx query written with encoding/csv directly
// (practicetest.RawCSV); the raw line reports ratio = raw time / export
// time, the export line the live heap's growth during the export.
func BenchmarkExportCSV(b *testing.B) {
	ctx := context.Background()
	for _, n := range practicetest.BenchSizes() {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			s, err := New(ctx, pgtest.NewPool(b))
			if err != nil {
				b.Fatal(err)
			}
			seed(b, s, n)
			desk, err := practice.New(practice.Config{Store: s})
			if err != nil {
				b.Fatal(err)
			}
			who := auth.System("t1")
			var exportTime time.Duration
			b.Run("way=export", func(b *testing.B) {
				b.ReportAllocs()
				start := time.Now()
				for b.Loop() {
					w := &practicetest.CountingWriter{}
					if _, err := desk.ExportCSV(ctx, who, practice.OfficeQuery{}, w, practice.CSVOptions{}); err != nil {
						b.Fatal(err)
					}
					if w.Lines != n+1 {
						b.Fatalf("%d lines for %d rows", w.Lines, n)
					}
				}
				exportTime = time.Since(start) / time.Duration(b.N)
				b.StopTimer()
				heap := practicetest.NewHeapWatch()
				w := &practicetest.CountingWriter{Heap: heap, Every: max(n/8, 1)}
				if _, err := desk.ExportCSV(ctx, who, practice.OfficeQuery{}, w, practice.CSVOptions{}); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(heap.GrowthMB(), "heap-MB")
			})
			b.Run("way=raw", func(b *testing.B) {
				b.ReportAllocs()
				start := time.Now()
				for b.Loop() {
					rows, err := s.pool.Query(ctx, `SELECT id, protocol_number, owner_provider, paid, COALESCE(data->>'applicant', ''),
						owner_fiscal_code, COALESCE(submitted_at, '0001-01-01 00:00:00+00'::timestamptz), status_changed_at, status, assignee, service
						FROM practice_practices WHERE tenant = $1 AND status = ANY($2::int[])
						ORDER BY COALESCE(submitted_at, '0001-01-01 00:00:00+00'::timestamptz), id`, "t1", statusCodes(practicetest.GenStatuses))
					if err != nil {
						b.Fatal(err)
					}
					raw := practicetest.NewRawCSV(&practicetest.CountingWriter{})
					var id, protocol, provider, applicant, fc, assignee, service string
					var paid bool
					var sub, chg time.Time
					var status int32
					_, err = pgx.ForEachRow(rows, []any{&id, &protocol, &provider, &paid, &applicant, &fc, &sub, &chg, &status, &assignee, &service}, func() error {
						return raw.Write(id, protocol, provider, paid, applicant, fc, sub, chg, practice.Status(status), assignee, service)
					})
					if err != nil {
						b.Fatal(err)
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
