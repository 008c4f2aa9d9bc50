package auth

import (
	"errors"
	"fmt"
	"time"

	"github.com/sportello/sportello/internal/fielderr"
)

// Category sentinels. Every error the package returns matches exactly one of
// them through errors.Is, so callers can branch on the category and read the
// detail from the typed error with errors.As. Error strings never carry
// personal data: no codice fiscale, e-mail address, name or password.
var (
	// ErrNotFound: the record does not exist in the caller's tenant. A record
	// of another tenant is reported as not found, never shown.
	ErrNotFound = errors.New("auth: not found")
	// ErrConflict: the record changed since it was read (stale version), or a
	// unique value (username, e-mail) is already taken.
	ErrConflict = errors.New("auth: conflict")
	// ErrForbidden: the acting principal lacks a permission. See
	// *PermissionError for which one.
	ErrForbidden = errors.New("auth: forbidden")
	// ErrValidation: the input is malformed. See *ValidationError for the
	// fields and rules.
	ErrValidation = errors.New("auth: invalid input")
	// ErrInvalidCredentials: login failed. Unknown account, wrong password and
	// disabled account all give this same error.
	ErrInvalidCredentials = errors.New("auth: invalid credentials")
	// ErrThrottled: too many recent failures or requests; see *ThrottledError
	// for when to retry.
	ErrThrottled = errors.New("auth: too many attempts")
	// ErrInvalidToken: a set-password or reset token is unknown, expired,
	// already used or revoked. The four cases are deliberately not told apart.
	ErrInvalidToken = errors.New("auth: invalid or expired token")
	// ErrLastAdmin: the change would leave the tenant without an enabled
	// administrator.
	ErrLastAdmin = errors.New("auth: cannot remove the last administrator")
	// ErrProviderUnauthorized: the identity provider refused the
	// organisation (its master account is not registered there). Nothing was
	// changed.
	ErrProviderUnauthorized = errors.New("auth: identity provider refused the organisation")
	// ErrPolicy: the operation is not allowed by the tenant's provider policy
	// (for example switching provider for a class with exactly one).
	ErrPolicy = errors.New("auth: not allowed by provider policy")
	// ErrUnavailable: the store failed (the database refused or dropped the
	// connection, is restarting, or reported an error that is not the
	// caller's fault). The message names the store and at most a SQLSTATE;
	// pgstore's *pgtx.UnavailableError keeps the driver's error for logs
	// through its Cause method. Worth a retry, later.
	ErrUnavailable = errors.New("auth: storage unavailable")
)

// FieldError is one invalid field of an input.
type FieldError struct {
	// Field is the input field's name, e.g. "email" or "password".
	Field string
	// Rule names the rule that failed, e.g. "required", "too_short",
	// "common_password". Stable: hosts may map it to their own messages.
	Rule string
	// Message is a human explanation in English, free of personal data.
	Message string
}

// ValidationError lists every invalid field of one input. It matches
// ErrValidation.
type ValidationError struct {
	// Fields lists the invalid fields, in the order checked.
	Fields []FieldError
}

// Error lists every field with its message.
func (e *ValidationError) Error() string { return fielderr.Message("auth", e.Fields) }

// Is reports whether target is ErrValidation.
func (e *ValidationError) Is(target error) bool { return target == ErrValidation }

// Has reports whether field failed the given rule ("" matches any rule).
func (e *ValidationError) Has(field, rule string) bool { return fielderr.Has(e.Fields, field, rule) }

// validationErrors accumulates field errors; err returns nil when empty.
type validationErrors []FieldError

func (v *validationErrors) add(field, rule, msg string) {
	*v = append(*v, FieldError{Field: field, Rule: rule, Message: msg})
}

func (v validationErrors) err() error {
	if len(v) == 0 {
		return nil
	}
	return &ValidationError{Fields: v}
}

// PermissionError says which permission the principal lacked. It matches
// ErrForbidden.
type PermissionError struct {
	// Action is the attempted action, e.g. "create_operator".
	Action Action
	// Missing names the missing permission, e.g. "role:manager",
	// "service:<id>", "not_admin_target".
	Missing string
}

// Error names the action and the missing permission.
func (e *PermissionError) Error() string {
	return fmt.Sprintf("auth: forbidden: %s requires %s", e.Action, e.Missing)
}

// Is reports whether target is ErrForbidden.
func (e *PermissionError) Is(target error) bool { return target == ErrForbidden }

// ConflictError tells a stale write from a taken unique value. It matches
// ErrConflict.
type ConflictError struct {
	// Field is "version" for a stale write, or the unique field that is
	// already taken: "username", "email", "idempotency_key", "subject".
	Field string
}

// Error names the field in conflict, never its value.
func (e *ConflictError) Error() string {
	if e.Field == "version" {
		return "auth: conflict: the record changed since it was read"
	}
	return "auth: conflict: " + e.Field + " already in use"
}

// Is reports whether target is ErrConflict.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// ThrottledError says when to try again. It matches ErrThrottled.
type ThrottledError struct {
	// RetryAfter is how long, from the refusal, until the next attempt may
	// succeed.
	RetryAfter time.Duration
	// Until is the UTC instant from which the next attempt may succeed.
	Until time.Time
}

// Error gives the exact instant (to the microsecond the Desk keeps) and the
// exact wait, neither rounded, so that a host's Retry-After is never early.
func (e *ThrottledError) Error() string {
	if e.Until.IsZero() {
		return fmt.Sprintf("auth: too many attempts, retry in %s", e.RetryAfter)
	}
	return fmt.Sprintf("auth: too many attempts, retry at %s (in %s)", e.Until.UTC().Format(time.RFC3339Nano), e.RetryAfter)
}

// Is reports whether target is ErrThrottled.
func (e *ThrottledError) Is(target error) bool { return target == ErrThrottled }
