package calendar_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/sportello/sportello/calendar"
)

// TestItalianHolidays lists the national holidays of 2026 and 2027 with
// Rome's patron saints' day added: Easter Monday is 6 April 2026 and 29
// March 2027.
func TestItalianHolidays(t *testing.T) {
	tests := []struct {
		year int
		want []string
	}{
		{2026, []string{"2026-01-01", "2026-01-06", "2026-04-05", "2026-04-06", "2026-04-25", "2026-05-01", "2026-06-02",
			"2026-06-29", "2026-08-15", "2026-10-04", "2026-11-01", "2026-12-08", "2026-12-25", "2026-12-26"}},
		{2027, []string{"2027-01-01", "2027-01-06", "2027-03-28", "2027-03-29", "2027-04-25", "2027-05-01", "2027-06-02",
			"2027-06-29", "2027-08-15", "2027-10-04", "2027-11-01", "2027-12-08", "2027-12-25", "2027-12-26"}},
	}
	for _, tt := range tests {
		var got []string
		for _, h := range calendar.ItalianHolidays(tt.year, calendar.PatronDay(tt.year, time.June, 29, "Santi Pietro e Paolo")) {
			got = append(got, h.Date.String())
			assert.NotEmpty(t, h.Name)
		}
		assert.Equal(t, tt.want, got, "%d", tt.year)
	}
}

// TestEaster checks the computus against known dates.
func TestEaster(t *testing.T) {
	for year, want := range map[int]string{2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05",
		2027: "2027-03-28", 2038: "2038-04-25", 2285: "2285-03-22"} {
		assert.Equal(t, want, calendar.Easter(year).String())
	}
}

// TestPatronDayOnNationalHolidayListedOnce: a patron day on 8 December
// adds nothing.
func TestPatronDayOnNationalHolidayListedOnce(t *testing.T) {
	assert.Len(t, calendar.ItalianHolidays(2026, calendar.PatronDay(2026, time.December, 8, "Patrono")), 13)
	assert.Len(t, calendar.ItalianHolidays(2026, calendar.PatronDay(2027, time.June, 29, "Other year")), 13)
}
