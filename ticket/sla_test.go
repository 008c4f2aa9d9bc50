package ticket

import (
	"testing"
	"time"
)

func TestGoalForShortestMatchingTarget(t *testing.T) {
	targets := []Target{
		{Priority: 1, Type: TypeIncident, Metric: MetricTTO, Duration: 30 * time.Minute},
		{Priority: 1, Metric: MetricTTO, Duration: 20 * time.Minute},
		{Type: TypeIncident, Metric: MetricTTO, Duration: 4 * time.Hour},
		{Priority: 2, Type: TypeIncident, Metric: MetricTTR, Duration: 8 * time.Hour},
	}
	tests := []struct {
		p    Priority
		typ  RequestType
		m    Metric
		want time.Duration
	}{
		{1, TypeIncident, MetricTTO, 20 * time.Minute},
		{1, TypeServiceRequest, MetricTTO, 20 * time.Minute},
		{3, TypeIncident, MetricTTO, 4 * time.Hour},
		{3, TypeServiceRequest, MetricTTO, 0},
		{2, TypeIncident, MetricTTR, 8 * time.Hour},
		{1, TypeIncident, MetricTTR, 0},
	}
	for _, tt := range tests {
		if got := GoalFor(targets, tt.p, tt.typ, tt.m); got != tt.want {
			t.Errorf("GoalFor(%d, %s, %s) = %s, want %s", tt.p, tt.typ, tt.m, got, tt.want)
		}
	}
}

func newSLARequest(tto, ttr time.Duration, clock *slaClock) *Request {
	r := &Request{ID: "r1", Status: StatusNew, CreatedAt: t0}
	r.SLA.TTO.Goal, r.SLA.TTR.Goal = tto, ttr
	clock.sync(r, t0)
	return r
}

