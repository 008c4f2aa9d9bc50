package practice

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/payment"
)

// PaymentPurpose says why a payment was asked for.
type PaymentPurpose string

// The payment purposes.
const (
	// PurposeUpFront: the service's fee, paid before sending.
	PurposeUpFront PaymentPurpose = "up_front"
	// PurposeDeferred: the amount set at acceptance.
	PurposeDeferred PaymentPurpose = "deferred"
	// PurposeManual: a payment an operator registered by hand.
	PurposeManual PaymentPurpose = "manual"
	// PurposeStampDuty: stamp duty ("imposta di bollo") requested by an
	// operator.
	PurposeStampDuty PaymentPurpose = "stamp_duty"
)

// PaymentRef links a pratica to a record of the payment package.
type PaymentRef struct {
	// ID is the payment record's ID.
	ID payment.ID
	// Purpose says why it was asked for.
	Purpose PaymentPurpose
	// Amount in euros.
	Amount decimal.Decimal
	// Status is the payment's status as last seen by the pratica.
	Status payment.Status
	// CreatedAt is a UTC instant.
	CreatedAt time.Time
}

// The Desk calls Payments as the system principal of the pratica's tenant:
// the pratica has already authorized the acting citizen or operator, who
// is recorded in the pratica's history.

// paymentKey derives the idempotency key of the next payment of purpose
// for p: "<practiceID>/<purpose>/<n>", n counting p's earlier payments of
// that purpose. A payment reference is saved in the same write as the
// status change it causes, so repeating a failed command derives the same
// key and finds the payment the first attempt created. Gateway payments
// add their amount ("/<amount>", see createPayment), so that a repeat
// with another amount opens another payment (and the first, never linked,
// is cancelled); a manual registration does not, so that a repeat with
// another amount is refused rather than recorded twice.
func paymentKey(p *Practice, purpose PaymentPurpose) string {
	n := 0
	for _, r := range p.Payments {
		if r.Purpose == purpose {
			n++
		}
	}
	return fmt.Sprintf("%s/%s/%d", p.ID, purpose, n)
}

// maxKeyRetries bounds how many cancelled payments createPayment walks
// past before giving up with ErrConflict.
const maxKeyRetries = 8

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
// its reference on the pratica. A payment found by its key that can no
// longer be paid (cancelled by a sweep or an earlier attempt, expired)
// is passed over for the next key of the sequence, so that a repeat
// never links a dead payment and every repeat walks the same keys.
func (c *change) createPayment(ctx context.Context, kind payment.Kind, purpose PaymentPurpose, amount decimal.Decimal) (*payment.Payment, error) {
	if err := c.d.needPayments(); err != nil {
		return nil, err
	}
	base := paymentKey(c.p, purpose) + "/" + amount.StringFixed(2)
	key := base
	for k := 1; ; k++ {
		pay, err := c.d.payments.Create(ctx, auth.System(c.p.Tenant), payment.NewPayment{
			Kind: kind, Amount: amount, Reason: c.svc.PaymentReason, Payer: c.p.Owner.FiscalCode,
			Subject: string(c.p.ID), Service: c.p.Service, IdempotencyKey: key,
		})
		if err != nil {
			return nil, paymentError("create", err)
		}
		if openPayment(pay.Status) || pay.Status == payment.StatusComplete {
			c.p.Payments = append(c.p.Payments, PaymentRef{ID: pay.ID, Purpose: purpose, Amount: pay.Amount, Status: pay.Status, CreatedAt: c.now})
			return pay, nil
		}
		if k == maxKeyRetries {
			return nil, &ConflictError{Field: "payment"}
		}
		key = fmt.Sprintf("%s/%d", base, k)
	}
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
	if _, err := c.createPayment(ctx, payment.KindPagoPA, purpose, amount); err != nil {
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
	var opened *payment.Payment
	if extra != 0 {
		if opened, err = c.createPayment(ctx, payment.KindPagoPA, PurposeDeferred, amount); err != nil {
			return nil, err
		}
	}
	mid := c.message(VisibilityApplicant, "", in.Motivation, in.Attachments)
	c.p.Outcome = &Outcome{Accepted: true, Motivation: in.Motivation, Attachments: slices.Clone(in.Attachments),
		DecidedBy: who.ID, DecidedAt: c.now, DeferredAmount: amount}
	c.moveTo(ActionAccept, to, mid)
	p, err := c.save(ctx)
	if err != nil {
		if opened != nil {
			d.releaseLost(ctx, c, opened.ID, err)
		}
		return nil, err
	}
	if opened != nil {
		// Payments earlier attempts opened with another amount are not
		// wanted any more.
		d.cancelUnlinked(ctx, p, PurposeDeferred)
	}
	return p, nil
}

// releaseLost cancels the payment a command opened when saving the
// pratica failed because the pratica moved on (another command changed it
// first and it can no longer take the command): nothing will ever link the
// payment, and it must not stay payable. After a transient failure
// (storage unavailable, context ended) the payment is kept for the retry
// the caller is expected to make, which finds it by its key; so it is when
// the pratica still accepts the command, or already links the payment (a
// twin call won). A payment this misses is cancelled by SweepPayments.
func (d *Desk) releaseLost(ctx context.Context, c *change, id payment.ID, cause error) {
	if !errors.Is(cause, ErrConflict) && !errors.Is(cause, ErrNotFound) {
		return
	}
	now, err := d.store.Get(ctx, c.p.Tenant, c.p.ID)
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		return
	case slices.ContainsFunc(now.Payments, func(r PaymentRef) bool { return r.ID == id }):
		return
	default:
		again := &change{d: d, p: now, svc: c.svc}
		if _, ok := Next(now.Status, c.action, again.facts()|FactAmountDue); ok {
			return
		}
	}
	if _, err := d.cancelPayment(ctx, auth.System(c.p.Tenant), id); err != nil {
		d.log.Warn().Str("tenant", c.p.Tenant).Str("action", c.action.String()).Str("practice_id", string(c.p.ID)).
			Str("payment_id", string(id)).Msg("cancelling the payment of a lost command failed; SweepPayments retries it")
	}
}

