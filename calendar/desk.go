package calendar

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/fielderr"
	"github.com/sportello/sportello/internal/retry"
	"github.com/sportello/sportello/internal/textrule"
)

// Config configures a Desk. Zero fields get the documented defaults.
type Config struct {
	// Store keeps the calendars. Required: memstore.New() for the
	// embedded default.
	Store Store
	// Bookings is asked before an opening hour's meeting or interval
	// minutes change (nil: no bookings; the appointment Desk implements
	// it).
	Bookings BookingCounter
	// Now returns the current time (default time.Now).
	Now func() time.Time
	// NewID returns a new unique ID (default: UUIDv7 strings).
	NewID func() string
	// Logger receives structured events without personal data (default:
	// disabled).
	Logger *zerolog.Logger
}

// Desk manages office calendars: it loads, checks who acts (Authorize),
// applies the rules (validation, overlap, the booking lock) and saves with
// a version check. It computes availability with the pure engine. It is
// safe for concurrent use; every guarantee holds across processes sharing
// one Store.
type Desk struct {
	store    Store
	bookings BookingCounter
	now      func() time.Time
	newID    func() string
	log      zerolog.Logger
	validate *fielderr.Validator
}

var _ Schedules = (*Desk)(nil)

// New validates cfg, fills the defaults and returns a Desk.
func New(cfg Config) (*Desk, error) {
	if cfg.Store == nil {
		return nil, errors.New("calendar: Config.Store is required")
	}
	d := &Desk{store: cfg.Store, bookings: cfg.Bookings, now: cfg.Now, newID: cfg.NewID,
		log: zerolog.Nop(), validate: newValidator()}
	if d.now == nil {
		d.now = time.Now
	}
	if d.newID == nil {
		d.newID = func() string { return uuid.Must(uuid.NewV7()).String() }
	}
	if cfg.Logger != nil {
		d.log = *cfg.Logger
	}
	return d, nil
}

// clock returns the current instant as stored: UTC, microseconds.
func (d *Desk) clock() time.Time { return d.now().UTC().Truncate(time.Microsecond) }

// logged records a successful command.
func (d *Desk) logged(tenant string, a Action, id ID) {
	d.log.Info().Str("tenant", tenant).Str("action", string(a)).Str("calendar_id", string(id)).Msg("calendar changed")
}

// validID reports whether id can name a record: an ID that breaks the
// text rule names none (and never reaches a store, which might refuse it
// otherwise than as not found).
func validID(id string) bool { return id != "" && textrule.Check(id, textrule.Line, maxID) == "" }

// load reads a calendar and checks who may do a on it.
func (d *Desk) load(ctx context.Context, who auth.Principal, a Action, id ID) (*Calendar, error) {
	if !validID(string(id)) || !validID(who.Tenant) {
		return nil, ErrNotFound
	}
	c, err := d.store.GetCalendar(ctx, who.Tenant, id)
	if err != nil {
		return nil, err
	}
	if err := Authorize(who, a, c); err != nil {
		return nil, err
	}
	return c, nil
}

// CreateCalendar creates a calendar (administrators). Owner defaults to
// the creating operator.
func (d *Desk) CreateCalendar(ctx context.Context, who auth.Principal, in NewCalendar) (*Calendar, error) {
	c, err := in.build(d.validate)
	if err != nil {
		return nil, err
	}
	if c.Owner == "" {
		c.Owner = who.ID
	}
	if !validID(who.Tenant) {
		return nil, forbidden(ActionCreate, "tenant")
	}
	c.ID, c.Tenant = ID(d.newID()), who.Tenant
	if err := Authorize(who, ActionCreate, c); err != nil {
		return nil, err
	}
	c.Created = d.clock()
	c.Updated = c.Created
	if err := d.store.CreateCalendar(ctx, c); err != nil {
		return nil, err
	}
	d.logged(who.Tenant, ActionCreate, c.ID)
	return c, nil
}

// Calendar returns a calendar (administrators, its owner and moderators,
// operators enabled for it).
func (d *Desk) Calendar(ctx context.Context, who auth.Principal, id ID) (*Calendar, error) {
	return d.load(ctx, who, ActionView, id)
}

