package ticket

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Metric names an SLA stopwatch: time to own or time to resolve.
type Metric string

// The SLA metrics.
const (
	// MetricTTO, time to own: runs in new, approved and escalated_tto.
	MetricTTO Metric = "tto"
	// MetricTTR, time to resolve: runs in new, approved, assigned,
	// escalated_tto and escalated_ttr; pauses in pending.
	MetricTTR Metric = "ttr"
)

// Stopwatch is the state of one SLA metric of a request. Elapsed time is
// counted in covered time only (see Coverage); with no coverage window it
// is wall-clock time.
type Stopwatch struct {
	// Goal is the target duration; 0 means no target applies, and the
	// stopwatch never warns nor fires.
	Goal time.Duration
	// StartedAt is when the stopwatch first ran (zero if never).
	StartedAt time.Time
	// RunningSince is when the current run began; zero while stopped or
	// paused.
	RunningSince time.Time
	// Elapsed is the covered time accumulated before RunningSince.
	Elapsed time.Duration
	// Paused is true while the request is in a status that pauses the
	// metric (pending for ttr).
	Paused bool
	// WarnAt and DueAt are the instants at which the running stopwatch
	// reaches 75% and 100% of Goal; zero while not running or without goal.
	WarnAt, DueAt time.Time
	// Warned and WarnedAt record that the 75% warning was given.
	Warned   bool
	WarnedAt time.Time
	// Fired and FiredAt record that the timeout stimulus was fired.
	Fired   bool
	FiredAt time.Time
}

// Running reports whether the stopwatch is counting.
func (w Stopwatch) Running() bool { return !w.RunningSince.IsZero() }

// SLA holds the two stopwatches of a request.
type SLA struct {
	// TTO is the time-to-own stopwatch.
	TTO Stopwatch
	// TTR is the time-to-resolve stopwatch.
	TTR Stopwatch
}

// Target is a service-level target (SLT): requests of Priority and Type
// must be owned (tto) or resolved (ttr) within Duration. A zero Priority
// or an empty Type matches any. Of all matching targets the shortest
// applies.
type Target struct {
	// Priority matches requests of that priority (0: any).
	Priority Priority
	// Type matches requests of that type ("": any).
	Type RequestType
	// Metric is tto or ttr.
	Metric Metric
	// Duration is the goal (> 0).
	Duration time.Duration
}

// GoalFor returns the shortest Duration among targets matching priority,
// type and metric, or 0 when none matches. Pure.
func GoalFor(targets []Target, p Priority, t RequestType, m Metric) time.Duration {
	var goal time.Duration
	for _, tg := range targets {
		if tg.Metric != m || (tg.Priority != 0 && tg.Priority != p) || (tg.Type != "" && tg.Type != t) {
			continue
		}
		if goal == 0 || tg.Duration < goal {
			goal = tg.Duration
		}
	}
	return goal
}

// Window is a covered span of one weekday, in local clock time: from Start
// to End after local midnight (0 <= Start < End <= 24h).
type Window struct {
	// Day is the weekday the window applies to.
	Day time.Weekday
	// Start and End are offsets from local midnight.
	Start, End time.Duration
}

// Coverage is the working-hours window in which SLA time runs. Without a
// Coverage, SLA time is wall-clock time (24x7).
type Coverage struct {
	// Location is the zone of the windows (default: Config.Zone, itself
	// defaulting to Europe/Rome).
	Location *time.Location
	// Windows are the covered spans; at least one, none overlapping
	// another of the same day.
	Windows []Window
}

func (c *Coverage) validate() error {
	if len(c.Windows) == 0 {
		return errors.New("ticket: Coverage needs at least one window")
	}
	for i, w := range c.Windows {
		if w.Day < time.Sunday || w.Day > time.Saturday || w.Start < 0 || w.End > 24*time.Hour || w.Start >= w.End {
			return fmt.Errorf("ticket: Coverage window %d is invalid", i)
		}
		for _, o := range c.Windows[:i] {
			if o.Day == w.Day && w.Start < o.End && o.Start < w.End {
				return fmt.Errorf("ticket: Coverage window %d overlaps another", i)
			}
		}
	}
	return nil
}

// maxCoverageDays bounds the walks of Between and Add, so a span or a goal
// of years cannot loop for long.
const maxCoverageDays = 3660