// cancelUnlinked cancels the open payments of purpose that p's own
// earlier attempts opened (their keys start with p's ID and purpose) and p
// does not link. Failures are logged: SweepPayments retries them.
func (d *Desk) cancelUnlinked(ctx context.Context, p *Practice, purpose PaymentPurpose) {
	sys := auth.System(p.Tenant)
	prefix := string(p.ID) + "/" + string(purpose) + "/"
	err := d.eachOpenPayment(ctx, sys, string(p.ID), func(sum payment.Summary) error {
		if linked(p, sum.ID) {
			return nil
		}
		if ok, err := d.openedWith(ctx, sys, sum.ID, prefix); err != nil || !ok {
			return err
		}
		if _, err := d.cancelPayment(ctx, sys, sum.ID); err != nil {
			d.log.Warn().Str("tenant", p.Tenant).Str("practice_id", string(p.ID)).Str("payment_id", string(sum.ID)).
				Msg("cancelling an unlinked payment failed; SweepPayments retries it")
		}
		return nil
	})
	if err != nil {
		d.log.Warn().Str("tenant", p.Tenant).Str("practice_id", string(p.ID)).
			Msg("listing the payments of a pratica failed; SweepPayments retries it")
	}
}

// openedWith reports whether the payment id was opened with an
// idempotency key starting with prefix (by this package, for a pratica).
func (d *Desk) openedWith(ctx context.Context, sys auth.Principal, id payment.ID, prefix string) (bool, error) {
	pay, err := d.payments.Get(ctx, sys, id)
	if err != nil {
		return false, paymentError("get", err)
	}
	return strings.HasPrefix(pay.IdempotencyKey, prefix), nil
}

// linked reports whether p references the payment id.
func linked(p *Practice, id payment.ID) bool {
	return slices.ContainsFunc(p.Payments, func(r PaymentRef) bool { return r.ID == id })
}

// sweepPage is how many payments SweepPayments reads at a time.
const sweepPage = 200

// eachOpenPayment calls fn on every payment of the tenant of sys that is
// still open and cancellable (subject "" matches every subject).
func (d *Desk) eachOpenPayment(ctx context.Context, sys auth.Principal, subject string, fn func(payment.Summary) error) error {
	f := payment.Filter{Subject: subject, Statuses: []payment.Status{payment.StatusCreationPending, payment.StatusPending}}
	cursor := ""
	for {
		pg, err := d.payments.List(ctx, sys, f, cursor, sweepPage)
		if err != nil {
			return paymentError("list", err)
		}
		for _, sum := range pg.Items {
			if err := fn(sum); err != nil {
				return err
			}
		}
		if pg.Next == "" {
			return nil
		}
		cursor = pg.Next
	}
}

// SweepPayments cancels the tenant's payments that a pratica opened and
// no longer wants (system chore, for example every few minutes from one
// or more instances): a payment no pratica links (a command that opened it
// and then failed, lost a race or crashed before saving the pratica) once
// it is older than Config.PaymentSweepAge, and the up-front or deferred
// payment of a pratica that ended (withdrawn, revoked, rejected) without
// paying it. Stamp duty stays payable. It returns how many payments it
// cancelled; a payment it cannot cancel now (started at a PSP) is left
// for the payment package to settle. Safe to run concurrently and to
// repeat.
func (d *Desk) SweepPayments(ctx context.Context, tenant string) (int, error) {
	if err := d.needPayments(); err != nil {
		return 0, err
	}
	if !lookupable(tenant) {
		return 0, nil
	}
	sys := auth.System(tenant)
	cutoff := d.clock().Add(-d.sweepAge)
	done := 0
	err := d.eachOpenPayment(ctx, sys, "", func(sum payment.Summary) error {
		if !lookupable(sum.Subject) {
			return nil // not a pratica's
		}
		p, err := d.store.Get(ctx, tenant, ID(sum.Subject))
		switch {
		case err != nil && !errors.Is(err, ErrNotFound):
			return err
		case err == nil && linked(p, sum.ID):
			if !p.Status.IsFinal() || purposeOf(p, sum.ID) == PurposeStampDuty {
				return nil
			}
		case !sum.CreatedAt.Before(cutoff):
			return nil // its command may still be running
		default: // unlinked, or its pratica (a draft) deleted
			if ok, err := d.openedWith(ctx, sys, sum.ID, sum.Subject+"/"); err != nil || !ok {
				return err // not opened by a pratica
			}
		}
		st, err := d.cancelPayment(ctx, sys, sum.ID)
		if err != nil {
			return err
		}
		if st == payment.StatusCanceled {
			done++
			d.log.Info().Str("tenant", tenant).Str("practice_id", sum.Subject).Str("payment_id", string(sum.ID)).
				Msg("unwanted payment cancelled")
		}
		return nil
	})
	return done, err
}