func TestSweepWarnsAt75AndFiresAt100Once(t *testing.T) {
	r := newSLARequest(time.Hour, 0, nil)
	if out := r.sweep(t0.Add(44*time.Minute), nil); out.Changed() {
		t.Fatalf("changed before 75%%: %+v", out)
	}
	out := r.sweep(t0.Add(45*time.Minute), nil)
	if len(out.Warned) != 1 || out.Warned[0] != MetricTTO || len(out.Fired) != 0 || !r.SLA.TTO.Warned {
		t.Fatalf("at 75%%: %+v", out)
	}
	if r.sweep(t0.Add(50*time.Minute), nil).Changed() {
		t.Fatal("warned twice")
	}
	out = r.sweep(t0.Add(time.Hour), nil)
	if len(out.Fired) != 1 || r.Status != StatusEscalatedTTO || !r.SLA.TTO.Fired {
		t.Fatalf("at 100%%: %+v, status %s", out, r.Status)
	}
	before := r.Clone()
	if r.sweep(t0.Add(3*time.Hour), nil).Changed() || len(r.Logs) != len(before.Logs) {
		t.Fatal("fired twice")
	}
	// TTO keeps running in escalated_tto but does not fire again; assign stops it.
	if err := r.apply(fullStep(StimulusAssign), "a", t0.Add(4*time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	if r.SLA.TTO.Running() || r.SLA.TTO.Elapsed != 4*time.Hour {
		t.Errorf("tto after assign: %+v", r.SLA.TTO)
	}
}

func TestSweepLateFiresWithWarning(t *testing.T) {
	r := newSLARequest(time.Hour, 0, nil)
	out := r.sweep(t0.Add(2*time.Hour), nil)
	if len(out.Warned) != 1 || len(out.Fired) != 1 || r.Status != StatusEscalatedTTO {
		t.Fatalf("%+v %s", out, r.Status)
	}
}

func TestTTRPausesInPendingAndFiresOnlyWhenAssigned(t *testing.T) {
	r := newSLARequest(0, 2*time.Hour, nil)
	// TTR due while still new: no ttr escalation from new.
	if out := r.sweep(t0.Add(3*time.Hour), nil); len(out.Fired) != 0 || r.Status != StatusNew {
		t.Fatalf("fired from new: %+v", out)
	}
	mustApply(t, r, fullStep(StimulusAssign), t0.Add(3*time.Hour))
	mustApply(t, r, fullStep(StimulusPending), t0.Add(3*time.Hour))
	if !r.SLA.TTR.Paused || r.SLA.TTR.Running() || r.SLA.TTR.Elapsed != 3*time.Hour {
		t.Fatalf("ttr in pending: %+v", r.SLA.TTR)
	}
	if r.sweep(t0.Add(10*time.Hour), nil).Changed() {
		t.Fatal("sweep changed a paused stopwatch")
	}
	mustApply(t, r, fullStep(StimulusAssign), t0.Add(10*time.Hour))
	if r.SLA.TTR.Elapsed != 3*time.Hour || !r.SLA.TTR.DueAt.Equal(t0.Add(10*time.Hour)) {
		t.Fatalf("ttr resumed: %+v", r.SLA.TTR)
	}
	out := r.sweep(t0.Add(10*time.Hour), nil)
	if len(out.Fired) != 1 || r.Status != StatusEscalatedTTR {
		t.Fatalf("ttr fire: %+v %s", out, r.Status)
	}
}

func mustApply(t *testing.T, r *Request, s Step, at time.Time) {
	t.Helper()
	if err := r.apply(s, "a", at, nil); err != nil {
		t.Fatal(err)
	}
}

func TestNoGoalNeverWarns(t *testing.T) {
	r := newSLARequest(0, 0, nil)
	if r.sweep(t0.Add(1000*time.Hour), nil).Changed() {
		t.Fatal("changed without goal")
	}
}

func romeWorkingHours(t *testing.T) *Coverage {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	c := &Coverage{Location: loc}
	for d := time.Monday; d <= time.Friday; d++ {
		c.Windows = append(c.Windows, Window{Day: d, Start: 9 * time.Hour, End: 18 * time.Hour})
	}
	if err := c.validate(); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCoverageBetweenAndAdd(t *testing.T) {
	c := romeWorkingHours(t)
	rome := c.Location
	fri17 := time.Date(2026, 3, 27, 17, 0, 0, 0, rome) // Friday before the DST change
	mon10 := time.Date(2026, 3, 30, 10, 0, 0, 0, rome) // Monday after it
	if got := c.Between(fri17, mon10); got != 2*time.Hour {
		t.Errorf("Between over a DST weekend = %s, want 2h", got)
	}
	if got := c.Add(fri17, 2*time.Hour); !got.Equal(mon10) {
		t.Errorf("Add = %s, want %s", got.In(rome), mon10)
	}
	sat := time.Date(2026, 3, 28, 11, 0, 0, 0, rome)
	if got := c.Add(sat, time.Minute); !got.Equal(time.Date(2026, 3, 30, 9, 1, 0, 0, rome)) {
		t.Errorf("Add from a Saturday = %s", got.In(rome))
	}
	if got := c.Between(mon10, fri17); got != 0 {
		t.Errorf("Between backwards = %s", got)
	}
	var none *Coverage
	if got := none.Add(fri17, time.Hour); !got.Equal(fri17.Add(time.Hour)) {
		t.Errorf("nil coverage Add = %s", got)
	}
	// A goal of 9 working hours from Monday 10:00 lands on Tuesday 10:00.
	if got := c.Add(mon10, 9*time.Hour); !got.Equal(time.Date(2026, 3, 31, 10, 0, 0, 0, rome)) {
		t.Errorf("Add 9h = %s", got.In(rome))
	}
}

func TestCoverageValidate(t *testing.T) {
	bad := []Coverage{
		{},
		{Windows: []Window{{Day: time.Monday, Start: 10 * time.Hour, End: 9 * time.Hour}}},
		{Windows: []Window{{Day: time.Monday, Start: 0, End: 25 * time.Hour}}},
		{Windows: []Window{{Day: time.Monday, Start: 9 * time.Hour, End: 12 * time.Hour}, {Day: time.Monday, Start: 11 * time.Hour, End: 13 * time.Hour}}},
		{Windows: []Window{{Day: 9, Start: 0, End: time.Hour}}},
	}
	for i, c := range bad {
		if err := c.validate(); err == nil {
			t.Errorf("coverage %d accepted", i)
		}
	}
}

func TestSweepWithCoverageCountsWorkingTimeOnly(t *testing.T) {
	clock := &slaClock{coverage: romeWorkingHours(t)}
	rome := clock.coverage.Location
	start := time.Date(2026, 3, 27, 17, 0, 0, 0, rome).UTC() // Friday 17:00
	r := &Request{ID: "r1", Status: StatusNew, CreatedAt: start}
	r.SLA.TTO.Goal = 4 * time.Hour
	clock.sync(r, start)
	// 1h on Friday, 2h on Monday = 3h = 75%.
	warn := time.Date(2026, 3, 30, 11, 0, 0, 0, rome)
	if !r.SLA.TTO.WarnAt.Equal(warn) {
		t.Fatalf("WarnAt %s, want %s", r.SLA.TTO.WarnAt.In(rome), warn)
	}
	if r.sweep(time.Date(2026, 3, 29, 23, 0, 0, 0, rome), clock).Changed() {
		t.Fatal("weekend time counted")
	}
	if out := r.sweep(warn, clock); len(out.Warned) != 1 {
		t.Fatalf("no warning at %s", warn)
	}
}

func TestNextSLAEventAndDueFilter(t *testing.T) {
	r := newSLARequest(time.Hour, 4*time.Hour, nil)
	if got := r.NextSLAEvent(); !got.Equal(t0.Add(45 * time.Minute)) {
		t.Fatalf("next %s", got)
	}
	f := Filter{SLADueBy: t0.Add(44 * time.Minute)}
	if f.Match(r) {
		t.Error("matched before the warning")
	}
	f.SLADueBy = t0.Add(45 * time.Minute)
	if !f.Match(r) {
		t.Error("not matched at the warning")
	}
	r.sweep(t0.Add(45*time.Minute), nil)
	if got := r.NextSLAEvent(); !got.Equal(t0.Add(time.Hour)) {
		t.Fatalf("next after warning %s", got)
	}
	r.sweep(t0.Add(time.Hour), nil) // escalated_tto; ttr warns at 3h
	if got := r.NextSLAEvent(); !got.Equal(t0.Add(3 * time.Hour)) {
		t.Fatalf("next after firing %s", got)
	}
	r.sweep(t0.Add(3*time.Hour), nil)
	// TTR due at 4h has no escalation from escalated_tto: nothing to do.
	if got := r.NextSLAEvent(); !got.IsZero() {
		t.Fatalf("next while ttr cannot escalate %s", got)
	}
	mustApply(t, r, fullStep(StimulusAssign), t0.Add(5*time.Hour))
	if got := r.NextSLAEvent(); !got.Equal(t0.Add(5 * time.Hour)) {
		t.Fatalf("next once assigned %s", got)
	}
}

// On the autumn DST change the covered day is 25 hours long, in spring 23:
// the windows are local clock times, not fixed offsets.
func TestCoverageAcrossDSTDaysOfEveryLength(t *testing.T) {
	rome := romeWorkingHours(t).Location
	c := &Coverage{Location: rome, Windows: []Window{{Day: time.Sunday, Start: 0, End: 24 * time.Hour}}}
	if err := c.validate(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		day  int // Sunday in 2026: Oct 25 (fall back), Mar 29 (spring forward), Oct 18 (ordinary)
		m    time.Month
		want time.Duration
	}{
		{"fall back", 25, time.October, 25 * time.Hour},
		{"spring forward", 29, time.March, 23 * time.Hour},
		{"ordinary", 18, time.October, 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sat := time.Date(2026, tt.m, tt.day-1, 20, 0, 0, 0, rome)
			mon := time.Date(2026, tt.m, tt.day+1, 8, 0, 0, 0, rome)
			if got := c.Between(sat, mon); got != tt.want {
				t.Errorf("Between = %s, want %s", got, tt.want)
			}
			sun := time.Date(2026, tt.m, tt.day, 0, 0, 0, 0, rome)
			// Covered time runs out at local midnight whatever the day's length.
			if got := c.Add(sat, tt.want); !got.Equal(time.Date(2026, tt.m, tt.day+1, 0, 0, 0, 0, rome)) {
				t.Errorf("Add(%s) = %s", tt.want, got.In(rome))
			}
			if got := c.Add(sun, 3*time.Hour); !got.Equal(sun.Add(3 * time.Hour)) {
				t.Errorf("Add 3h from midnight = %s, want %s", got.In(rome), sun.Add(3*time.Hour).In(rome))
			}
		})
	}
}

// The stopwatches run and pause per status as the reference says: tto
// runs in new, approved and escalated_tto; ttr in new, assigned, approved
// and the escalated statuses, and pauses in pending.
func TestStopwatchesRunPerStatus(t *testing.T) {
	want := map[Status]struct{ tto, ttr, ttrPaused bool }{
		"new":                  {true, true, false},
		"waiting_for_approval": {false, false, false},
		"approved":             {true, true, false},
		"rejected":             {false, false, false},
		"assigned":             {false, true, false},
		"pending":              {false, false, true},
		"escalated_tto":        {true, true, false},
		"escalated_ttr":        {false, true, false},
		"resolved":             {false, false, false},
		"closed":               {false, false, false},
	}
	if len(want) != len(Statuses()) {
		t.Fatalf("the table covers %d of %d statuses", len(want), len(Statuses()))
	}
	for _, s := range Statuses() {
		r := &Request{Status: StatusNew, CreatedAt: t0}
		r.SLA.TTO.Goal, r.SLA.TTR.Goal = time.Hour, time.Hour
		(*slaClock)(nil).sync(r, t0)
		r.Status = s
		(*slaClock)(nil).sync(r, t0.Add(10*time.Minute))
		w := want[s]
		if r.SLA.TTO.Running() != w.tto || r.SLA.TTR.Running() != w.ttr || r.SLA.TTR.Paused != w.ttrPaused || r.SLA.TTO.Paused {
			t.Errorf("%s: tto running %v, ttr running %v paused %v", s, r.SLA.TTO.Running(), r.SLA.TTR.Running(), r.SLA.TTR.Paused)
		}
		// Time counted so far is kept whether the stopwatch goes on or not.
		if r.SLA.TTO.ElapsedAt(t0.Add(10*time.Minute), nil) != 10*time.Minute {
			t.Errorf("%s: tto lost its elapsed time", s)
		}
	}
}
