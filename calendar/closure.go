package calendar

import (
	"strings"
	"time"
)

// Closure is a period in which a calendar offers no slot: no slot may
// touch it.
type Closure struct {
	// ID identifies the closure; Calendar and Tenant say whose it is.
	ID       string
	Calendar ID
	Tenant   string
	// From < To, UTC instants; whole local days are converted on input
	// (WholeDays).
	From, To time.Time
	// Reason is shown to operators ("Festa della Repubblica").
	Reason string
}

// NewClosure is the input of a closure: either From and To (instants), or
// FirstDay and LastDay (whole local days in the calendar's zone, both
// included).
type NewClosure struct {
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	FirstDay Date      `json:"first_day"`
	LastDay  Date      `json:"last_day"`
	Reason   string    `json:"reason" validate:"line,max=500"`
}

// WholeDays returns the instants from the start of first to the start of
// the day after last in loc: a closure of whole local days, 23 or 25 hours
// long on the days the clocks change.
func WholeDays(first, last Date, loc *time.Location) (from, to time.Time) {
	return first.In(loc).UTC(), last.AddDays(1).In(loc).UTC()
}

// closure validates in and returns the closure it describes in loc.
func (in NewClosure) closure(errs *validationErrors, loc *time.Location) Closure {
	c := Closure{Reason: strings.TrimSpace(in.Reason)}
	days := !in.FirstDay.IsZero() || !in.LastDay.IsZero()
	instants := !in.From.IsZero() || !in.To.IsZero()
	switch {
	case days && instants:
		errs.add("from", "exclusive", "give either instants or days, not both")
	case days:
		last := in.LastDay
		if last.IsZero() {
			last = in.FirstDay
		}
		switch {
		case !in.FirstDay.Valid():
			errs.add("first_day", "date", "must be a real date")
		case !last.Valid():
			errs.add("last_day", "date", "must be a real date")
		case last.Before(in.FirstDay):
			errs.add("last_day", "gtefield", "must not be before first_day")
		default:
			c.From, c.To = WholeDays(in.FirstDay, last, loc)
		}
	default:
		switch {
		case in.From.IsZero():
			errs.add("from", "required", "is required")
		case in.To.IsZero():
			errs.add("to", "required", "is required")
		case !in.From.Before(in.To):
			errs.add("to", "gtfield", "must be after from")
		default:
			c.From, c.To = in.From.UTC().Truncate(time.Microsecond), in.To.UTC().Truncate(time.Microsecond)
		}
	}
	return c
}

// Overlaps reports whether c shares any instant with [from, to).
func (c Closure) Overlaps(from, to time.Time) bool { return c.From.Before(to) && c.To.After(from) }
