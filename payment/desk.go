package payment

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"
	"github.com/shopspring/decimal"
	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/fielderr"
	"github.com/sportello/sportello/internal/outbox"
)

// Defaults of Config.
const (
	// DefaultDue is how long a payment stays payable when the input names
	// no due date: 90 days.
	DefaultDue = 90 * 24 * time.Hour
	// DefaultEventLease is how long DeliverEvents holds the events it has
	// claimed before another deliverer may take them: 1 minute.
	DefaultEventLease = outbox.DefaultLease
)

// DefaultStampDuty is the usual stamp duty amount, 16.00 EUR.
var DefaultStampDuty = FromCents(1600)

// Config configures a Desk. Zero fields get the documented defaults.
type Config struct {
	// Store keeps the records and their outbox. Required: memstore.New()
	// for the embedded default.
	Store Store
	// Gateway is the payment platform. Required.
	Gateway Gateway
	// Generator, when set, issues the notice code of every new gateway
	// payment before the gateway is called (the creditor body numbers its
	// own positions). When nil the gateway assigns the codes. A call
	// repeated with a used idempotency key still draws a number, so the
	// issued codes may have gaps; they never repeat.
	Generator *Generator
	// DefaultDue is how long after creation a payment expires when the
	// input names no due date (default DefaultDue, 90 days).
	DefaultDue time.Duration
	// StampDuty is the stamp duty amount used when a stamp input leaves
	// Amount zero (default DefaultStampDuty, 16.00 EUR).
	StampDuty decimal.Decimal
	// EventHandler receives the outbox's events when the host calls
	// DeliverEvents (e.g. practice's Desk.ApplyPaymentEvent, through
	// EventHandlerFunc). Optional: without it DeliverEvents fails and the
	// events wait in the outbox.
	EventHandler EventHandler
	// EventLease is how long DeliverEvents holds the outbox events it has
	// claimed before another deliverer (another instance sharing the
	// Store) may claim them (default DefaultEventLease, 1 minute). An event
	// whose delivery failed is delivered again once its lease ends. Make it
	// longer than a batch of deliveries takes: an event still being
	// delivered when its lease ends may be delivered twice.
	EventLease time.Duration
	// Now returns the current time (default time.Now).
	Now func() time.Time
	// NewID returns a new unique ID for records and events (default:
	// UUIDv7 strings, which sort by creation time).
	NewID func() string
	// Logger receives structured events without personal data (default:
	// disabled).
	Logger *zerolog.Logger
}

// Desk records payments: it creates them at the gateway, registers those
// paid at the counter or with a physical stamp, applies the gateway's
// notifications, reconciles, cancels, and expires the overdue. It is safe
// for concurrent use; every guarantee holds across processes sharing one
// Store.
type Desk struct {
	cfg   Config
	store Store
	gw    Gateway
	log   zerolog.Logger
	// validate checks the validate tags of inputs.
	validate *fielderr.Validator
}

// New validates cfg, fills the defaults and returns a Desk.
func New(cfg Config) (*Desk, error) {
	if cfg.Store == nil {
		return nil, errors.New("payment: Config.Store is required")
	}
	if cfg.Gateway == nil {
		return nil, errors.New("payment: Config.Gateway is required")
	}
	if cfg.DefaultDue <= 0 {
		cfg.DefaultDue = DefaultDue
	}
	if cfg.EventLease <= 0 {
		cfg.EventLease = DefaultEventLease
	}
	if cfg.StampDuty.IsZero() {
		cfg.StampDuty = DefaultStampDuty
	}
	if err := ValidateAmount(cfg.StampDuty); err != nil {
		return nil, fmt.Errorf("payment: Config.StampDuty: %w", err)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.NewID == nil {
		cfg.NewID = func() string { return uuid.Must(uuid.NewV7()).String() }
	}
	log := zerolog.Nop()
	if cfg.Logger != nil {
		log = *cfg.Logger
	}
	v, err := newValidator()
	if err != nil {
		return nil, err
	}
	return &Desk{cfg: cfg, store: cfg.Store, gw: cfg.Gateway, log: log, validate: v}, nil
}

// StampDuty returns the configured stamp duty amount.
func (d *Desk) StampDuty() decimal.Decimal { return d.cfg.StampDuty }

// now is the Desk's clock in UTC, truncated to microseconds (DESIGN
// "time"), so that memstore and pgstore return the same instants.
func (d *Desk) now() time.Time { return instant(d.cfg.Now()) }

// instant is t as the Desk stores instants: UTC, truncated to
// microseconds (PostgreSQL's precision); the zero time stays zero.
func instant(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Microsecond)
}

