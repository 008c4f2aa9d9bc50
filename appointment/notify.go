package appointment

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/sportello/sportello/calendar"
	"github.com/sportello/sportello/internal/outbox"
)

// NotificationKind says what a notification tells its recipients.
type NotificationKind string

// The notifications a Desk produces, each saved in the outbox in the same
// store write as the change that causes it. Drafts, sweeps and pratica
// links notify nobody.
const (
	// NotifyCreated: a booking was confirmed by the citizen or created by
	// an operator.
	NotifyCreated NotificationKind = "created"
	// NotifyApproved: an operator approved a pending booking.
	NotifyApproved NotificationKind = "approved"
	// NotifyMoved: the booking moved to another slot (Start, End are the
	// new ones).
	NotifyMoved NotificationKind = "moved"
	// NotifyModified: notes, contact data or the video link changed.
	NotifyModified NotificationKind = "modified"
	// NotifyCancelled: the booking was cancelled.
	NotifyCancelled NotificationKind = "cancelled"
	// NotifyRefused: an operator refused the booking.
	NotifyRefused NotificationKind = "refused"
)

// Notification is an outbox entry. It holds no personal data: recipients
// are principal IDs; the host reads the booking's contact e-mail itself
// when ToCitizenEmail is set.
type Notification struct {
	// ID is unique in the tenant; a notifier drops repeated deliveries by
	// it.
	ID string
	// Tenant is the public body the booking belongs to.
	Tenant string
	// Kind says what happened.
	Kind NotificationKind
	// Booking and Calendar name the booking.
	Booking  ID
	Calendar calendar.ID
	// Status, Start and End are the booking's after the change.
	Status     Status
	Start, End time.Time
	// Recipients are principal IDs: the citizen (when the booking has an
	// account) and the calendar's owner and moderators, without the one
	// who acted.
	Recipients []string
	// ToCitizenEmail: also write to the booking's contact e-mail.
	ToCitizenEmail bool
	// CalendarEmail is the calendar's contact e-mail (an office address),
	// or empty.
	CalendarEmail string
	// CreatedAt is when the change happened (UTC).
	CreatedAt time.Time
}

// Clone returns a deep copy of n.
func (n Notification) Clone() Notification {
	n.Recipients = slices.Clone(n.Recipients)
	return n
}

// Notifier delivers outbox notifications; the host implements it.
type Notifier interface {
	// Notify delivers n; an error leaves n in the outbox for a later
	// delivery.
	Notify(ctx context.Context, n Notification) error
}

// NotifierFunc adapts a function to Notifier.
type NotifierFunc func(ctx context.Context, n Notification) error

// Notify calls f(ctx, n).
func (f NotifierFunc) Notify(ctx context.Context, n Notification) error { return f(ctx, n) }

// notificationFor returns the notification of kind about b on cal, or nil
// when the calendar has notifications off. actor is left out of the
// recipients. Pure: the caller gives the ID.
func notificationFor(kind NotificationKind, b *Booking, cal *calendar.Calendar, actor string, now time.Time) *Notification {
	if cal == nil || !cal.Notifications {
		return nil
	}
	var to []string
	add := func(id string) {
		if id != "" && id != actor && !slices.Contains(to, id) {
			to = append(to, id)
		}
	}
	add(b.CitizenID)
	add(cal.Owner)
	for _, m := range cal.Moderators {
		add(m)
	}
	return &Notification{
		Tenant: b.Tenant, Kind: kind, Booking: b.ID, Calendar: b.Calendar,
		Status: b.Status, Start: b.Start, End: b.End,
		Recipients: to, ToCitizenEmail: b.Email != "", CalendarEmail: cal.ContactEmail,
		CreatedAt: now,
	}
}

// notes returns the outbox entries of one write: n with a fresh ID, or
// none.
func (d *Desk) notes(n *Notification) []Notification {
	if n == nil {
		return nil
	}
	n.ID = d.newID()
	return []Notification{*n}
}

// DeliverNotifications drains tenant's outbox through Config.Notifier: it
// claims up to limit (<= 0 means 100, at most 1000) notifications under a
// lease of Config.NotificationLease, hands each to the notifier in order
// and acknowledges each delivered one. It returns how many were delivered
// and the first delivery error. Without Config.Notifier it fails with
// ErrUnavailable.
//
// Any number of deliverers (goroutines, application instances sharing the
// Store) may run it at once: a claimed notification goes to no other
// deliverer while its lease runs. A failed delivery leaves the
// notification in the outbox, to be claimed again after its lease; it
// holds back the later notifications of the same booking only, while the
// others are delivered. A crash between Notify and the acknowledgement
// hands the notification over again later, with the same ID, for the
// notifier to drop.
func (d *Desk) DeliverNotifications(ctx context.Context, tenant string, limit int) (int, error) {
	if d.notifier == nil {
		return 0, &UnavailableError{What: "notifier", cause: errors.New("Config.Notifier is nil")}
	}
	del := outbox.Deliverer[Notification]{
		Claim: func(ctx context.Context, limit int) ([]Notification, error) {
			return d.store.ClaimNotifications(ctx, tenant, d.now(), d.lease, limit)
		},
		Send:   d.notifier.Notify,
		Ack:    func(ctx context.Context, n Notification) error { return d.store.AckNotification(ctx, tenant, n.ID) },
		Record: func(n Notification) string { return string(n.Booking) },
		Failed: func(n Notification, _ error) {
			d.log.Warn().Str("tenant", tenant).Str("booking_id", string(n.Booking)).
				Str("notification_id", n.ID).Str("kind", string(n.Kind)).Msg("appointment: notification not delivered")
		},
	}
	return del.Deliver(ctx, limit)
}
