package calendar

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"time"
)

// Held is a place already taken in the window (a booking that holds a
// place: a draft not yet expired, a pending or an approved booking).
type Held struct {
	Start, End time.Time
	// Places taken (a booking takes 1).
	Places int
}

// Query is the input of Availability, FindSlot and DaySummary: everything
// the engine needs, so that it does no I/O and reads no clock.
type Query struct {
	// Calendar gives the zone, slot kind, notice, rolling days, moderation
	// and the day limit. A Calendar built by hand with RollingDays 0 books
	// DefaultRollingDays ahead.
	Calendar *Calendar
	// OpeningHours of the calendar; Closures overlapping the window.
	OpeningHours []*OpeningHour
	Closures     []Closure
	// From and To bound the window (any zone): slots starting in
	// [From, To) are returned.
	From, To time.Time
	// Now is the current instant.
	Now time.Time
	// Held lists the places held in the window, in any order. To check a
	// booking being moved, leave it out: it does not compete with itself.
	Held []Held
}

// Slot is one bookable (or full) slot.
type Slot struct {
	// Start and End are UTC instants.
	Start, End time.Time
	// Capacity is the opening hour's queue.
	Capacity int
	// Remaining is Capacity minus the places held overlapping the slot; 0
	// when the slot is full or the calendar's day limit is reached.
	Remaining int
	// OpeningHour is the opening hour's ID.
	OpeningHour string
	// Moderated: the calendar or the opening hour is moderated.
	Moderated bool
}

// Availability returns the slots of q's window that citizens may book,
// ordered by start: slots starting at or after Now plus the minimum
// notice, on a local day no later than today plus the rolling days, and
// sharing no instant with a closure. A full slot is returned with
// Remaining 0. It is pure: no I/O, no clock. Malformed input (an unknown
// zone, a bad rule) is a *ValidationError.
func Availability(q Query) ([]Slot, error) {
	var e engine
	if err := e.init(&q); err != nil {
		return nil, err
	}
	lo := max(ceilUnix(q.From), e.earliest)
	hi := min(ceilUnix(q.To), e.horizon)
	if lo >= hi {
		return nil, nil
	}
	if err := e.prepare(&q, lo, hi); err != nil {
		return nil, err
	}
	cands := e.candidates(lo, hi)
	e.fill(cands, q.Held)
	return e.output(cands), nil
}

// FindSlot returns the slot of q that starts at start and ends at end,
// whatever its Remaining, or a *SlotError (matching ErrSlotUnavailable)
// saying why there is none. For fixed slots the pair must be one of the
// grid's; for variable slots start must lie on a 5-minute mark of the
// local clock and the slot must last whole minutes, at least the opening
// hour's meeting minutes, inside the opening hour. q's window is ignored.
func FindSlot(q Query, start, end time.Time) (Slot, error) {
	var e engine
	if err := e.init(&q); err != nil {
		return Slot{}, err
	}
	s, en := start.Unix(), end.Unix()
	refuse := func(r SlotReason) (Slot, error) { return Slot{}, &SlotError{Start: start.UTC(), Reason: r} }
	switch {
	case start.Before(q.Now):
		return refuse(SlotPast)
	case start.Before(q.Now.Add(time.Duration(q.Calendar.MinNoticeHours) * time.Hour)):
		return refuse(SlotTooSoon)
	case s >= e.horizon:
		return refuse(SlotTooFar)
	case start.Nanosecond() != 0 || end.Nanosecond() != 0 || en <= s:
		return refuse(SlotNotOnGrid)
	}
	day := e.zone.localDay(s)
	if err := e.prepareDays(&q, day, day, s, en); err != nil {
		return Slot{}, err
	}
	for i := range e.hours {
		p := &e.hours[i]
		if !p.on(0) {
			continue
		}
		if e.onGrid(p, day, s, en) {
			if e.closedAt(s, en) {
				return refuse(SlotClosed)
			}
			cands := []candidate{{from: s, to: en, plan: int32(i)}}
			e.fill(cands, q.Held)
			return e.output(cands)[0], nil
		}
	}
	return refuse(SlotNotOnGrid)
}

// Day is one local day of a month view.
type Day struct {
	// Date is the local date in the calendar's zone.
	Date Date
	// Open: the day offers at least one slot (free or full).
	Open bool
	// Slots counts the day's slots; Free sums their Remaining places.
	Slots, Free int
}

// maxSummaryDays bounds the window of DaySummary.
const maxSummaryDays = 400

