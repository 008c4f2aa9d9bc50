package pgstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/pgtest"
	"github.com/sportello/sportello/ticket"
	"github.com/sportello/sportello/ticket/pgstore"
)

func benchStore(b *testing.B) *pgstore.Store {
	b.Helper()
	s, err := pgstore.New(context.Background(), pgtest.NewPool(b))
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func benchRequest(i int) *ticket.Request {
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	return &ticket.Request{
		ID: fmt.Sprintf("req-%08d", i), Tenant: "t1", ServiceID: "svc", SubcategoryID: "sub",
		Type: ticket.TypeIncident, Title: "Printer", Description: "Blank pages",
		RequesterID: fmt.Sprintf("user-%d", i%50), Contacts: []string{fmt.Sprintf("user-%d", (i+1)%50)},
		TeamID: fmt.Sprintf("team-%d", i%5), Status: ticket.StatusNew,
		Logs:      []ticket.LogEntry{{ID: "l1", Visibility: ticket.Public, AuthorID: "user-1", At: now, Text: "hello"}},
		SLA:       ticket.SLA{TTO: ticket.Stopwatch{Goal: time.Hour, StartedAt: now, RunningSince: now, DueAt: now.Add(time.Hour)}},
		CreatedAt: now, UpdatedAt: now,
	}
}

// BenchmarkCreateAndUpdate is a request's creation (with its number) and
// one version-checked update (a comment).
func BenchmarkCreateAndUpdate(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r := benchRequest(i)
		if err := s.CreateRequest(ctx, r, nil); err != nil {
			b.Fatal(err)
		}
		r.Logs = append([]ticket.LogEntry{{ID: "l2", Visibility: ticket.Private, AuthorID: "agent", At: r.CreatedAt, Text: "on it"}}, r.Logs...)
		if err := s.UpdateRequests(ctx, nil, r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListPages reads pages of 100 of the SLA sweep listing, of a
// party's listing and of a team's over 3,000 requests, as whole requests
// (ListRequests) and as summaries (ListSummaries).
func BenchmarkListPages(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for i := range 3000 {
		r := benchRequest(i)
		if i%3 == 0 {
			r.Status = ticket.StatusClosed
		}
		if err := s.CreateRequest(ctx, r, nil); err != nil {
			b.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		f    ticket.Filter
	}{
		{"sweep", ticket.Filter{Statuses: []ticket.Status{ticket.StatusNew, ticket.StatusApproved, ticket.StatusAssigned, ticket.StatusEscalatedTTO, ticket.StatusEscalatedTTR}}},
		{"party", ticket.Filter{Party: "user-7", NotStatuses: []ticket.Status{ticket.StatusClosed}}},
		{"team", ticket.Filter{Team: "team-2"}},
	} {
		b.Run(tc.name+"/requests", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				page, err := s.ListRequests(ctx, "t1", tc.f, "", 100)
				if err != nil || len(page) == 0 {
					b.Fatal(err, len(page))
				}
			}
		})
		b.Run(tc.name+"/summaries", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				page, err := s.ListSummaries(ctx, "t1", tc.f, "", 100)
				if err != nil || len(page) == 0 {
					b.Fatal(err, len(page))
				}
			}
		})
	}
}

// BenchmarkClaimAndAck is one drain step: a write saving 10 notifications,
// a claim of them and their 10 acknowledgements, behind 1,000 older
// notifications of another request that another deliverer holds leased
// (which the claim skips: they hold back their own request only).
func BenchmarkClaimAndAck(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	held, r := benchRequest(0), benchRequest(1)
	notes := func(r *ticket.Request, prefix string, n int) []ticket.Notification {
		out := make([]ticket.Notification, n)
		for i := range out {
			out[i] = ticket.Notification{ID: fmt.Sprintf("%s-%04d", prefix, i), Tenant: "t1", Kind: ticket.NotifyAssigned,
				RequestID: r.ID, Recipients: []string{"user-1"}, Status: ticket.StatusAssigned, CreatedAt: now}
		}
		return out
	}
	if err := s.CreateRequest(ctx, held, notes(held, "held", 1000)); err != nil {
		b.Fatal(err)
	}
	if err := s.CreateRequest(ctx, r, nil); err != nil {
		b.Fatal(err)
	}
	if held, err := s.ClaimNotifications(ctx, "t1", now, 24*time.Hour, 1000); err != nil || len(held) != 1000 {
		b.Fatal(err, len(held))
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := s.UpdateRequests(ctx, notes(r, fmt.Sprintf("n%08d", i), 10), r); err != nil {
			b.Fatal(err)
		}
		batch, err := s.ClaimNotifications(ctx, "t1", now, time.Minute, 10)
		if err != nil || len(batch) != 10 {
			b.Fatal(err, len(batch))
		}
		for _, n := range batch {
			if err := s.AckNotification(ctx, "t1", n.ID); err != nil {
				b.Fatal(err)
			}
		}
	}
}
