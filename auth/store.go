package auth

import (
	"context"
	"time"
)

// Store keeps everything the Desk needs. It is the union of five narrow
// interfaces so that an adapter can be written, and tested, a part at a
// time. Every method is scoped by tenant: a record of another tenant is
// ErrNotFound, never returned, counted or changed. authtest.Run checks any
// implementation; memstore and pgstore are the two shipped ones.
type Store interface {
	AccountStore
	TokenStore
	AttemptStore
	Outbox
	ProfileStore
}

// AccountStore keeps staff accounts.
type AccountStore interface {
	// CreateAccount inserts a, whose Version must be 0; on success the
	// store sets a.Version to 1. A taken username, e-mail (compared with
	// NormalizeEmail) or idempotency key gives a *ConflictError naming the
	// field. notes are saved in the same write (outbox).
	CreateAccount(ctx context.Context, a *Account, notes []Notification) error
	// GetAccount returns a copy of the account, or ErrNotFound.
	GetAccount(ctx context.Context, tenant, id string) (*Account, error)
	// FindAccount returns the account whose username equals login, or
	// whose e-mail equals login case-insensitively; ErrNotFound otherwise.
	FindAccount(ctx context.Context, tenant, login string) (*Account, error)
	// FindAccountByIdempotencyKey returns the account created with key.
	FindAccountByIdempotencyKey(ctx context.Context, tenant, key string) (*Account, error)
	// UpdateAccount replaces the stored account if its version equals
	// a.Version, then increments a.Version; otherwise *ConflictError
	// {Field: "version"}. Username and e-mail stay unique. The store refuses
	// with ErrLastAdmin an update that would leave a tenant that has an
	// enabled administrator without one, atomically with respect to
	// concurrent updates and deletes. notes are saved in the same write.
	UpdateAccount(ctx context.Context, a *Account, notes []Notification) error
	// DeleteAccount removes the account if its version equals version,
	// with the same conflict and last-admin rules as UpdateAccount. Its
	// outstanding tokens are removed with it.
	DeleteAccount(ctx context.Context, tenant, id string, version int64, notes []Notification) error
	// ListAccounts returns up to limit accounts of the tenant with ID
	// greater than after, ordered by ID (keyset pagination).
	ListAccounts(ctx context.Context, tenant, after string, limit int) ([]*Account, error)
	// CountAdmins returns how many enabled administrators the tenant has.
	CountAdmins(ctx context.Context, tenant string) (int, error)
}

// TokenPurpose says what a token is for.
type TokenPurpose uint8

const (
	// PurposeSetPassword: the first password of a newly created account.
	PurposeSetPassword TokenPurpose = iota + 1
	// PurposeReset: a password reset requested by the account holder.
	PurposeReset
)

// String returns "set_password" or "reset".
func (p TokenPurpose) String() string {
	switch p {
	case PurposeSetPassword:
		return "set_password"
	case PurposeReset:
		return "reset"
	}
	return "unknown"
}

// TokenHash is the SHA-256 of a token. Only the hash is ever stored; the
// token itself exists in the notification sent to the account holder.
type TokenHash [32]byte

// Token is a stored single-use token.
type Token struct {
	// Tenant and AccountID name the account the token acts on.
	Tenant, AccountID string
	// Hash is the SHA-256 of the token.
	Hash TokenHash
	// Purpose is set-password or reset.
	Purpose TokenPurpose
	// CreatedAt and ExpiresAt are UTC instants.
	CreatedAt, ExpiresAt time.Time
	// UsedAt is set when the token was redeemed; RevokedAt when another
	// token of the account was redeemed first, or a newer one replaced it.
	UsedAt, RevokedAt time.Time
}

// Usable reports whether the token can still be redeemed at now.
func (t *Token) Usable(now time.Time) bool {
	return t.UsedAt.IsZero() && t.RevokedAt.IsZero() && now.Before(t.ExpiresAt)
}

// Redemption is the atomic use of a token to set an account's password.
type Redemption struct {
	// Tenant is the tenant of the account and the token.
	Tenant string
	// Hash names the token; it must belong to AccountID, have Purpose, and
	// be usable at Now.
	Hash      TokenHash
	Purpose   TokenPurpose
	AccountID string
	Now       time.Time
	// PasswordHash becomes the account's password hash.
	PasswordHash string
	// Notes are saved in the same write (the "password changed" notice).
	Notes []Notification
}