// Create records a payment collected through the gateway (KindPagoPA, or
// KindStampDigital whose zero Amount means the configured stamp duty) and
// opens its debt position.
//
// Bad input gives one *ValidationError listing every field, with nothing
// stored. The record is first stored in creation_pending (with the
// Generator's notice code, if any); then the gateway is asked for the
// position, and the record moves to payment_pending with the notice code,
// IUV and links, or to creation_failed when the gateway refuses for good
// (ErrGatewayRejected; the record is returned with a nil error).
//
// Create is idempotent by IdempotencyKey and safe to repeat after any
// failure: if the gateway call or a store write fails, the error is
// returned and the same call again completes the same record; a call with
// a key already used returns that record (completing it if needed), or
// *ConflictError{Field: "idempotency_key"} when it asked for a different
// payment. Many concurrent calls with one key create one record.
func (d *Desk) Create(ctx context.Context, who auth.Principal, in NewPayment) (*Payment, error) {
	now := d.now()
	if in.Kind == KindStampDigital && in.Amount.IsZero() {
		in.Amount = d.cfg.StampDuty
	}
	payer, err := checkNewPayment(in, now)
	if err != nil {
		return nil, err
	}
	due := instant(in.DueAt)
	if in.DueAt.IsZero() {
		due = now.Add(d.cfg.DefaultDue)
	}
	p := &Payment{
		ID:             ID(d.cfg.NewID()),
		Tenant:         who.Tenant,
		Kind:           in.Kind,
		Amount:         in.Amount,
		Reason:         defaultReason(in.Reason, in.Subject, payer),
		Payer:          payer,
		Subject:        in.Subject,
		Service:        in.Service,
		DueAt:          due,
		Split:          append([]Split(nil), in.Split...),
		IdempotencyKey: in.IdempotencyKey,
		CreatedBy:      who.ID,
		CreatedAt:      now,
	}
	if err := Authorize(who, ActionCreate, p); err != nil {
		return nil, err
	}
	if g := d.cfg.Generator; g != nil {
		code, err := g.Next(ctx)
		if err != nil {
			return nil, err
		}
		p.NoticeCode, p.IUV = code.String(), code.IUV()
	}
	stored, err := d.create(ctx, who, p, p.record(StatusCreationPending, now, "create", who.ID, d.cfg.NewID()))
	if err != nil {
		return nil, err
	}
	if stored.Status != StatusCreationPending {
		return stored, nil
	}
	q, _, err := d.openPosition(ctx, who, stored)
	return q, err
}

// create stores the new record p with its creation event ev. When p's
// idempotency key is already used it returns the record stored under it,
// provided who may see it and it is the payment p asks for (else
// *ConflictError{Field: "idempotency_key"}).
func (d *Desk) create(ctx context.Context, who auth.Principal, p *Payment, ev Event) (*Payment, error) {
	stored, created, err := d.store.Create(ctx, p, []Event{ev})
	if err != nil {
		return nil, err
	}
	if created {
		return stored, nil
	}
	if err := Authorize(who, ActionView, stored); err != nil {
		return nil, err
	}
	if stored.Kind != p.Kind || !stored.Amount.Equal(p.Amount) || stored.Payer != p.Payer ||
		stored.Subject != p.Subject || stored.Service != p.Service {
		return nil, &ConflictError{Field: "idempotency_key"}
	}
	return stored, nil
}

// debtPosition is what the gateway is asked to create for p.
func debtPosition(p *Payment) DebtPosition {
	return DebtPosition{
		Tenant: p.Tenant, PaymentID: p.ID, Kind: p.Kind, Amount: p.Amount,
		Reason: p.Reason, Payer: p.Payer, Subject: p.Subject, Service: p.Service,
		DueAt: p.DueAt, NoticeCode: p.NoticeCode, Split: append([]Split(nil), p.Split...),
	}
}

