package calendar

import (
	"slices"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/teambition/rrule-go"
)

// BusyReason is the reason of the closures ImportBusy makes (the events'
// own summaries are not copied, as they may name people); a later import
// replaces them.
const BusyReason = "busy (external calendar)"

// maxICSBytes bounds the iCalendar text ParseBusy reads.
const maxICSBytes = 4 << 20

// maxOccurrences bounds the occurrences of one recurring event, maxBusy
// the busy periods of one text.
const (
	maxOccurrences = 5000
	maxBusy        = 20000
	// maxSteps bounds the occurrences looked at over all events.
	maxSteps = 200000
)

// Busy is a busy period read from an iCalendar text.
type Busy struct {
	// From < To, UTC instants.
	From, To time.Time
}

// ParseBusy reads the events (VEVENT) of an iCalendar text and returns the
// busy periods overlapping [from, to) (zero bounds: no bound), ordered by
// start. Date-only events are whole local days in loc; floating times are
// read in loc; TZID names an IANA zone. Recurring events (RRULE, with the
// rules an opening hour accepts) are expanded; EXDATE is not honoured (an
// excluded occurrence stays busy, the safe side). Cancelled
// (STATUS:CANCELLED) and free (TRANSP:TRANSPARENT) events are skipped, as
// are events without a duration. Unreadable input, and input beyond the
// limits (4 MiB, 20000 busy periods, 200000 occurrences looked at), is an
// *ICSError, which never quotes the input.
func ParseBusy(text string, loc *time.Location, from, to time.Time) ([]Busy, error) {
	if len(text) > maxICSBytes {
		return nil, &ICSError{Problem: "larger than 4 MiB"}
	}
	cal, err := parseICS(text)
	if err != nil {
		return nil, err
	}
	var out []Busy
	steps := 0
	for i, ev := range cal.Events() {
		n := i + 1
		if v := prop(&ev.ComponentBase, ics.ComponentPropertyStatus); strings.EqualFold(v, "CANCELLED") {
			continue
		}
		if v := prop(&ev.ComponentBase, ics.ComponentPropertyTransp); strings.EqualFold(v, "TRANSPARENT") {
			continue
		}
		startP := ev.GetProperty(ics.ComponentPropertyDtStart)
		if startP == nil {
			return nil, &ICSError{Event: n, Problem: "missing DTSTART"}
		}
		start, allDay, err := icsTime(startP, loc)
		if err != nil {
			return nil, &ICSError{Event: n, Problem: "invalid DTSTART"}
		}
		var length time.Duration
		switch endP, durP := ev.GetProperty(ics.ComponentPropertyDtEnd), ev.GetProperty(ics.ComponentPropertyDuration); {
		case endP != nil:
			end, _, err := icsTime(endP, loc)
			if err != nil {
				return nil, &ICSError{Event: n, Problem: "invalid DTEND"}
			}
			if end.Before(start) {
				return nil, &ICSError{Event: n, Problem: "DTEND before DTSTART"}
			}
			length = end.Sub(start)
		case durP != nil:
			d, ok := parseICSDuration(durP.Value)
			if !ok {
				return nil, &ICSError{Event: n, Problem: "invalid DURATION"}
			}
			length = d
		case allDay:
			length = -1 // one local day
		}
		add := func(s time.Time) {
			e := s.Add(length)
			if length < 0 {
				d := DateOf(s)
				e = d.AddDays(1).In(loc)
			}
			if !e.After(s) || (!to.IsZero() && !s.Before(to)) || (!from.IsZero() && !e.After(from)) {
				return
			}
			out = append(out, Busy{From: s.UTC(), To: e.UTC()})
		}
		tooMany := func() bool { return len(out) > maxBusy }
		rp := ev.GetProperty(ics.ComponentPropertyRrule)
		if rp == nil {
			add(start)
			if tooMany() {
				return nil, &ICSError{Problem: "more than 20000 busy periods"}
			}
			continue
		}
		// The rule must be one an opening hour could have (dates, no
		// times) and must yield dates (see recurrence.yields).
		rec, err := ruleFor(rp.Value)
		if err == nil {
			err = rec.yields(rp.Value, DateOf(start))
		}
		if err != nil {
			return nil, &ICSError{Event: n, Problem: "unsupported RRULE"}
		}
		opt := rec.opt
		opt.Dtstart = start
		if !opt.Until.IsZero() {
			u := opt.Until
			opt.Until = time.Date(u.Year(), u.Month(), u.Day(), 23, 59, 59, 0, start.Location())
		}
		rr, err := rrule.NewRRule(opt)
		if err != nil {
			return nil, &ICSError{Event: n, Problem: "unsupported RRULE"}
		}
		next := rr.Iterator()
		for k := 0; k < maxOccurrences; k++ {
			if steps++; steps > maxSteps {
				return nil, &ICSError{Problem: "too many occurrences of recurring events"}
			}
			s, ok := next()
			if !ok || (!to.IsZero() && !s.Before(to)) {
				break
			}
			add(s)
		}
		if tooMany() {
			return nil, &ICSError{Problem: "more than 20000 busy periods"}
		}
	}
	sortBusy(out)
	return out, nil
}

