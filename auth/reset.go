package auth

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// issueToken stores a new token of purpose for a (at most max per window
// when max > 0) and delivers it through the Notifier. The token's text
// exists only in memory and in the delivered notification.
func (d *Desk) issueToken(ctx context.Context, a *Account, purpose TokenPurpose, ttl time.Duration, max int, window time.Duration, kind NotificationKind) error {
	raw, hash, err := newToken(d.cfg.Rand)
	if err != nil {
		return err
	}
	now := d.now()
	t := &Token{Tenant: a.Tenant, AccountID: a.ID, Hash: hash, Purpose: purpose, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if err := d.store.CreateToken(ctx, t, max, now.Add(-window)); err != nil {
		return err
	}
	return d.notifier.Notify(ctx, Notification{
		ID:        d.cfg.NewID(),
		Tenant:    a.Tenant,
		Kind:      kind,
		AccountID: a.ID,
		Recipient: a.Email,
		Token:     raw,
		ExpiresAt: t.ExpiresAt,
		CreatedAt: now,
	})
}

// RequestPasswordReset sends a reset link to the account whose username or
// e-mail is login. The result is the same whether or not such an account
// exists, is disabled, or has asked too often (at most Config.ResetLimit
// links per Config.ResetWindow; further requests are dropped): nil. A reset
// request never locks the account nor counts as a failed login. Only a
// malformed login or a storage or delivery failure is reported.
func (d *Desk) RequestPasswordReset(ctx context.Context, tenant, login string) error {
	login = strings.TrimSpace(login)
	var v validationErrors
	if tenant == "" {
		v.add("tenant", "required", "is required")
	}
	v.line("tenant", tenant, 0)
	if login == "" {
		v.add("login", "required", "a username or e-mail address is required")
	}
	v.line("login", login, 254)
	if err := v.err(); err != nil {
		return err
	}
	a, err := d.store.FindAccount(ctx, tenant, login)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if a.Disabled {
		return nil
	}
	err = d.issueToken(ctx, a, PurposeReset, d.cfg.ResetTTL, d.cfg.ResetLimit, d.cfg.ResetWindow, NotifyPasswordReset)
	if errors.Is(err, ErrThrottled) {
		d.security(zerolog.WarnLevel, tenant, logActionResetToken, outcomeThrottled, a.ID).Msg("password reset requests throttled")
		return nil
	}
	return err
}

// SetPassword redeems a set-password or reset token: it checks the new
// password against the policy, stores its hash, invalidates every other
// outstanding token of the account, increments the account's
// CredentialsVersion (end the other sessions of the account) and queues a
// NotifyPasswordChanged notification, all in one store write. An unknown,
// expired, used or revoked token is ErrInvalidToken; a weak password is a
// *ValidationError and leaves the token usable. Redemptions and refused
// tokens are logged as security events (account ID, never the token).
func (d *Desk) SetPassword(ctx context.Context, tenant, token, password string) (*Account, error) {
	if err := checkTenant(tenant); err != nil {
		return nil, err
	}
	hash, err := parseToken(token)
	if err != nil {
		d.tokenRefused(tenant, "", "malformed")
		return nil, err
	}
	now := d.now()
	t, err := d.store.GetToken(ctx, tenant, hash)
	if errors.Is(err, ErrNotFound) {
		d.tokenRefused(tenant, "", "unknown")
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, err
	}
	if !t.Usable(now) {
		d.tokenRefused(tenant, t.AccountID, "unusable")
		return nil, ErrInvalidToken
	}
	a, err := d.store.GetAccount(ctx, tenant, t.AccountID)
	if errors.Is(err, ErrNotFound) {
		d.tokenRefused(tenant, t.AccountID, "account_missing")
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, err
	}
	if a.Disabled {
		d.tokenRefused(tenant, a.ID, "account_disabled")
		return nil, ErrInvalidToken
	}
	if err := d.cfg.Passwords.Check(password, a.Username, a.Email); err != nil {
		return nil, err
	}
	encoded, err := d.hasher.Hash(password)
	if err != nil {
		return nil, err
	}
	updated, err := d.store.RedeemToken(ctx, Redemption{
		Tenant:       tenant,
		Hash:         hash,
		Purpose:      t.Purpose,
		AccountID:    a.ID,
		Now:          now,
		PasswordHash: encoded,
		Notes: []Notification{{
			ID:        d.cfg.NewID(),
			Tenant:    tenant,
			Kind:      NotifyPasswordChanged,
			AccountID: a.ID,
			Recipient: a.Email,
			CreatedAt: now,
		}},
	})
	if errors.Is(err, ErrInvalidToken) {
		d.tokenRefused(tenant, a.ID, "lost_race")
	}
	if err != nil {
		return nil, err
	}
	d.security(zerolog.InfoLevel, tenant, logActionRedeemToken, outcomeRedeemed, a.ID).
		Str("purpose", t.Purpose.String()).Msg("token redeemed, password set")
	return updated, nil
}

// tokenRefused logs a refused token redemption; accountID is "" when the
// token named no account.
func (d *Desk) tokenRefused(tenant, accountID, reason string) {
	d.security(zerolog.InfoLevel, tenant, logActionRedeemToken, outcomeInvalidToken, accountID).
		Str("reason", reason).Msg("token refused")
}
