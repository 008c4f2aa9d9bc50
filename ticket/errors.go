package ticket

import (
	"errors"
	"fmt"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/fielderr"
)

// Category sentinels. Every error the package returns matches one of them
// (or auth.ErrForbidden) through errors.Is; the typed errors carry the
// detail. Error strings never carry personal data.
var (
	// ErrNotFound: the record does not exist in the caller's tenant. A
	// record of another tenant is reported as not found, never shown.
	ErrNotFound = errors.New("ticket: not found")
	// ErrConflict: the record changed since it was read (stale version), or
	// a unique value (ID, idempotency key) is already taken. See
	// *ConflictError.
	ErrConflict = errors.New("ticket: conflict")
	// ErrValidation: the input is malformed. See *ValidationError.
	ErrValidation = errors.New("ticket: invalid input")
	// ErrInvalidTransition: the stimulus is not allowed from the request's
	// status. See *TransitionError.
	ErrInvalidTransition = errors.New("ticket: invalid transition")
	// ErrClosed: the request is closed, and so read-only (no log, contact
	// or attachment may be added or removed).
	ErrClosed = errors.New("ticket: request is closed")
	// ErrUnavailable: the storage failed (refused or dropped connection,
	// server starting or shutting down, an error the store does not
	// translate); not the caller's fault, and worth a retry later. Its
	// message names the store and at most the SQLSTATE, never connection
	// details or values.
	ErrUnavailable = errors.New("ticket: storage unavailable")
)

// ErrForbidden is auth.ErrForbidden: permission failures are
// *auth.PermissionError values, as in every sportello package.
var ErrForbidden = auth.ErrForbidden

// FieldError is one invalid field of an input.
type FieldError struct {
	// Field is the input field's name, e.g. "title" or "extra.team".
	Field string
	// Rule names the rule that failed, e.g. "required", "obsolete",
	// "type_mismatch", "choice". Stable: hosts may map it to messages.
	Rule string
	// Message is a human explanation in English, free of personal data.
	Message string
}

// ValidationError lists every invalid field of one input. It matches
// ErrValidation.
type ValidationError struct {
	// Fields lists every invalid field, in the order checked.
	Fields []FieldError
}

// Error lists every field with its message.
func (e *ValidationError) Error() string { return fielderr.Message("ticket", e.Fields) }

// Is reports whether target is ErrValidation.
func (e *ValidationError) Is(target error) bool { return target == ErrValidation }

// Has reports whether field failed the given rule ("" matches any rule).
func (e *ValidationError) Has(field, rule string) bool { return fielderr.Has(e.Fields, field, rule) }

// validationErrors accumulates field errors; err returns nil when empty.
type validationErrors []FieldError

func (v *validationErrors) add(field, rule, msg string) {
	*v = append(*v, FieldError{Field: field, Rule: rule, Message: msg})
}

// invalid returns the *ValidationError of one field.
func invalid(field, rule, msg string) *ValidationError {
	return &ValidationError{Fields: []FieldError{{Field: field, Rule: rule, Message: msg}}}
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
	// Field is "version" for a stale write, "id" for a taken ID,
	// "idempotency_key" for a taken idempotency key, or the name of what
	// still refers to a record that cannot be deleted ("services",
	// "subcategories").
	Field string
}

// Error names the field in conflict, never its value.
func (e *ConflictError) Error() string {
	switch e.Field {
	case "version":
		return "ticket: conflict: the record changed since it was read"
	case "services", "subcategories":
		return "ticket: conflict: the record still has " + e.Field
	}
	return "ticket: conflict: " + e.Field + " already in use"
}

// Is reports whether target is ErrConflict.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// TransitionError says which stimulus was refused from which status. It
// matches ErrInvalidTransition.
type TransitionError struct {
	// ID is the request's ID (empty for a pure table lookup).
	ID string
	// From is the status the request was in.
	From Status
	// Stimulus is the refused stimulus.
	Stimulus Stimulus
}

// Error names the request, the stimulus and the status.
func (e *TransitionError) Error() string {
	if e.ID == "" {
		return fmt.Sprintf("ticket: cannot %s from %s", e.Stimulus, e.From)
	}
	return fmt.Sprintf("ticket %s: cannot %s from %s", e.ID, e.Stimulus, e.From)
}

// Is reports whether target is ErrInvalidTransition.
func (e *TransitionError) Is(target error) bool { return target == ErrInvalidTransition }

// forbidden returns the *auth.PermissionError for action.
func forbidden(a Action, missing string) error {
	return &auth.PermissionError{Action: auth.Action("ticket." + string(a)), Missing: missing}
}