// TokenStore keeps set-password and reset tokens.
type TokenStore interface {
	// CreateToken stores t unless the account already has max or more
	// tokens of the same purpose created at or after since: then it returns
	// ErrThrottled and stores nothing. The count and the insert are one
	// atomic step. max <= 0 means no limit.
	CreateToken(ctx context.Context, t *Token, max int, since time.Time) error
	// GetToken returns the token with hash h, usable or not, or ErrNotFound.
	GetToken(ctx context.Context, tenant string, h TokenHash) (*Token, error)
	// RedeemToken atomically checks that the token is usable, marks it
	// used, revokes every other unused token of the account, sets the
	// password hash, increments CredentialsVersion and Version, sets
	// UpdatedAt to Now and saves the notes. Any check failing, or the
	// account being disabled, gives ErrInvalidToken and changes nothing. Of
	// many concurrent redemptions of one token exactly one succeeds.
	RedeemToken(ctx context.Context, r Redemption) (*Account, error)
	// PruneTokens deletes the tenant's tokens that expired before before,
	// used or not, and returns how many.
	PruneTokens(ctx context.Context, tenant string, before time.Time) (int, error)
}

// LoginAttempts counts the recent failed logins for one key (an account, or
// an unknown login name).
type LoginAttempts struct {
	// Failures within the window that started at First.
	Failures int
	// First and Last failure of the window.
	First, Last time.Time
}

// AttemptStore counts failed logins for throttling.
type AttemptStore interface {
	// LoginAttempts returns the attempts recorded for key (zero if none).
	LoginAttempts(ctx context.Context, tenant, key string) (LoginAttempts, error)
	// RecordLoginFailure atomically adds one failure at time at: when the
	// recorded window started before at-window, the count restarts at 1.
	// It returns the attempts after the change.
	RecordLoginFailure(ctx context.Context, tenant, key string, at time.Time, window time.Duration) (LoginAttempts, error)
	// ClearLoginAttempts forgets the failures of key.
	ClearLoginAttempts(ctx context.Context, tenant, key string) error
	// PruneLoginAttempts deletes the tenant's counters whose last failure is
	// before before, and returns how many.
	PruneLoginAttempts(ctx context.Context, tenant string, before time.Time) (int, error)
}

// Outbox keeps notifications saved with the state change that caused them
// until the host has delivered them. It follows the claim rule every
// sportello wing shares (internal/outbox): entries are kept in the order
// they were saved, and one record's (Notification.Record) later entries
// are never claimed while an earlier one is still in the outbox under
// lease.
type Outbox interface {
	// ClaimNotifications leases, until now+lease, up to limit (<= 0: 100;
	// never more than 1000) of the tenant's notifications that are not
	// under lease and have no earlier notification of their record under
	// lease, and returns them in the order they were saved. Two concurrent
	// claimers never get the same notification while its lease runs. A
	// lease <= 0 leases nothing.
	ClaimNotifications(ctx context.Context, tenant string, now time.Time, lease time.Duration, limit int) ([]Notification, error)
	// AckNotification removes a delivered notification; it is never
	// claimed again. Acknowledging twice, or an unknown ID, is not an
	// error.
	AckNotification(ctx context.Context, tenant, id string) error
}

// ProfileStore keeps login profiles provisioned under a provider policy.
type ProfileStore interface {
	// CreateProfile inserts p (Version 0 → 1). A second profile for the
	// same subject is a *ConflictError{Field: "subject"}.
	CreateProfile(ctx context.Context, p *Profile, notes []Notification) error
	// GetProfile returns a copy of the profile, or ErrNotFound.
	GetProfile(ctx context.Context, tenant, id string) (*Profile, error)
	// FindProfileBySubject returns the profile of a subject, or ErrNotFound.
	FindProfileBySubject(ctx context.Context, tenant, subjectID string) (*Profile, error)
	// UpdateProfile replaces the profile if its version equals p.Version,
	// then increments p.Version; otherwise *ConflictError{Field: "version"}.
	UpdateProfile(ctx context.Context, p *Profile, notes []Notification) error
}
