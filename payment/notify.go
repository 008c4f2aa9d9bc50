package payment

import (
	"context"
	"errors"
	"time"

	"github.com/sportello/sportello/internal/outbox"
)

// Event tells the host that a payment changed status. Events are saved in
// the same store write as the change (an outbox); the host drains them
// with Desk.DeliverEvents, for example to move the pratica a payment
// belongs to. (The payment package calls its outbox entries events, not
// notifications: a Notification is what the gateway tells the Desk.)
type Event struct {
	// ID is unique; a consumer can use it to drop a repeated delivery.
	ID string
	// Tenant is the public body the payment belongs to.
	Tenant string
	// PaymentID names the payment that changed.
	PaymentID ID
	// Subject is the payment's subject, e.g. a pratica ID.
	Subject string
	// From and To are the statuses before and after the change.
	From, To Status
	// At is the UTC instant of the change.
	At time.Time
}

// EventHandler receives the events of the outbox, as a wing's Notifier
// receives its notifications. practice's Desk.ApplyPaymentEvent is one:
// pass it as EventHandlerFunc(desk.ApplyPaymentEvent).
type EventHandler interface {
	// HandleEvent delivers one event. A nil error acknowledges it (it
	// leaves the outbox); an error keeps it, to be delivered again after
	// Config.EventLease. It may be called again with an event it already
	// handled (drop repeats by Event.ID).
	HandleEvent(ctx context.Context, e Event) error
}

// EventHandlerFunc adapts a function to EventHandler.
type EventHandlerFunc func(ctx context.Context, e Event) error

// HandleEvent calls f.
func (f EventHandlerFunc) HandleEvent(ctx context.Context, e Event) error { return f(ctx, e) }

// errNoHandler is DeliverEvents' error when Config.EventHandler is nil.
var errNoHandler = errors.New("payment: DeliverEvents needs Config.EventHandler")

// DeliverEvents drains the tenant's outbox through Config.EventHandler:
// it claims up to limit events (default 100 when limit <= 0, at most
// 1000) for Config.EventLease, in the order they were saved, hands each
// to the handler and acknowledges each handled one, which leaves the
// outbox. It returns how many were handled; call it again until it
// returns 0 to empty the outbox.
//
// An event whose handler fails stays in the outbox and is claimed again,
// by this or another Desk sharing the store, once its lease has ended; the
// later events of the same payment wait behind it (so a payment's events
// are handled in order), while other payments' events go on. DeliverEvents
// returns the first handler error (or the error of the claim or of an
// acknowledgement, which ends the call).
//
// Many instances may drain one tenant at once: each event goes to one of
// them while its lease runs, and a payment's events go out one after the
// other. An event is handed out again only if its lease ends before its
// acknowledgement (a crash, or a handler slower than the lease): handlers
// drop repeats by Event.ID.
func (d *Desk) DeliverEvents(ctx context.Context, tenant string, limit int) (int, error) {
	h := d.cfg.EventHandler
	if h == nil {
		return 0, errNoHandler
	}
	if !lookupable(tenant) {
		return 0, nil // no event was ever saved for such a tenant
	}
	return outbox.Deliverer[Event]{
		Claim: func(ctx context.Context, limit int) ([]Event, error) {
			return d.store.ClaimEvents(ctx, tenant, d.now(), d.cfg.EventLease, limit)
		},
		Send:   h.HandleEvent,
		Ack:    func(ctx context.Context, e Event) error { return d.store.AckEvent(ctx, tenant, e.ID) },
		Record: func(e Event) string { return string(e.PaymentID) },
		Failed: func(e Event, err error) {
			d.log.Warn().Str("tenant", tenant).Str("payment_id", string(e.PaymentID)).Str("event_id", e.ID).
				Msg("payment: event not handled; retried after the lease")
		},
	}.Deliver(ctx, limit)
}
