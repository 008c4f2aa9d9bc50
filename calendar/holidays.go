package calendar

import (
	"slices"
	"time"
)

// Holiday is a public holiday: a whole local day on which offices close.
type Holiday struct {
	Date Date
	// Name is the Italian name, e.g. "Lunedì dell'Angelo".
	Name string
}

// Easter returns Easter Sunday of year in the Gregorian calendar (the
// anonymous Gregorian algorithm, "Meeus/Jones/Butcher").
func Easter(year int) Date {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return Date{year, time.Month(month), day}
}

// ItalianHolidays returns Italy's national public holidays of year, ordered
// by date: the fixed ones (law 260/1949 and later changes, Saint Francis
// on 4 October from 2026 again included), Easter Sunday and Easter Monday
// computed, and the given local holidays (a patron saint's day, named by
// the host) on top. A local holiday falling on a national one is listed
// once, under the national name.
func ItalianHolidays(year int, local ...Holiday) []Holiday {
	easter := Easter(year)
	out := []Holiday{
		{Date{year, time.January, 1}, "Capodanno"},
		{Date{year, time.January, 6}, "Epifania"},
		{easter, "Pasqua"},
		{easter.AddDays(1), "Lunedì dell'Angelo"},
		{Date{year, time.April, 25}, "Festa della Liberazione"},
		{Date{year, time.May, 1}, "Festa del Lavoro"},
		{Date{year, time.June, 2}, "Festa della Repubblica"},
		{Date{year, time.August, 15}, "Ferragosto"},
		{Date{year, time.November, 1}, "Ognissanti"},
		{Date{year, time.December, 8}, "Immacolata Concezione"},
		{Date{year, time.December, 25}, "Natale"},
		{Date{year, time.December, 26}, "Santo Stefano"},
	}
	if year >= 2026 {
		out = append(out, Holiday{Date{year, time.October, 4}, "San Francesco d'Assisi"})
	}
	for _, h := range local {
		if h.Date.Year == year && !slices.ContainsFunc(out, func(x Holiday) bool { return x.Date == h.Date }) {
			out = append(out, h)
		}
	}
	slices.SortStableFunc(out, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	return out
}

// PatronDay returns the local holiday of a patron saint falling every
// year on month/day, for ItalianHolidays (e.g. PatronDay(2026,
// time.June, 29, "Santi Pietro e Paolo") for Rome).
func PatronDay(year int, month time.Month, day int, name string) Holiday {
	return Holiday{Date{year, month, day}, name}
}

// YearlyDay is a local holiday falling on the same month and day every
// year, e.g. a patron saint's day. A 29 February is closed in leap years
// only.
type YearlyDay struct {
	Month time.Month `json:"month" validate:"gte=1,lte=12"`
	Day   int        `json:"day" validate:"gte=1,lte=31"`
	// Name is shown to operators ("Santi Pietro e Paolo").
	Name string `json:"name" validate:"required,line,max=100"`
}

// HolidaysOf returns the yearly holidays c closes on in year, ordered by
// date: Italy's national holidays when c.ItalianHolidays is set, and
// c.PatronDays (those that fall on a real date that year). It is nil when
// c sets no yearly holiday.
func (c *Calendar) HolidaysOf(year int) []Holiday {
	if !c.ItalianHolidays && len(c.PatronDays) == 0 {
		return nil
	}
	local := make([]Holiday, 0, len(c.PatronDays))
	for _, p := range c.PatronDays {
		if d := (Date{year, p.Month, p.Day}); d.Valid() {
			local = append(local, Holiday{d, p.Name})
		}
	}
	if c.ItalianHolidays {
		return ItalianHolidays(year, local...)
	}
	slices.SortStableFunc(local, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	return slices.CompactFunc(local, func(a, b Holiday) bool { return a.Date == b.Date })
}
