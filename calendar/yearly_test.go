package calendar_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/calendar"
)

// TestYearlyHolidaysClose: with ItalianHolidays and a patron day set, the
// engine closes 25 April, Easter Monday (6 April 2026, 29 March 2027), the
// patron day and 1 January of every year its window touches, with no
// stored closure; a normal day stays open, and without ItalianHolidays
// only the patron day closes.
func TestYearlyHolidaysClose(t *testing.T) {
	daily := hour("daily", "FREQ=DAILY", date(2020, 1, 1), calendar.Clock(9, 0), calendar.Clock(10, 0))
	national := office()
	national.ItalianHolidays = true
	national.PatronDays = []calendar.YearlyDay{{Month: time.June, Day: 29, Name: "Santi Pietro e Paolo"}}
	patronOnly := office()
	patronOnly.PatronDays = national.PatronDays
	tests := []struct {
		name string
		cal  *calendar.Calendar
		day  calendar.Date
		open bool
	}{
		{"25 April 2026", national, date(2026, 4, 25), false},
		{"Easter Monday 2026", national, date(2026, 4, 6), false},
		{"patron day 2026", national, date(2026, 6, 29), false},
		{"normal day 2026", national, date(2026, 4, 7), true},
		{"25 April 2027", national, date(2027, 4, 25), false},
		{"Easter Monday 2027", national, date(2027, 3, 29), false},
		{"patron day 2027", national, date(2027, 6, 29), false},
		{"normal day 2027", national, date(2027, 3, 30), true},
		{"new year's day after a year-end window start", national, date(2027, 1, 1), false},
		{"patron only: patron day 2027", patronOnly, date(2027, 6, 29), false},
		{"patron only: Easter Monday 2027 is open", patronOnly, date(2027, 3, 29), true},
		{"no holidays: 25 April 2026 is open", office(), date(2026, 4, 25), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from := tt.day.In(rome)
			// The window starts the day before (another year for 1 January)
			// and ends the day after.
			q := calendar.Query{Calendar: tt.cal, OpeningHours: []*calendar.OpeningHour{daily},
				From: from.AddDate(0, 0, -1), To: from.AddDate(0, 0, 2), Now: from.AddDate(0, 0, -10)}
			slots := mustAvailability(t, q)
			var onDay int
			for _, s := range slots {
				if calendar.DateOf(s.Start.In(rome)) == tt.day {
					onDay++
				}
			}
			if tt.open {
				assert.Equal(t, 2, onDay)
			} else {
				assert.Zero(t, onDay)
			}

			days, err := calendar.DaySummary(q)
			require.NoError(t, err)
			require.Len(t, days, 3)
			assert.Equal(t, tt.day, days[1].Date)
			assert.Equal(t, tt.open, days[1].Open)

			_, err = calendar.FindSlot(q, local(tt.day.Year, tt.day.Month, tt.day.Day, 9, 0), local(tt.day.Year, tt.day.Month, tt.day.Day, 9, 30))
			if tt.open {
				assert.NoError(t, err)
			} else {
				var se *calendar.SlotError
				require.ErrorAs(t, err, &se)
				assert.Equal(t, calendar.SlotClosed, se.Reason)
			}
		})
	}
}

// TestHolidaysOf lists a calendar's yearly holidays: a patron day on a
// national holiday is listed once, 29 February only in leap years.
func TestHolidaysOf(t *testing.T) {
	c := office()
	assert.Nil(t, c.HolidaysOf(2026))
	c.PatronDays = []calendar.YearlyDay{{Month: time.February, Day: 29, Name: "Bisestile"},
		{Month: time.December, Day: 8, Name: "Patrono"}, {Month: time.December, Day: 8, Name: "Doppio"}}
	assert.Len(t, c.HolidaysOf(2027), 1)
	assert.Len(t, c.HolidaysOf(2028), 2)
	c.ItalianHolidays = true
	assert.Len(t, c.HolidaysOf(2027), 13)
	got := c.HolidaysOf(2028)
	assert.Len(t, got, 14)
	assert.Equal(t, "Bisestile", got[2].Name)
}

// TestYearlyHolidaysValidated: a month or day that does not exist and a
// name breaking the text rule are listed in one *ValidationError; a valid
// setting is stored.
func TestYearlyHolidaysValidated(t *testing.T) {
	e := newEnv(t, nil)
	_, err := e.desk.CreateCalendar(e.ctx, admin, calendar.NewCalendar{Title: "T", Location: "L", ItalianHolidays: true,
		PatronDays: []calendar.YearlyDay{{Month: 13, Day: 1, Name: "A"}, {Month: time.April, Day: 31, Name: "B"},
			{Month: time.June, Day: 29, Name: "bad\x00name"}, {Month: time.June, Day: 0, Name: ""}}})
	var ve *calendar.ValidationError
	require.ErrorAs(t, err, &ve)
	for _, f := range []struct{ field, rule string }{
		{"patron_days[0].month", "lte"}, {"patron_days[1].day", "date"}, {"patron_days[2].name", "line"},
		{"patron_days[3].day", "gte"}, {"patron_days[3].name", "required"},
	} {
		assert.True(t, ve.Has(f.field, f.rule), "%s %s in %v", f.field, f.rule, err)
	}
	assert.False(t, ve.Has("patron_days[0].day", "date"))

	c, err := e.desk.CreateCalendar(e.ctx, admin, calendar.NewCalendar{Title: "T", Location: "L", ItalianHolidays: true,
		PatronDays: []calendar.YearlyDay{{Month: time.February, Day: 29, Name: " Bisestile "}}})
	require.NoError(t, err)
	assert.True(t, c.ItalianHolidays)
	assert.Equal(t, []calendar.YearlyDay{{Month: time.February, Day: 29, Name: "Bisestile"}}, c.PatronDays)
}

// Example_yearlyHolidays: a calendar closed on Italy's national holidays
// and on Rome's patron saints' day every year, without adding closures
// year after year.
func Example_yearlyHolidays() {
	rome, _ := time.LoadLocation("Europe/Rome")
	cal := &calendar.Calendar{ID: "cal-1", Tenant: "t1", Title: "Anagrafe", Zone: "Europe/Rome", RollingDays: 180,
		ItalianHolidays: true, PatronDays: []calendar.YearlyDay{{Month: time.June, Day: 29, Name: "Santi Pietro e Paolo"}}}
	mornings := &calendar.OpeningHour{ID: "h1", Name: "Mattina", Rule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
		ValidFrom: calendar.Date{Year: 2027, Month: 1, Day: 1}, Begin: calendar.Clock(9, 0), End: calendar.Clock(10, 0),
		MeetingMinutes: 60, Queue: 1}
	days, _ := calendar.DaySummary(calendar.Query{Calendar: cal, OpeningHours: []*calendar.OpeningHour{mornings},
		From: time.Date(2027, 6, 28, 0, 0, 0, 0, rome), To: time.Date(2027, 7, 1, 0, 0, 0, 0, rome),
		Now: time.Date(2027, 6, 1, 0, 0, 0, 0, rome)})
	for _, d := range days {
		fmt.Println(d.Date, d.Open)
	}
	// Output:
	// 2027-06-28 true
	// 2027-06-29 false
	// 2027-06-30 true
}