// clockOn returns the instant of local clock offset d on the date y-m-day.
// The clock is built with time.Date so DST days are right.
func clockOn(y int, m time.Month, day int, d time.Duration, loc *time.Location) time.Time {
	h := int(d / time.Hour)
	mi := int(d % time.Hour / time.Minute)
	s := int(d % time.Minute / time.Second)
	ns := int(d % time.Second)
	return time.Date(y, m, day, h, mi, s, ns, loc)
}

// windowsOn returns the day's covered spans in instants, ordered.
func (c *Coverage) windowsOn(day time.Time) [][2]time.Time {
	y, m, d := day.Date()
	var out [][2]time.Time
	for _, w := range c.Windows {
		if w.Day != day.Weekday() {
			continue
		}
		out = append(out, [2]time.Time{clockOn(y, m, d, w.Start, c.Location), clockOn(y, m, d, w.End, c.Location)})
	}
	slices.SortFunc(out, func(a, b [2]time.Time) int { return a[0].Compare(b[0]) })
	return out
}

// Between returns the covered time between a and b (0 if b is not after
// a). A nil Coverage covers everything.
func (c *Coverage) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	if c == nil {
		return b.Sub(a)
	}
	la := a.In(c.Location)
	y, m, d := la.Date()
	var total time.Duration
	for i := 0; i <= maxCoverageDays; i++ {
		day := time.Date(y, m, d+i, 12, 0, 0, 0, c.Location)
		if time.Date(y, m, d+i, 0, 0, 0, 0, c.Location).After(b) {
			break
		}
		for _, w := range c.windowsOn(day) {
			s, e := w[0], w[1]
			if s.Before(a) {
				s = a
			}
			if e.After(b) {
				e = b
			}
			if e.After(s) {
				total += e.Sub(s)
			}
		}
	}
	return total
}

// Add returns the instant at which d of covered time has passed since
// from. A nil Coverage covers everything. d <= 0 gives from.
func (c *Coverage) Add(from time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return from
	}
	if c == nil {
		return from.Add(d)
	}
	lf := from.In(c.Location)
	y, m, dd := lf.Date()
	left := d
	for i := 0; i <= maxCoverageDays; i++ {
		day := time.Date(y, m, dd+i, 12, 0, 0, 0, c.Location)
		for _, w := range c.windowsOn(day) {
			s, e := w[0], w[1]
			if s.Before(from) {
				s = from
			}
			if !e.After(s) {
				continue
			}
			span := e.Sub(s)
			if span >= left {
				return s.Add(left).UTC()
			}
			left -= span
		}
	}
	// Beyond the walk: practically never.
	return from.Add(time.Duration(maxCoverageDays) * 24 * time.Hour).UTC()
}

// slaClock holds what the pure rules need to keep stopwatches: the
// coverage window (nil: 24x7).
type slaClock struct {
	coverage *Coverage
}

// ttoRuns and ttrRuns are the statuses in which each metric counts.
func ttoRuns(s Status) bool {
	return s == StatusNew || s == StatusApproved || s == StatusEscalatedTTO
}

func ttrRuns(s Status) bool {
	switch s {
	case StatusNew, StatusApproved, StatusAssigned, StatusEscalatedTTO, StatusEscalatedTTR:
		return true
	}
	return false
}

// sync brings both stopwatches in line with r.Status at now: a stopwatch
// whose metric runs in the status runs, one that pauses (ttr in pending)
// is paused, any other is stopped. Pure.
func (c *slaClock) sync(r *Request, now time.Time) {
	var cov *Coverage
	if c != nil {
		cov = c.coverage
	}
	r.SLA.TTO.set(ttoRuns(r.Status), false, now, cov)
	r.SLA.TTR.set(ttrRuns(r.Status), r.Status == StatusPending, now, cov)
}

