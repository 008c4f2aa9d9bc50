package payment

import (
	"errors"
	"fmt"
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
)

// ConflictError says which value conflicted: "version", "notice_code",
// "stamp_identifier" or "idempotency_key". It matches ErrConflict.
type ConflictError struct {
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
