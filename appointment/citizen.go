package appointment

import (
	"context"
	"time"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/calendar"
)

// Pick is a citizen's choice of a slot.
type Pick struct {
	// Calendar and the slot's Start and End (End as the calendar offers
	// it; for variable slots, any end the opening hour allows).
	Calendar calendar.ID `json:"calendar" validate:"required,line,max=100"`
	Start    time.Time   `json:"start" validate:"required"`
	End      time.Time   `json:"end" validate:"required,gtfield=Start"`
	// Name, Email and Phone are the contact data for this appointment.
	Name  string `json:"name" validate:"required,line,max=200"`
	Email string `json:"email" validate:"omitempty,email,max=254"`
	Phone string `json:"phone" validate:"omitempty,line,max=40"`
	// Notes is the citizen's message to the office.
	Notes string `json:"notes" validate:"text,max=2000"`
	// IdempotencyKey, when set, makes the call retry-safe: repeating it
	// (same principal, same key) returns the draft the first call made
	// instead of booking a second place.
	IdempotencyKey string `json:"idempotency_key" validate:"omitempty,line,max=200"`
}

// Availability returns the calendar's slots starting in [from, to) with
// the places left at now (calendar.Availability fed with the places the
// store reports for the window in one query). Any principal of the tenant
// may read it.
func (d *Desk) Availability(ctx context.Context, who auth.Principal, cal calendar.ID, from, to time.Time) ([]calendar.Slot, error) {
	if who.Tenant == "" {
		return nil, forbidden(ActionView, "tenant")
	}
	if !possibleID(string(cal)) {
		return nil, ErrNotFound
	}
	if !to.After(from) {
		return nil, invalid("to", "gtfield", "must be after from")
	}
	now := d.now()
	sched, err := d.schedule(ctx, who.Tenant, cal, from, to)
	if err != nil {
		return nil, err
	}
	// Bookings of slots straddling the window's edges count too.
	held, err := d.store.HeldPlaces(ctx, who.Tenant, cal, dayBefore(from), dayAfter(to), now)
	if err != nil {
		return nil, err
	}
	slots, err := calendar.Availability(calendar.Query{
		Calendar: sched.Calendar, OpeningHours: sched.OpeningHours, Closures: sched.Closures,
		From: from, To: to, Now: now, Held: held,
	})
	if err != nil {
		return nil, &UnavailableError{What: "calendar", cause: err}
	}
	return slots, nil
}

// Book makes a citizen's draft: the slot's place is held for the
// calendar's drafts duration, until Confirm. The slot must be offered by
// the calendar (else *SlotError) and have room under every limit (else
// *CapacityError: ErrSlotFull, ErrDayFull, ErrCitizenLimit).
func (d *Desk) Book(ctx context.Context, who auth.Principal, in Pick) (*Booking, error) {
	if err := d.check(in); err != nil {
		return nil, err
	}
	if !who.IsCitizen() || who.FiscalCode.IsZero() {
		return nil, forbidden(ActionBook, "citizen_with_fiscal_code")
	}
	now := d.now()
	sched, err := d.schedule(ctx, who.Tenant, in.Calendar, dayBefore(in.Start), dayAfter(in.End))
	if err != nil {
		return nil, err
	}
	slot, err := findSlot(sched, in.Start, in.End, now)
	if err != nil {
		return nil, err
	}
	b := &Booking{
		ID: d.bookingID(who, in.IdempotencyKey), Tenant: who.Tenant, Calendar: sched.Calendar.ID, OpeningHour: slot.OpeningHour,
		Start: slot.Start.UTC().Truncate(time.Microsecond), End: slot.End.UTC().Truncate(time.Microsecond),
		Status: StatusNone, CitizenID: who.ID, FiscalCode: who.FiscalCode.String(),
		Name: in.Name, Email: in.Email, Phone: in.Phone, Notes: in.Notes,
		CreatedBy: who.ID, Created: now, Updated: now, Moderators: staffOf(sched.Calendar),
	}
	if err := Authorize(who, ActionBook, b); err != nil {
		return nil, err
	}
	if b.Status, err = step(b, ActionBook, facts(b, sched, now)); err != nil {
		return nil, err
	}
	dur := sched.Calendar.DraftsDuration
	if dur <= 0 {
		dur = calendar.DefaultDraftsDuration
	}
	b.DraftExpires = now.Add(dur)
	c, err := capacity(sched.Calendar, slot, b, now)
	if err != nil {
		return nil, err
	}
	if err := d.store.Book(ctx, b, c, nil); err != nil {
		if first := d.repeated(ctx, err, b, in.IdempotencyKey); first != nil {
			return first, nil
		}
		return nil, err
	}
	d.logChange(b, ActionBook, StatusNone)
	return b, nil
}