// openPosition asks the gateway for p's position (idempotent by p.ID) and
// records the answer: Applied when this call moved the record, Ignored when
// another call recorded the outcome first.
func (d *Desk) openPosition(ctx context.Context, who auth.Principal, p *Payment) (*Payment, Outcome, error) {
	pos, gwErr := d.gw.CreatePosition(ctx, debtPosition(p))
	if gwErr != nil && !errors.Is(gwErr, ErrGatewayRejected) {
		d.log.Warn().Str("tenant", p.Tenant).Str("payment_id", string(p.ID)).Err(gwErr).Msg("payment: gateway did not create the position; repeat the call")
		return nil, 0, &GatewayError{Op: "create position", Err: gwErr}
	}
	var code NoticeCode
	if gwErr == nil {
		var err error
		if code, err = ParseNoticeCode(pos.NoticeCode); err != nil {
			// Not ErrValidation: the caller's input was fine, the gateway
			// is at fault.
			return nil, 0, &GatewayError{Op: "create position", Err: fmt.Errorf("unusable notice code: %s", err.Error())}
		}
	}
	outcome := Ignored
	q, err := d.change(ctx, p, func(p *Payment) (*Event, error) {
		outcome = Ignored
		if p.Status != StatusCreationPending {
			return nil, nil // another call recorded the outcome first
		}
		outcome = Applied
		if gwErr != nil {
			d.log.Info().Str("tenant", p.Tenant).Str("payment_id", string(p.ID)).Msg("payment: gateway rejected the position")
			return d.move(p, StepCreationFailed, d.now(), "gateway", who.ID)
		}
		p.NoticeCode = code.String()
		p.IUV = pos.IUV
		if p.IUV == "" {
			p.IUV = code.IUV()
		}
		p.Links = pos.Links
		return d.move(p, StepCreated, d.now(), "gateway", who.ID)
	})
	if err != nil {
		return nil, 0, err
	}
	return q, outcome, nil
}

// move applies step to p at the instant at, with a new event ID, and
// returns the event for change to save.
func (d *Desk) move(p *Payment, step Step, at time.Time, source, actor string) (*Event, error) {
	ev, err := p.apply(step, at, source, actor, d.cfg.NewID())
	if err != nil {
		return nil, err
	}
	return &ev, nil
}

// maxAttempts bounds the retries of a read-modify-write on version
// conflicts.
const maxAttempts = 5

// change applies fn to p and saves it, re-reading and re-applying when
// another writer got there first. fn returns nil to leave the record as it
// is. It returns the saved (or current) record.
func (d *Desk) change(ctx context.Context, p *Payment, fn func(p *Payment) (*Event, error)) (*Payment, error) {
	for attempt := 1; ; attempt++ {
		ev, err := fn(p)
		if err != nil {
			return nil, err
		}
		if ev == nil {
			return p, nil
		}
		err = d.store.Update(ctx, p, []Event{*ev})
		if err == nil {
			return p, nil
		}
		var ce *ConflictError
		if !errors.As(err, &ce) || ce.Field != "version" || attempt == maxAttempts {
			return nil, err
		}
		if p, err = d.store.Get(ctx, p.Tenant, p.ID); err != nil {
			return nil, err
		}
	}
}

// Get returns a payment the principal may view.
func (d *Desk) Get(ctx context.Context, who auth.Principal, id ID) (*Payment, error) {
	return d.load(ctx, who, ActionView, id)
}

// load reads the record id of who's tenant, on which who must be allowed
// action.
func (d *Desk) load(ctx context.Context, who auth.Principal, action Action, id ID) (*Payment, error) {
	if !lookupable(who.Tenant) || !lookupable(string(id)) {
		return nil, ErrNotFound // no record was ever stored under such text
	}
	p, err := d.store.Get(ctx, who.Tenant, id)
	if err != nil {
		return nil, err
	}
	if err := Authorize(who, action, p); err != nil {
		return nil, err
	}
	return p, nil
}

