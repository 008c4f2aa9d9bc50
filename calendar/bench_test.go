package calendar_test

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/sportello/sportello/calendar"
)

// referenceQuery builds the reference calendar of the shared benchmark
// data: Europe/Rome, now 2026-03-01 00:00 local, window 2026-03-02 to
// 2026-05-30 included, Monday–Friday 08:30–12:30 and Tuesday, Thursday
// 14:30–17:00, 30-minute slots with queue 3, twelve whole closed days and
// 2,000 bookings holding one place each. rules gives the two opening
// hours' RRULEs, validFrom their first date.
func referenceQuery(tb testing.TB, validFrom calendar.Date, rules [2]string) calendar.Query {
	tb.Helper()
	raw, err := os.ReadFile("testdata/reference-calendar-bookings.json")
	if err != nil {
		tb.Fatal(err)
	}
	var bookings []struct{ Start, End time.Time }
	if err := json.Unmarshal(raw, &bookings); err != nil {
		tb.Fatal(err)
	}
	held := make([]calendar.Held, len(bookings))
	for i, b := range bookings {
		held[i] = calendar.Held{Start: b.Start, End: b.End, Places: 1}
	}
	c := &calendar.Calendar{ID: "ref", Tenant: "t", Title: "Reference", Zone: "Europe/Rome", RollingDays: 90}
	morning := &calendar.OpeningHour{ID: "morning", Rule: rules[0], ValidFrom: validFrom,
		Begin: calendar.Clock(8, 30), End: calendar.Clock(12, 30), MeetingMinutes: 30, Queue: 3}
	afternoon := &calendar.OpeningHour{ID: "afternoon", Rule: rules[1], ValidFrom: validFrom,
		Begin: calendar.Clock(14, 30), End: calendar.Clock(17, 0), MeetingMinutes: 30, Queue: 3}
	var closures []calendar.Closure
	for _, d := range []string{"2026-03-06", "2026-03-12", "2026-03-19", "2026-03-24", "2026-04-03", "2026-04-06",
		"2026-04-14", "2026-04-24", "2026-05-01", "2026-05-07", "2026-05-15", "2026-05-26"} {
		day, err := calendar.ParseDate(d)
		if err != nil {
			tb.Fatal(err)
		}
		from, to := calendar.WholeDays(day, day, rome)
		closures = append(closures, calendar.Closure{From: from, To: to})
	}
	return calendar.Query{
		Calendar: c, OpeningHours: []*calendar.OpeningHour{morning, afternoon}, Closures: closures,
		From: local(2026, 3, 2, 0, 0), To: local(2026, 5, 31, 0, 0), Now: local(2026, 3, 1, 0, 0), Held: held,
	}
}

var weeklyRules = [2]string{"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "FREQ=WEEKLY;BYDAY=TU,TH"}

// dailyRules give the same dates through rrule-go's general expansion.
var dailyRules = [2]string{"FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", "FREQ=DAILY;BYDAY=TU,TH"}

// BenchmarkReferenceCalendar computes the reference calendar's
// availability over its 90-day window: opening hours valid since today or
// since ten years ago, with the plain weekly rules and with rules that
// rrule-go expands.
func BenchmarkReferenceCalendar(b *testing.B) {
	for _, bc := range []struct {
		name  string
		from  calendar.Date
		rules [2]string
	}{
		{"weekly", date(2026, 3, 1), weeklyRules},
		{"weekly-since-2016", date(2016, 3, 1), weeklyRules},
		{"rrule", date(2026, 3, 1), dailyRules},
		{"rrule-since-2016", date(2016, 3, 1), dailyRules},
	} {
		b.Run(bc.name, func(b *testing.B) {
			q := referenceQuery(b, bc.from, bc.rules)
			b.ReportAllocs()
			var slots []calendar.Slot
			for b.Loop() {
				var err error
				if slots, err = calendar.Availability(q); err != nil {
					b.Fatal(err)
				}
			}
			bookable := 0
			for _, s := range slots {
				if s.Remaining > 0 {
					bookable++
				}
			}
			b.ReportMetric(float64(len(slots)), "slots")
			b.ReportMetric(float64(bookable), "bookable")
		})
	}
}

// TestReferenceCalendarSameWhateverTheRule: the four variants of the
// benchmark compute the same slots, and the closed days offer none.
func TestReferenceCalendarSameWhateverTheRule(t *testing.T) {
	want := mustAvailability(t, referenceQuery(t, date(2026, 3, 1), weeklyRules))
	if len(want) == 0 {
		t.Fatal("no slots")
	}
	for _, q := range []calendar.Query{
		referenceQuery(t, date(2016, 3, 1), weeklyRules),
		referenceQuery(t, date(2026, 3, 1), dailyRules),
		referenceQuery(t, date(2016, 3, 1), dailyRules),
	} {
		got := mustAvailability(t, q)
		if len(got) != len(want) {
			t.Fatalf("got %d slots, want %d", len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("slot %d: got %+v, want %+v", i, got[i], want[i])
			}
		}
	}
	for _, s := range want {
		if d := s.Start.In(rome).Format(time.DateOnly); d == "2026-04-06" || d == "2026-03-06" {
			t.Fatalf("slot on closed day %s", d)
		}
	}
}
