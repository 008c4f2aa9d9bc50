package calendar

import (
	"errors"
	"fmt"
	"time"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/fielderr"
)

// Category sentinels. Every error the package returns matches one of them
// (or auth.ErrForbidden, or a context error) through errors.Is; the typed
// errors carry the detail. Error strings never carry personal data.
var (
	// ErrNotFound: the record does not exist in the caller's tenant. A
	// record of another tenant is reported as not found, never shown.
	ErrNotFound = errors.New("calendar: not found")
	// ErrConflict: the record changed since it was read (stale version), a
	// unique value (ID, title) is already taken, or a change is refused
	// because of what depends on it. See *ConflictError.
	ErrConflict = errors.New("calendar: conflict")
	// ErrValidation: the input is malformed. See *ValidationError and
	// *ICSError.
	ErrValidation = errors.New("calendar: invalid input")
	// ErrUnavailable: the storage (or a dependency such as the
	// BookingCounter) failed; not the caller's fault.
	ErrUnavailable = errors.New("calendar: unavailable")
	// ErrSlotUnavailable: a requested slot is not offered by the calendar.
	// See *SlotError.
	ErrSlotUnavailable = errors.New("calendar: slot unavailable")
)

// ErrForbidden is auth.ErrForbidden: permission failures are
// *auth.PermissionError values, as in every sportello package.
var ErrForbidden = auth.ErrForbidden

// FieldError is one invalid field of an input.
type FieldError struct {
	// Field is the input field's name, e.g. "title" or "limits.per_day".
	Field string
	// Rule names the rule that failed, e.g. "required", "max", "rrule".
	// Stable: hosts may map it to messages.
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
func (e *ValidationError) Error() string { return fielderr.Message("calendar", e.Fields) }

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

// ConflictError tells a stale write from a taken unique value or a
// refused change. It matches ErrConflict.
type ConflictError struct {
	// Field is "version" for a stale write, "calendar" for a change of a
	// calendar's opening hours or closures made while another change of
	// the same calendar was saved (the Desk reads again and retries a few
	// times before returning it), "id" or "title" for a taken value, "opening_hours" for an opening hour that overlaps another of
	// the same calendar, "bookings" for meeting or interval minutes that
	// future active bookings still use.
	Field string
}

// Error names the field in conflict, never its value.
func (e *ConflictError) Error() string {
	switch e.Field {
	case "version":
		return "calendar: conflict: the record changed since it was read"
	case "calendar":
		return "calendar: conflict: the calendar changed since it was read"
	case "opening_hours":
		return "calendar: conflict: the opening hour overlaps another opening hour of the calendar"
	case "bookings":
		return "calendar: conflict: future active bookings use the opening hour's meeting and interval minutes"
	}
	return "calendar: conflict: " + e.Field + " already in use"
}

// Is reports whether target is ErrConflict.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// SlotReason says why a slot is not offered.
type SlotReason uint8

// The reasons FindSlot refuses a slot.
const (
	// SlotClosed: the slot touches a closure.
	SlotClosed SlotReason = iota + 1
	// SlotTooSoon: the slot starts before now plus the minimum notice.
	SlotTooSoon
	// SlotTooFar: the slot starts after the last bookable day (rolling
	// days).
	SlotTooFar
	// SlotNotOnGrid: no opening hour offers a slot with that start and end.
	SlotNotOnGrid
	// SlotPast: the slot starts before now.
	SlotPast
)

// String returns "closed", "too_soon", "too_far", "not_on_grid" or "past".
func (r SlotReason) String() string {
	switch r {
	case SlotClosed:
		return "closed"
	case SlotTooSoon:
		return "too_soon"
	case SlotTooFar:
		return "too_far"
	case SlotNotOnGrid:
		return "not_on_grid"
	case SlotPast:
		return "past"
	}
	return "unknown"
}

// SlotError says why the slot starting at Start is not offered. It matches
// ErrSlotUnavailable.
type SlotError struct {
	// Start is the requested start (UTC).
	Start time.Time
	// Reason is why the slot is refused.
	Reason SlotReason
}

// Error names the start and the reason.
func (e *SlotError) Error() string {
	return fmt.Sprintf("calendar: slot at %s unavailable: %s", e.Start.UTC().Format(time.RFC3339), e.Reason)
}

// Is reports whether target is ErrSlotUnavailable.
func (e *SlotError) Is(target error) bool { return target == ErrSlotUnavailable }

// ICSError reports iCalendar input that cannot be read. It matches
// ErrValidation. Its message never quotes the input.
type ICSError struct {
	// Event is the 1-based number of the event (VEVENT) at fault, 0 when the
	// whole text is unreadable.
	Event int
	// Problem is a short description, e.g. "unparsable", "missing DTSTART".
	Problem string
}

// Error names the event and the problem.
func (e *ICSError) Error() string {
	if e.Event == 0 {
		return "calendar: invalid iCalendar input: " + e.Problem
	}
	return fmt.Sprintf("calendar: invalid iCalendar input: event %d: %s", e.Event, e.Problem)
}

// Is reports whether target is ErrValidation.
func (e *ICSError) Is(target error) bool { return target == ErrValidation }
