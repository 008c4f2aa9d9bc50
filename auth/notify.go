package auth

import (
	"context"
	"time"

	"github.com/sportello/sportello/internal/outbox"
)

// NotificationKind says what a notification tells its recipient.
type NotificationKind string

// The notifications the auth package produces.
const (
	// NotifySetPassword carries the link (Token) to set the first password
	// of a new operator account. Delivered at once, never stored.
	NotifySetPassword NotificationKind = "set_password"
	// NotifyPasswordReset carries the link (Token) to reset a forgotten
	// password. Delivered at once, never stored.
	NotifyPasswordReset NotificationKind = "password_reset"
	// NotifyPasswordChanged tells the holder that the password changed.
	// Saved in the outbox with the change.
	NotifyPasswordChanged NotificationKind = "password_changed"
	// NotifyProviderRegistration asks a provisioned user to complete the
	// registration of the account the provider created. Outbox.
	NotifyProviderRegistration NotificationKind = "provider_registration"
	// NotifyProviderActivation resends the activation e-mail of a
	// provisioned profile. Outbox.
	NotifyProviderActivation NotificationKind = "provider_activation"
)

// Notification is a message for a person. The host renders and sends it
// (e-mail, SMS, app); sportello decides when and to whom.
type Notification struct {
	// ID is unique; a Notifier can use it to drop a repeated delivery.
	ID string
	// Tenant is the public body on whose behalf the message goes.
	Tenant string
	// Kind says what the message is about.
	Kind NotificationKind
	// AccountID names the account (or ProfileID the profile) concerned.
	AccountID string
	ProfileID string
	// Recipient is the e-mail address to write to.
	Recipient string
	// Token is the secret to put in the link, only for NotifySetPassword and
	// NotifyPasswordReset; empty otherwise. Build the link with a base URL
	// from configuration, never from the incoming request's Host header.
	Token string
	// ExpiresAt is when Token stops working.
	ExpiresAt time.Time
	// CreatedAt is a UTC instant.
	CreatedAt time.Time
}

// Record names the record a notification is about, "account:<id>" or
// "profile:<id>": the outbox hands out one record's notifications in the
// order they were saved, and a failed one holds back only the later ones of
// its record.
func (n Notification) Record() string {
	if n.AccountID != "" {
		return "account:" + n.AccountID
	}
	return "profile:" + n.ProfileID
}

// Notifier delivers notifications; the host implements it. Notify should
// hand the message to a queue and return quickly: a reset request's
// response time must not reveal whether the account exists.
type Notifier interface {
	// Notify delivers n, or hands it to a queue that will; an error leaves
	// an outbox notification for a later attempt.
	Notify(ctx context.Context, n Notification) error
}

// DeliverNotifications drains the tenant's outbox through Config.Notifier,
// under the rule every sportello wing shares (package doc, "Storage"): it
// claims up to limit notifications (limit <= 0 means 100, and at most 1000
// are taken), delivers them in the order they were saved and acknowledges
// each one delivered. A notification whose delivery fails stays in the
// outbox and is claimed again after Config.NotificationLease; the later
// notifications of the same account or profile wait behind it, the others
// are still delivered. It returns how many were delivered and the first
// delivery error; a storage error ends the call.
func (d *Desk) DeliverNotifications(ctx context.Context, tenant string, limit int) (int, error) {
	if err := checkTenant(tenant); err != nil {
		return 0, err
	}
	return outbox.Deliverer[Notification]{
		Claim: func(ctx context.Context, limit int) ([]Notification, error) {
			return d.store.ClaimNotifications(ctx, tenant, d.now(), d.cfg.NotificationLease, limit)
		},
		Send: d.notifier.Notify,
		Ack: func(ctx context.Context, n Notification) error {
			return d.store.AckNotification(ctx, tenant, n.ID)
		},
		Record: Notification.Record,
		Failed: func(n Notification, err error) {
			d.log.Warn().Str("tenant", tenant).Str("action", "deliver_notification").Str("notification_id", n.ID).
				Str("kind", string(n.Kind)).Msg("notification not delivered; retried after its lease")
		},
	}.Deliver(ctx, limit)
}

// NotifierFunc adapts a function to Notifier.
type NotifierFunc func(ctx context.Context, n Notification) error

// Notify calls f(ctx, n).
func (f NotifierFunc) Notify(ctx context.Context, n Notification) error { return f(ctx, n) }
