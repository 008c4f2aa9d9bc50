package practice

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/sportello/sportello/auth"
)

// DurationStats summarizes a set of durations.
type DurationStats struct {
	// Count is how many durations were measured.
	Count int
	// Mean, Median and Max are zero when Count is zero.
	Mean, Median, Max time.Duration
}

// ServiceStats are the statistics of one service's pratiche.
type ServiceStats struct {
	// Service is the service's ID.
	Service string
	// Total counts the pratiche (drafts included).
	Total int
	// ByStatus counts the pratiche per current status.
	ByStatus map[Status]int
	// Backlog counts the pratiche sent and waiting for the office: not
	// final, not drafts and not waiting for the citizen (payment,
	// integration).
	Backlog int
	// ToTakeInCharge measures from sending (SubmittedAt) to the first take
	// in charge; ToOutcome from sending to the first outcome (accepted or
	// rejected).
	ToTakeInCharge, ToOutcome DurationStats
}

// StatsBuilder accumulates ServiceStats one pratica at a time, so that
// statistics can be computed over a stream. The zero value is not usable;
// call NewStatsBuilder.
type StatsBuilder struct {
	s                ServiceStats
	charge, decision []time.Duration
}

// NewStatsBuilder starts the statistics of service.
func NewStatsBuilder(service string) *StatsBuilder {
	return &StatsBuilder{s: ServiceStats{Service: service, ByStatus: map[Status]int{}}}
}

// backlogged reports whether a pratica in s waits for the office.
func backlogged(s Status) bool {
	switch s {
	case StatusPreSubmit, StatusSubmitted, StatusRegistered, StatusPending, StatusRequestIntegration,
		StatusSubmittedAfterIntegration, StatusRegisteredAfterIntegration, StatusPendingAfterIntegration,
		StatusCompleteWaitingDocument, StatusCancelledWaitingDocument:
		return true
	}
	return false
}

// Add counts p (pratiche of other services are ignored). Pure.
func (b *StatsBuilder) Add(p *Practice) {
	if p.Service != b.s.Service {
		return
	}
	b.s.Total++
	b.s.ByStatus[p.Status]++
	if backlogged(p.Status) {
		b.s.Backlog++
	}
	if p.SubmittedAt.IsZero() {
		return
	}
	var charged, decided bool
	for _, h := range p.History {
		if h.At.Before(p.SubmittedAt) {
			continue
		}
		if !charged && h.Event == ActionTakeInCharge {
			charged = true
			b.charge = append(b.charge, h.At.Sub(p.SubmittedAt))
		}
		if !decided && (h.Event == ActionAccept || h.Event == ActionReject) {
			decided = true
			b.decision = append(b.decision, h.At.Sub(p.SubmittedAt))
		}
	}
}

// Stats returns the statistics so far.
func (b *StatsBuilder) Stats() ServiceStats {
	s := b.s
	s.ByStatus = maps.Clone(b.s.ByStatus)
	s.ToTakeInCharge = summarize(b.charge)
	s.ToOutcome = summarize(b.decision)
	return s
}

// summarize computes the count, mean, median and maximum of ds.
func summarize(ds []time.Duration) DurationStats {
	if len(ds) == 0 {
		return DurationStats{}
	}
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	var sum time.Duration
	for _, d := range sorted {
		sum += d
	}
	n := len(sorted)
	median := sorted[n/2]
	if n%2 == 0 {
		median = (sorted[n/2-1] + sorted[n/2]) / 2
	}
	return DurationStats{Count: n, Mean: sum / time.Duration(n), Median: median, Max: sorted[n-1]}
}

// Stats computes the statistics of a service over every pratica of it,
// for staff enabled for the service (administrators for every service).
func (d *Desk) Stats(ctx context.Context, who auth.Principal, service string) (ServiceStats, error) {
	if !who.CanWorkOnService(service) {
		return ServiceStats{}, &auth.PermissionError{Action: "practice.stats", Missing: "service:" + service}
	}
	b := NewStatsBuilder(service)
	for p, err := range d.Iterate(ctx, who, OfficeQuery{Service: service, Statuses: Statuses()}) {
		if err != nil {
			return ServiceStats{}, err
		}
		b.Add(p)
	}
	return b.Stats(), nil
}
