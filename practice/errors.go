package practice

import (
	"context"
	"errors"
	"fmt"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/fielderr"
	"github.com/sportello/sportello/payment"
)

// Category sentinels. Every error a Desk returns matches exactly one of
// them (or auth.ErrForbidden, through *auth.PermissionError) via
// errors.Is, or is a context error; typed errors carry the detail. The
// payment package's errors come back as a *PaymentError matching the
// sentinel of the same category; the host's Registrar's errors pass
// through unchanged. Error strings never carry personal data (no codice
// fiscale, name or form data). The package documentation says which
// errors are worth a retry.
var (
	// ErrNotFound: the pratica or service does not exist in the caller's
	// tenant. A record of another tenant is reported as not found.
	ErrNotFound = errors.New("practice: not found")
	// ErrConflict: the record changed since it was read (stale version),
	// or a unique value is taken; see *ConflictError.
	ErrConflict = errors.New("practice: conflict")
	// ErrValidation: the input is malformed; see *ValidationError.
	ErrValidation = errors.New("practice: invalid input")
	// ErrInvalidTransition: the lifecycle does not allow the action from
	// the pratica's status under its service's settings; see
	// *TransitionError.
	ErrInvalidTransition = errors.New("practice: invalid transition")
	// ErrUnavailable: a failure that is not the caller's fault. Storage
	// failures (pgstore: a refused or dropped connection, a server
	// starting or stopping, an untranslated SQLSTATE) and payment gateway
	// failures are transient; a service that does not take new pratiche
	// (suspended, private, scheduled, cancelled) or a Desk that lacks what
	// the command needs (Config.Payments, Config.Registrar,
	// Config.Notifier) is not. A citizen whose authentication level is
	// below the service's gets a *auth.PermissionError instead.
	ErrUnavailable = errors.New("practice: unavailable")
)

// ErrForbidden is auth.ErrForbidden: a refused permission is a
// *auth.PermissionError, whatever package refuses it.
var ErrForbidden = auth.ErrForbidden

// FieldError is one invalid field of an input.
type FieldError struct {
	// Field is the input field's name, e.g. "motivation".
	Field string
	// Rule names the failed rule, e.g. "required", "max". Stable.
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
func (e *ValidationError) Error() string { return fielderr.Message("practice", e.Fields) }

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

// ConflictError tells a stale write from a taken unique value. It matches
// ErrConflict.
type ConflictError struct {
	// Field is "version" for a stale write, or the unique field already
	// taken: "id", "idempotency_key".
	Field string
}

// Error names the field in conflict, never its value.
func (e *ConflictError) Error() string {
	if e.Field == "version" {
		return "practice: conflict: the record changed since it was read"
	}
	return "practice: conflict: " + e.Field + " already in use"
}

// Is reports whether target is ErrConflict.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// TransitionError says which action the lifecycle refused. It matches
// ErrInvalidTransition.
type TransitionError struct {
	// ID is the pratica (empty for a check outside a pratica).
	ID ID
	// From is the status the action was attempted in.
	From Status
	// Action is the refused action.
	Action Action
}

// Error names the pratica, the action and the status.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("practice %s: cannot %s from %s", e.ID, e.Action, e.From)
}

// Is reports whether target is ErrInvalidTransition.
func (e *TransitionError) Is(target error) bool { return target == ErrInvalidTransition }

// PaymentError is a failure of the payment package during a command. It
// matches the practice sentinel of the same category: ErrNotFound,
// ErrConflict, ErrValidation or ErrInvalidTransition for the payment
// package's, ErrUnavailable for gateway and storage failures and anything
// else. (A refused permission comes back unchanged, as the
// *auth.PermissionError it is, and so do context errors.)
type PaymentError struct {
	// Op is the payment call that failed: "create", "get", "cancel",
	// "register_manual" or "list".
	Op string

	sentinel error
	cause    error
}

// Error names the call and repeats the payment package's message, which
// carries no personal data.
func (e *PaymentError) Error() string { return "practice: payment " + e.Op + ": " + e.cause.Error() }

// Is matches the practice sentinel of the failure's category.
func (e *PaymentError) Is(target error) bool { return target == e.sentinel }

// Cause returns the payment package's error, for logs. It is not returned
// by Unwrap, so that errors.Is never matches another package's sentinel
// in an error a Desk returns.
func (e *PaymentError) Cause() error { return e.cause }

// paymentError wraps an error of a Payments call as a *PaymentError.
func paymentError(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), errors.Is(err, auth.ErrForbidden):
		return err
	}
	sentinel := ErrUnavailable
	for _, m := range [...]struct{ from, to error }{
		{payment.ErrNotFound, ErrNotFound},
		{payment.ErrConflict, ErrConflict},
		{payment.ErrValidation, ErrValidation},
		{payment.ErrInvalidTransition, ErrInvalidTransition},
	} {
		if errors.Is(err, m.from) {
			sentinel = m.to
			break
		}
	}
	return &PaymentError{Op: op, sentinel: sentinel, cause: err}
}
