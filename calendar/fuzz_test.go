package calendar_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/sportello/sportello/calendar"
)

// TestRulesThatYieldNoDate: a rule that never yields a date is refused at
// once (rrule-go would otherwise look for one until the year 9999), and
// one whose dates depend on its start is judged from its first date.
func TestRulesThatYieldNoDate(t *testing.T) {
	tests := []struct {
		rule string
		from calendar.Date
		ok   bool
	}{
		{"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", date(2026, 1, 1), false},
		{"FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31", date(2026, 1, 1), false},
		{"FREQ=DAILY;INTERVAL=7;BYDAY=MO", date(2026, 3, 2), true},
		{"FREQ=DAILY;INTERVAL=7;BYDAY=MO", date(2026, 3, 3), false},
		{"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO", date(2026, 1, 1), true},
	}
	for _, tt := range tests {
		start := time.Now()
		h := hour("h", tt.rule, tt.from, calendar.Clock(9, 0), calendar.Clock(10, 0))
		_, err := calendar.Availability(calendar.Query{Calendar: office(), OpeningHours: []*calendar.OpeningHour{h},
			From: local(2026, 3, 1, 0, 0), To: local(2026, 6, 1, 0, 0), Now: local(2026, 2, 1, 0, 0)})
		if tt.ok {
			if err != nil {
				t.Errorf("%s from %s: %v", tt.rule, tt.from, err)
			}
		} else {
			var ve *calendar.ValidationError
			if !errors.As(err, &ve) || !ve.Has("opening_hours[0].rule", "rrule") {
				t.Errorf("%s from %s: err = %v, want a rule error", tt.rule, tt.from, err)
			}
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s took %v", tt.rule, d) // a hang, not a timing assertion
		}
	}
}

// FuzzParseRule: any text either is refused with a validation error or
// is accepted in a canonical form that parses to itself; an accepted rule
// never makes Availability panic, and the slots it returns are ordered,
// inside the window and the opening hour's capacity.
func FuzzParseRule(f *testing.F) {
	for _, s := range []string{
		"FREQ=WEEKLY;BYDAY=MO,TU", "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
		"FREQ=YEARLY;BYEASTER=1", "FREQ=DAILY;COUNT=10", "FREQ=WEEKLY;UNTIL=20261231T000000Z;BYDAY=FR",
		"FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", "FREQ=HOURLY", "RRULE:FREQ=DAILY;BYHOUR=9", "DTSTART:20260101T000000Z",
		"FREQ=MONTHLY;BYMONTHDAY=-1", "FREQ=YEARLY;BYYEARDAY=100,-1", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
	} {
		f.Add(s, uint16(540), uint16(60), uint8(30))
	}
	f.Fuzz(func(t *testing.T, text string, begin, length uint16, meeting uint8) {
		canon, err := calendar.ParseRule(text)
		if err != nil {
			if !errors.Is(err, calendar.ErrValidation) {
				t.Fatalf("ParseRule(%q) = %v, not a validation error", text, err)
			}
			return
		}
		again, err := calendar.ParseRule(canon)
		if err != nil || again != canon {
			t.Fatalf("ParseRule(%q) = %q, which parses to %q, %v", text, canon, again, err)
		}
		h := hour("h", canon, date(2016, 2, 29), calendar.ClockTime(begin%1440), calendar.ClockTime(begin%1440+length%600))
		h.MeetingMinutes = int(meeting%90) + 5
		h.Queue = 2
		from, to := local(2026, 3, 1, 0, 0), local(2026, 6, 1, 0, 0)
		slots, err := calendar.Availability(calendar.Query{Calendar: office(), OpeningHours: []*calendar.OpeningHour{h},
			From: from, To: to, Now: local(2026, 2, 1, 0, 0),
			Held: []calendar.Held{{Start: local(2026, 3, 2, 9, 0), End: local(2026, 3, 2, 9, 30), Places: 1}}})
		if err != nil {
			if !errors.Is(err, calendar.ErrValidation) {
				t.Fatalf("Availability: %v", err)
			}
			return
		}
		for i, s := range slots {
			if s.Start.Before(from) || !s.Start.Before(to) || !s.Start.Before(s.End) || s.Remaining < 0 || s.Remaining > s.Capacity {
				t.Fatalf("slot %d out of bounds: %+v", i, s)
			}
			if i > 0 && s.Start.Before(slots[i-1].Start) {
				t.Fatalf("slots out of order at %d", i)
			}
		}
	})
}

