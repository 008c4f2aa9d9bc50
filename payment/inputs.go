package payment

import (
	"time"

	"github.com/shopspring/decimal"
)

// NewPayment is the input of Desk.Create: a payment collected through the
// gateway (KindPagoPA or KindStampDigital).
type NewPayment struct {
	// Kind is KindPagoPA or KindStampDigital.
	Kind Kind
	// Amount in euros, > 0, at most 2 decimals. Zero for KindStampDigital
	// means the configured stamp duty amount.
	Amount decimal.Decimal
	// Reason is the description; empty means "<subject> - <payer>".
	Reason string
	// Payer is a codice fiscale or partita IVA.
	Payer string
	// Subject names what is paid for (e.g. a pratica ID); Service the public
	// service it belongs to.
	Subject, Service string
	// DueAt is when the record expires; zero means the configured default
	// (90 days after creation).
	DueAt time.Time
	// Split optionally divides the amount among beneficiaries; the shares
	// must sum exactly to Amount.
	Split []Split
	// IdempotencyKey makes Create safe to repeat: a second call with the
	// same key returns the first call's record.
	IdempotencyKey string
}

// NewManual is the input of Desk.RegisterManual: a payment an operator
// received at the counter. The record is complete at once, irreversibly.
type NewManual struct {
	// Amount in euros, > 0, at most 2 decimals.
	Amount decimal.Decimal
	// Reason is the description; empty means "<subject> - <payer>".
	Reason string
	// Payer is a codice fiscale or partita IVA.
	Payer string
	// Subject and Service as in NewPayment.
	Subject, Service string
	// PaidAt is when the money was received; zero means now.
	PaidAt time.Time
	// ReceiptID is the counter's receipt identifier, if any.
	ReceiptID string
	// Note is optional: internal, or shown to the citizen.
	Note *Note
	// IdempotencyKey as in NewPayment.
	IdempotencyKey string
}

// NewStamp is the input of Desk.RegisterStamp: stamp duty paid with a
// physical stamp.
type NewStamp struct {
	// Identifier is the stamp's 14-digit identifier.
	Identifier string
	// IssuedAt is the stamp's issue date and time.
	IssuedAt time.Time
	// Amount zero means the configured stamp duty amount.
	Amount decimal.Decimal
	// Payer, Subject and Service as in NewPayment.
	Payer, Subject, Service string
	// IdempotencyKey as in NewPayment.
	IdempotencyKey string
}
