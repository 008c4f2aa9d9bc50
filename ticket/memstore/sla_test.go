package memstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/sportello/sportello/ticket"
	"github.com/sportello/sportello/ticket/memstore"
)

var (
	base = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	// sweepStatuses are the statuses the Desk's sweep lists.
	sweepStatuses = []ticket.Status{ticket.StatusNew, ticket.StatusApproved, ticket.StatusAssigned, ticket.StatusEscalatedTTO, ticket.StatusEscalatedTTR}
	allStatuses   = append(slices.Clone(sweepStatuses), ticket.StatusPending, ticket.StatusResolved, ticket.StatusClosed)
)

func minute(m int) time.Time { return base.Add(time.Duration(m) * time.Minute) }

// randomSLA sets r's status and stopwatches at random, over few instants
// so that several requests share their next SLA event.
func randomSLA(rng *rand.Rand, r *ticket.Request) {
	r.Status = allStatuses[rng.IntN(len(allStatuses))]
	r.SLA = ticket.SLA{}
	for _, w := range []*ticket.Stopwatch{&r.SLA.TTO, &r.SLA.TTR} {
		if rng.IntN(4) == 0 {
			continue // never started
		}
		warn := 10 * rng.IntN(8)
		*w = ticket.Stopwatch{Goal: time.Hour, StartedAt: minute(0), WarnAt: minute(warn), DueAt: minute(warn + 10),
			Warned: rng.IntN(3) == 0, Fired: rng.IntN(4) == 0}
		if rng.IntN(5) > 0 {
			w.RunningSince = minute(0)
		}
	}
}

// pageAll lists every page of tenant's requests passing f.
func pageAll(t *testing.T, s *memstore.Store, tenant string, f ticket.Filter, limit int) []string {
	t.Helper()
	var out []string
	after := ""
	for {
		page, err := s.ListRequests(context.Background(), tenant, f, after, limit)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page {
			out = append(out, r.ID)
		}
		if len(page) < limit {
			return out
		}
		after = page[len(page)-1].ID
	}
}

// TestSLAIndexMatchesScan changes requests at random and checks, after
// every round, that the SLA listings (read from the index) hold exactly
// what Filter.Match keeps of a full listing, in the same order.
func TestSLAIndexMatchesScan(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	s := memstore.New()
	var rs []*ticket.Request
	for i := range 200 {
		r := &ticket.Request{ID: fmt.Sprintf("req-%03d", (i*37)%200), Tenant: "t1", TeamID: fmt.Sprintf("team-%d", i%3)}
		randomSLA(rng, r)
		if err := s.CreateRequest(ctx, r, nil); err != nil {
			t.Fatal(err)
		}
		rs = append(rs, r)
	}
	// Another tenant's due requests never show.
	other := &ticket.Request{ID: "req-x", Tenant: "t2", Status: ticket.StatusNew,
		SLA: ticket.SLA{TTO: ticket.Stopwatch{Goal: time.Hour, RunningSince: minute(0), WarnAt: minute(0), DueAt: minute(1)}}}
	if err := s.CreateRequest(ctx, other, nil); err != nil {
		t.Fatal(err)
	}
	dueSeen := 0
	for round := range 20 {
		if round > 0 {
			var batch []*ticket.Request
			for _, i := range rng.Perm(len(rs))[:1+rng.IntN(30)] {
				randomSLA(rng, rs[i])
				batch = append(batch, rs[i])
			}
			if err := s.UpdateRequests(ctx, nil, batch...); err != nil {
				t.Fatal(err)
			}
		}
		all, err := s.ListRequests(ctx, "t1", ticket.Filter{}, "", 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, by := range []int{-1, 0, 5, 10, 35, 90} {
			for _, f := range []ticket.Filter{
				{SLADueBy: minute(by)},
				{SLADueBy: minute(by), Statuses: sweepStatuses},
				{SLADueBy: minute(by), Team: "team-1", NotStatuses: []ticket.Status{ticket.StatusNew}},
			} {
				var want []string
				for _, r := range all {
					if f.Match(r) {
						want = append(want, r.ID)
					}
				}
				dueSeen += len(want)
				for _, limit := range []int{1, 7, 1000} {
					if got := pageAll(t, s, "t1", f, limit); !slices.Equal(got, want) {
						t.Fatalf("round %d, due by %d, %+v, pages of %d:\n got %v\nwant %v", round, by, f, limit, got, want)
					}
				}
			}
		}
	}
	if dueSeen == 0 {
		t.Fatal("the data never had a due request")
	}
}

// BenchmarkSweepDue measures the store's part of an SLA sweep: one page
// of the due requests (the Desk's filter, pages of 100) of a tenant whose
// open requests, all with a running stopwatch, are 10 due and the rest
// due in a month. The cost follows the due requests, not the open ones.
func BenchmarkSweepDue(b *testing.B) {
	const due = 10
	for _, open := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("open=%d", open), func(b *testing.B) {
			ctx := context.Background()
			s := memstore.New()
			for i := range open {
				at := minute(30 * 24 * 60) // a month ahead: not due
				if i%(open/due) == 0 {
					at = minute(-5) // due: spread over the ID range
				}
				r := &ticket.Request{ID: fmt.Sprintf("req-%07d", i), Tenant: "t1", Status: ticket.StatusNew,
					SLA: ticket.SLA{TTO: ticket.Stopwatch{Goal: time.Hour, StartedAt: minute(-60), RunningSince: minute(-60), WarnAt: at, DueAt: at.Add(15 * time.Minute)}}}
				if err := s.CreateRequest(ctx, r, nil); err != nil {
					b.Fatal(err)
				}
			}
			f := ticket.Filter{Statuses: sweepStatuses, SLADueBy: minute(0)}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				page, err := s.ListRequests(ctx, "t1", f, "", 100)
				if err != nil || len(page) != due {
					b.Fatalf("%d due, err %v", len(page), err)
				}
			}
		})
	}
}