// UpdateCalendar replaces the configuration of the calendar read at
// version (administrators, its owner and moderators; only administrators
// and the owner change the owner and the moderators). An empty Owner keeps
// the current one.
func (d *Desk) UpdateCalendar(ctx context.Context, who auth.Principal, id ID, version int64, in NewCalendar) (*Calendar, error) {
	old, err := d.load(ctx, who, ActionUpdate, id)
	if err != nil {
		return nil, err
	}
	c, err := in.build(d.validate)
	if err != nil {
		return nil, err
	}
	if c.Owner == "" {
		c.Owner = old.Owner
	}
	if c.Owner != old.Owner || !slices.Equal(c.Moderators, old.Moderators) {
		if err := Authorize(who, ActionAssign, old); err != nil {
			return nil, err
		}
	}
	c.ID, c.Tenant, c.Created, c.Version, c.Updated = old.ID, old.Tenant, old.Created, version, d.clock()
	if err := d.store.UpdateCalendar(ctx, c); err != nil {
		return nil, err
	}
	d.logged(who.Tenant, ActionUpdate, id)
	return c, nil
}

// DeleteCalendar deletes the calendar read at version with its opening
// hours and closures (administrators and its owner). Bookings are the
// appointment wing's: hosts delete them first.
func (d *Desk) DeleteCalendar(ctx context.Context, who auth.Principal, id ID, version int64) error {
	if _, err := d.load(ctx, who, ActionDelete, id); err != nil {
		return err
	}
	if err := d.store.DeleteCalendar(ctx, who.Tenant, id, version); err != nil {
		return err
	}
	d.logged(who.Tenant, ActionDelete, id)
	return nil
}

// moved is the retry policy of a schedule change the caller did not pin
// to a calendar version: read the calendar again, at once, up to five
// times, while another change moved its version in between.
var moved = retry.Policy{
	Attempts: 5,
	Wait:     func(int) time.Duration { return 0 },
	Transient: func(err error) bool {
		var ce *ConflictError
		return errors.As(err, &ce) && ce.Field == "calendar"
	},
}

// change runs fn on a freshly read calendar, again when another change
// moved the calendar's version in between (the caller named no calendar
// version; fn's own checks run again on the new state).
func (d *Desk) change(ctx context.Context, who auth.Principal, a Action, id ID, fn func(c *Calendar) error) error {
	err := retry.Do(ctx, moved, func() error {
		c, err := d.load(ctx, who, a, id)
		if err != nil {
			return err
		}
		c.Updated = d.clock()
		return fn(c)
	})
	if err == nil {
		d.logged(who.Tenant, a, id)
	}
	return err
}

// OpeningHours returns the calendar's opening hours, ordered by ID.
func (d *Desk) OpeningHours(ctx context.Context, who auth.Principal, id ID) ([]*OpeningHour, error) {
	if _, err := d.load(ctx, who, ActionView, id); err != nil {
		return nil, err
	}
	return d.store.OpeningHours(ctx, who.Tenant, id)
}

// checkOverlap refuses h when it overlaps another opening hour of the
// calendar (*ConflictError{Field: "opening_hours"}).
func (d *Desk) checkOverlap(ctx context.Context, tenant string, id ID, h *OpeningHour) error {
	hours, err := d.store.OpeningHours(ctx, tenant, id)
	if err != nil {
		return err
	}
	for _, o := range hours {
		if o.ID == h.ID {
			continue
		}
		if ok, err := Overlap(o, h); err != nil {
			return err
		} else if ok {
			return &ConflictError{Field: "opening_hours"}
		}
	}
	return nil
}

