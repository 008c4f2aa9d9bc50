package appointment

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/calendar"
)

// NewBooking is a booking an operator makes on behalf of a citizen.
type NewBooking struct {
	// Calendar and the slot's Start and End.
	Calendar calendar.ID `json:"calendar" validate:"required,line,max=100"`
	Start    time.Time   `json:"start" validate:"required"`
	End      time.Time   `json:"end" validate:"required,gtfield=Start"`
	// CitizenID is the citizen's principal ID, when the citizen has an
	// account; the citizen also sees the booking through FiscalCode.
	CitizenID string `json:"citizen_id" validate:"omitempty,line,max=100"`
	// FiscalCode is the citizen's codice fiscale.
	FiscalCode string `json:"fiscal_code" validate:"required,codicefiscale"`
	// Name, Email and Phone are the contact data.
	Name  string `json:"name" validate:"required,line,max=200"`
	Email string `json:"email" validate:"omitempty,email,max=254"`
	Phone string `json:"phone" validate:"omitempty,line,max=40"`
	// Notes, VideoLink and PracticeID as in Booking.
	Notes      string `json:"notes" validate:"text,max=2000"`
	VideoLink  string `json:"video_link" validate:"omitempty,url,max=500"`
	PracticeID string `json:"practice_id" validate:"omitempty,line,max=100"`
	// IdempotencyKey, when set, makes the call retry-safe: repeating it
	// (same principal, same key) books nothing more and returns the
	// booking the first call made, with a new cancel token (the one of
	// the first answer stops working: only the last one given counts).
	IdempotencyKey string `json:"idempotency_key" validate:"omitempty,line,max=200"`
}

// Create books a slot on behalf of a citizen: the booking is approved at
// once (the operator is the one who would approve it) and its cancel
// token returned. Capacity and slot rules are the citizen's.
func (d *Desk) Create(ctx context.Context, who auth.Principal, in NewBooking) (*Booking, CancelToken, error) {
	if err := d.check(in); err != nil {
		return nil, "", err
	}
	fc, err := auth.ParseFiscalCode(in.FiscalCode)
	if err != nil {
		return nil, "", invalid("fiscal_code", "codicefiscale", "must be a valid codice fiscale")
	}
	if who.Tenant == "" {
		return nil, "", forbidden(ActionCreate, "tenant")
	}
	now := d.now()
	sched, err := d.schedule(ctx, who.Tenant, in.Calendar, dayBefore(in.Start), dayAfter(in.End))
	if err != nil {
		return nil, "", err
	}
	b := &Booking{
		ID: d.bookingID(who, in.IdempotencyKey), Tenant: who.Tenant, Calendar: sched.Calendar.ID, Status: StatusNone,
		Start: in.Start.UTC().Truncate(time.Microsecond), End: in.End.UTC().Truncate(time.Microsecond),
		CitizenID: in.CitizenID, FiscalCode: fc.String(), Name: in.Name, Email: in.Email, Phone: in.Phone,
		Notes: in.Notes, PracticeID: in.PracticeID, CreatedBy: who.ID, Created: now, Updated: now,
		Moderators: staffOf(sched.Calendar),
	}
	if err := Authorize(who, ActionCreate, b); err != nil {
		return nil, "", err
	}
	if in.VideoLink != "" {
		if !sched.Calendar.VideoCalls {
			return nil, "", invalid("video_link", "video_calls", "the calendar has no video calls")
		}
		b.VideoLink = in.VideoLink
	}
	slot, err := findSlot(sched, in.Start, in.End, now)
	if err != nil {
		return nil, "", err
	}
	b.OpeningHour, b.Start, b.End = slot.OpeningHour, slot.Start.UTC().Truncate(time.Microsecond), slot.End.UTC().Truncate(time.Microsecond)
	if b.Status, err = step(b, ActionCreate, facts(b, sched, now)); err != nil {
		return nil, "", err
	}
	c, err := capacity(sched.Calendar, slot, b, now)
	if err != nil {
		return nil, "", err
	}
	tok, hash := newCancelToken()
	b.CancelTokenHash = hash
	notes := d.notes(notificationFor(NotifyCreated, b, sched.Calendar, who.ID, now))
	if err := d.store.Book(ctx, b, c, notes); err != nil {
		first := d.repeated(ctx, err, b, in.IdempotencyKey)
		if first == nil {
			return nil, "", err
		}
		// The first answer (and its token) may have been lost: give a
		// new token, keeping the booking.
		tok, hash := newCancelToken()
		first.CancelTokenHash, first.Updated = hash, now
		if err := d.store.Update(ctx, first, nil); err != nil {
			return nil, "", err
		}
		first.Moderators = b.Moderators
		return first, tok, nil
	}
	d.logChange(b, ActionCreate, StatusNone)
	return b, tok, nil
}