// set stops the stopwatch at now (banking its covered time) and starts it
// again when running, recomputing the deadlines.
func (w *Stopwatch) set(running, paused bool, now time.Time, cov *Coverage) {
	if w.Running() {
		w.Elapsed += cov.Between(w.RunningSince, now)
		w.RunningSince = time.Time{}
	}
	w.WarnAt, w.DueAt = time.Time{}, time.Time{}
	w.Paused = paused && !running
	if !running {
		return
	}
	w.RunningSince = now
	if w.StartedAt.IsZero() {
		w.StartedAt = now
	}
	if w.Goal > 0 {
		// Truncated to the microsecond, as every instant the Desk saves.
		w.WarnAt = cov.Add(now, w.Goal*3/4-w.Elapsed).Truncate(time.Microsecond)
		w.DueAt = cov.Add(now, w.Goal-w.Elapsed).Truncate(time.Microsecond)
	}
}

// ElapsedAt returns the covered time the stopwatch has counted at now.
func (w Stopwatch) ElapsedAt(now time.Time, cov *Coverage) time.Duration {
	if !w.Running() {
		return w.Elapsed
	}
	return w.Elapsed + cov.Between(w.RunningSince, now)
}

// stopwatch returns the stopwatch of metric m (tto or ttr).
func (s *SLA) stopwatch(m Metric) *Stopwatch {
	if m == MetricTTR {
		return &s.TTR
	}
	return &s.TTO
}

// escalates reports whether metric m's timeout applies in status s: the
// move leads to escalated_tto for tto and to escalated_ttr for ttr.
func escalates(m Metric, s Status) bool {
	switch m {
	case MetricTTO:
		return s == StatusNew || s == StatusApproved
	case MetricTTR:
		return s == StatusAssigned
	}
	return false
}

// sweepOutcome says what sweeping one request changed.
type sweepOutcome struct {
	// Warned lists the metrics whose 75% warning was given now.
	Warned []Metric
	// Fired lists the metrics whose timeout stimulus was fired now.
	Fired []Metric
}

// Changed reports whether the request was changed.
func (o sweepOutcome) Changed() bool { return len(o.Warned)+len(o.Fired) > 0 }

// sweep applies the SLA rule to r at now, pure and idempotent: a running
// stopwatch with a goal past its 75% instant is marked warned (once, with
// a private log entry); past its 100% instant, when the status has the
// metric's escalation (tto: new or approved → escalated_tto; ttr:
// assigned → escalated_ttr), the timeout stimulus is fired (once). A
// stopwatch due in a status without its escalation fires when the request
// reaches one (for ttr, when assigned).
func (r *Request) sweep(now time.Time, clock *slaClock) sweepOutcome {
	var out sweepOutcome
	for _, m := range []Metric{MetricTTO, MetricTTR} {
		w := r.SLA.stopwatch(m)
		if !w.Running() || w.Goal <= 0 {
			continue
		}
		if !w.Warned && !now.Before(w.WarnAt) {
			w.Warned, w.WarnedAt = true, now
			r.addLog(Private, SystemAuthor, now, "SLA "+string(m)+": 75% of the target elapsed")
			r.UpdatedAt = now
			out.Warned = append(out.Warned, m)
		}
		if !w.Fired && !now.Before(w.DueAt) && escalates(m, r.Status) {
			if err := r.apply(Step{Stimulus: StimulusTimeout}, SystemAuthor, now, clock); err != nil {
				continue // the table has the move for every escalating status
			}
			// apply re-synced the stopwatches; w still points at the field.
			w.Fired, w.FiredAt = true, now
			r.addLog(Private, SystemAuthor, now, "SLA "+string(m)+": target missed, escalated")
			out.Fired = append(out.Fired, m)
		}
	}
	return out
}

// NextSLAEvent returns the earliest instant at which the SLA sweep has
// work on r, or the zero time when it has none: the 75% instant (WarnAt)
// of a running stopwatch with a goal not yet warned, and the 100% instant
// (DueAt) of one not yet fired while r's status has that metric's
// escalation (tto: new, approved; ttr: assigned). It depends on r alone,
// so an adapter may store it with the request and index it.
func (r *Request) NextSLAEvent() time.Time {
	var next time.Time
	consider := func(t time.Time) {
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	for _, m := range []Metric{MetricTTO, MetricTTR} {
		w := r.SLA.stopwatch(m)
		if !w.Running() || w.Goal <= 0 {
			continue
		}
		if !w.Warned {
			consider(w.WarnAt)
		}
		if !w.Fired && escalates(m, r.Status) {
			consider(w.DueAt)
		}
	}
	return next
}

// SystemAuthor is the AuthorID of the platform's own log entries.
const SystemAuthor = "system"