// DaySummary returns one Day per local date of q's window (From's date to
// the date of the last instant before To), computed by Availability: a
// day outside the bookable range, closed or without opening hours is not
// Open. A window longer than 400 days is a *ValidationError.
func DaySummary(q Query) ([]Day, error) {
	if q.Calendar == nil {
		return nil, invalid("calendar", "required", "is required")
	}
	loc, err := q.Calendar.TimeLocation()
	if err != nil {
		return nil, err
	}
	if !q.From.Before(q.To) {
		return nil, nil
	}
	first, last := DateOf(q.From.In(loc)), DateOf(q.To.Add(-time.Nanosecond).In(loc))
	n := int(last.days()-first.days()) + 1
	if n > maxSummaryDays {
		return nil, invalid("to", "max", "the window must span at most 400 days")
	}
	slots, err := Availability(q)
	if err != nil {
		return nil, err
	}
	days := make([]Day, n)
	for i := range days {
		days[i].Date = first.AddDays(i)
	}
	for _, s := range slots {
		i := int(DateOf(s.Start.In(loc)).days() - first.days())
		if i < 0 || i >= n {
			continue
		}
		days[i].Open = true
		days[i].Slots++
		days[i].Free += s.Remaining
	}
	return days, nil
}

// engine holds one computation's inputs in Unix seconds, prepared once:
// opening hours with their dates as bitmaps, closures merged and sorted,
// held places sorted by start.
type engine struct {
	cal      *Calendar
	loc      *time.Location
	zone     zoneMap
	earliest int64 // first bookable start: now + minimum notice
	horizon  int64 // first instant after the last bookable day
	d0       int64 // first local day of the prepared range
	hours    []hourPlan
	closed   []span
}

type span struct{ from, to int64 }

type hourPlan struct {
	h         *OpeningHour
	rule      *recurrence
	days      []uint64 // bit i: the opening hour applies on day d0+i
	moderated bool
}

func (p *hourPlan) on(i int64) bool { return p.days[i/64]&(1<<uint(i%64)) != 0 }

// ceilUnix returns the smallest whole second not before t.
func ceilUnix(t time.Time) int64 {
	u := t.Unix()
	if t.Nanosecond() > 0 {
		u++
	}
	return u
}

// init checks the calendar and sets the bookable range.
func (e *engine) init(q *Query) error {
	c := q.Calendar
	if c == nil {
		return invalid("calendar", "required", "is required")
	}
	loc, err := c.TimeLocation()
	if err != nil {
		return err
	}
	rolling := c.RollingDays
	if rolling == 0 {
		rolling = DefaultRollingDays
	}
	var errs validationErrors
	if rolling < 0 || rolling > MaxRollingDays {
		errs.add("rolling_days", "max", "must be between 1 and 180")
	}
	if !slices.Contains(noticeHours[:], c.MinNoticeHours) {
		errs.add("min_notice_hours", "oneof", "must be one of the allowed notice hours")
	}
	if c.Slots > SlotsVariable {
		errs.add("slots", "lte", "must be fixed or variable")
	}
	if err := errs.err(); err != nil {
		return err
	}
	e.cal, e.loc = c, loc
	now := ceilUnix(q.Now)
	e.zone = newZoneMap(loc, now-2*secondsPerDay, now+int64(rolling+3)*secondsPerDay)
	e.earliest = now + int64(c.MinNoticeHours)*3600
	e.horizon = e.zone.bound(e.zone.localDay(q.Now.Unix())+int64(rolling)+1, 0)
	return nil
}

// prepare readies the local days of [lo, hi).
func (e *engine) prepare(q *Query, lo, hi int64) error {
	return e.prepareDays(q, e.zone.localDay(lo), e.zone.localDay(hi-1), lo, hi)
}