// parseICS parses text with golang-ical, turning its errors and panics
// into an *ICSError.
func parseICS(text string) (cal *ics.Calendar, err error) {
	defer func() {
		if recover() != nil {
			cal, err = nil, &ICSError{Problem: "unparsable"}
		}
	}()
	cal, err = ics.ParseCalendar(strings.NewReader(text))
	if err != nil {
		return nil, &ICSError{Problem: "unparsable"}
	}
	return cal, nil
}

func prop(c *ics.ComponentBase, p ics.ComponentProperty) string {
	if v := c.GetProperty(p); v != nil {
		return v.Value
	}
	return ""
}

// icsTime reads a DATE or DATE-TIME property: UTC ("Z"), with a TZID, or
// floating (in loc); a DATE is midnight in loc and allDay.
func icsTime(p *ics.IANAProperty, loc *time.Location) (t time.Time, allDay bool, err error) {
	v := strings.TrimSpace(p.Value)
	if tz, ok := p.ICalParameters["TZID"]; ok && len(tz) == 1 && !strings.HasSuffix(v, "Z") {
		l, err := loadZone(strings.Trim(tz[0], `"`))
		if err != nil {
			return time.Time{}, false, err
		}
		loc = l
	}
	switch len(v) {
	case 8:
		t, err = time.ParseInLocation("20060102", v, loc)
		allDay = true
	case 15:
		t, err = time.ParseInLocation("20060102T150405", v, loc)
	case 16:
		t, err = time.ParseInLocation("20060102T150405Z", v, time.UTC)
	default:
		err = strconv.ErrSyntax
	}
	if err == nil && (t.UTC().Year() < 1 || t.UTC().Year() > 9998) {
		err = strconv.ErrRange
	}
	return t, allDay, err
}

// parseICSDuration reads an RFC 5545 DURATION ("PT1H30M", "P1D", "P2W");
// negative durations are refused.
func parseICSDuration(v string) (time.Duration, bool) {
	v = strings.TrimPrefix(strings.TrimSpace(v), "+")
	if !strings.HasPrefix(v, "P") || len(v) < 3 {
		return 0, false
	}
	var total time.Duration
	inTime := false
	num := -1
	for _, r := range v[1:] {
		switch {
		case r >= '0' && r <= '9':
			if num < 0 {
				num = 0
			}
			num = num*10 + int(r-'0')
			if num > 1_000_000 {
				return 0, false
			}
		case r == 'T' && !inTime && num < 0:
			inTime = true
		default:
			if num < 0 {
				return 0, false
			}
			unit := map[rune]time.Duration{'W': 7 * 24 * time.Hour, 'D': 24 * time.Hour}
			if inTime {
				unit = map[rune]time.Duration{'H': time.Hour, 'M': time.Minute, 'S': time.Second}
			}
			u, ok := unit[r]
			if !ok {
				return 0, false
			}
			total += time.Duration(num) * u
			num = -1
		}
	}
	return total, num < 0 && total > 0
}

func sortBusy(b []Busy) {
	slices.SortStableFunc(b, func(x, y Busy) int { return x.From.Compare(y.From) })
}
