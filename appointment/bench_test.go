package appointment_test

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/sportello/sportello/appointment"
	"github.com/sportello/sportello/calendar"
)

// countingWriter counts the bytes written to it.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// BenchmarkICSExport10000 writes a feed of 10,000 bookings; SetBytes
// makes the MB/s column the export's throughput.
func BenchmarkICSExport10000(b *testing.B) {
	cal := &calendar.Calendar{ID: "anagrafe", Tenant: "t1", Title: "Ufficio anagrafe", Location: "Piazza del Comune 1, Roma"}
	bs := make([]*appointment.Booking, 10000)
	for i := range bs {
		start := t0.Add(time.Duration(i) * 30 * time.Minute)
		bs[i] = &appointment.Booking{ID: appointment.ID(fmt.Sprintf("0190f3a2-7c1e-7b55-9a40-%012d", i)), Tenant: "t1", Calendar: "anagrafe",
			Start: start, End: start.Add(30 * time.Minute), Status: appointment.Status(i % 7), Reschedules: i % 3,
			Notes: "Portare la carta d'identità, il codice fiscale; due fototessere.", Created: t0, Updated: t0}
	}
	var w countingWriter
	if err := appointment.WriteICS(&w, appointment.MethodPublish, cal, bs...); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(w.n)
	b.ReportAllocs()
	for b.Loop() {
		if err := appointment.WriteICS(io.Discard, appointment.MethodPublish, cal, bs...); err != nil {
			b.Fatal(err)
		}
	}
}
