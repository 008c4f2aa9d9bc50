package payment

import (
	"context"
	"time"

	"github.com/shopspring/decimal"
)

// Gateway is the payment platform (pagoPA, through the host's connector)
// as the Desk sees it. The host implements it; fakegateway is an in-memory
// one for tests and examples.
//
// The Desk names every debt position by the payment record's ID, so that
// the gateway can make each call idempotent: CreatePosition called again for
// a position it already created returns that position, and CancelPosition
// of a position that is already canceled, or was never created, returns
// nil. This is what makes Desk.Create safe to repeat after any failure.
//
// The Desk wraps the gateway's errors in its own and logs those of
// CreatePosition, so their messages must carry no personal data (no
// codice fiscale, no names).
type Gateway interface {
	// CreatePosition creates the debt position of a payment, or returns the
	// one already created for dp.PaymentID. An error matching
	// ErrGatewayRejected is a final refusal; any other error is transient.
	CreatePosition(ctx context.Context, dp DebtPosition) (Position, error)
	// PositionStatus returns the position's current status at the gateway,
	// as a Notification (with the receipt when complete).
	PositionStatus(ctx context.Context, tenant string, id ID) (Notification, error)
	// CancelPosition withdraws the position, so that it can no longer be
	// paid.
	CancelPosition(ctx context.Context, tenant string, id ID) error
}

// DebtPosition is what the Desk asks the gateway to create.
type DebtPosition struct {
	// Tenant and PaymentID name the position; the gateway keys it by them.
	Tenant string
	// PaymentID is the record's ID.
	PaymentID ID
	// Kind is KindPagoPA or KindStampDigital.
	Kind Kind
	// Amount is in euros, with at most 2 decimals.
	Amount decimal.Decimal
	// Reason is the description ("causale").
	Reason string
	// Payer is the debtor's codice fiscale or partita IVA.
	Payer string
	// Subject is what is paid for, e.g. a pratica ID.
	Subject string
	// Service is the public service the subject belongs to.
	Service string
	// DueAt is when the position expires (UTC).
	DueAt time.Time
	// NoticeCode is the code the Desk's Generator issued, or "" to let the
	// gateway assign one.
	NoticeCode string
	// Split divides the amount among beneficiaries; empty means all to the
	// tenant.
	Split []Split
}

// Position is the gateway's answer: the notice code and IUV the payer pays
// with, and the links to show.
type Position struct {
	// NoticeCode is the 18-digit notice code; IUV may be left empty, and
	// is then derived from it.
	NoticeCode string
	// IUV is the unique payment identifier; see NoticeCode.
	IUV string
	// Links are the addresses to show the payer.
	Links Links
}

// Notification is the gateway telling that a position changed status. It
// may arrive twice, late or out of order; Desk.ApplyNotification sorts that
// out.
type Notification struct {
	// Tenant is the creditor body.
	Tenant string
	// PaymentID names the record; when empty, IUV does, and when that is
	// empty too, NoticeCode (whose IUV is looked up). When both IUV and
	// NoticeCode are given they must agree.
	PaymentID ID
	// IUV is the unique payment identifier; see PaymentID.
	IUV string
	// NoticeCode is the 18-digit notice code the payer paid, spaces
	// allowed; optional.
	NoticeCode string `validate:"omitempty,noticecode"`
	// Status is what the gateway reports: payment_pending, payment_started,
	// complete, payment_failed, canceled or expired.
	Status Status
	// Receipt is required with complete.
	Receipt *Receipt
	// Links, when not empty, replace the record's (e.g. the receipt link).
	Links Links
	// At is when it happened at the gateway (informational).
	At time.Time
}
