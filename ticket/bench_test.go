package ticket_test

import (
	"testing"
	"time"

	"github.com/sportello/sportello/ticket"
)

func BenchmarkCreateAndComment(b *testing.B) {
	f := newFixture(b, nil)
	in := ticket.NewRequest{ServiceID: f.service.ID, SubcategoryID: f.incident.ID,
		Title: "PC does not boot", Description: "Black screen since this morning",
		Extra: map[string]string{"local_team": "north"}, Contacts: []string{f.contact.ID}}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r, err := f.desk.Create(f.ctx, f.requester, in)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.desk.Comment(f.ctx, f.contact, r.ID, "Same here"); err != nil {
			b.Fatal(err)
		}
	}
}

// sweepFixture fills a desk with n open requests whose time to own is one
// hour and time to resolve eight.
func sweepFixture(b *testing.B, n int) *fixture {
	f := newFixture(b, func(c *ticket.Config) {
		c.Targets = []ticket.Target{
			{Metric: ticket.MetricTTO, Duration: time.Hour},
			{Metric: ticket.MetricTTR, Duration: 8 * time.Hour},
		}
	})
	in := ticket.NewRequest{ServiceID: f.service.ID, SubcategoryID: f.incident.ID,
		Title: "t", Description: "d", Extra: map[string]string{"local_team": "north"}}
	for range n {
		if _, err := f.desk.Create(f.ctx, f.requester, in); err != nil {
			b.Fatal(err)
		}
	}
	return f
}

// BenchmarkSweep100k measures one SLA sweep over 100,000 open requests:
// "scan" when none is due (the steady state of a sweep every minute: the
// store filters on NextSLAEvent and nothing is loaded), "warn_all" when
// every one crosses 75% at once (all are loaded, changed and saved).
func BenchmarkSweep100k(b *testing.B) {
	const n = 100_000
	b.Run("scan", func(b *testing.B) {
		f := sweepFixture(b, n)
		now := start.Add(10 * time.Minute)
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			rep, err := f.desk.Sweep(f.ctx, "t1", now)
			if err != nil || rep.Scanned != 0 || rep.Warned != 0 {
				b.Fatalf("%+v %v", rep, err)
			}
		}
	})
	b.Run("warn_all", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			f := sweepFixture(b, n)
			b.StartTimer()
			rep, err := f.desk.Sweep(f.ctx, "t1", start.Add(50*time.Minute))
			if err != nil || rep.Warned != n {
				b.Fatalf("%+v %v", rep, err)
			}
		}
	})
}

// BenchmarkConcurrentComments measures comments on one request from
// GOMAXPROCS goroutines at once: every comment lands, losers of the
// version check re-read and re-apply.
func BenchmarkConcurrentComments(b *testing.B) {
	f := newFixture(b, nil)
	r := f.newRequest(b)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := f.desk.Comment(f.ctx, f.contact, r.ID, "Same here"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
