package auth

import (
	"context"
	"time"
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

// Notifier delivers notifications; the host implements it. Notify should
// hand the message to a queue and return quickly: a reset request's
// response time must not reveal whether the account exists.
type Notifier interface {
	// Notify delivers n, or hands it to a queue that will; an error leaves
	// an outbox notification for a later attempt.
	Notify(ctx context.Context, n Notification) error
}

// DeliverNotifications drains the tenant's outbox through Config.Notifier:
// it claims up to limit notifications (limit <= 0 means 100), delivers each
// and acknowledges it. A notification whose delivery fails stays in the
// outbox and is claimed again after Config.NotificationLease. It returns
// how many were delivered and the first delivery error.
func (d *Desk) DeliverNotifications(ctx context.Context, tenant string, limit int) (int, error) {
	if err := checkTenant(tenant); err != nil {
		return 0, err
	}
	if limit <= 0 {
		limit = 100
	}
	batch, err := d.store.ClaimNotifications(ctx, tenant, d.now(), d.cfg.NotificationLease, limit)
	if err != nil {
		return 0, err
	}
	delivered := 0
	var first error
	for _, n := range batch {
		if err := d.notifier.Notify(ctx, n); err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		if err := d.store.AckNotification(ctx, tenant, n.ID); err != nil {
			return delivered, err
		}
		delivered++
	}
	return delivered, first
}

// NotifierFunc adapts a function to Notifier.
type NotifierFunc func(ctx context.Context, n Notification) error

// Notify calls f(ctx, n).
func (f NotifierFunc) Notify(ctx context.Context, n Notification) error { return f(ctx, n) }
