package ticket_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/sportello/sportello/ticket"
)

// Concurrent commands on one request never lose an update: each either
// lands or fails with ErrConflict, and the log holds exactly the landed
// ones.
func TestConcurrentCommentsLoseNothing(t *testing.T) {
	f := newFixture(t, nil)
	r := f.newRequest(t)
	const n = 16
	var wg sync.WaitGroup
	var mu sync.Mutex
	landed := 0
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			who := f.requester
			if i%2 == 1 {
				who = f.contact
			}
			_, err := f.desk.Comment(f.ctx, who, r.ID, "ping")
			switch {
			case err == nil:
				mu.Lock()
				landed++
				mu.Unlock()
			case !errors.Is(err, ticket.ErrConflict):
				t.Errorf("comment: %v", err)
			}
		}()
	}
	wg.Wait()
	got := must(f.store.GetRequest(f.ctx, "t1", r.ID))(t)
	if landed == 0 || len(got.Logs) != landed || got.Version != int64(1+landed) {
		t.Errorf("%d landed, %d logs, version %d", landed, len(got.Logs), got.Version)
	}
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