// Confirm turns the citizen's draft into a booking: pending on a
// moderated calendar or opening hour, approved otherwise. It returns the
// cancel token, shown to the citizen once and kept by the store only as
// its hash. A draft past its expiry is refused (*TransitionError with
// Reason "draft_expired"; ErrNotFound once swept).
func (d *Desk) Confirm(ctx context.Context, who auth.Principal, id ID) (*Booking, CancelToken, error) {
	l, err := d.load(ctx, who, id, ActionConfirm)
	if err != nil {
		return nil, "", err
	}
	b, now := l.b, d.now()
	if b.Status == StatusDraft && !now.Before(b.DraftExpires) {
		return nil, "", &TransitionError{ID: b.ID, From: b.Status, Action: ActionConfirm, Reason: "draft_expired"}
	}
	from := b.Status
	if b.Status, err = step(b, ActionConfirm, facts(b, l.sched, now)); err != nil {
		return nil, "", err
	}
	slot := calendar.Slot{Start: b.Start, End: b.End, Capacity: d.queueOf(b, l.sched), OpeningHour: b.OpeningHour}
	c, err := capacity(l.sched.Calendar, slot, b, now)
	if err != nil {
		return nil, "", err
	}
	tok, hash := newCancelToken()
	b.CancelTokenHash, b.DraftExpires, b.Updated = hash, time.Time{}, now
	notes := d.notes(notificationFor(NotifyCreated, b, l.sched.Calendar, who.ID, now))
	if err := d.store.Move(ctx, b, c, notes); err != nil {
		return nil, "", err
	}
	d.logChange(b, ActionConfirm, from)
	return b, tok, nil
}

// queueOf returns the queue of b's opening hour (1 when it is gone).
func (d *Desk) queueOf(b *Booking, s *calendar.Schedule) int {
	for _, h := range s.OpeningHours {
		if h != nil && h.ID == b.OpeningHour {
			return max(h.Queue, 1)
		}
	}
	return 1
}

// CancelDeadline is the last instant a citizen may cancel a booking
// starting at start on a calendar allowing cancellation until days days
// before: the same local clock time days calendar days earlier. Pure.
func CancelDeadline(start time.Time, days int, loc *time.Location) time.Time {
	return start.In(loc).AddDate(0, 0, -days).UTC()
}

// citizenMayCancel applies the cancel deadline to a citizen's
// cancellation (drafts may always be dropped).
func citizenMayCancel(b *Booking, cal *calendar.Calendar, now time.Time) error {
	if b.Status == StatusDraft {
		return nil
	}
	loc, err := cal.TimeLocation()
	if err != nil {
		return &UnavailableError{What: "calendar zone", cause: err}
	}
	if now.Before(CancelDeadline(b.Start, cal.AllowCancelDays, loc)) {
		return nil
	}
	return &TransitionError{ID: b.ID, From: b.Status, Action: ActionCancel, Reason: "cancel_deadline"}
}

// Cancel cancels a booking: its citizen until the calendar's allow-cancel
// days before the start, calendar staff until the start.
func (d *Desk) Cancel(ctx context.Context, who auth.Principal, id ID) (*Booking, error) {
	l, err := d.load(ctx, who, id, ActionCancel)
	if err != nil {
		return nil, err
	}
	return d.cancel(ctx, l, who.ID, who.IsCitizen())
}

// CancelWithToken cancels a booking through the secret link of its
// confirmation, without a signed-in principal: token must be the one
// Confirm or Create returned (compared in constant time with the stored
// hash), and the citizen's cancel deadline applies. A wrong token is an
// *auth.PermissionError.
func (d *Desk) CancelWithToken(ctx context.Context, tenant string, id ID, token CancelToken) (*Booking, error) {
	if !possibleID(tenant) || !possibleID(string(id)) {
		return nil, ErrNotFound
	}
	b, err := d.store.Get(ctx, tenant, id)
	if err != nil {
		return nil, err
	}
	if !token.Matches(b.CancelTokenHash) {
		return nil, forbidden(ActionCancel, "cancel_token")
	}
	sched, err := d.schedule(ctx, tenant, b.Calendar, dayBefore(b.Start), dayAfter(b.End))
	if err != nil {
		return nil, err
	}
	b.Moderators = staffOf(sched.Calendar)
	return d.cancel(ctx, &loaded{b: b, sched: sched}, "", true)
}

// cancel applies ActionCancel to a loaded booking; byCitizen adds the
// cancel deadline.
func (d *Desk) cancel(ctx context.Context, l *loaded, actor string, byCitizen bool) (*Booking, error) {
	b, now := l.b, d.now()
	from := b.Status
	to, err := step(b, ActionCancel, facts(b, l.sched, now))
	if err != nil {
		return nil, err
	}
	if byCitizen {
		if err := citizenMayCancel(b, l.sched.Calendar, now); err != nil {
			return nil, err
		}
	}
	b.Status, b.Updated = to, now
	var notes []Notification
	if from != StatusDraft {
		notes = d.notes(notificationFor(NotifyCancelled, b, l.sched.Calendar, actor, now))
	}
	if err := d.store.Update(ctx, b, notes); err != nil {
		return nil, err
	}
	d.logChange(b, ActionCancel, from)
	return b, nil
}

// Get returns a booking its citizen or calendar staff may see. Another
// tenant's booking is ErrNotFound.
func (d *Desk) Get(ctx context.Context, who auth.Principal, id ID) (*Booking, error) {
	l, err := d.load(ctx, who, id, ActionView)
	if err != nil {
		return nil, err
	}
	return l.b, nil
}