// idempotencyNamespace derives booking IDs from idempotency keys.
var idempotencyNamespace = uuid.MustParse("6b1e0d4e-1c0a-4f4e-9a57-0c3f7d0c2a11")

// bookingID returns a new booking ID, or, for an idempotency key, the ID
// that key always gives for who (a name-based UUID of tenant, principal
// and key), so that a repeated call collides with the first.
func (d *Desk) bookingID(who auth.Principal, key string) ID {
	if key == "" {
		return ID(d.newID())
	}
	return ID(uuid.NewSHA1(idempotencyNamespace, []byte(who.Tenant+"\x1f"+who.ID+"\x1f"+key)).String())
}

// repeated returns the booking a first call with the same idempotency
// key made, when err is the store's refusal of its ID; nil otherwise.
func (d *Desk) repeated(ctx context.Context, err error, b *Booking, key string) *Booking {
	var ce *ConflictError
	if key == "" || !errors.As(err, &ce) || ce.Field != "id" {
		return nil
	}
	first, gerr := d.store.Get(ctx, b.Tenant, b.ID)
	if gerr != nil || first.CreatedBy != b.CreatedBy || first.Calendar != b.Calendar {
		return nil
	}
	first.Moderators = b.Moderators
	return first
}

// simple applies an action that only changes the status (and what edit
// sets), then saves with the notification of kind ("" for none).
func (d *Desk) simple(ctx context.Context, who auth.Principal, id ID, a Action, kind NotificationKind, edit func(*Booking) error) (*Booking, error) {
	l, err := d.load(ctx, who, id, a)
	if err != nil {
		return nil, err
	}
	return d.apply(ctx, l, who.ID, a, kind, edit)
}

func (d *Desk) apply(ctx context.Context, l *loaded, actor string, a Action, kind NotificationKind, edit func(*Booking) error) (*Booking, error) {
	b, now := l.b, d.now()
	from := b.Status
	to, err := step(b, a, facts(b, l.sched, now))
	if err != nil {
		return nil, err
	}
	if edit != nil {
		if err := edit(b); err != nil {
			return nil, err
		}
	}
	b.Status, b.Updated = to, now
	var notes []Notification
	if kind != "" && from != StatusDraft {
		notes = d.notes(notificationFor(kind, b, l.sched.Calendar, actor, now))
	}
	if err := d.store.Update(ctx, b, notes); err != nil {
		return nil, err
	}
	d.logChange(b, a, from)
	return b, nil
}

// Approve approves a pending booking.
func (d *Desk) Approve(ctx context.Context, who auth.Principal, id ID) (*Booking, error) {
	return d.simple(ctx, who, id, ActionApprove, NotifyApproved, nil)
}

// Motivation is an operator's reason for refusing a booking.
type Motivation struct {
	// Text is shown to the citizen.
	Text string `json:"motivation" validate:"required,text,max=2000"`
}

// Refuse refuses a pending or approved booking that has not started, with
// a motivation the citizen will read.
func (d *Desk) Refuse(ctx context.Context, who auth.Principal, id ID, motivation string) (*Booking, error) {
	if err := d.check(Motivation{Text: motivation}); err != nil {
		return nil, err
	}
	return d.simple(ctx, who, id, ActionRefuse, NotifyRefused, func(b *Booking) error {
		b.Motivation = motivation
		return nil
	})
}

// MarkMissed records that the citizen did not come; only once the start
// has passed.
func (d *Desk) MarkMissed(ctx context.Context, who auth.Principal, id ID) (*Booking, error) {
	return d.simple(ctx, who, id, ActionMiss, "", nil)
}

