package calendar_test

import (
	"testing"
	"time"

	"github.com/sportello/sportello/calendar"
)

var rome = mustZone("Europe/Rome")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// local returns the instant of a Rome wall-clock time.
func local(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, rome)
}

func date(y int, m time.Month, d int) calendar.Date { return calendar.Date{Year: y, Month: m, Day: d} }

// office returns a calendar booking 180 days ahead without notice.
func office() *calendar.Calendar {
	return &calendar.Calendar{ID: "cal-1", Tenant: "t1", Title: "Anagrafe", Zone: "Europe/Rome", RollingDays: 180}
}

// hour returns an opening hour with queue 1 and 30-minute meetings.
func hour(id, rule string, from calendar.Date, begin, end calendar.ClockTime) *calendar.OpeningHour {
	return &calendar.OpeningHour{ID: id, Calendar: "cal-1", Tenant: "t1", Name: id, Rule: rule, ValidFrom: from,
		Begin: begin, End: end, MeetingMinutes: 30, Queue: 1}
}

// starts lists the slots' starts as RFC 3339 UTC strings.
func starts(slots []calendar.Slot) []string {
	out := make([]string, len(slots))
	for i, s := range slots {
		out[i] = s.Start.UTC().Format("2006-01-02T15:04Z")
	}
	return out
}

func mustAvailability(t *testing.T, q calendar.Query) []calendar.Slot {
	t.Helper()
	slots, err := calendar.Availability(q)
	if err != nil {
		t.Fatalf("Availability: %v", err)
	}
	return slots
}
