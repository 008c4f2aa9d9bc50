package calendar_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/calendar"
)

// TestDSTDaysInRome checks the last Sundays of March and October 2026 in
// Europe/Rome: a slot at 08:30 local is 07:30Z in winter and 06:30Z in
// summer; on the night of the change, the skipped hour (02:00-03:00 on 29
// March) offers no slot and the repeated hour (02:00-03:00 on 25 October)
// is offered once, at its first (summer-time) occurrence, every slot
// lasting its real 30 minutes.
func TestDSTDaysInRome(t *testing.T) {
	weekdays := hour("morning", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", date(2026, 1, 1), calendar.Clock(8, 30), calendar.Clock(9, 0))
	night := hour("night", "FREQ=WEEKLY;BYDAY=SU", date(2026, 1, 1), calendar.Clock(1, 0), calendar.Clock(4, 0))
	tests := []struct {
		name     string
		from, to time.Time
		want     []string
		ends     []string
	}{
		{"friday before the spring change", local(2026, 3, 27, 0, 0), local(2026, 3, 28, 0, 0),
			[]string{"2026-03-27T07:30Z"}, nil},
		{"monday after the spring change", local(2026, 3, 30, 0, 0), local(2026, 3, 31, 0, 0),
			[]string{"2026-03-30T06:30Z"}, nil},
		{"friday before the autumn change", local(2026, 10, 23, 0, 0), local(2026, 10, 24, 0, 0),
			[]string{"2026-10-23T06:30Z"}, nil},
		{"monday after the autumn change", local(2026, 10, 26, 0, 0), local(2026, 10, 27, 0, 0),
			[]string{"2026-10-26T07:30Z"}, nil},
		{"spring night: 02:00 and 02:30 do not exist", local(2026, 3, 29, 0, 0), local(2026, 3, 30, 0, 0),
			[]string{"2026-03-29T00:00Z", "2026-03-29T00:30Z", "2026-03-29T01:00Z", "2026-03-29T01:30Z"},
			[]string{"2026-03-29T00:30Z", "2026-03-29T01:00Z", "2026-03-29T01:30Z", "2026-03-29T02:00Z"}},
		{"autumn night: 02:00 and 02:30 offered once, in summer time", local(2026, 10, 25, 0, 0), local(2026, 10, 26, 0, 0),
			[]string{"2026-10-24T23:00Z", "2026-10-24T23:30Z", "2026-10-25T00:00Z", "2026-10-25T00:30Z", "2026-10-25T02:00Z", "2026-10-25T02:30Z"},
			[]string{"2026-10-24T23:30Z", "2026-10-25T00:00Z", "2026-10-25T00:30Z", "2026-10-25T01:00Z", "2026-10-25T02:30Z", "2026-10-25T03:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Now is a month before the day, within the rolling days.
			slots := mustAvailability(t, calendar.Query{Calendar: office(), OpeningHours: []*calendar.OpeningHour{weekdays, night},
				From: tt.from, To: tt.to, Now: tt.from.AddDate(0, -1, 0)})
			assert.Equal(t, tt.want, starts(slots))
			if tt.ends != nil {
				ends := make([]string, len(slots))
				for i, s := range slots {
					ends[i] = s.End.Format("2006-01-02T15:04Z")
				}
				assert.Equal(t, tt.ends, ends)
			}
		})
	}
}

// TestWholeDaysOnDSTDays: a whole local day is 23 hours long on the last
// Sunday of March and 25 on the last Sunday of October.
func TestWholeDaysOnDSTDays(t *testing.T) {
	for _, tt := range []struct {
		day  calendar.Date
		want time.Duration
	}{
		{date(2026, 3, 28), 24 * time.Hour},
		{date(2026, 3, 29), 23 * time.Hour},
		{date(2026, 10, 25), 25 * time.Hour},
	} {
		from, to := calendar.WholeDays(tt.day, tt.day, rome)
		assert.Equal(t, tt.want, to.Sub(from), tt.day.String())
		assert.Equal(t, time.UTC, from.Location())
	}
}

// TestClosureCrossingMidnight: a closure from 22:00 to 09:00 the next day
// removes the evening slots from 22:00 and the morning ones before 09:00;
// slots that end when it starts or start when it ends stay.
func TestClosureCrossingMidnight(t *testing.T) {
	evening := hour("evening", "FREQ=DAILY", date(2026, 1, 1), calendar.Clock(21, 0), calendar.Clock(24, 0))
	morning := hour("morning", "FREQ=DAILY", date(2026, 1, 1), calendar.Clock(8, 0), calendar.Clock(10, 0))
	closure := calendar.Closure{From: local(2026, 5, 5, 22, 0), To: local(2026, 5, 6, 9, 0)}
	slots := mustAvailability(t, calendar.Query{Calendar: office(), OpeningHours: []*calendar.OpeningHour{evening, morning},
		Closures: []calendar.Closure{closure}, From: local(2026, 5, 5, 20, 0), To: local(2026, 5, 6, 12, 0), Now: local(2026, 5, 1, 0, 0)})
	assert.Equal(t, []string{"2026-05-05T19:00Z", "2026-05-05T19:30Z", "2026-05-06T07:00Z", "2026-05-06T07:30Z"}, starts(slots))
}

// TestFixedSlotsEndByEndHour: a slot that would end after the end hour is
// not offered, with or without an interval.
func TestFixedSlotsEndByEndHour(t *testing.T) {
	tests := []struct {
		interval int
		want     []string
	}{
		{0, []string{"06:30", "07:00", "07:30", "08:00", "08:30", "09:00", "09:30"}},
		{10, []string{"06:30", "07:10", "07:50", "08:30", "09:10"}},
	}
	for _, tt := range tests {
		h := hour("h", "FREQ=DAILY", date(2026, 1, 1), calendar.Clock(8, 30), calendar.Clock(12, 15))
		h.IntervalMinutes = tt.interval
		slots := mustAvailability(t, calendar.Query{Calendar: office(), OpeningHours: []*calendar.OpeningHour{h},
			From: local(2026, 6, 1, 0, 0), To: local(2026, 6, 2, 0, 0), Now: local(2026, 5, 1, 0, 0)})
		var got []string
		for _, s := range slots {
			got = append(got, s.Start.Format("15:04"))
			assert.False(t, s.End.After(local(2026, 6, 1, 12, 15)))
		}
		assert.Equal(t, tt.want, got, "interval %d", tt.interval)
	}
}

// TestMinimumNoticeBoundary: a slot starting exactly at now + notice is
// offered; one microsecond later "now" refuses it.
func TestMinimumNoticeBoundary(t *testing.T) {
	c := office()
	c.MinNoticeHours = 1
	h := hour("h", "FREQ=DAILY", date(2026, 1, 1), calendar.Clock(8, 0), calendar.Clock(11, 0))
	q := calendar.Query{Calendar: c, OpeningHours: []*calendar.OpeningHour{h},
		From: local(2026, 6, 1, 0, 0), To: local(2026, 6, 2, 0, 0)}
	tests := []struct {
		now    time.Time
		first  string
		reason calendar.SlotReason // of the 09:00 slot
	}{
		{local(2026, 6, 1, 8, 0), "09:00", 0},
		{local(2026, 6, 1, 8, 0).Add(time.Microsecond), "09:30", calendar.SlotTooSoon},
		{local(2026, 6, 1, 7, 59), "09:00", 0},
		{local(2026, 6, 1, 9, 0), "10:00", calendar.SlotTooSoon},
		{local(2026, 6, 1, 9, 0).Add(time.Second), "10:30", calendar.SlotPast},
	}
	for _, tt := range tests {
		q.Now = tt.now
		slots := mustAvailability(t, q)
		require.NotEmpty(t, slots)
		assert.Equal(t, tt.first, slots[0].Start.In(rome).Format("15:04"), "now %v", tt.now)
		_, err := calendar.FindSlot(q, local(2026, 6, 1, 9, 0), local(2026, 6, 1, 9, 30))
		if tt.reason == 0 {
			assert.NoError(t, err)
		} else {
			var se *calendar.SlotError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tt.reason, se.Reason)
			assert.ErrorIs(t, err, calendar.ErrSlotUnavailable)
		}
	}
}

