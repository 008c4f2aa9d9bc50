package practice

import (
	"context"
	"fmt"
	"time"

	"github.com/sportello/sportello/internal/outbox"
)

// citizenNotified reports whether entering s notifies the owner: 1000,
// 1500, 1510, 1520, 1530, 1900, 2000, 3000, 4000 (only if configured),
// 7000, 9000, 20000, 50000; never 4100–4500, 6000, 8000.
func citizenNotified(s Status) bool {
	switch s {
	case StatusDraft, StatusPaymentPending, StatusPaymentOutcomePending, StatusPaymentSuccess,
		StatusPaymentError, StatusPreSubmit, StatusSubmitted, StatusRegistered, StatusPending,
		StatusComplete, StatusCancelled, StatusWithdrawn, StatusRevoked:
		return true
	}
	return false
}

// Notifications returns the notifications p entering status to causes,
// without IDs and creation times: the citizen's (with the service's
// template for the status) and, on 2000 and 3000, the operators enabled
// for the service. A template that is present but not active suppresses
// the citizen's notification; 4000 notifies only with an active template,
// and only the first time the pratica enters it (p.History must not yet
// hold the entry of this change). Pure.
func Notifications(svc *Service, p *Practice, to Status) []Notification {
	var out []Notification
	if citizenNotified(to) && p.Owner.ID != "" {
		tpl, ok := svc.Templates[to]
		send := !ok || tpl.Active
		if to == StatusPending {
			send = ok && tpl.Active && !enteredBefore(p, StatusPending)
		}
		if send {
			out = append(out, Notification{
				Tenant: p.Tenant, Kind: NotifyCitizenStatus, Practice: p.ID, Service: p.Service,
				Status: to, Recipient: p.Owner.ID, Subject: tpl.Subject, Body: tpl.Body,
			})
		}
	}
	if to == StatusSubmitted || to == StatusRegistered {
		out = append(out, Notification{
			Tenant: p.Tenant, Kind: NotifyOperatorsNew, Practice: p.ID, Service: p.Service, Status: to,
		})
	}
	return out
}

// enteredBefore reports whether p's history shows it entering s.
func enteredBefore(p *Practice, s Status) bool {
	for _, h := range p.History {
		if h.To == s && h.From != s {
			return true
		}
	}
	return false
}

// NotificationKind says what a notification tells its recipients.
type NotificationKind string

// The notifications the practice package produces.
const (
	// NotifyCitizenStatus tells the owner that the pratica entered Status,
	// with the service's template for it (Subject and Body empty when the
	// service has none: the host's default text applies).
	NotifyCitizenStatus NotificationKind = "citizen_status"
	// NotifyOperatorsNew tells the operators enabled for Service that a
	// pratica was acquired (2000) or registered (3000). The host resolves
	// the recipients (auth lists the operators enabled for a service).
	NotifyOperatorsNew NotificationKind = "operators_new_practice"
)

// Notification is an outbox entry: saved in the same store write as the
// change that caused it, delivered by the host.
type Notification struct {
	// ID is unique; a notifier can use it to drop a repeated delivery.
	ID string
	// Tenant is the public body on whose behalf the message goes.
	Tenant string
	// Kind says who the recipients are and what the message is about.
	Kind NotificationKind
	// Practice and Service name the pratica and its service.
	Practice ID
	Service  string
	// Status is the status the pratica entered.
	Status Status
	// Recipient is the owner's principal ID for NotifyCitizenStatus; empty
	// for NotifyOperatorsNew (the operators enabled for Service).
	Recipient string
	// Subject and Body come from the service's template.
	Subject, Body string
	// CreatedAt is a UTC instant.
	CreatedAt time.Time
}

// Notifier delivers outbox notifications; the host implements it.
type Notifier interface {
	// Notify delivers n (to the owner, or to the operators enabled for
	// n.Service); an error leaves n in the outbox.
	Notify(ctx context.Context, n Notification) error
}

// NotifierFunc adapts a function to Notifier.
type NotifierFunc func(ctx context.Context, n Notification) error

// Notify calls f(ctx, n).
func (f NotifierFunc) Notify(ctx context.Context, n Notification) error { return f(ctx, n) }

// DeliverNotifications drains the tenant's outbox through
// Config.Notifier: it claims up to limit notifications (default 100 when
// limit <= 0, at most 1000) for Config.NotificationLease, in the order
// they were saved, hands each to the notifier and acknowledges each
// delivered one, which leaves the outbox. It returns how many were
// delivered; call it again until it returns 0 to empty the outbox.
// Without Config.Notifier it fails with ErrUnavailable.
//
// A notification whose delivery fails stays in the outbox and is claimed
// again, by this or another Desk sharing the store, once its lease has
// ended; the later notifications of the same pratica wait behind it (so a
// pratica's notifications go out in order), while other pratiche's go on.
// DeliverNotifications returns the first delivery error (or the error of
// the claim or of an acknowledgement, which ends the call).
//
// Many instances may drain one tenant at once: each notification goes to
// one of them while its lease runs, and a pratica's notifications go out
// one after the other. A notification is delivered again only if its lease
// ends before its acknowledgement (a crash between Notify and the
// acknowledgement, or a delivery slower than the lease): notifiers drop
// repeats by Notification.ID.
func (d *Desk) DeliverNotifications(ctx context.Context, tenant string, limit int) (int, error) {
	if d.notifier == nil {
		return 0, fmt.Errorf("%w: no notifier configured", ErrUnavailable)
	}
	if !lookupable(tenant) {
		return 0, nil
	}
	return outbox.Deliverer[Notification]{
		Claim: func(ctx context.Context, limit int) ([]Notification, error) {
			return d.store.ClaimNotifications(ctx, tenant, d.clock(), d.lease, limit)
		},
		Send:   d.notifier.Notify,
		Ack:    func(ctx context.Context, n Notification) error { return d.store.AckNotification(ctx, tenant, n.ID) },
		Record: func(n Notification) string { return string(n.Practice) },
		Failed: func(n Notification, err error) {
			d.log.Warn().Str("tenant", tenant).Str("practice_id", string(n.Practice)).Str("notification_id", n.ID).
				Msg("notification delivery failed; retried after the lease")
		},
	}.Deliver(ctx, limit)
}
