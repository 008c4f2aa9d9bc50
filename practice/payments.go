package practice

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/payment"
)

// The Desk calls Payments as the system principal of the pratica's tenant:
// the pratica has already authorized the acting citizen or operator, who
// is recorded in the pratica's history.

// paymentKey derives the idempotency key of the next payment of purpose
// for p: "<practiceID>/<purpose>/<n>", n counting p's earlier payments of
// that purpose. A payment reference is saved in the same write as the
// status change it causes, so repeating a failed command derives the same
// key and finds the payment the first attempt created.
func paymentKey(p *Practice, purpose PaymentPurpose) string {
	n := 0
	for _, r := range p.Payments {
		if r.Purpose == purpose {
			n++
		}
	}
	return fmt.Sprintf("%s/%s/%d", p.ID, purpose, n)
}

// openPayment reports whether the payment status still awaits the payer.
func openPayment(s payment.Status) bool {
	switch s {
	case payment.StatusCreationPending, payment.StatusPending, payment.StatusStarted:
		return true
	}
	return false
}

func (d *Desk) needPayments() error {
	if d.payments == nil {
		return fmt.Errorf("%w: no payments configured", ErrUnavailable)
	}
	return nil
}

// createPayment creates (or, on a repeat, finds) the payment and records
// its reference on the pratica.
func (c *change) createPayment(ctx context.Context, kind payment.Kind, purpose PaymentPurpose, amount decimal.Decimal) error {
	if err := c.d.needPayments(); err != nil {
		return err
	}
	pay, err := c.d.payments.Create(ctx, auth.System(c.p.Tenant), payment.NewPayment{
		Kind: kind, Amount: amount, Reason: c.svc.PaymentReason, Payer: c.p.Owner.FiscalCode,
		Subject: string(c.p.ID), Service: c.p.Service, IdempotencyKey: paymentKey(c.p, purpose),
	})
	if err != nil {
		return err
	}
	c.p.Payments = append(c.p.Payments, PaymentRef{ID: pay.ID, Purpose: purpose, Amount: pay.Amount, Status: pay.Status, CreatedAt: c.now})
	return nil
}

// currentPayment returns the newest up-front or deferred payment reference
// (the one that drives the status), or nil.
func currentPayment(p *Practice) *PaymentRef {
	for i := len(p.Payments) - 1; i >= 0; i-- {
		if r := &p.Payments[i]; r.Purpose == PurposeUpFront || r.Purpose == PurposeDeferred {
			return r
		}
	}
	return nil
}

// Pay starts paying (owner). In 1000, for services with up-front payment,
// it creates the payment and moves to 1500. In 1500 it creates a new
// payment only when none is open (the previous one failed or expired);
// otherwise it returns the pratica unchanged. The payment's links (read
// with the payment package) take the citizen to the gateway; its outcome
// arrives through ApplyPaymentOutcome. Repeating Pay after a failure
// creates no second payment.
func (d *Desk) Pay(ctx context.Context, who auth.Principal, id ID) (*Practice, error) {
	c, err := d.load(ctx, who, id, ActionPay)
	if err != nil {
		return nil, err
	}
	to, err := step(c.p, ActionPay, c.facts())
	if err != nil {
		return nil, err
	}
	purpose, amount := PurposeUpFront, c.svc.PaymentAmount
	if c.p.Status == StatusPaymentPending {
		if cur := currentPayment(c.p); cur != nil && openPayment(cur.Status) {
			return forCaller(who, c.p), nil
		}
		if c.p.Outcome != nil && c.p.Outcome.Accepted {
			purpose, amount = PurposeDeferred, c.p.Outcome.DeferredAmount
		}
	}
	if err := c.createPayment(ctx, payment.KindPagoPA, purpose, amount); err != nil {
		return nil, err
	}
	c.moveTo(ActionPay, to, "")
	return c.save(ctx)
}