// prepareDays readies days d0..d1 for slots within [lo, hi).
func (e *engine) prepareDays(q *Query, d0, d1, lo, hi int64) error {
	e.d0 = d0
	n := d1 - d0 + 1
	words := int(n/64 + 1)
	bitmap := make([]uint64, words*len(q.OpeningHours))
	e.hours = make([]hourPlan, 0, len(q.OpeningHours))
	var errs validationErrors
	for i, h := range q.OpeningHours {
		if h == nil {
			errs.add("opening_hours["+itoa(i)+"]", "required", "is required")
			continue
		}
		r, err := h.check()
		if err != nil {
			for _, f := range err.(*ValidationError).Fields {
				f.Field = "opening_hours[" + itoa(i) + "]." + f.Field
				errs = append(errs, f)
			}
			continue
		}
		p := hourPlan{h: h, rule: r, days: bitmap[i*words : (i+1)*words], moderated: e.cal.Moderated || h.Moderated}
		r.expand(h.ValidFrom, h.ValidTo, d0, d1, func(d int64) { p.days[(d-d0)/64] |= 1 << uint((d-d0)%64) })
		e.hours = append(e.hours, p)
	}
	if err := errs.err(); err != nil {
		return err
	}
	slices.SortStableFunc(e.hours, func(a, b hourPlan) int { return cmp.Compare(a.h.Begin, b.h.Begin) })

	// Closures: only those near the range, merged into disjoint spans.
	e.closed = make([]span, 0, len(q.Closures))
	for _, c := range q.Closures {
		s := span{c.From.Unix(), ceilUnix(c.To)}
		if s.from < s.to && s.to > lo-secondsPerDay && s.from < hi+2*secondsPerDay {
			e.closed = append(e.closed, s)
		}
	}
	e.closed = e.holidays(d0, d1, lo, hi, e.closed)
	if !slices.IsSortedFunc(e.closed, func(a, b span) int { return cmp.Compare(a.from, b.from) }) {
		slices.SortFunc(e.closed, func(a, b span) int { return cmp.Compare(a.from, b.from) })
	}
	merged := e.closed[:0]
	for _, s := range e.closed {
		if k := len(merged) - 1; k >= 0 && s.from <= merged[k].to {
			merged[k].to = max(merged[k].to, s.to)
			continue
		}
		merged = append(merged, s)
	}
	e.closed = merged

	return nil
}

// holidays appends to closed the calendar's yearly holidays near [lo, hi)
// (local days d0..d1) as whole local days, computed for each year the
// days touch; it does nothing when the calendar sets none.
func (e *engine) holidays(d0, d1, lo, hi int64, closed []span) []span {
	c := e.cal
	if !c.ItalianHolidays && len(c.PatronDays) == 0 {
		return closed
	}
	for y := dateOfDays(d0 - 1).Year; y <= dateOfDays(d1+1).Year; y++ {
		for _, h := range c.HolidaysOf(y) {
			from, to := WholeDays(h.Date, h.Date, e.loc)
			if s := (span{from.Unix(), to.Unix()}); s.to > lo-secondsPerDay && s.from < hi+2*secondsPerDay {
				closed = append(closed, s)
			}
		}
	}
	return closed
}

// candidate is a slot being computed: its start and end in Unix seconds,
// its opening hour (an index in engine.hours) and the places taken.
type candidate struct {
	from, to int64
	plan     int32
	taken    int32
}

// candidates lists the slots starting in [lo, hi) that touch no closure,
// ordered by start.
func (e *engine) candidates(lo, hi int64) []candidate {
	n := int64(0)
	for i := range e.hours {
		h := e.hours[i].h
		if int(h.End-h.Begin) < h.MeetingMinutes {
			continue
		}
		per := (int64(h.End-h.Begin)-int64(h.MeetingMinutes))/e.step(h) + 1
		for _, w := range e.hours[i].days {
			n += int64(bits.OnesCount64(w)) * per
		}
	}
	out := make([]candidate, 0, n)
	sorted := true
	last := int64(math.MinInt64)
	ci := 0 // closures before ci ended before the last slot
	d1 := e.zone.localDay(hi - 1)
	for d := e.d0; d <= d1; d++ {
		for i := range e.hours {
			p := &e.hours[i]
			if !p.on(d - e.d0) {
				continue
			}
			h := p.h
			end := e.zone.bound(d, int64(h.End))
			length := int64(h.MeetingMinutes) * 60
			m0, step := e.first(h), e.step(h)
			// On a day without a change of offset between the first slot
			// and the end, a slot's start is plain arithmetic.
			u0, ok := e.zone.wall(d, m0)
			steady := ok && e.zone.offsetAt(u0) == e.zone.offsetAt(end)
			for m := m0; m+int64(h.MeetingMinutes) <= int64(h.End)+60; m += step {
				u := u0 + (m-m0)*60
				if !steady {
					if u, ok = e.zone.wall(d, m); !ok {
						continue // a skipped local time: no slot starts there
					}
				}
				if u+length > end || u >= hi {
					break
				}
				if u < lo {
					continue
				}
				if u < last {
					sorted, ci = false, 0
				}
				last = u
				for ci < len(e.closed) && e.closed[ci].to <= u {
					ci++
				}
				if ci < len(e.closed) && e.closed[ci].from < u+length {
					continue // touches a closure
				}
				out = append(out, candidate{from: u, to: u + length, plan: int32(i)})
			}
		}
	}
	if !sorted {
		slices.SortStableFunc(out, func(a, b candidate) int { return cmp.Compare(a.from, b.from) })
	}
	return out
}

