package calendar

import (
	"strings"
	"time"

	"github.com/sportello/sportello/internal/fielderr"
)

// OpeningHour is a recurring opening of a calendar: on the dates of Rule
// (between ValidFrom and ValidTo), from Begin to End on the local clock of
// the calendar's zone, cut into slots of MeetingMinutes, each serving Queue
// citizens at once.
type OpeningHour struct {
	// ID identifies the opening hour; Calendar and Tenant say whose it is.
	ID       string
	Calendar ID
	Tenant   string
	// Name labels it ("Sportello anagrafe", "Pomeriggio").
	Name string
	// Rule is the RFC 5545 RRULE (without DTSTART) of its dates, in the
	// canonical form ParseRule returns, e.g. "FREQ=WEEKLY;BYDAY=MO,TU".
	Rule string
	// ValidFrom is the first date (the rule's DTSTART); ValidTo the last
	// one (zero: no end).
	ValidFrom, ValidTo Date
	// Begin and End are local clock times, Begin < End (End may be 24:00).
	Begin, End ClockTime
	// MeetingMinutes is the length of a slot (default 30); IntervalMinutes
	// the pause between fixed slots (default 0).
	MeetingMinutes  int
	IntervalMinutes int
	// Queue is how many bookings each slot takes at once (>= 1).
	Queue int
	// Moderated: bookings on this opening hour wait for approval even if
	// the calendar is not moderated.
	Moderated bool
	// Version counts the opening hour's changes; Created and Updated are
	// UTC instants.
	Version          int64
	Created, Updated time.Time
}

// Clone returns a copy of h.
func (h *OpeningHour) Clone() *OpeningHour {
	if h == nil {
		return nil
	}
	n := *h
	return &n
}

// DefaultMeetingMinutes is an opening hour's slot length when none is
// given.
const DefaultMeetingMinutes = 30

// NewOpeningHour is the input of an opening hour's creation and update.
// Give either Days or Rule.
type NewOpeningHour struct {
	Name string `json:"name" validate:"required,line,max=200"`
	// Days of the week, 1 = Monday … 7 = Sunday: the rule becomes
	// "FREQ=WEEKLY;BYDAY=...".
	Days []int `json:"days" validate:"max=7,dive,gte=1,lte=7"`
	// Rule is any RFC 5545 RRULE ParseRule accepts, e.g.
	// "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1" (the first Monday of the month).
	Rule string `json:"rule" validate:"max=500"`
	// ValidFrom is required; ValidTo optional (>= ValidFrom).
	ValidFrom Date `json:"valid_from"`
	ValidTo   Date `json:"valid_to"`
	// Begin < End, local clock times.
	Begin ClockTime `json:"begin" validate:"gte=0,lte=1440"`
	End   ClockTime `json:"end" validate:"gte=0,lte=1440"`
	// MeetingMinutes 0 is DefaultMeetingMinutes.
	MeetingMinutes  int  `json:"meeting_minutes" validate:"gte=0,lte=1440"`
	IntervalMinutes int  `json:"interval_minutes" validate:"gte=0,lte=1440"`
	Queue           int  `json:"queue" validate:"gte=1,lte=10000"`
	Moderated       bool `json:"moderated"`
}

// build validates in (every invalid field in one *ValidationError) and
// returns the opening hour it describes, without identity or version.
func (in NewOpeningHour) build(v *fielderr.Validator) (*OpeningHour, error) {
	var errs validationErrors
	if err := validateStruct(v, in, &errs); err != nil {
		return nil, err
	}
	h := &OpeningHour{
		Name: strings.TrimSpace(in.Name), ValidFrom: in.ValidFrom, ValidTo: in.ValidTo,
		Begin: in.Begin, End: in.End, MeetingMinutes: in.MeetingMinutes,
		IntervalMinutes: in.IntervalMinutes, Queue: in.Queue, Moderated: in.Moderated,
	}
	if h.MeetingMinutes == 0 {
		h.MeetingMinutes = DefaultMeetingMinutes
	}
	switch {
	case len(in.Days) > 0 && in.Rule != "":
		errs.add("rule", "exclusive", "give either days or rule, not both")
	case len(in.Days) == 0 && in.Rule == "":
		errs.add("days", "required", "give the days of the week or a rule")
	case errs.has("days") || errs.has("rule"):
	default:
		text := in.Rule
		if text == "" {
			text = WeekdaysRule(in.Days)
		}
		if rule, err := ParseRule(text); err != nil {
			errs = append(errs, err.(*ValidationError).Fields...)
		} else {
			h.Rule = rule
		}
	}
	checkHourShape(h, &errs)
	if err := errs.err(); err != nil {
		return nil, err
	}
	if _, err := h.check(); err != nil {
		return nil, err
	}
	return h, nil
}

