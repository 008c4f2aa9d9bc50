package appointment

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/calendar"
	"github.com/sportello/sportello/internal/fielderr"
	"github.com/sportello/sportello/internal/textrule"
)

// Config configures a Desk. Zero fields get the documented defaults.
type Config struct {
	// Store keeps bookings and the outbox. Required: memstore.New() for
	// the embedded default.
	Store Store
	// Calendars reads calendars, opening hours and closures; *calendar.Desk
	// implements it. Required.
	Calendars calendar.Schedules
	// Logger receives structured events without personal data (default:
	// disabled).
	Logger *zerolog.Logger
	// Now returns the current time (default time.Now). The Desk uses it
	// in UTC truncated to the microsecond.
	Now func() time.Time
	// Notifier delivers the outbox (DeliverNotifications); optional.
	Notifier Notifier
	// NewID returns a new unique ID for bookings and notifications
	// (default: UUIDv7 strings).
	NewID func() string
	// NotificationLease is how long DeliverNotifications holds what it
	// claims before another deliverer may claim it (default 1 minute).
	NotificationLease time.Duration
}

// Desk runs the commands on bookings: it loads the booking and its
// calendar, checks who acts (Authorize), applies the lifecycle
// (Transitions) and saves with a version check, the notifications in the
// same write; capacity is decided by the Store in the same atomic call
// that books or moves. It is safe for concurrent use, and every guarantee
// holds across processes sharing one Store.
type Desk struct {
	store     Store
	calendars calendar.Schedules
	notifier  Notifier
	lease     time.Duration
	clock     func() time.Time
	newID     func() string
	log       zerolog.Logger
	validator *fielderr.Validator
}

var _ calendar.BookingCounter = (*Desk)(nil)

// New validates cfg, fills the defaults and returns a Desk.
func New(cfg Config) (*Desk, error) {
	if cfg.Store == nil {
		return nil, errors.New("appointment: Config.Store is required")
	}
	if cfg.Calendars == nil {
		return nil, errors.New("appointment: Config.Calendars is required")
	}
	v, err := fielderr.NewValidator(nil, auth.RegisterValidations)
	if err != nil {
		return nil, err
	}
	d := &Desk{
		store: cfg.Store, calendars: cfg.Calendars, notifier: cfg.Notifier,
		lease: cfg.NotificationLease, clock: cfg.Now, newID: cfg.NewID,
		log: zerolog.Nop(), validator: v,
	}
	if d.lease <= 0 {
		d.lease = time.Minute
	}
	if d.clock == nil {
		d.clock = time.Now
	}
	if d.newID == nil {
		d.newID = func() string { return uuid.Must(uuid.NewV7()).String() }
	}
	if cfg.Logger != nil {
		d.log = *cfg.Logger
	}
	return d, nil
}

// now is the Desk's clock in UTC, truncated to the microsecond.
func (d *Desk) now() time.Time { return d.clock().UTC().Truncate(time.Microsecond) }

// check validates in and returns one *ValidationError listing every bad
// field.
func (d *Desk) check(in any) error {
	fields, err := d.validator.Check(in)
	if err != nil {
		return err
	}
	var v validationErrors
	for _, f := range fields {
		v.add(f.Field, f.Rule, f.Message)
	}
	return v.err()
}

// schedule reads the calendar's schedule for [from, to), mapping the
// calendar wing's errors to this package's.
func (d *Desk) schedule(ctx context.Context, tenant string, id calendar.ID, from, to time.Time) (*calendar.Schedule, error) {
	s, err := d.calendars.Schedule(ctx, tenant, id, from, to)
	switch {
	case err == nil && (s == nil || s.Calendar == nil):
		return nil, ErrNotFound
	case err == nil:
		return s, nil
	case errors.Is(err, calendar.ErrNotFound):
		return nil, ErrNotFound
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return nil, err
	}
	return nil, &UnavailableError{What: "calendar", cause: err}
}

// loaded is a booking read for a command, with its calendar's schedule
// around the booking's slot.
type loaded struct {
	b     *Booking
	sched *calendar.Schedule
}

// load reads booking id and its calendar, and checks that who may do a
// on it. A booking who may not see is ErrNotFound for a citizen who does
// not own it; other refusals are *auth.PermissionError.
func (d *Desk) load(ctx context.Context, who auth.Principal, id ID, a Action) (*loaded, error) {
	if who.Tenant == "" {
		return nil, forbidden(a, "tenant")
	}
	if !possibleID(string(id)) {
		return nil, ErrNotFound
	}
	b, err := d.store.Get(ctx, who.Tenant, id)
	if err != nil {
		return nil, err
	}
	sched, err := d.schedule(ctx, b.Tenant, b.Calendar, dayBefore(b.Start), dayAfter(b.End))
	if err != nil {
		return nil, err
	}
	b.Moderators = staffOf(sched.Calendar)
	if err := Authorize(who, a, b); err != nil {
		if who.IsCitizen() && !IsOwner(who, b) {
			return nil, ErrNotFound // another citizen's booking is not shown to exist
		}
		return nil, err
	}
	return &loaded{b: b, sched: sched}, nil
}