// TestRollingDaysEdge: with 3 rolling days, booking on Monday reaches
// Thursday's last slot and not Friday's first, whatever the hour of now.
func TestRollingDaysEdge(t *testing.T) {
	c := office()
	c.RollingDays = 3
	h := hour("h", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", date(2026, 1, 1), calendar.Clock(8, 30), calendar.Clock(17, 0))
	for _, now := range []time.Time{local(2026, 3, 2, 0, 0), local(2026, 3, 2, 23, 59)} {
		q := calendar.Query{Calendar: c, OpeningHours: []*calendar.OpeningHour{h}, From: now, To: local(2026, 3, 10, 0, 0), Now: now}
		slots := mustAvailability(t, q)
		require.NotEmpty(t, slots)
		last := slots[len(slots)-1]
		assert.Equal(t, local(2026, 3, 5, 16, 30), last.Start.In(rome))
		_, err := calendar.FindSlot(q, local(2026, 3, 5, 16, 30), local(2026, 3, 5, 17, 0))
		assert.NoError(t, err)
		_, err = calendar.FindSlot(q, local(2026, 3, 6, 8, 30), local(2026, 3, 6, 9, 0))
		var se *calendar.SlotError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, calendar.SlotTooFar, se.Reason)
	}
}

// TestBySetPos: RRULEs with BYSETPOS pick the last weekday and the first
// Monday of each month.
func TestBySetPos(t *testing.T) {
	tests := []struct {
		rule string
		want []string
	}{
		{"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", []string{"2026-01-30", "2026-02-27", "2026-03-31", "2026-04-30"}},
		{"FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1", []string{"2026-01-05", "2026-02-02", "2026-03-02", "2026-04-06"}},
		{"FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", []string{"2026-01-06", "2026-01-20", "2026-02-03", "2026-02-17", "2026-03-03", "2026-03-17", "2026-03-31", "2026-04-14", "2026-04-28"}},
	}
	for _, tt := range tests {
		for _, from := range []calendar.Date{date(2016, 1, 5), date(2026, 1, 1)} {
			if tt.rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU" && from.Year == 2026 {
				from = date(2026, 1, 6)
			}
			h := hour("h", tt.rule, from, calendar.Clock(9, 0), calendar.Clock(9, 30))
			slots := mustAvailability(t, calendar.Query{Calendar: office(), OpeningHours: []*calendar.OpeningHour{h},
				From: local(2026, 1, 1, 0, 0), To: local(2026, 5, 1, 0, 0), Now: local(2025, 12, 1, 0, 0)})
			var got []string
			for _, s := range slots {
				got = append(got, s.Start.In(rome).Format(time.DateOnly))
			}
			assert.Equal(t, tt.want, got, "%s from %s", tt.rule, from)
		}
	}
}