// checkHourShape appends the field errors of h's dates, times and sizes.
func checkHourShape(h *OpeningHour, errs *validationErrors) {
	switch {
	case h.ValidFrom.IsZero():
		errs.add("valid_from", "required", "is required")
	case !h.ValidFrom.Valid():
		errs.add("valid_from", "date", "must be a real date")
	}
	if !h.ValidTo.IsZero() {
		if !h.ValidTo.Valid() {
			errs.add("valid_to", "date", "must be a real date")
		} else if h.ValidFrom.Valid() && h.ValidTo.Before(h.ValidFrom) {
			errs.add("valid_to", "gtefield", "must not be before valid_from")
		}
	}
	if h.Begin.Valid() && h.End.Valid() && !errs.has("begin") && !errs.has("end") {
		switch {
		case h.Begin >= h.End:
			errs.add("end", "gtfield", "must be after begin")
		case int(h.End-h.Begin) < h.MeetingMinutes && !errs.has("meeting_minutes"):
			errs.add("meeting_minutes", "fits", "must fit between begin and end")
		}
	}
	if h.MeetingMinutes < 5 && !errs.has("meeting_minutes") {
		errs.add("meeting_minutes", "min", "must be at least 5")
	}
}

// check validates a whole opening hour as stored (the rule included):
// what Availability relies on. Fields are named with prefix.
func (h *OpeningHour) check() (*recurrence, error) {
	var errs validationErrors
	r, err := ruleFor(h.Rule)
	if err == nil && h.ValidFrom.Valid() {
		err = r.yields(h.Rule, h.ValidFrom)
	}
	if err != nil {
		errs = append(errs, err.(*ValidationError).Fields...)
	}
	checkHourShape(h, &errs)
	if !h.Begin.Valid() {
		errs.add("begin", "clock", "must lie between 00:00 and 24:00")
	}
	if !h.End.Valid() {
		errs.add("end", "clock", "must lie between 00:00 and 24:00")
	}
	if h.Queue < 1 {
		errs.add("queue", "min", "must be at least 1")
	}
	if h.IntervalMinutes < 0 {
		errs.add("interval_minutes", "min", "must be at least 0")
	}
	return r, errs.err()
}

// overlapHorizon is how far into the common validity of two opening hours
// Overlap looks for a shared date: four years hold every weekly, monthly
// and yearly pattern (leap years included) at least once.
const overlapHorizon = 4*366 + 7

// Overlap reports whether two opening hours of one calendar share some
// date and some clock time (touching ends do not overlap). Rules that
// first meet more than four years into their common validity are not
// seen. It returns a *ValidationError when either is malformed.
func Overlap(a, b *OpeningHour) (bool, error) {
	if a.Begin >= b.End || b.Begin >= a.End {
		return false, nil
	}
	ra, err := a.check()
	if err != nil {
		return false, err
	}
	rb, err := b.check()
	if err != nil {
		return false, err
	}
	lo := max(a.ValidFrom.days(), b.ValidFrom.days())
	hi := lo + overlapHorizon
	for _, to := range []Date{a.ValidTo, b.ValidTo} {
		if !to.IsZero() && to.days() < hi {
			hi = to.days()
		}
	}
	if lo > hi {
		return false, nil
	}
	seen := make([]uint64, (hi-lo)/64+1)
	ra.expand(a.ValidFrom, a.ValidTo, lo, hi, func(d int64) { seen[(d-lo)/64] |= 1 << uint((d-lo)%64) })
	found := false
	rb.expand(b.ValidFrom, b.ValidTo, lo, hi, func(d int64) {
		if seen[(d-lo)/64]&(1<<uint((d-lo)%64)) != 0 {
			found = true
		}
	})
	return found, nil
}
