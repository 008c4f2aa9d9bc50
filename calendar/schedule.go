package calendar

import (
	"context"
	"time"
)

// Schedule is what the appointment Desk needs from the calendar wing for
// one window: the calendar, its opening hours and the closures
// overlapping the window. With the window, now and the places held it
// makes a Query.
type Schedule struct {
	Calendar     *Calendar
	OpeningHours []*OpeningHour
	Closures     []Closure
}

// Query returns the Query of s for the window [from, to) at now with the
// places held.
func (s *Schedule) Query(from, to, now time.Time, held []Held) Query {
	return Query{Calendar: s.Calendar, OpeningHours: s.OpeningHours, Closures: s.Closures,
		From: from, To: to, Now: now, Held: held}
}

// Schedules is the narrow interface appointment depends on; *Desk
// implements it. It reads without a principal check (appointment's Desk
// does its own permission checks); another tenant's calendar is
// ErrNotFound.
type Schedules interface {
	Schedule(ctx context.Context, tenant string, id ID, from, to time.Time) (*Schedule, error)
}

// BookingCounter is implemented by appointment's Desk; the calendar Desk
// asks it before changing an opening hour's meeting or interval minutes.
// A nil BookingCounter means "no bookings".
type BookingCounter interface {
	// FutureActiveBookings counts bookings holding a place (draft not
	// expired, pending, approved) that start at or after `after` on the
	// given opening hour.
	FutureActiveBookings(ctx context.Context, tenant string, calendar ID, openingHour string, after time.Time) (int, error)
}
