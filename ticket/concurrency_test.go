package ticket_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sportello/sportello/ticket"
	"github.com/sportello/sportello/ticket/memstore"
)

// Concurrent comments on one request all land, each once: an append
// re-reads and re-applies when another write won, so none fails with
// ErrConflict and none is lost or doubled.
func TestConcurrentCommentsAllLand(t *testing.T) {
	f := newFixture(t, nil)
	r := f.newRequest(t)
	const n = 16
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			who := f.requester
			if i%2 == 1 {
				who = f.contact
			}
			if _, err := f.desk.Comment(f.ctx, who, r.ID, fmt.Sprintf("ping %d", i)); err != nil {
				t.Errorf("comment %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	got := must(f.store.GetRequest(f.ctx, "t1", r.ID))(t)
	seen := map[string]int{}
	for _, e := range got.Logs {
		seen[e.Text]++
	}
	for i := range n {
		if c := seen[fmt.Sprintf("ping %d", i)]; c != 1 {
			t.Errorf("comment %d present %d times", i, c)
		}
	}
	if len(got.Logs) != n || got.Version != int64(1+n) {
		t.Errorf("%d logs, version %d", len(got.Logs), got.Version)
	}
}

// An append whose request keeps changing gives up after a bounded number
// of attempts and returns the conflict.
func TestAppendRetriesAreBounded(t *testing.T) {
	store := &alwaysStale{Store: memstore.New()}
	f := newFixture(t, func(c *ticket.Config) { c.Store = store })
	r := f.newRequest(t)
	store.stale = true
	_, err := f.desk.Comment(f.ctx, f.requester, r.ID, "hello")
	if !errors.Is(err, ticket.ErrConflict) {
		t.Fatalf("got %v, want ErrConflict", err)
	}
	if store.updates < 2 || store.updates > 100 {
		t.Errorf("%d attempts, want a retry and at most 100", store.updates)
	}
}

// alwaysStale is a Store whose request updates, once stale is set, always
// lose to a concurrent write.
type alwaysStale struct {
	*memstore.Store
	stale   bool
	updates int
}

func (s *alwaysStale) UpdateRequests(ctx context.Context, notes []ticket.Notification, rs ...*ticket.Request) error {
	if s.stale {
		s.updates++
		return &ticket.ConflictError{Field: "version"}
	}
	return s.Store.UpdateRequests(ctx, notes, rs...)
}

// Two sweeps running at once (two app instances) fire each timeout once.
func TestConcurrentSweepsFireOnce(t *testing.T) {
	f := newFixture(t, func(c *ticket.Config) {
		c.Targets = []ticket.Target{{Metric: ticket.MetricTTO, Duration: time.Hour}}
		c.SweepPage = 3
	})
	const n = 20
	for range n {
		f.newRequest(t)
	}
	var wg sync.WaitGroup
	reps := make([]ticket.SweepReport, 2)
	for i := range reps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep, err := f.desk.Sweep(f.ctx, "t1", start.Add(2*time.Hour))
			if err != nil {
				t.Error(err)
			}
			reps[i] = rep
		}()
	}
	wg.Wait()
	// Whatever the interleaving, a last sweep finishes the work and then
	// every request has fired exactly once.
	must(f.desk.Sweep(f.ctx, "t1", start.Add(2*time.Hour)))(t)
	rs := must(f.store.ListRequests(f.ctx, "t1", ticket.Filter{}, "", 100))(t)
	fired := 0
	for _, r := range rs {
		if r.Status != ticket.StatusEscalatedTTO || !r.SLA.TTO.Fired {
			t.Errorf("%s: %s", r.Ref, r.Status)
		}
		for _, e := range r.Logs {
			if e.Text == "SLA tto: target missed, escalated" {
				fired++
			}
		}
	}
	if fired != n || reps[0].Fired+reps[1].Fired > n {
		t.Errorf("fired %d times (reports %+v)", fired, reps)
	}
	// The outbox holds one escalation per request: only the sweep whose
	// write won saved its notification.
	escalations := map[string]int{}
	for _, note := range f.pendingNotes(t) {
		if note.Kind == ticket.NotifySLAEscalation {
			escalations[note.RequestID]++
		}
	}
	for id, c := range escalations {
		if c != 1 {
			t.Errorf("%s: %d escalation notifications", id, c)
		}
	}
	if len(escalations) != n {
		t.Errorf("%d requests notified, want %d", len(escalations), n)
	}
}

func TestDeskCoverageUsesTheConfiguredZone(t *testing.T) {
	var windows []ticket.Window
	for d := time.Monday; d <= time.Friday; d++ {
		windows = append(windows, ticket.Window{Day: d, Start: 9 * time.Hour, End: 17 * time.Hour})
	}
	f := newFixture(t, func(c *ticket.Config) {
		c.Targets = []ticket.Target{{Metric: ticket.MetricTTO, Duration: 8 * time.Hour}}
		c.Coverage = &ticket.Coverage{Windows: windows}
	})
	// Friday 16:00 in Rome (15:00 UTC): 1h on Friday, 7h on Monday.
	f.clock.Set(time.Date(2026, 1, 9, 15, 0, 0, 0, time.UTC))
	r := f.newRequest(t)
	want := time.Date(2026, 1, 12, 15, 0, 0, 0, time.UTC) // Monday 16:00 in Rome
	if !r.SLA.TTO.DueAt.Equal(want) {
		t.Errorf("DueAt %s, want %s", r.SLA.TTO.DueAt, want)
	}
}