// TestRemainingPlaces: places held overlapping a slot reduce its
// Remaining; a full slot stays listed with 0; the day limit empties every
// slot of a day that reached it.
func TestRemainingPlaces(t *testing.T) {
	c := office()
	h := hour("h", "FREQ=DAILY", date(2026, 1, 1), calendar.Clock(9, 0), calendar.Clock(10, 30))
	h.Queue = 2
	held := []calendar.Held{
		{Start: local(2026, 6, 2, 9, 0), End: local(2026, 6, 2, 9, 30), Places: 1},
		{Start: local(2026, 6, 1, 9, 30), End: local(2026, 6, 1, 10, 0), Places: 3},
		{Start: local(2026, 6, 1, 9, 0), End: local(2026, 6, 1, 9, 30), Places: 1},
		{Start: local(2026, 6, 1, 9, 15), End: local(2026, 6, 1, 9, 20), Places: 1}, // variable booking
	}
	q := calendar.Query{Calendar: c, OpeningHours: []*calendar.OpeningHour{h}, Held: held,
		From: local(2026, 6, 1, 0, 0), To: local(2026, 6, 3, 0, 0), Now: local(2026, 5, 1, 0, 0)}
	remaining := func() []int {
		var out []int
		for _, s := range mustAvailability(t, q) {
			out = append(out, s.Remaining)
		}
		return out
	}
	assert.Equal(t, []int{0, 0, 2, 1, 2, 2}, remaining())
	c.Limits.PerDay = 6
	assert.Equal(t, []int{0, 0, 2, 1, 2, 2}, remaining())
	c.Limits.PerDay = 5
	assert.Equal(t, []int{0, 0, 0, 1, 2, 2}, remaining())
	c.Limits.PerDay = 1
	assert.Equal(t, []int{0, 0, 0, 0, 0, 0}, remaining())
}

