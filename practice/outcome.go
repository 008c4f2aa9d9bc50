package practice

import (
	"time"

	"github.com/shopspring/decimal"
)

// Outcome is the office's decision.
type Outcome struct {
	// Accepted is true for acceptance, false for rejection.
	Accepted bool
	// Motivation explains the decision to the citizen.
	Motivation string
	// Attachments are the outcome documents.
	Attachments []Attachment
	// DecidedBy is the assigned operator's ID; DecidedAt a UTC instant.
	DecidedBy string
	DecidedAt time.Time
	// DeferredAmount is the amount the citizen must pay after acceptance
	// (zero: nothing to pay).
	DeferredAmount decimal.Decimal
	// ProtocolNumber is set once the outcome document is registered.
	ProtocolNumber string
}