// output turns candidates into slots.
func (e *engine) output(cands []candidate) []Slot {
	if len(cands) == 0 {
		return nil
	}
	out := make([]Slot, len(cands))
	for i, c := range cands {
		p := &e.hours[c.plan]
		rem := p.h.Queue - int(c.taken)
		if c.taken < 0 { // the day limit is reached
			rem = 0
		}
		out[i] = Slot{
			Start: time.Unix(c.from, 0).UTC(), End: time.Unix(c.to, 0).UTC(),
			Capacity: p.h.Queue, Remaining: max(rem, 0), OpeningHour: p.h.ID, Moderated: p.moderated,
		}
	}
	return out
}

// first is the local minute of an opening hour's first slot.
func (e *engine) first(h *OpeningHour) int64 {
	if e.cal.Slots == SlotsVariable {
		return (int64(h.Begin) + 4) / 5 * 5
	}
	return int64(h.Begin)
}

// step is the local minutes from one slot's start to the next.
func (e *engine) step(h *OpeningHour) int64 {
	if e.cal.Slots == SlotsVariable {
		return 5
	}
	return int64(h.MeetingMinutes + h.IntervalMinutes)
}

// onGrid reports whether p offers a slot [s, en) on day.
func (e *engine) onGrid(p *hourPlan, day, s, en int64) bool {
	h := p.h
	end := e.zone.bound(day, int64(h.End))
	length := int64(h.MeetingMinutes) * 60
	if e.cal.Slots == SlotsVariable {
		m := e.zone.localMinute(s)
		u, ok := e.zone.wall(day, m)
		return ok && u == s && m%5 == 0 && m >= int64(h.Begin) &&
			(en-s)%60 == 0 && en-s >= length && en <= end
	}
	for m := int64(h.Begin); m+int64(h.MeetingMinutes) <= int64(h.End)+60; m += e.step(h) {
		u, ok := e.zone.wall(day, m)
		if !ok {
			continue
		}
		if u+length > end || u > s {
			return false
		}
		if u == s {
			return en == u+length
		}
	}
	return false
}

// closedAt reports whether [s, en) shares an instant with a closure.
func (e *engine) closedAt(s, en int64) bool {
	i, _ := slices.BinarySearchFunc(e.closed, s, func(c span, t int64) int {
		if c.to <= t {
			return -1
		}
		return 1
	})
	return i < len(e.closed) && e.closed[i].from < en
}

// fill counts the places taken in each candidate (ordered by start), or
// marks it -1 when the calendar's day limit is reached on its day. Held
// places come in any order and are not sorted: an index of the first
// candidate starting in each two-hour bucket of the window leads every
// held place to the few candidates it may overlap (a slot lasts at most
// maxLen).
func (e *engine) fill(cands []candidate, held []Held) {
	if len(cands) == 0 {
		return
	}
	maxLen := int64(0)
	for i := range cands {
		maxLen = max(maxLen, cands[i].to-cands[i].from)
	}
	const bucket = 2 * 3600
	base, last := cands[0].from, cands[len(cands)-1]
	buckets := (last.from-base)/bucket + 1
	// first[b]: the index of the first candidate starting in bucket b or
	// later.
	first := make([]int32, buckets+1)
	b := int64(0)
	for i := range cands {
		for cb := (cands[i].from - base) / bucket; b <= cb; b++ {
			first[b] = int32(i)
		}
	}
	for ; b <= buckets; b++ {
		first[b] = int32(len(cands))
	}
	limit := e.cal.Limits.PerDay
	var dayHeld []int
	d0 := e.zone.localDay(base)
	if limit > 0 {
		dayHeld = make([]int, e.zone.localDay(last.from)-d0+1)
	}
	for k := range held {
		h := &held[k]
		hs, he := h.Start.Unix(), ceilUnix(h.End)
		if h.Places <= 0 || hs >= he || he <= base || hs >= last.from+maxLen {
			continue
		}
		places := int32(min(h.Places, 1<<20))
		if limit > 0 {
			if d := e.zone.localDay(hs) - d0; d >= 0 && d < int64(len(dayHeld)) {
				dayHeld[d] += int(places)
			}
		}
		a := min(max(hs-maxLen-base, 0)/bucket, buckets)
		for i := first[a]; i < int32(len(cands)); i++ {
			c := &cands[i]
			if c.from >= he {
				break
			}
			if c.to > hs {
				c.taken = min(c.taken+places, 1<<30)
			}
		}
	}
	if limit > 0 {
		for i := range cands {
			if dayHeld[e.zone.localDay(cands[i].from)-d0] >= limit {
				cands[i].taken = -1
			}
		}
	}
}
