package payment

import (
	"errors"
	"fmt"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/fielderr"
)

// Category sentinels. Every error the package returns matches one of them
// through errors.Is; typed errors carry the detail. Error strings never carry
// personal data (no codice fiscale or partita IVA).
var (
	// ErrNotFound: the record does not exist in the caller's tenant.
	ErrNotFound = errors.New("payment: not found")
	// ErrConflict: the record changed since it was read (stale version), or
	// a unique value (notice code, stamp identifier) is taken.
	ErrConflict = errors.New("payment: conflict")
	// ErrValidation: the input is malformed; see *ValidationError.
	ErrValidation = errors.New("payment: invalid input")
	// ErrInvalidTransition: the record's lifecycle does not allow the move;
	// see *TransitionError.
	ErrInvalidTransition = errors.New("payment: invalid transition")
	// ErrUnavailable: the storage or the gateway failed, not the caller's
	// fault (a connection refused, a server restarting, a gateway timeout
	// or an answer the Desk cannot use). Worth a retry: every command is
	// safe to repeat. Store errors are pgstore's *pgtx.UnavailableError
	// (message without driver text, the cause kept for logs), gateway
	// errors *GatewayError.
	ErrUnavailable = errors.New("payment: unavailable")
)

// GatewayError is a failure of a Gateway call other than a final refusal
// of a debt position (ErrGatewayRejected, which the Desk records). It
// matches ErrUnavailable and unwraps to the gateway's error, so a host may
// still test for its connector's own errors. Gateways keep personal data
// out of their messages (see Gateway).
type GatewayError struct {
	// Op is the call: "create position", "position status" or "cancel
	// position".
	Op string
	// Err is the gateway's error.
	Err error
}

// Error names the call and the gateway's error.
func (e *GatewayError) Error() string { return "payment: gateway: " + e.Op + ": " + e.Err.Error() }

// Is reports whether target is ErrUnavailable.
func (e *GatewayError) Is(target error) bool { return target == ErrUnavailable }

// Unwrap returns the gateway's error.
func (e *GatewayError) Unwrap() error { return e.Err }

// ErrForbidden is auth.ErrForbidden: every refused permission is an
// *auth.PermissionError, whatever package refuses it.
var ErrForbidden = auth.ErrForbidden

// ConflictError says which value conflicted: "version", "notice_code",
// "stamp_identifier" or "idempotency_key". It matches ErrConflict.
type ConflictError struct {
	// Field names the conflicting value.
	Field string
}

// Error names the conflicting field.
func (e *ConflictError) Error() string {
	if e.Field == "version" {
		return "payment: conflict: the record changed since it was read"
	}
	return fmt.Sprintf("payment: conflict: %s already in use", e.Field)
}

// Is reports whether target is ErrConflict.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// ErrGatewayRejected is what a Gateway returns (wrapped or matched through
// Is) when it refuses to create a debt position for good, for example
// because the creditor body is not enabled: the Desk then moves the record
// to creation_failed. Any other gateway error is taken as transient: the
// record stays creation_pending and repeating the call completes it.
var ErrGatewayRejected = errors.New("payment: gateway rejected the debt position")

// FieldError is one invalid field of an input.
type FieldError struct {
	// Field is the input field's name, e.g. "amount" or "split[1].amount".
	Field string
	// Rule names the rule that failed, e.g. "required", "decimals",
	// "split_sum". Stable: hosts may map it to their own messages.
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
func (e *ValidationError) Error() string { return fielderr.Message("payment", e.Fields) }

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

// TransitionError says that a record's lifecycle does not allow a step
// from its current status. It matches ErrInvalidTransition.
type TransitionError struct {
	// ID names the record.
	ID ID
	// From is the record's status.
	From Status
	// Step is the refused step.
	Step Step
}

// Error names the record, the step and the status.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("payment %s: cannot %s from %s", e.ID, e.Step, e.From)
}

// Is reports whether target is ErrInvalidTransition.
func (e *TransitionError) Is(target error) bool { return target == ErrInvalidTransition }

// NoticeCodeError says why a notice code was refused. It matches
// ErrValidation. It never carries the code itself.
type NoticeCodeError struct {
	// Rule is "length" (not 18 digits), "digits" (a character other than a
	// digit or a space), "aux_digit" (not 0, 1 or 3) or "check_digits".
	Rule string
}

// Error names the rule.
func (e *NoticeCodeError) Error() string {
	switch e.Rule {
	case "length":
		return "payment: notice code must have 18 digits"
	case "digits":
		return "payment: notice code must contain only digits and spaces"
	case "aux_digit":
		return "payment: notice code aux digit must be 0, 1 or 3"
	case "check_digits":
		return "payment: notice code check digits do not match"
	}
	return "payment: invalid notice code (" + e.Rule + ")"
}

// Is reports whether target is ErrValidation.
func (e *NoticeCodeError) Is(target error) bool { return target == ErrValidation }
