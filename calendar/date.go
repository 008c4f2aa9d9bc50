package calendar

import (
	"fmt"
	"strconv"
	"time"
)

// Date is a civil date (no zone): the day an opening hour starts or ends
// being valid, a holiday, a day of a month view.
type Date struct {
	// Year, Month and Day as on a wall calendar.
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t on t's own clock.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads "YYYY-MM-DD".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("calendar: date %q is not YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// String returns "YYYY-MM-DD" ("" for the zero Date).
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsZero reports whether d is the zero Date (no date).
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d names a real day between years 1 and 9999.
func (d Date) Valid() bool {
	if d.Year < 1 || d.Year > 9999 || d.Month < 1 || d.Month > 12 || d.Day < 1 {
		return false
	}
	return DateOf(d.utc()) == d
}

// utc is midnight of d in UTC (a floating date's stand-in for rrule-go).
func (d Date) utc() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// In returns midnight of d in loc (or the first instant of d when midnight
// does not exist there).
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// days counts days since 1970-01-01 (negative before).
func (d Date) days() int64 { return floorDiv(d.utc().Unix(), secondsPerDay) }

// dateOfDays is the inverse of days.
func dateOfDays(n int64) Date { return DateOf(time.Unix(n*secondsPerDay, 0).UTC()) }

// AddDays returns the date n days after d.
func (d Date) AddDays(n int) Date { return DateOf(d.utc().AddDate(0, 0, n)) }

// Weekday returns d's day of the week.
func (d Date) Weekday() time.Weekday { return d.utc().Weekday() }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return sign(d.Year - e.Year)
	case d.Month != e.Month:
		return sign(int(d.Month) - int(e.Month))
	}
	return sign(d.Day - e.Day)
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

const secondsPerDay = 86400

// dayOf returns the day number of a local second count (floor division by
// a constant, which the compiler turns into a multiplication).
func dayOf(l int64) int64 {
	if l >= 0 {
		return l / secondsPerDay
	}
	return -((-l + secondsPerDay - 1) / secondsPerDay)
}

// floorDiv divides rounding toward minus infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// ClockTime is a local wall-clock time as minutes after midnight, from 0
// (00:00) to 1440 (24:00, the end of the day).
type ClockTime int

// Clock returns the ClockTime h:m.
func Clock(h, m int) ClockTime { return ClockTime(h*60 + m) }

// ParseClock reads "HH:MM" (00:00 to 24:00).
func ParseClock(s string) (ClockTime, error) {
	bad := fmt.Errorf("calendar: clock time %q is not HH:MM", s)
	if len(s) != 5 || s[2] != ':' {
		return 0, bad
	}
	h, err1 := strconv.Atoi(s[:2])
	m, err2 := strconv.Atoi(s[3:])
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, bad
	}
	return Clock(h, m), nil
}

// Valid reports whether c lies in 00:00..24:00.
func (c ClockTime) Valid() bool { return c >= 0 && c <= 1440 }

// String returns "HH:MM".
func (c ClockTime) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }
