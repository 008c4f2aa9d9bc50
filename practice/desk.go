package practice

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/fielderr"
	"github.com/sportello/sportello/internal/outbox"
	"github.com/sportello/sportello/payment"
)

// Payments is what the Desk needs of the payment package; *payment.Desk
// implements it. Create must be idempotent by NewPayment.IdempotencyKey
// (and RegisterManual by NewManual.IdempotencyKey): a repeated call
// returns the record the first one made, completing it if the first call
// failed half-way. The Desk derives the keys from the pratica, so that
// repeating a command after any failure creates no second payment.
type Payments interface {
	// Create creates a payment (or returns the one made with the same
	// idempotency key).
	Create(ctx context.Context, who auth.Principal, in payment.NewPayment) (*payment.Payment, error)
	// Get reads a payment.
	Get(ctx context.Context, who auth.Principal, id payment.ID) (*payment.Payment, error)
	// RegisterManual records a payment received by hand, complete at once.
	RegisterManual(ctx context.Context, who auth.Principal, in payment.NewManual) (*payment.Payment, error)
	// Cancel cancels an open payment.
	Cancel(ctx context.Context, who auth.Principal, id payment.ID) (*payment.Payment, error)
	// List lists payments (SweepPayments and Accept look for the open
	// payments a pratica no longer wants).
	List(ctx context.Context, who auth.Principal, f payment.Filter, cursor string, limit int) (payment.Page, error)
}

// Config configures a Desk. Zero fields get the documented defaults.
type Config struct {
	// Store keeps services, pratiche and the outbox. Required:
	// memstore.New() for the embedded default.
	Store Store
	// Payments creates and reads payment records. Required only for
	// services that take payments; commands needing it fail with
	// ErrUnavailable when it is nil.
	Payments Payments
	// Registrar registers documents in the protocol. Required only for
	// services that require protocol; RegisterProtocol fails with
	// ErrUnavailable when it is nil.
	Registrar Registrar
	// Notifier delivers the outbox's notifications when the host calls
	// DeliverNotifications. Required only for that call, which fails
	// without it.
	Notifier Notifier
	// NotificationLease is how long DeliverNotifications holds the
	// notifications it claims before another drainer may claim them
	// (default outbox's 1 minute; zero or less gets the default). A notification
	// whose delivery fails, or whose drainer stops, is delivered by a
	// later call once its lease has ended. Choose it longer than a batch
	// takes to deliver: a lease that ends mid-batch lets another drainer
	// deliver the same notification again.
	NotificationLease time.Duration
	// AcquireOnSubmit makes Submit (and a completed up-front payment)
	// acquire the pratica at once (1900 → 2000) in the same write, for
	// hosts that produce no summary document. Without it the pratica
	// waits in 1900 until the host calls Acquire.
	AcquireOnSubmit bool
	// PaymentSweepAge is how old a payment opened for a pratica must be
	// before SweepPayments may cancel it as unwanted (default 15 minutes;
	// zero or less gets the default). Choose it longer than any command
	// takes, so that the sweep never cancels the payment of a command
	// still running.
	PaymentSweepAge time.Duration
	// Now returns the current time (default time.Now). The Desk stores it
	// in UTC truncated to the microsecond.
	Now func() time.Time
	// NewID returns a new unique ID (default: UUIDv7 strings).
	NewID func() string
	// Logger receives structured events without personal data (default:
	// disabled). Keys: tenant, action, from, to, practice_id.
	Logger *zerolog.Logger
}

// Defaults of Config's durations.
const (
	defaultNotificationLease = outbox.DefaultLease
	defaultPaymentSweepAge   = 15 * time.Minute
)

// Desk runs the commands on pratiche: it loads the pratica, checks who
// acts (Authorize), applies the lifecycle (Transitions) and saves with a
// version check, the history, messages and notifications in the same
// write. It is safe for concurrent use; every guarantee holds across
// processes sharing one Store.
type Desk struct {
	store           Store
	payments        Payments
	registrar       Registrar
	notifier        Notifier
	lease           time.Duration
	sweepAge        time.Duration
	acquireOnSubmit bool
	now             func() time.Time
	newID           func() string
	log             zerolog.Logger
	validate        *fielderr.Validator
}

// New validates cfg, fills the defaults and returns a Desk.
func New(cfg Config) (*Desk, error) {
	if cfg.Store == nil {
		return nil, errors.New("practice: Config.Store is required")
	}
	v, err := fielderr.NewValidator(nil, auth.RegisterValidations)
	if err != nil {
		return nil, fmt.Errorf("practice: validator: %w", err)
	}
	d := &Desk{
		store:           cfg.Store,
		payments:        cfg.Payments,
		registrar:       cfg.Registrar,
		notifier:        cfg.Notifier,
		lease:           cfg.NotificationLease,
		sweepAge:        cfg.PaymentSweepAge,
		acquireOnSubmit: cfg.AcquireOnSubmit,
		now:             cfg.Now,
		newID:           cfg.NewID,
		log:             zerolog.Nop(),
		validate:        v,
	}
	if d.lease <= 0 {
		d.lease = defaultNotificationLease
	}
	if d.sweepAge <= 0 {
		d.sweepAge = defaultPaymentSweepAge
	}
	if d.now == nil {
		d.now = time.Now
	}
	if d.newID == nil {
		d.newID = func() string { return uuid.Must(uuid.NewV7()).String() }
	}
	if cfg.Logger != nil {
		d.log = *cfg.Logger
	}
	return d, nil
}

// clock returns the current instant as stored: UTC, microseconds.
func (d *Desk) clock() time.Time { return d.now().UTC().Truncate(time.Microsecond) }

// validateInput runs the validator on in and returns one *ValidationError
// (nil when in is valid); extra are the failures of hand checks, reported
// after the tags'.
func (d *Desk) validateInput(in any, extra ...FieldError) error {
	fields, err := d.validate.Check(in)
	if err != nil {
		return fmt.Errorf("practice: %w", err)
	}
	var out validationErrors
	for _, f := range fields {
		out = append(out, FieldError(f))
	}
	out = append(out, extra...)
	return out.err()
}

// forCaller returns p as who may see it: citizens never see internal
// notes, nor which history entries carried one.
func forCaller(who auth.Principal, p *Practice) *Practice {
	if !who.IsCitizen() {
		return p
	}
	var hidden map[string]bool
	kept := p.Messages[:0:0] // nil stays nil
	for _, m := range p.Messages {
		if m.Visibility == VisibilityInternal {
			if hidden == nil {
				hidden = map[string]bool{}
			}
			hidden[m.ID] = true
			continue
		}
		kept = append(kept, m)
	}
	p.Messages = kept
	if hidden != nil {
		history := make([]HistoryEntry, len(p.History))
		for i, h := range p.History {
			if hidden[h.MessageID] {
				h.MessageID = ""
			}
			history[i] = h
		}
		p.History = history
	}
	return p
}