// possibleID reports whether id could name a record: one line of valid
// text, at most 200 characters. Lookups by impossible IDs are ErrNotFound
// in every store alike, without reaching it.
func possibleID(id string) bool {
	return id != "" && textrule.Check(id, textrule.Line, 200) == ""
}

func dayBefore(t time.Time) time.Time { return t.Add(-24 * time.Hour) }
func dayAfter(t time.Time) time.Time  { return t.Add(24 * time.Hour) }

// staffOf returns the calendar's owner and moderators.
func staffOf(c *calendar.Calendar) []string {
	out := make([]string, 0, 1+len(c.Moderators))
	if c.Owner != "" {
		out = append(out, c.Owner)
	}
	return append(out, c.Moderators...)
}

// facts returns the facts of b on its schedule at now.
func facts(b *Booking, s *calendar.Schedule, now time.Time) Facts {
	var f Facts
	if moderated(b, s) {
		f |= FactModerated
	}
	if !now.Before(b.Start) {
		f |= FactStarted
	}
	return f
}

// moderated reports whether the calendar or b's opening hour is moderated.
func moderated(b *Booking, s *calendar.Schedule) bool {
	if s.Calendar.Moderated {
		return true
	}
	for _, h := range s.OpeningHours {
		if h != nil && h.ID == b.OpeningHour {
			return h.Moderated
		}
	}
	return false
}

// findSlot returns the calendar's slot [start, end) at now, or a
// *SlotError.
func findSlot(s *calendar.Schedule, start, end, now time.Time) (calendar.Slot, error) {
	q := calendar.Query{
		Calendar: s.Calendar, OpeningHours: s.OpeningHours, Closures: s.Closures,
		From: start, To: end, Now: now,
	}
	slot, err := calendar.FindSlot(q, start, end)
	if err != nil {
		if errors.Is(err, calendar.ErrSlotUnavailable) {
			return calendar.Slot{}, &SlotError{Err: err}
		}
		if errors.Is(err, calendar.ErrValidation) {
			return calendar.Slot{}, invalid("start", "slot", "is not a slot of the calendar")
		}
		return calendar.Slot{}, &UnavailableError{What: "calendar", cause: err}
	}
	return slot, nil
}

// CapacityFor returns the limits a booking b of cal in slot must respect
// at now: the slot's queue, the calendar's per-day limit over b's local
// day, its per-citizen limit over the period around b's start (or from
// now on when the period is 0), and no overlaps unless the calendar allows
// them. Pure.
func CapacityFor(cal *calendar.Calendar, slot calendar.Slot, b *Booking, now time.Time) (Capacity, error) {
	loc, err := cal.TimeLocation()
	if err != nil {
		return Capacity{}, err
	}
	local := b.Start.In(loc)
	y, m, dd := local.Date()
	c := Capacity{
		Now:       now,
		Queue:     max(slot.Capacity, 1),
		PerDay:    cal.Limits.PerDay,
		DayStart:  time.Date(y, m, dd, 0, 0, 0, 0, loc).UTC(),
		DayEnd:    time.Date(y, m, dd+1, 0, 0, 0, 0, loc).UTC(),
		NoOverlap: !cal.AllowOverlaps,
	}
	if cal.Limits.PerCitizen > 0 {
		c.PerCitizen = cal.Limits.PerCitizen
		if p := cal.Limits.CitizenPeriod; p > 0 {
			c.CitizenFrom, c.CitizenTo = b.Start.Add(-p), b.Start.Add(p)
		} else {
			c.CitizenFrom = now
		}
	}
	return c, nil
}

// capacity is CapacityFor with the error mapped.
func capacity(cal *calendar.Calendar, slot calendar.Slot, b *Booking, now time.Time) (Capacity, error) {
	c, err := CapacityFor(cal, slot, b, now)
	if err != nil {
		return Capacity{}, &UnavailableError{What: "calendar zone", cause: err}
	}
	return c, nil
}

// logChange records a command's effect, without personal data.
func (d *Desk) logChange(b *Booking, a Action, from Status) {
	d.log.Info().Str("tenant", b.Tenant).Str("action", string(a)).Str("from", from.String()).
		Str("to", b.Status.String()).Str("booking_id", string(b.ID)).Str("calendar_id", string(b.Calendar)).
		Msg("appointment: booking changed")
}
