package practicetest

import (
	"encoding/csv"
	"io"
	"runtime"
	"time"

	"github.com/sportello/sportello/practice"
)

// RawCSV writes rows with encoding/csv directly, formatting the same
// fields as practice.ExportCSV (dates in Europe/Rome, Italian status
// labels): the yardstick of the export benchmarks. It returns the number
// of rows written.
type RawCSV struct {
	w   *csv.Writer
	row []string
	loc *time.Location
}

// NewRawCSV writes to w.
func NewRawCSV(w io.Writer) *RawCSV {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		loc = time.UTC
	}
	cw := csv.NewWriter(w)
	cw.Comma, cw.UseCRLF = ';', true
	return &RawCSV{w: cw, loc: loc}
}

// Write writes one row of the fields.
func (r *RawCSV) Write(id, protocol, provider string, paid bool, applicant, fiscalCode string, submitted, changed time.Time,
	status practice.Status, assignee, service string) error {
	p := "no"
	if paid {
		p = "si"
	}
	date := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(r.loc).Format("02/01/2006 15:04:05")
	}
	r.row = append(r.row[:0], id, protocol, provider, p, applicant, fiscalCode, date(submitted), date(changed),
		status.Label("it"), assignee, service)
	return r.w.Write(r.row)
}

// Flush flushes the writer.
func (r *RawCSV) Flush() error {
	r.w.Flush()
	return r.w.Error()
}

// HeapWatch measures how far the live heap grows above where it
// started while a benchmark's work runs: each sample collects garbage
// first, so only what is still reachable counts.
type HeapWatch struct {
	start, max uint64
}

// NewHeapWatch collects garbage and records the live heap.
func NewHeapWatch() *HeapWatch {
	h := &HeapWatch{}
	h.start = liveHeap()
	h.max = h.start
	return h
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// Sample records the live heap (a collection: slow, call it a few times
// a run).
func (h *HeapWatch) Sample() { h.max = max(h.max, liveHeap()) }

// GrowthMB is the largest live heap sampled above the start, in MB.
func (h *HeapWatch) GrowthMB() float64 { return float64(h.max-h.start) / (1 << 20) }

// CountingWriter discards what it is given, counting lines (rows), and
// samples Heap every Every lines when set.
type CountingWriter struct {
	Lines int
	Heap  *HeapWatch
	Every int
}

// Write implements io.Writer.
func (c *CountingWriter) Write(b []byte) (int, error) {
	for _, x := range b {
		if x == '\n' {
			c.Lines++
			if c.Heap != nil && c.Every > 0 && c.Lines%c.Every == 0 {
				c.Heap.Sample()
			}
		}
	}
	return len(b), nil
}