// Accept accepts the pratica (assigned operator only; 4000, 4500). For a
// service with deferred payment and an amount > 0 (Decision.Amount, else
// the service's PaymentAmount) it creates the payment and moves to 1500;
// the payment's completion moves on to 6000/7000. Otherwise it moves to
// 6000 with protocol, else 7000. Repeating Accept after a failure creates
// no second payment.
func (d *Desk) Accept(ctx context.Context, who auth.Principal, id ID, in Decision) (*Practice, error) {
	if err := d.validateInput(in); err != nil {
		return nil, err
	}
	if err := checkAmount(in.Amount); err != nil {
		return nil, err
	}
	c, err := d.load(ctx, who, id, ActionAccept)
	if err != nil {
		return nil, err
	}
	amount := decimal.Zero
	var extra Facts
	if c.svc.Payment == PaymentDeferred {
		amount = in.Amount
		if amount.IsZero() {
			amount = c.svc.PaymentAmount
		}
		if amount.IsPositive() {
			extra = FactAmountDue
		}
	} else if !in.Amount.IsZero() {
		return nil, &ValidationError{Fields: []FieldError{{Field: "amount", Rule: "excluded", Message: "must be zero for a service without deferred payment"}}}
	}
	to, err := step(c.p, ActionAccept, c.facts()|extra)
	if err != nil {
		return nil, err
	}
	if extra != 0 {
		if err := c.createPayment(ctx, payment.KindPagoPA, PurposeDeferred, amount); err != nil {
			return nil, err
		}
	}
	mid := c.message(VisibilityApplicant, "", in.Motivation, in.Attachments)
	c.p.Outcome = &Outcome{Accepted: true, Motivation: in.Motivation, Attachments: slices.Clone(in.Attachments),
		DecidedBy: who.ID, DecidedAt: c.now, DeferredAmount: amount}
	c.moveTo(ActionAccept, to, mid)
	return c.save(ctx)
}

// checkAmount refuses an input amount that is negative or has more than 2
// decimals.
func checkAmount(a decimal.Decimal) error {
	if a.IsNegative() || !a.Equal(a.Round(2)) {
		return &ValidationError{Fields: []FieldError{{Field: "amount", Rule: "amount", Message: "must be a non-negative amount with at most 2 decimals"}}}
	}
	return nil
}

// ManualPayment is the input of RegisterPayment.
type ManualPayment struct {
	// Amount received; zero means the amount of the pending payment (or
	// the service's PaymentAmount).
	Amount decimal.Decimal
	// PaidAt is when the money was received; zero means now.
	PaidAt time.Time
	// ReceiptID is the counter's receipt identifier, if any.
	ReceiptID string `validate:"max=200"`
	// Note is optional; NoteInternal keeps it for operators, else the
	// citizen reads it.
	Note         string `validate:"max=20000"`
	NoteInternal bool
}

// RegisterPayment registers a payment received by hand (enabled operator;
// 1500, 1510 → 1520, then on to 1900 or 6000/7000). Irreversible. The
// pending gateway payment, if any, is cancelled. Repeating after a
// failure registers no second payment.
func (d *Desk) RegisterPayment(ctx context.Context, who auth.Principal, id ID, in ManualPayment) (*Practice, error) {
	if err := d.validateInput(in); err != nil {
		return nil, err
	}
	if err := checkAmount(in.Amount); err != nil {
		return nil, err
	}
	c, err := d.load(ctx, who, id, ActionRegisterPayment)
	if err != nil {
		return nil, err
	}
	to, err := step(c.p, ActionRegisterPayment, c.facts())
	if err != nil {
		return nil, err
	}
	if err := d.needPayments(); err != nil {
		return nil, err
	}
	sys := auth.System(c.p.Tenant)
	amount := in.Amount
	if amount.IsZero() {
		amount = c.svc.PaymentAmount
		if cur := currentPayment(c.p); cur != nil {
			amount = cur.Amount
		}
	}
	var note *payment.Note
	if in.Note != "" {
		note = &payment.Note{Text: in.Note, Internal: in.NoteInternal}
	}
	paidAt := in.PaidAt.UTC()
	if paidAt.IsZero() {
		paidAt = c.now
	}
	manual, err := d.payments.RegisterManual(ctx, sys, payment.NewManual{
		Amount: amount, Payer: c.p.Owner.FiscalCode, Subject: string(c.p.ID), Service: c.p.Service,
		PaidAt: paidAt, ReceiptID: in.ReceiptID, Note: note, IdempotencyKey: paymentKey(c.p, PurposeManual),
	})
	if err != nil {
		return nil, err
	}
	for i := range c.p.Payments {
		r := &c.p.Payments[i]
		if !openPayment(r.Status) {
			continue
		}
		st, err := d.cancelPayment(ctx, sys, r.ID)
		if err != nil {
			return nil, err
		}
		r.Status = st
	}
	c.p.Payments = append(c.p.Payments, PaymentRef{ID: manual.ID, Purpose: PurposeManual, Amount: manual.Amount, Status: manual.Status, CreatedAt: c.now})
	mid := ""
	if note != nil {
		vis := VisibilityApplicant
		if note.Internal {
			vis = VisibilityInternal
		}
		mid = c.message(vis, "", note.Text, nil)
	}
	c.moveTo(ActionRegisterPayment, to, mid)
	c.paymentDone()
	return c.save(ctx)
}