// RegisterManual records a payment an operator received at the counter:
// a KindManual record, complete at once and irreversibly (nothing moves a
// complete record), with an optional note, internal or for the citizen.
// Staff enabled for in.Service and the system may do it. Idempotent by
// IdempotencyKey, like Create.
func (d *Desk) RegisterManual(ctx context.Context, who auth.Principal, in NewManual) (*Payment, error) {
	now := d.now()
	payer, err := checkNewManual(in, now)
	if err != nil {
		return nil, err
	}
	paidAt := instant(in.PaidAt)
	if in.PaidAt.IsZero() {
		paidAt = now
	}
	p := &Payment{
		ID:             ID(d.cfg.NewID()),
		Tenant:         who.Tenant,
		Kind:           KindManual,
		Amount:         in.Amount,
		Reason:         defaultReason(in.Reason, in.Subject, payer),
		Payer:          payer,
		Subject:        in.Subject,
		Service:        in.Service,
		Receipt:        &Receipt{PaidAt: paidAt, PSP: "counter", ReceiptID: in.ReceiptID},
		IdempotencyKey: in.IdempotencyKey,
		CreatedBy:      who.ID,
		CreatedAt:      now,
	}
	if in.Note != nil {
		n := *in.Note
		p.Note = &n
	}
	if err := Authorize(who, ActionRegisterManual, p); err != nil {
		return nil, err
	}
	return d.createComplete(ctx, who, p, "manual")
}

// RegisterStamp records stamp duty paid with a physical stamp: a
// KindStampPhysical record, complete at once, holding the stamp's 14-digit
// identifier and issue instant; a zero Amount means the configured stamp
// duty. An identifier already registered, in any tenant, gives
// *ConflictError{Field: "stamp_identifier"}. Citizens may register a stamp
// for themselves; staff enabled for the service and the system for anyone.
func (d *Desk) RegisterStamp(ctx context.Context, who auth.Principal, in NewStamp) (*Payment, error) {
	now := d.now()
	if in.Amount.IsZero() {
		in.Amount = d.cfg.StampDuty
	}
	payer, err := checkNewStamp(in, now)
	if err != nil {
		return nil, err
	}
	issued := instant(in.IssuedAt)
	p := &Payment{
		ID:             ID(d.cfg.NewID()),
		Tenant:         who.Tenant,
		Kind:           KindStampPhysical,
		Amount:         in.Amount,
		Reason:         defaultReason("", in.Subject, payer),
		Payer:          payer,
		Subject:        in.Subject,
		Service:        in.Service,
		Receipt:        &Receipt{PaidAt: issued, PSP: "stamp", ReceiptID: in.Identifier},
		Stamp:          &Stamp{Identifier: in.Identifier, IssuedAt: issued},
		IdempotencyKey: in.IdempotencyKey,
		CreatedBy:      who.ID,
		CreatedAt:      now,
	}
	if err := Authorize(who, ActionRegisterStamp, p); err != nil {
		return nil, err
	}
	return d.createComplete(ctx, who, p, "create")
}

// createComplete stores p as a record complete from its creation.
func (d *Desk) createComplete(ctx context.Context, who auth.Principal, p *Payment, source string) (*Payment, error) {
	return d.create(ctx, who, p, p.record(StatusComplete, p.CreatedAt, source, who.ID, d.cfg.NewID()))
}

// Cancel withdraws an open payment (creation_pending or payment_pending):
// the position is canceled at the gateway, then the record moves to
// canceled. Staff enabled for the service and the system may do it. A
// record in any other status gives *TransitionError; a gateway failure
// leaves the record unchanged.
func (d *Desk) Cancel(ctx context.Context, who auth.Principal, id ID) (*Payment, error) {
	p, err := d.load(ctx, who, ActionCancel, id)
	if err != nil {
		return nil, err
	}
	if _, ok := Next(p.Status, StepCancel); !ok {
		return nil, &TransitionError{ID: p.ID, From: p.Status, Step: StepCancel}
	}
	if err := d.gw.CancelPosition(ctx, p.Tenant, p.ID); err != nil {
		return nil, &GatewayError{Op: "cancel position", Err: err}
	}
	return d.change(ctx, p, func(p *Payment) (*Event, error) {
		return d.move(p, StepCancel, d.now(), "cancel", who.ID)
	})
}