// FuzzParseBusy: any text either is refused with a validation error or
// gives ordered busy periods that, written back as iCalendar, read back
// the same.
func FuzzParseBusy(f *testing.F) {
	f.Add(agenda)
	f.Add("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
	f.Add("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20260101T100000\r\nDURATION:P1DT2H\r\nRRULE:FREQ=DAILY;COUNT=3\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
	f.Add("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261025\r\nDTEND;VALUE=DATE:20261027\r\nEND:VEVENT\r\nEND:VCALENDAR")
	f.Fuzz(func(t *testing.T, text string) {
		busy, err := calendar.ParseBusy(text, rome, time.Time{}, time.Time{})
		if err != nil {
			if !errors.Is(err, calendar.ErrValidation) {
				t.Fatalf("ParseBusy: %v is not a validation error", err)
			}
			return
		}
		if !slices.IsSortedFunc(busy, func(a, b calendar.Busy) int { return a.From.Compare(b.From) }) {
			t.Fatal("busy periods out of order")
		}
		cal := ics.NewCalendar()
		for i, b := range busy {
			if !b.From.Before(b.To) {
				t.Fatalf("empty busy period %+v", b)
			}
			ev := cal.AddEvent(strings.Repeat("x", i+1))
			ev.SetStartAt(b.From)
			ev.SetEndAt(b.To)
		}
		again, err := calendar.ParseBusy(cal.Serialize(), rome, time.Time{}, time.Time{})
		if err != nil {
			t.Fatalf("written back: %v", err)
		}
		if len(again) != len(busy) {
			t.Fatalf("written back: %d periods, want %d", len(again), len(busy))
		}
		for i := range busy {
			if !again[i].From.Equal(busy[i].From.Truncate(time.Second)) || !again[i].To.Equal(busy[i].To.Truncate(time.Second)) {
				t.Fatalf("written back: %+v, want %+v", again[i], busy[i])
			}
		}
	})
}

// FuzzNewOpeningHour: any opening-hour input either is refused with a
// validation error (nothing saved) or is saved; what is saved reads back
// the same, and submitting it again (its canonical rule as Rule) changes
// nothing but the version.
func FuzzNewOpeningHour(f *testing.F) {
	f.Add("Mattina", uint8(0b0011111), "", uint16(510), uint16(750), uint8(30), uint8(0), uint8(3), uint16(0))
	f.Add("Primo lunedì", uint8(0), "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1", uint16(540), uint16(600), uint8(20), uint8(5), uint8(1), uint16(400))
	f.Add("x\x00", uint8(1), "FREQ=DAILY", uint16(1500), uint16(10), uint8(0), uint8(0), uint8(0), uint16(9999))
	f.Fuzz(func(t *testing.T, name string, days uint8, rule string, begin, end uint16, meeting, interval, queue uint8, offset uint16) {
		e := newEnv(t, nil)
		c := e.calendar(t, "Fuzz")
		in := calendar.NewOpeningHour{Name: name, Rule: rule, ValidFrom: date(2020, 1, 1).AddDays(int(offset % 4000)),
			Begin: calendar.ClockTime(begin), End: calendar.ClockTime(end), MeetingMinutes: int(meeting),
			IntervalMinutes: int(interval), Queue: int(queue)}
		for d := 1; d <= 7; d++ {
			if days&(1<<(d-1)) != 0 {
				in.Days = append(in.Days, d)
			}
		}
		h, err := e.desk.AddOpeningHour(e.ctx, admin, c.ID, in)
		hours, lerr := e.desk.OpeningHours(e.ctx, admin, c.ID)
		if lerr != nil {
			t.Fatal(lerr)
		}
		if err != nil {
			if !errors.Is(err, calendar.ErrValidation) {
				t.Fatalf("AddOpeningHour: %v is not a validation error", err)
			}
			if len(hours) != 0 {
				t.Fatal("a refused opening hour was saved")
			}
			return
		}
		if len(hours) != 1 || *hours[0] != *h {
			t.Fatalf("read back %+v, want %+v", hours, h)
		}
		in.Days, in.Rule = nil, h.Rule
		again, err := e.desk.UpdateOpeningHour(e.ctx, admin, c.ID, h.ID, h.Version, in)
		if err != nil {
			t.Fatalf("submitting the saved opening hour again: %v", err)
		}
		want := *h
		want.Version, want.Updated = again.Version, again.Updated
		if *again != want {
			t.Fatalf("submitted again: %+v, want %+v", again, want)
		}
	})
}