// AddOpeningHour adds an opening hour to the calendar; one that overlaps
// another of the calendar is *ConflictError{Field: "opening_hours"}.
func (d *Desk) AddOpeningHour(ctx context.Context, who auth.Principal, id ID, in NewOpeningHour) (*OpeningHour, error) {
	h, err := in.build(d.validate)
	if err != nil {
		return nil, err
	}
	h.ID, h.Calendar, h.Tenant = d.newID(), id, who.Tenant
	err = d.change(ctx, who, ActionManageHours, id, func(c *Calendar) error {
		if err := d.checkOverlap(ctx, who.Tenant, id, h); err != nil {
			return err
		}
		h.Version, h.Created, h.Updated = 0, c.Updated, c.Updated
		return d.store.SaveOpeningHour(ctx, c, h)
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// UpdateOpeningHour replaces the opening hour read at version. Changing
// its meeting or interval minutes while future active bookings use it is
// *ConflictError{Field: "bookings"}; an overlap with another opening hour
// *ConflictError{Field: "opening_hours"}.
func (d *Desk) UpdateOpeningHour(ctx context.Context, who auth.Principal, id ID, hourID string, version int64, in NewOpeningHour) (*OpeningHour, error) {
	h, err := in.build(d.validate)
	if err != nil {
		return nil, err
	}
	h.ID, h.Calendar, h.Tenant, h.Version = hourID, id, who.Tenant, version
	err = d.change(ctx, who, ActionManageHours, id, func(c *Calendar) error {
		hours, err := d.store.OpeningHours(ctx, who.Tenant, id)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(hours, func(o *OpeningHour) bool { return o.ID == hourID })
		if i < 0 {
			return ErrNotFound
		}
		old := hours[i]
		if old.Version != version {
			return &ConflictError{Field: "version"}
		}
		if old.MeetingMinutes != h.MeetingMinutes || old.IntervalMinutes != h.IntervalMinutes {
			if err := d.checkBookings(ctx, who.Tenant, id, hourID); err != nil {
				return err
			}
		}
		if err := d.checkOverlap(ctx, who.Tenant, id, h); err != nil {
			return err
		}
		h.Version, h.Created, h.Updated = version, old.Created, c.Updated
		return d.store.SaveOpeningHour(ctx, c, h)
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// checkBookings refuses a change of slot length while future active
// bookings use the opening hour.
func (d *Desk) checkBookings(ctx context.Context, tenant string, id ID, hourID string) error {
	if d.bookings == nil {
		return nil
	}
	n, err := d.bookings.FutureActiveBookings(ctx, tenant, id, hourID, d.clock())
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &unavailableError{cause: err}
	}
	if n > 0 {
		return &ConflictError{Field: "bookings"}
	}
	return nil
}

// unavailableError reports a failed dependency; it matches ErrUnavailable
// and keeps no detail in its message.
type unavailableError struct{ cause error }

// Error says which dependency failed, without its detail.
func (e *unavailableError) Error() string { return "calendar: booking counter unavailable" }

// Is reports whether target is ErrUnavailable.
func (e *unavailableError) Is(target error) bool { return target == ErrUnavailable }

// Cause returns the counter's error, for logs only.
func (e *unavailableError) Cause() error { return e.cause }

// DeleteOpeningHour removes the opening hour read at version. Bookings on
// it stay the appointment wing's.
func (d *Desk) DeleteOpeningHour(ctx context.Context, who auth.Principal, id ID, hourID string, version int64) error {
	return d.change(ctx, who, ActionManageHours, id, func(c *Calendar) error {
		if !validID(hourID) {
			return ErrNotFound
		}
		return d.store.DeleteOpeningHour(ctx, c, hourID, version)
	})
}

// Closures returns the calendar's closures overlapping [from, to) (zero
// bounds: all).
func (d *Desk) Closures(ctx context.Context, who auth.Principal, id ID, from, to time.Time) ([]Closure, error) {
	if _, err := d.load(ctx, who, ActionView, id); err != nil {
		return nil, err
	}
	return d.store.Closures(ctx, who.Tenant, id, from, to)
}

// AddClosure closes the calendar for a period: instants, or whole local
// days in the calendar's zone.
func (d *Desk) AddClosure(ctx context.Context, who auth.Principal, id ID, in NewClosure) (*Closure, error) {
	var errs validationErrors
	if err := validateStruct(d.validate, in, &errs); err != nil {
		return nil, err
	}
	var out Closure
	err := d.change(ctx, who, ActionManageClosures, id, func(c *Calendar) error {
		loc, err := c.TimeLocation()
		if err != nil {
			return err
		}
		errs := errs
		cl := in.closure(&errs, loc)
		if err := errs.err(); err != nil {
			return err
		}
		cl.ID, cl.Calendar, cl.Tenant = d.newID(), id, who.Tenant
		out = cl
		return d.store.ChangeClosures(ctx, c, []Closure{cl}, nil)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// AddHolidays closes the calendar on Italy's national holidays of year
// and the given local ones (a patron saint's day), as whole local days.
func (d *Desk) AddHolidays(ctx context.Context, who auth.Principal, id ID, year int, local ...Holiday) ([]Closure, error) {
	if year < 1900 || year > 9999 {
		return nil, invalid("year", "range", "must be between 1900 and 9999")
	}
	var out []Closure
	err := d.change(ctx, who, ActionManageClosures, id, func(c *Calendar) error {
		loc, err := c.TimeLocation()
		if err != nil {
			return err
		}
		out = out[:0]
		for _, h := range ItalianHolidays(year, local...) {
			from, to := WholeDays(h.Date, h.Date, loc)
			out = append(out, Closure{ID: d.newID(), Calendar: id, Tenant: who.Tenant, From: from, To: to, Reason: h.Name})
		}
		return d.store.ChangeClosures(ctx, c, out, nil)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteClosure reopens the calendar for a closure's period.
func (d *Desk) DeleteClosure(ctx context.Context, who auth.Principal, id ID, closureID string) error {
	return d.change(ctx, who, ActionManageClosures, id, func(c *Calendar) error {
		if !validID(closureID) {
			return ErrNotFound
		}
		return d.store.ChangeClosures(ctx, c, nil, []string{closureID})
	})
}

// ImportBusy turns the events of an iCalendar text (the office's existing
// agenda, fetched by the host from an external calendar) that overlap
// [from, to) into closures of the calendar (Reason BusyReason), replacing
// those an earlier import made in the window, so that importing the
// agenda again brings the calendar up to date. Bad ICS input is an
// *ICSError and nothing is changed.
func (d *Desk) ImportBusy(ctx context.Context, who auth.Principal, id ID, icsText string, from, to time.Time) ([]Closure, error) {
	var out []Closure
	err := d.change(ctx, who, ActionManageClosures, id, func(c *Calendar) error {
		loc, err := c.TimeLocation()
		if err != nil {
			return err
		}
		busy, err := ParseBusy(icsText, loc, from, to)
		if err != nil {
			return err
		}
		out = out[:0]
		for _, b := range busy {
			out = append(out, Closure{ID: d.newID(), Calendar: id, Tenant: who.Tenant,
				From: b.From.Truncate(time.Microsecond), To: b.To.Truncate(time.Microsecond), Reason: BusyReason})
		}
		old, err := d.store.Closures(ctx, who.Tenant, id, from, to)
		if err != nil {
			return err
		}
		var remove []string
		for _, o := range old {
			if o.Reason == BusyReason {
				remove = append(remove, o.ID)
			}
		}
		if len(out) == 0 && len(remove) == 0 {
			return nil
		}
		return d.store.ChangeClosures(ctx, c, out, remove)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Schedule returns the calendar with its opening hours and the closures
// overlapping [from, to), without a principal check (see Schedules).
func (d *Desk) Schedule(ctx context.Context, tenant string, id ID, from, to time.Time) (*Schedule, error) {
	if !validID(string(id)) || !validID(tenant) {
		return nil, ErrNotFound
	}
	c, err := d.store.GetCalendar(ctx, tenant, id)
	if err != nil {
		return nil, err
	}
	return d.schedule(ctx, c, from, to)
}

// schedule reads the opening hours and the closures of the window of a
// calendar already read.
func (d *Desk) schedule(ctx context.Context, c *Calendar, from, to time.Time) (*Schedule, error) {
	hours, err := d.store.OpeningHours(ctx, c.Tenant, c.ID)
	if err != nil {
		return nil, err
	}
	closures, err := d.store.Closures(ctx, c.Tenant, c.ID, from, to)
	if err != nil {
		return nil, err
	}
	return &Schedule{Calendar: c, OpeningHours: hours, Closures: closures}, nil
}

// Availability returns the slots of [from, to) with the places held (the
// appointment wing's bookings), for anyone who may read availability.
func (d *Desk) Availability(ctx context.Context, who auth.Principal, id ID, from, to time.Time, held []Held) ([]Slot, error) {
	q, err := d.query(ctx, who, id, from, to, held)
	if err != nil {
		return nil, err
	}
	return Availability(q)
}

// DaySummary returns the month view of [from, to) (see DaySummary).
func (d *Desk) DaySummary(ctx context.Context, who auth.Principal, id ID, from, to time.Time, held []Held) ([]Day, error) {
	q, err := d.query(ctx, who, id, from, to, held)
	if err != nil {
		return nil, err
	}
	return DaySummary(q)
}

func (d *Desk) query(ctx context.Context, who auth.Principal, id ID, from, to time.Time, held []Held) (Query, error) {
	c, err := d.load(ctx, who, ActionAvailability, id)
	if err != nil {
		return Query{}, err
	}
	s, err := d.schedule(ctx, c, from, to)
	if err != nil {
		return Query{}, err
	}
	return s.Query(from, to, d.now(), held), nil
}