// MarkDone records that the appointment took place; only once the start
// has passed.
func (d *Desk) MarkDone(ctx context.Context, who auth.Principal, id ID) (*Booking, error) {
	return d.simple(ctx, who, id, ActionDone, "", nil)
}

// Changes are the fields Modify may change; nil fields stay as they are.
type Changes struct {
	// Name is the citizen's name (not empty).
	Name *string `json:"name" validate:"omitempty,min=1,line,max=200"`
	// Email and Phone are the contact data ("" clears them).
	Email *string `json:"email" validate:"omitempty,email,max=254"`
	Phone *string `json:"phone" validate:"omitempty,line,max=40"`
	// Notes about the appointment.
	Notes *string `json:"notes" validate:"omitempty,text,max=2000"`
	// VideoLink is the video-conference URL, on calendars with video
	// calls ("" removes it).
	VideoLink *string `json:"video_link" validate:"omitempty,url,max=500"`
}

// Modify changes the notes, the contact data or the video-conference link
// (on calendars with video calls).
func (d *Desk) Modify(ctx context.Context, who auth.Principal, id ID, ch Changes) (*Booking, error) {
	if err := d.check(ch); err != nil {
		return nil, err
	}
	l, err := d.load(ctx, who, id, ActionModify)
	if err != nil {
		return nil, err
	}
	if ch.VideoLink != nil && *ch.VideoLink != "" && !l.sched.Calendar.VideoCalls {
		return nil, invalid("video_link", "video_calls", "the calendar has no video calls")
	}
	return d.apply(ctx, l, who.ID, ActionModify, NotifyModified, func(b *Booking) error {
		set := func(dst *string, v *string) {
			if v != nil {
				*dst = *v
			}
		}
		set(&b.Name, ch.Name)
		set(&b.Email, ch.Email)
		set(&b.Phone, ch.Phone)
		set(&b.Notes, ch.Notes)
		set(&b.VideoLink, ch.VideoLink)
		return nil
	})
}

// practiceRef validates a pratica ID.
type practiceRef struct {
	PracticeID string `json:"practice_id" validate:"required,line,max=100"`
}

// LinkPractice links the booking to a pratica. A pratica has at most one
// active (pending or approved) booking: another one gives
// *ConflictError{Field: "practice_id"}.
func (d *Desk) LinkPractice(ctx context.Context, who auth.Principal, id ID, practiceID string) (*Booking, error) {
	if err := d.check(practiceRef{PracticeID: practiceID}); err != nil {
		return nil, err
	}
	return d.simple(ctx, who, id, ActionLink, "", func(b *Booking) error {
		b.PracticeID = practiceID
		return nil
	})
}

// UnlinkPractice removes the booking's pratica.
func (d *Desk) UnlinkPractice(ctx context.Context, who auth.Principal, id ID) (*Booking, error) {
	return d.simple(ctx, who, id, ActionUnlink, "", func(b *Booking) error {
		b.PracticeID = ""
		return nil
	})
}

// Move moves a booking to the slot [start, end) of its calendar: the slot
// must be offered (else *SlotError) and have room counting every place
// but the booking's own (else *CapacityError). A pending booking becomes
// approved; the reschedule counter (the ICS SEQUENCE) increments for
// every booking but a draft.
func (d *Desk) Move(ctx context.Context, who auth.Principal, id ID, start, end time.Time) (*Booking, error) {
	l, err := d.load(ctx, who, id, ActionMove)
	if err != nil {
		return nil, err
	}
	b, now := l.b, d.now()
	from := b.Status
	to, err := step(b, ActionMove, facts(b, l.sched, now))
	if err != nil {
		return nil, err
	}
	sched, err := d.schedule(ctx, b.Tenant, b.Calendar, dayBefore(start), dayAfter(end))
	if err != nil {
		return nil, err
	}
	slot, err := findSlot(sched, start, end, now)
	if err != nil {
		return nil, err
	}
	b.Status, b.Updated = to, now
	b.OpeningHour = slot.OpeningHour
	b.Start, b.End = slot.Start.UTC().Truncate(time.Microsecond), slot.End.UTC().Truncate(time.Microsecond)
	if from != StatusDraft {
		b.Reschedules++
	}
	c, err := capacity(sched.Calendar, slot, b, now)
	if err != nil {
		return nil, err
	}
	var notes []Notification
	if from != StatusDraft {
		notes = d.notes(notificationFor(NotifyMoved, b, sched.Calendar, who.ID, now))
	}
	if err := d.store.Move(ctx, b, c, notes); err != nil {
		return nil, err
	}
	d.logChange(b, ActionMove, from)
	return b, nil
}

