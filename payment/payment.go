package payment

import (
	"time"

	"github.com/shopspring/decimal"
)

// ID identifies a payment record within its tenant.
type ID string

// Kind says how a payment is made.
type Kind string

// The kinds of payment.
const (
	// KindPagoPA is a pagoPA payment: up front, or deferred with the amount
	// set by an operator.
	KindPagoPA Kind = "pagopa"
	// KindStampDigital is stamp duty paid digitally through the gateway.
	KindStampDigital Kind = "stamp_digital"
	// KindStampPhysical is stamp duty paid with a physical stamp, recorded by
	// its 14-digit identifier and its issue date and time.
	KindStampPhysical Kind = "stamp_physical"
	// KindManual is a payment an operator registered by hand (paid at the
	// counter). Irreversible.
	KindManual Kind = "manual"
)

// Receipt is the proof of a completed payment.
type Receipt struct {
	// PaidAt is the UTC instant the payer paid.
	PaidAt time.Time
	// PSP names the payment service provider that took the money.
	PSP string
	// ReceiptID is the provider's (or the counter's) receipt identifier.
	ReceiptID string
}

// Links are the addresses a portal shows to the payer.
type Links struct {
	// Online is where to pay online; Notice the printable notice; Receipt
	// the receipt once paid. Any may be empty.
	Online, Notice, Receipt string
}

// Split is one beneficiary's share of a payment. The shares of a payment sum
// exactly to its amount.
type Split struct {
	// Beneficiary is the creditor body's fiscal code (11 digits).
	Beneficiary string
	// Amount is this beneficiary's share, > 0, at most 2 decimals.
	Amount decimal.Decimal
	// Reason describes the share.
	Reason string
}

// Stamp records a physical stamp ("marca da bollo").
type Stamp struct {
	// Identifier is the stamp's 14-digit identifier. No identifier is ever
	// registered twice.
	Identifier string
	// IssuedAt is the stamp's issue date and time (UTC).
	IssuedAt time.Time
}

// Note is an operator's note on a manually registered payment.
type Note struct {
	// Text is the note.
	Text string
	// Internal notes are for operators only; others are shown to the
	// citizen.
	Internal bool
}

// Change is one entry of a payment's history.
type Change struct {
	// At is the UTC instant of the change.
	At time.Time
	// From and To are the statuses before and after; From is empty for the
	// creation.
	From, To Status
	// Source says what caused it: "create", "gateway", "manual", "sweep",
	// "cancel".
	Source string
	// Actor is the acting principal's ID, empty for gateway notifications.
	Actor string
}

// Payment is a payment record.
type Payment struct {
	// ID identifies the record within its tenant.
	ID ID
	// Tenant is the public body the record belongs to.
	Tenant string
	// Kind says how the payment is made.
	Kind Kind
	// Status is the record's place in the lifecycle.
	Status Status
	// Amount is in euros, > 0, at most 2 decimals.
	Amount decimal.Decimal
	// Reason is the payment's description ("causale").
	Reason string
	// Payer is the payer's codice fiscale or partita IVA.
	Payer string
	// Subject names what is paid for, e.g. a pratica ID.
	Subject string
	// Service is the public service the subject belongs to; operators
	// enabled for it may work on the payment.
	Service string
	// DueAt is when the record expires unless paid (UTC).
	DueAt time.Time
	// NoticeCode is the 18-digit pagoPA notice code, and IUV the unique
	// payment identifier inside it; empty for kinds without one.
	NoticeCode string
	// IUV is the unique payment identifier ("identificativo univoco di
	// versamento").
	IUV string
	// Receipt is set once the payment is complete.
	Receipt *Receipt
	// Links are set by the gateway.
	Links Links
	// Split lists the beneficiaries; empty means the whole amount goes to
	// the tenant.
	Split []Split
	// Stamp is set for KindStampPhysical.
	Stamp *Stamp
	// Note is set for KindManual when the operator wrote one.
	Note *Note
	// IdempotencyKey is the key the record was created with, unique per
	// tenant when not empty.
	IdempotencyKey string
	// CreatedBy is the creating principal's ID.
	CreatedBy string
	// CreatedAt and UpdatedAt are UTC instants.
	CreatedAt, UpdatedAt time.Time
	// History lists every status change, oldest first.
	History []Change
	// Version is incremented by every stored update (optimistic
	// concurrency).
	Version int64
}

// Clone returns a deep copy of p.
func (p *Payment) Clone() *Payment {
	if p == nil {
		return nil
	}
	c := *p
	if p.Receipt != nil {
		r := *p.Receipt
		c.Receipt = &r
	}
	if p.Stamp != nil {
		s := *p.Stamp
		c.Stamp = &s
	}
	if p.Note != nil {
		n := *p.Note
		c.Note = &n
	}
	c.Split = append([]Split(nil), p.Split...)
	c.History = append([]Change(nil), p.History...)
	return &c
}