// TestVariableSlots: variable slots start on 5-minute marks and last the
// meeting minutes; FindSlot accepts any longer whole-minute length inside
// the opening hour.
func TestVariableSlots(t *testing.T) {
	c := office()
	c.Slots = calendar.SlotsVariable
	h := hour("h", "FREQ=DAILY", date(2026, 1, 1), calendar.Clock(9, 2), calendar.Clock(10, 0))
	q := calendar.Query{Calendar: c, OpeningHours: []*calendar.OpeningHour{h},
		From: local(2026, 6, 1, 0, 0), To: local(2026, 6, 2, 0, 0), Now: local(2026, 5, 1, 0, 0)}
	slots := mustAvailability(t, q)
	require.Len(t, slots, 6) // 09:05 ... 09:30
	assert.Equal(t, local(2026, 6, 1, 9, 5), slots[0].Start.In(rome))
	assert.Equal(t, local(2026, 6, 1, 9, 30), slots[5].Start.In(rome))
	tests := []struct {
		start, end time.Time
		ok         bool
	}{
		{local(2026, 6, 1, 9, 10), local(2026, 6, 1, 9, 55), true},
		{local(2026, 6, 1, 9, 10), local(2026, 6, 1, 9, 30), false}, // shorter than a meeting
		{local(2026, 6, 1, 9, 12), local(2026, 6, 1, 9, 42), false}, // not on a 5-minute mark
		{local(2026, 6, 1, 9, 30), local(2026, 6, 1, 10, 5), false}, // past the end
		{local(2026, 6, 1, 9, 0), local(2026, 6, 1, 9, 30), false},  // before the begin
	}
	for _, tt := range tests {
		s, err := calendar.FindSlot(q, tt.start, tt.end)
		if tt.ok {
			require.NoError(t, err)
			assert.Equal(t, tt.end.UTC(), s.End)
		} else {
			assert.ErrorIs(t, err, calendar.ErrSlotUnavailable, "%v", tt.start)
		}
	}
}

// TestFindSlotReasons: every reason FindSlot gives.
func TestFindSlotReasons(t *testing.T) {
	c := office()
	c.MinNoticeHours = 24
	h := hour("h", "FREQ=DAILY", date(2026, 1, 1), calendar.Clock(9, 0), calendar.Clock(12, 0))
	h.Queue = 1
	q := calendar.Query{Calendar: c, OpeningHours: []*calendar.OpeningHour{h}, Now: local(2026, 6, 1, 12, 0),
		Closures: []calendar.Closure{{From: local(2026, 6, 5, 0, 0), To: local(2026, 6, 6, 0, 0)}},
		Held:     []calendar.Held{{Start: local(2026, 6, 3, 9, 0), End: local(2026, 6, 3, 9, 30), Places: 1}}}
	tests := []struct {
		name       string
		start, end time.Time
		reason     calendar.SlotReason
		remaining  int
	}{
		{"past", local(2026, 6, 1, 9, 0), local(2026, 6, 1, 9, 30), calendar.SlotPast, 0},
		{"too soon", local(2026, 6, 2, 9, 0), local(2026, 6, 2, 9, 30), calendar.SlotTooSoon, 0},
		{"too far", local(2026, 12, 29, 9, 0), local(2026, 12, 29, 9, 30), calendar.SlotTooFar, 0},
		{"closed", local(2026, 6, 5, 9, 0), local(2026, 6, 5, 9, 30), calendar.SlotClosed, 0},
		{"off grid", local(2026, 6, 4, 9, 15), local(2026, 6, 4, 9, 45), calendar.SlotNotOnGrid, 0},
		{"wrong end", local(2026, 6, 4, 9, 0), local(2026, 6, 4, 10, 0), calendar.SlotNotOnGrid, 0},
		{"outside hours", local(2026, 6, 4, 12, 0), local(2026, 6, 4, 12, 30), calendar.SlotNotOnGrid, 0},
		{"full is found", local(2026, 6, 3, 9, 0), local(2026, 6, 3, 9, 30), 0, 0},
		{"free", local(2026, 6, 3, 9, 30), local(2026, 6, 3, 10, 0), 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := calendar.FindSlot(q, tt.start, tt.end)
			if tt.reason == 0 {
				require.NoError(t, err)
				assert.Equal(t, tt.remaining, s.Remaining)
				assert.Equal(t, "h", s.OpeningHour)
				return
			}
			var se *calendar.SlotError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tt.reason, se.Reason)
		})
	}
}

