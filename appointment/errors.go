package appointment

import (
	"errors"
	"fmt"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/fielderr"
)

// Category sentinels. Every error the package makes matches exactly one of
// them (or auth.ErrForbidden through *auth.PermissionError) via errors.Is;
// typed errors carry the detail. Error strings never carry personal data
// (no codice fiscale, name, e-mail or notes).
var (
	// ErrNotFound: the booking does not exist in the caller's tenant (a
	// booking of another tenant is reported as not found), or a draft
	// expired and was swept.
	ErrNotFound = errors.New("appointment: not found")
	// ErrConflict: the booking changed since it was read (stale version),
	// a unique value is taken (another active booking of the same
	// pratica), or a capacity limit refused the booking: see
	// *ConflictError and *CapacityError.
	ErrConflict = errors.New("appointment: conflict")
	// ErrValidation: the input is malformed, or the slot is not offered by
	// the calendar (see *ValidationError and *SlotError).
	ErrValidation = errors.New("appointment: invalid input")
	// ErrInvalidTransition: the lifecycle does not allow the action from
	// the booking's status; see *TransitionError.
	ErrInvalidTransition = errors.New("appointment: invalid transition")
	// ErrUnavailable: the storage or the calendar wing failed; not the
	// caller's fault.
	ErrUnavailable = errors.New("appointment: unavailable")
)

// The capacity refusals. Each is also ErrConflict: the booking is refused
// because of what others booked, and the same request may succeed later.
var (
	// ErrSlotFull: every place of the slot (its queue) is taken.
	ErrSlotFull = errors.New("appointment: slot full")
	// ErrDayFull: the calendar's per-day limit is reached on that day.
	ErrDayFull = errors.New("appointment: day full")
	// ErrCitizenLimit: the citizen already holds as many active bookings
	// as the calendar allows (Limits.PerCitizen), or an overlapping one on
	// a calendar that does not allow overlaps.
	ErrCitizenLimit = errors.New("appointment: citizen limit reached")
)

// ErrForbidden is auth.ErrForbidden: a refused permission is a
// *auth.PermissionError, whatever package refuses it.
var ErrForbidden = auth.ErrForbidden

// FieldError is one invalid field of an input.
type FieldError struct {
	// Field is the input field's name, e.g. "email".
	Field string
	// Rule names the failed rule, e.g. "required", "max", "text". Stable.
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
func (e *ValidationError) Error() string { return fielderr.Message("appointment", e.Fields) }

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

// invalid returns the *ValidationError of one field.
func invalid(field, rule, msg string) *ValidationError {
	return &ValidationError{Fields: []FieldError{{Field: field, Rule: rule, Message: msg}}}
}

// ConflictError tells a stale write from a taken unique value. It matches
// ErrConflict.
type ConflictError struct {
	// Field is "version" for a stale write, or the unique field already
	// taken: "id", "practice_id" (the pratica has another active
	// booking), "notification_id".
	Field string
}

// Error names the field in conflict, never its value.
func (e *ConflictError) Error() string {
	switch e.Field {
	case "version":
		return "appointment: conflict: the booking changed since it was read"
	case "practice_id":
		return "appointment: conflict: the pratica already has an active booking"
	}
	return "appointment: conflict: " + e.Field + " already in use"
}

// Is reports whether target is ErrConflict.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// Limit names the capacity rule that refused a booking.
type Limit uint8

// The limits a store checks when it books or moves.
const (
	// LimitSlot: the slot's queue.
	LimitSlot Limit = iota + 1
	// LimitDay: the calendar's places per local day.
	LimitDay
	// LimitCitizen: the citizen's active bookings (or overlaps).
	LimitCitizen
)

// String returns "slot", "day" or "citizen".
func (l Limit) String() string {
	switch l {
	case LimitSlot:
		return "slot"
	case LimitDay:
		return "day"
	case LimitCitizen:
		return "citizen"
	}
	return "unknown"
}

// CapacityError is a booking or move refused by a capacity limit. It
// matches ErrConflict and the limit's own sentinel: ErrSlotFull,
// ErrDayFull or ErrCitizenLimit.
type CapacityError struct {
	// Limit is the rule that refused.
	Limit Limit
}

// Full returns the *CapacityError of l; stores return it.
func Full(l Limit) error { return &CapacityError{Limit: l} }

// Error names the limit.
func (e *CapacityError) Error() string {
	switch e.Limit {
	case LimitSlot:
		return ErrSlotFull.Error()
	case LimitDay:
		return ErrDayFull.Error()
	case LimitCitizen:
		return ErrCitizenLimit.Error()
	}
	return "appointment: capacity exceeded"
}

// Is reports whether target is ErrConflict or the limit's sentinel.
func (e *CapacityError) Is(target error) bool {
	switch target {
	case ErrConflict:
		return true
	case ErrSlotFull:
		return e.Limit == LimitSlot
	case ErrDayFull:
		return e.Limit == LimitDay
	case ErrCitizenLimit:
		return e.Limit == LimitCitizen
	}
	return false
}

// TransitionError says which action the lifecycle refused. It matches
// ErrInvalidTransition.
type TransitionError struct {
	// ID is the booking (empty for a check outside a booking).
	ID ID
	// From is the status the action was attempted in.
	From Status
	// Action is the refused action.
	Action Action
	// Reason, when set, says which condition failed ("not_started",
	// "started", "cancel_deadline", "draft_expired").
	Reason string
}

// Error names the booking, the action and the status.
func (e *TransitionError) Error() string {
	msg := fmt.Sprintf("appointment %s: cannot %s from %s", e.ID, e.Action, e.From)
	if e.Reason != "" {
		msg += " (" + e.Reason + ")"
	}
	return msg
}

// Is reports whether target is ErrInvalidTransition.
func (e *TransitionError) Is(target error) bool { return target == ErrInvalidTransition }

// SlotError is a requested slot the calendar does not offer (closed, too
// soon, too far, not on the grid, past). It matches ErrValidation, and
// unwraps to the calendar's *calendar.SlotError (which matches
// calendar.ErrSlotUnavailable).
type SlotError struct {
	// Err is the calendar's refusal.
	Err error
}

// Error returns the calendar's message.
func (e *SlotError) Error() string { return "appointment: " + e.Err.Error() }

// Is reports whether target is ErrValidation.
func (e *SlotError) Is(target error) bool { return target == ErrValidation }

// Unwrap returns the calendar's error.
func (e *SlotError) Unwrap() error { return e.Err }

// UnavailableError wraps a failure of a dependency (the calendar wing, the
// store) that is not the caller's fault. It matches ErrUnavailable; its
// message carries no detail of the cause, which Cause returns for logs.
type UnavailableError struct {
	// What names the failed dependency, e.g. "calendar".
	What  string
	cause error
}

// Error names the dependency only.
func (e *UnavailableError) Error() string { return "appointment: " + e.What + " unavailable" }

// Is reports whether target is ErrUnavailable.
func (e *UnavailableError) Is(target error) bool { return target == ErrUnavailable }

// Cause returns the underlying error, for logs.
func (e *UnavailableError) Cause() error { return e.cause }