// cancelPayment cancels an open gateway payment and returns its status.
// A payment the payment package will not cancel (already cancelled by an
// earlier attempt, expired, paid, or started at a PSP) is not an error:
// its current status is returned and the manual registration goes on.
func (d *Desk) cancelPayment(ctx context.Context, sys auth.Principal, id payment.ID) (payment.Status, error) {
	pay, err := d.payments.Cancel(ctx, sys, id)
	if err == nil {
		return pay.Status, nil
	}
	got, gerr := d.payments.Get(ctx, sys, id)
	if gerr != nil {
		return "", errors.Join(err, gerr)
	}
	if openPayment(got.Status) && !errors.Is(err, payment.ErrInvalidTransition) {
		return "", err
	}
	return got.Status, nil
}

// outcomeFacts returns the fact a payment status reports.
func outcomeFacts(s payment.Status) Facts {
	switch s {
	case payment.StatusStarted:
		return FactPaymentStarted
	case payment.StatusComplete:
		return FactPaymentComplete
	case payment.StatusFailed, payment.StatusExpired, payment.StatusCanceled, payment.StatusCreationFailed:
		return FactPaymentFailed
	}
	return 0
}

// ApplyPaymentOutcome reads a payment of the pratica from the payment
// package and applies its status (system; for example when draining the
// payment package's events). For the pratica's current up-front or
// deferred payment in 1500/1510: started → 1510; complete → 1520 and on
// to 1900 (up front) or 6000/7000 (deferred, after acceptance); failed,
// expired or cancelled → 1530. Other payments (stamp duty, superseded
// ones) only have their status recorded. Applying the same status twice
// changes nothing, so the call is safe to repeat.
func (d *Desk) ApplyPaymentOutcome(ctx context.Context, who auth.Principal, id ID, paymentID payment.ID) (*Practice, error) {
	c, err := d.load(ctx, who, id, ActionPaymentOutcome)
	if err != nil {
		return nil, err
	}
	if err := d.needPayments(); err != nil {
		return nil, err
	}
	idx := -1
	for i := range c.p.Payments {
		if c.p.Payments[i].ID == paymentID {
			idx = i
		}
	}
	if idx < 0 {
		return nil, ErrNotFound
	}
	pay, err := d.payments.Get(ctx, auth.System(c.p.Tenant), paymentID)
	if err != nil {
		return nil, err
	}
	ref := &c.p.Payments[idx]
	if ref.Status == pay.Status {
		return forCaller(who, c.p), nil
	}
	ref.Status = pay.Status
	c.p.UpdatedAt = c.now
	if ref == currentPayment(c.p) {
		if to, ok := Next(c.p.Status, ActionPaymentOutcome, c.facts()|outcomeFacts(pay.Status)); ok {
			c.moveTo(ActionPaymentOutcome, to, "")
			c.paymentDone()
		}
	}
	return c.save(ctx)
}

// RequestStampDuty asks the citizen to pay stamp duty ("imposta di
// bollo") digitally (enabled operator; 4000, 4500; the status does not
// change). The payment package's configured stamp duty amount applies.
// While a stamp duty payment of the pratica is still open, the call
// returns the pratica unchanged: repeating it (after a lost answer, say)
// never asks twice.
func (d *Desk) RequestStampDuty(ctx context.Context, who auth.Principal, id ID) (*Practice, error) {
	c, err := d.load(ctx, who, id, ActionRequestStampDuty)
	if err != nil {
		return nil, err
	}
	to, err := step(c.p, ActionRequestStampDuty, c.facts())
	if err != nil {
		return nil, err
	}
	for _, r := range c.p.Payments {
		if r.Purpose == PurposeStampDuty && openPayment(r.Status) {
			return forCaller(who, c.p), nil
		}
	}
	if err := c.createPayment(ctx, payment.KindStampDigital, PurposeStampDuty, decimal.Zero); err != nil {
		return nil, err
	}
	c.moveTo(ActionRequestStampDuty, to, "")
	return c.save(ctx)
}