// TestAvailabilityRefusesBadInput: malformed queries are validation
// errors naming the field.
func TestAvailabilityRefusesBadInput(t *testing.T) {
	bad := hour("h", "FREQ=HOURLY", date(2026, 1, 1), calendar.Clock(9, 0), calendar.Clock(8, 0))
	_, err := calendar.Availability(calendar.Query{Calendar: office(), OpeningHours: []*calendar.OpeningHour{bad},
		From: local(2026, 6, 1, 0, 0), To: local(2026, 6, 2, 0, 0), Now: local(2026, 5, 1, 0, 0)})
	var ve *calendar.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("opening_hours[0].rule", "rrule"), "%v", err)
	assert.True(t, ve.Has("opening_hours[0].end", "gtfield"), "%v", err)
	c := office()
	c.Zone = "Mars/Olympus"
	_, err = calendar.Availability(calendar.Query{Calendar: c})
	assert.ErrorIs(t, err, calendar.ErrValidation)
	_, err = calendar.Availability(calendar.Query{})
	assert.ErrorIs(t, err, calendar.ErrValidation)
}

// TestDaySummary: one entry per local day, closed days not open.
func TestDaySummary(t *testing.T) {
	h := hour("h", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", date(2026, 1, 1), calendar.Clock(9, 0), calendar.Clock(10, 0))
	h.Queue = 2
	days, err := calendar.DaySummary(calendar.Query{Calendar: office(), OpeningHours: []*calendar.OpeningHour{h},
		Closures: []calendar.Closure{{From: local(2026, 6, 2, 0, 0), To: local(2026, 6, 3, 0, 0)}},
		Held:     []calendar.Held{{Start: local(2026, 6, 1, 9, 0), End: local(2026, 6, 1, 9, 30), Places: 1}},
		From:     local(2026, 6, 1, 0, 0), To: local(2026, 6, 8, 0, 0), Now: local(2026, 5, 1, 0, 0)})
	require.NoError(t, err)
	require.Len(t, days, 7)
	open := slices.IndexFunc(days, func(d calendar.Day) bool { return !d.Open })
	assert.Equal(t, 1, open) // 2 June is closed
	assert.Equal(t, calendar.Day{Date: date(2026, 6, 1), Open: true, Slots: 2, Free: 3}, days[0])
	assert.False(t, days[5].Open) // Saturday
	assert.True(t, days[4].Open)
	_, err = calendar.DaySummary(calendar.Query{Calendar: office(), From: local(2026, 1, 1, 0, 0), To: local(2028, 1, 1, 0, 0)})
	assert.True(t, errors.Is(err, calendar.ErrValidation))
}

// TestFindSlotInTheRepeatedHour: on the last Sunday of October the slot
// at 02:30 is its first occurrence (00:30Z, summer time); the second
// 02:30 (01:30Z, winter time) is no slot.
func TestFindSlotInTheRepeatedHour(t *testing.T) {
	night := hour("night", "FREQ=WEEKLY;BYDAY=SU", date(2026, 1, 1), calendar.Clock(1, 0), calendar.Clock(4, 0))
	q := calendar.Query{Calendar: office(), OpeningHours: []*calendar.OpeningHour{night}, Now: local(2026, 9, 1, 0, 0)}
	s, err := calendar.FindSlot(q, time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), time.Date(2026, 10, 25, 1, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	assert.Equal(t, "02:30 CEST", s.Start.In(rome).Format("15:04 MST"))
	_, err = calendar.FindSlot(q, time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC), time.Date(2026, 10, 25, 2, 0, 0, 0, time.UTC))
	var se *calendar.SlotError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, calendar.SlotNotOnGrid, se.Reason)
	_, err = calendar.FindSlot(q, time.Date(2026, 10, 25, 2, 0, 0, 0, time.UTC), time.Date(2026, 10, 25, 2, 30, 0, 0, time.UTC))
	assert.NoError(t, err, "03:00 CET")
}