// PracticeEffect is what a pratica's outcome does to its bookings. Its
// values are those of practice.AppointmentEffect, so a host converts
// with PracticeEffect(practice.AppointmentEffectOf(status)).
type PracticeEffect uint8

// The effects.
const (
	// EffectNone changes nothing.
	EffectNone PracticeEffect = iota
	// EffectCancel cancels the pratica's future active bookings.
	EffectCancel
	// EffectRefuse refuses them.
	EffectRefuse
	// EffectApprove approves the pending ones.
	EffectApprove
)

// ApplyPracticeOutcome applies a pratica's outcome to its future active
// (pending or approved) bookings in tenant: cancel, refuse or approve.
// who is the platform (auth.System) or calendar staff. It is idempotent:
// a second identical call finds nothing left to change and returns 0. It
// returns how many bookings changed.
func (d *Desk) ApplyPracticeOutcome(ctx context.Context, who auth.Principal, tenant, practiceID string, effect PracticeEffect) (int, error) {
	var a Action
	var kind NotificationKind
	switch effect {
	case EffectNone:
		return 0, nil
	case EffectCancel:
		a, kind = ActionCancel, NotifyCancelled
	case EffectRefuse:
		a, kind = ActionRefuse, NotifyRefused
	case EffectApprove:
		a, kind = ActionApprove, NotifyApproved
	default:
		return 0, invalid("effect", "oneof", "must be none, cancel, refuse or approve")
	}
	if err := d.check(practiceRef{PracticeID: practiceID}); err != nil {
		return 0, err
	}
	if who.Tenant != tenant || tenant == "" {
		return 0, forbidden(a, "tenant")
	}
	now := d.now()
	f := Filter{PracticeID: practiceID, Statuses: []Status{StatusPending, StatusApproved}, From: now}
	if effect == EffectApprove {
		f.Statuses = []Status{StatusPending}
	}
	changed := 0
	var after Position
	for {
		page, err := d.store.List(ctx, tenant, f, after, 100)
		if err != nil {
			return changed, err
		}
		for _, b := range page {
			l, err := d.load(ctx, who, b.ID, a)
			if err != nil {
				return changed, err
			}
			if l.b.PracticeID != practiceID || !Allows(l.b.Status, a) {
				continue // changed since listed
			}
			_, err = d.apply(ctx, l, who.ID, a, kind, func(b *Booking) error {
				if a == ActionRefuse {
					b.Motivation = "pratica " + practiceID + " refused"
				}
				return nil
			})
			if errors.Is(err, ErrConflict) || errors.Is(err, ErrInvalidTransition) {
				continue // a concurrent change won; repeating the call completes it
			}
			if err != nil {
				return changed, err
			}
			changed++
		}
		if len(page) < 100 {
			return changed, nil
		}
		after = PositionOf(page[len(page)-1])
	}
}

// SweepDrafts deletes tenant's drafts past their expiry, freeing their
// places, and returns how many it deleted. Running it again at once
// deletes nothing more.
func (d *Desk) SweepDrafts(ctx context.Context, tenant string) (int, error) {
	now := d.now()
	total := 0
	for {
		n, err := d.store.DeleteExpiredDrafts(ctx, tenant, now, 1000)
		total += n
		if err != nil || n < 1000 {
			if total > 0 {
				d.log.Info().Str("tenant", tenant).Str("action", string(ActionExpire)).Int("count", total).Msg("appointment: drafts swept")
			}
			return total, err
		}
	}
}

// FutureActiveBookings implements calendar.BookingCounter: the bookings
// of the opening hour holding a place that start at or after after.
func (d *Desk) FutureActiveBookings(ctx context.Context, tenant string, cal calendar.ID, openingHour string, after time.Time) (int, error) {
	return d.store.CountActive(ctx, tenant, cal, openingHour, after, d.now())
}
