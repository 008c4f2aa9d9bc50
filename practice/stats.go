package practice

import (
	"context"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/textrule"
)

// DurationStats summarizes a set of durations, each measured in
// microseconds.
type DurationStats struct {
	// Count is how many durations were measured.
	Count int
	// Mean, Median, P90 (the 90th percentile) and Max are zero when Count
	// is zero. Median and P90 interpolate linearly between the two
	// nearest durations (PostgreSQL's percentile_cont); Mean, Median and
	// P90 are rounded to the microsecond.
	Mean, Median, P90, Max time.Duration
}

// StatsQuery selects the pratiche of a statistic.
type StatsQuery struct {
	// Service is the service's ID. Required.
	Service string
	// From and To keep the pratiche submitted in [From, To); with both
	// zero every pratica of the service counts, drafts included.
	From, To time.Time
}

// WeekStats is the throughput of one week (Monday to Sunday in
// Europe/Rome).
type WeekStats struct {
	// Week is the instant the week starts: Monday 00:00 in Europe/Rome.
	Week time.Time
	// Submitted counts the pratiche sent that week; Decided those whose
	// first outcome (accepted or rejected) came that week.
	Submitted, Decided int
}

// WeekOf returns the start of t's week: Monday 00:00 in Europe/Rome, in
// UTC (pure).
func WeekOf(t time.Time) time.Time {
	l := t.In(rome())
	return time.Date(l.Year(), l.Month(), l.Day()-(int(l.Weekday())+6)%7, 0, 0, 0, 0, rome()).UTC()
}

// ServiceStats are the statistics of one service's pratiche.
type ServiceStats struct {
	// Service is the service's ID.
	Service string
	// From and To are the query's submission period.
	From, To time.Time
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
	// Weekly is the throughput per week, oldest first, for the weeks with
	// a submission or a decision.
	Weekly []WeekStats
}

// StatsBuilder accumulates ServiceStats one pratica at a time, so that
// statistics can be computed over a stream (memstore does). The zero
// value is not usable; call NewStatsBuilder.
type StatsBuilder struct {
	s                ServiceStats
	charge, decision []time.Duration
	weeks            map[time.Time]*WeekStats
}

// NewStatsBuilder starts the statistics of q's service and period.
func NewStatsBuilder(q StatsQuery) *StatsBuilder {
	return &StatsBuilder{s: ServiceStats{Service: q.Service, From: q.From, To: q.To, ByStatus: map[Status]int{}},
		weeks: map[time.Time]*WeekStats{}}
}

// week returns the counters of t's week.
func (b *StatsBuilder) week(t time.Time) *WeekStats {
	w := WeekOf(t)
	ws, ok := b.weeks[w]
	if !ok {
		ws = &WeekStats{Week: w}
		b.weeks[w] = ws
	}
	return ws
}

// In reports whether p counts in the query's period (pure).
func (q StatsQuery) In(p *Practice) bool {
	if p.Service != q.Service {
		return false
	}
	if q.From.IsZero() && q.To.IsZero() {
		return true
	}
	return !p.SubmittedAt.IsZero() && !p.SubmittedAt.Before(q.From) && (q.To.IsZero() || p.SubmittedAt.Before(q.To))
}

// Backlogged reports whether a pratica in s waits for the office: sent,
// not final, and not waiting for the citizen (payment, integration).
func Backlogged(s Status) bool {
	switch s {
	case StatusPreSubmit, StatusSubmitted, StatusRegistered, StatusPending, StatusRequestIntegration,
		StatusSubmittedAfterIntegration, StatusRegisteredAfterIntegration, StatusPendingAfterIntegration,
		StatusCompleteWaitingDocument, StatusCancelledWaitingDocument:
		return true
	}
	return false
}

// Add counts p (pratiche of other services or outside the period are
// ignored). Pure.
func (b *StatsBuilder) Add(p *Practice) {
	if !(StatsQuery{Service: b.s.Service, From: b.s.From, To: b.s.To}).In(p) {
		return
	}
	b.s.Total++
	b.s.ByStatus[p.Status]++
	if Backlogged(p.Status) {
		b.s.Backlog++
	}
	if p.SubmittedAt.IsZero() {
		return
	}
	b.week(p.SubmittedAt).Submitted++
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
			b.week(h.At).Decided++
		}
	}
}

// Stats returns the statistics so far.
func (b *StatsBuilder) Stats() ServiceStats {
	s := b.s
	s.ByStatus = maps.Clone(b.s.ByStatus)
	s.ToTakeInCharge = Summarize(b.charge)
	s.ToOutcome = Summarize(b.decision)
	s.Weekly = nil
	for _, w := range b.weeks {
		s.Weekly = append(s.Weekly, *w)
	}
	slices.SortFunc(s.Weekly, func(a, b WeekStats) int { return a.Week.Compare(b.Week) })
	return s
}

// Summarize computes the count, mean, median, 90th percentile and maximum
// of ds, each duration taken in whole microseconds (pure; the rule
// pgstore's query follows).
func Summarize(ds []time.Duration) DurationStats {
	if len(ds) == 0 {
		return DurationStats{}
	}
	us := make([]int64, len(ds))
	var sum int64
	for i, d := range ds {
		us[i] = d.Microseconds()
		sum += us[i]
	}
	slices.Sort(us)
	n := len(us)
	micro := func(v float64) time.Duration { return time.Duration(math.Round(v)) * time.Microsecond }
	return DurationStats{Count: n, Mean: micro(float64(sum) / float64(n)), Median: micro(Percentile(us, 0.5)),
		P90: micro(Percentile(us, 0.9)), Max: time.Duration(us[n-1]) * time.Microsecond}
}

// Percentile returns the p-th percentile (0 <= p <= 1) of sorted, not
// empty, interpolating linearly between the two nearest values as
// PostgreSQL's percentile_cont does (pure).
func Percentile(sorted []int64, p float64) float64 {
	pos := p * float64(len(sorted)-1)
	lo := math.Floor(pos)
	first := float64(sorted[int(lo)])
	if int(lo)+1 >= len(sorted) || pos == lo {
		return first
	}
	return first + (float64(sorted[int(lo)+1])-first)*(pos-lo)
}

// Stats computes the statistics of a service over the pratiche submitted
// in q's period (every pratica of it when the period is open), for staff
// enabled for the service (administrators for every service). The store
// computes them (pgstore with one aggregate query per part, in one
// snapshot), without handing every pratica to the Desk.
func (d *Desk) Stats(ctx context.Context, who auth.Principal, q StatsQuery) (ServiceStats, error) {
	var errs validationErrors
	errs.checkText("service", q.Service, textrule.Line, maxIDLen, true)
	errs.checkInstant("from", q.From)
	errs.checkInstant("to", q.To)
	if err := errs.err(); err != nil {
		return ServiceStats{}, err
	}
	if !who.CanWorkOnService(q.Service) {
		return ServiceStats{}, &auth.PermissionError{Action: "practice.stats", Missing: "service:" + q.Service}
	}
	if !lookupable(who.Tenant) {
		return NewStatsBuilder(q).Stats(), nil
	}
	q.From, q.To = stored(q.From), stored(q.To)
	return d.store.Stats(ctx, who.Tenant, q)
}