// purposeOf returns the purpose p records for the payment id.
func purposeOf(p *Practice, id payment.ID) PaymentPurpose {
	for _, r := range p.Payments {
		if r.ID == id {
			return r.Purpose
		}
	}
	return ""
}

// checkAmount refuses an input amount that is negative, has more than 2
// decimals or more digits than the payment package takes.
func checkAmount(a decimal.Decimal) error {
	if a.IsNegative() || !a.Equal(a.Round(2)) {
		return &ValidationError{Fields: []FieldError{{Field: "amount", Rule: "amount", Message: "must be a non-negative amount with at most 2 decimals"}}}
	}
	if !amountInRange(a) {
		return &ValidationError{Fields: []FieldError{{Field: "amount", Rule: "max", Message: maxAmountMessage}}}
	}
	return nil
}

// amountInRange reports whether a is zero or an amount the payment
// package accepts (payment.ValidateAmount: positive, at most 2 decimals,
// fewer than 10^payment.MaxAmountDigits euros).
func amountInRange(a decimal.Decimal) bool {
	return a.IsZero() || a.IsNegative() || payment.ValidateAmount(a) == nil
}

// maxAmountMessage words the payment package's cap on amounts.
const maxAmountMessage = "must be less than 10^12 euros, as the payment package takes"

// ManualPayment is the input of RegisterPayment.
type ManualPayment struct {
	// Amount received; zero means the amount of the pending payment (or
	// the service's PaymentAmount).
	Amount decimal.Decimal
	// PaidAt is when the money was received; zero means now.
	PaidAt time.Time
	// ReceiptID is the counter's receipt identifier, if any.
	ReceiptID string `validate:"line,max=200"`
	// Note is optional; NoteInternal keeps it for operators, else the
	// citizen reads it.
	Note         string `validate:"text,max=20000"`
	NoteInternal bool
}

// RegisterPayment registers a payment received by hand (enabled operator;
// 1500, 1510 → 1520, then on to 1900 or 6000/7000). Irreversible. The
// pending gateway payment, if any, is cancelled. Repeating after a
// failure registers no second payment.
func (d *Desk) RegisterPayment(ctx context.Context, who auth.Principal, id ID, in ManualPayment) (*Practice, error) {
	var when validationErrors
	when.checkInstant("paid_at", in.PaidAt)
	if err := d.validateInput(in, when...); err != nil {
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
		return nil, paymentError("register_manual", err)
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
		return "", paymentError("get", gerr)
	}
	if openPayment(got.Status) && !errors.Is(err, payment.ErrInvalidTransition) {
		return "", paymentError("cancel", err)
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
		return nil, paymentError("get", err)
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
	if _, err := c.createPayment(ctx, payment.KindStampDigital, PurposeStampDuty, decimal.Zero); err != nil {
		return nil, err
	}
	c.moveTo(ActionRequestStampDuty, to, "")
	return c.save(ctx)
}

// ApplyPaymentEvent applies a payment package event to the pratica the
// payment belongs to, as the system: the payment's subject is the
// pratica's ID (the Desk opens every payment so). Events of payments that
// are not a pratica's (another subject, a pratica of another tenant, a
// payment the pratica does not link, such as one cancelled as unwanted)
// are ignored with a nil error, so that a host can feed every payment
// event to it. A change that loses to a concurrent one is applied again
// on the new version. It is safe to repeat: applying an event twice
// changes nothing the second time. Any other error is returned, so that
// the event stays in the payment outbox and is delivered again. Pass it to
// the payment Desk as its event handler:
//
//	payment.Config{EventHandler: payment.EventHandlerFunc(desk.ApplyPaymentEvent)}
func (d *Desk) ApplyPaymentEvent(ctx context.Context, ev payment.Event) error {
	if !lookupable(ev.Tenant) || !lookupable(ev.Subject) || ev.PaymentID == "" {
		return nil
	}
	sys := auth.System(ev.Tenant)
	err := retryStale(ctx, func() error {
		_, err := d.ApplyPaymentOutcome(ctx, sys, ID(ev.Subject), ev.PaymentID)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}
