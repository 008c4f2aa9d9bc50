package practice

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"github.com/sportello/sportello/auth"
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
}

// ProtocolDocument is what the Desk asks the host's Registrar to register.
type ProtocolDocument struct {
	// Tenant is the public body whose protocol registers the document.
	Tenant string
	// Practice and Service name the pratica and its service.
	Practice ID
	Service  string
	// Document says what to register; Ref names it (an integration
	// request's ID; empty for the application and the outcome).
	Document DocumentKind
	Ref      string
	// Attachments are the documents to register with it.
	Attachments []Attachment
	// IdempotencyKey is the same on every retry of one registration: the
	// registrar must return the number it already assigned to the key
	// instead of registering twice.
	IdempotencyKey string
}

// Registrar registers documents in the office's protocol (register of
// records). The host implements it for services that require protocol.
type Registrar interface {
	// Register registers doc and returns its protocol number. It must be
	// idempotent by doc.IdempotencyKey.
	Register(ctx context.Context, doc ProtocolDocument) (number string, err error)
}

// RegistrarFunc adapts a function to Registrar.
type RegistrarFunc func(ctx context.Context, doc ProtocolDocument) (string, error)

// Register calls f(ctx, doc).
func (f RegistrarFunc) Register(ctx context.Context, doc ProtocolDocument) (string, error) {
	return f(ctx, doc)
}

// Notifier delivers outbox notifications; the host implements it.
type Notifier interface {
	// Notify delivers n (to the owner, or to the operators enabled for
	// n.Service); an error leaves n in the outbox.
	Notify(ctx context.Context, n Notification) error
}

// NotifierFunc adapts a function to Notifier.
type NotifierFunc func(ctx context.Context, n Notification) error

// Notify calls f(ctx, n).
func (f NotifierFunc) Notify(ctx context.Context, n Notification) error { return f(ctx, n) }

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
	// NotificationLease is how long DeliverNotifications holds the
	// notifications it claims before another drainer may claim them
	// (default 1 minute; zero or less gets the default). A notification
	// whose delivery fails, or whose drainer stops, is delivered by a
	// later call once its lease has ended. Choose it longer than a batch
	// takes to deliver: a lease that ends mid-batch lets another drainer
	// deliver the same notification again.
	NotificationLease time.Duration
	// Now returns the current time (default time.Now). The Desk stores it
	// in UTC truncated to the microsecond.
	Now func() time.Time
	// NewID returns a new unique ID (default: UUIDv7 strings).
	NewID func() string
	// Logger receives structured events without personal data (default:
	// disabled).
	Logger *zerolog.Logger
}

// defaultNotificationLease is Config.NotificationLease's default.
const defaultNotificationLease = time.Minute

// Desk runs the commands on pratiche: it loads the pratica, checks who
// acts (Authorize), applies the lifecycle (Transitions) and saves with a
// version check, the history, messages and notifications in the same
// write. It is safe for concurrent use; every guarantee holds across
// processes sharing one Store.
type Desk struct {
	store     Store
	payments  Payments
	registrar Registrar
	lease     time.Duration
	now       func() time.Time
	newID     func() string
	log       zerolog.Logger
	validate  *validator.Validate
}

// New validates cfg, fills the defaults and returns a Desk.
func New(cfg Config) (*Desk, error) {
	if cfg.Store == nil {
		return nil, errors.New("practice: Config.Store is required")
	}
	d := &Desk{
		store:     cfg.Store,
		payments:  cfg.Payments,
		registrar: cfg.Registrar,
		lease:     cfg.NotificationLease,
		now:       cfg.Now,
		newID:     cfg.NewID,
		log:       zerolog.Nop(),
		validate:  auth.NewValidator(),
	}
	if d.lease <= 0 {
		d.lease = defaultNotificationLease
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

// validateInput runs the validator on in and returns one *ValidationError.
func (d *Desk) validateInput(in any) error {
	err := d.validate.Struct(in)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return fmt.Errorf("practice: validate: %w", err)
	}
	var out validationErrors
	for _, fe := range verrs {
		out.add(fieldPath(fe), fe.Tag(), fieldMessage(fe))
	}
	return out.err()
}

// fieldPath names fe's field by its path below the input struct (the
// namespace without the struct's own name).
func fieldPath(fe validator.FieldError) string {
	if _, path, ok := strings.Cut(fe.Namespace(), "."); ok {
		return path
	}
	return fe.Field()
}

// fieldMessage explains fe's failed rule in English.
func fieldMessage(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required":
		return "is required"
	case "max", "lte":
		return "must be at most " + fe.Param()
	case "min", "gte":
		return "must be at least " + fe.Param()
	case "oneof":
		return "must be one of: " + fe.Param()
	}
	return "does not satisfy the " + fe.Tag() + " rule"
}

// normalizeData returns the form data as encoding/json decodes it, so that
// every store returns what it was given.
func normalizeData(m map[string]any) (map[string]any, error) {
	if m == nil {
		return nil, nil
	}
	var out map[string]any
	b, err := json.Marshal(m)
	if err == nil {
		err = json.Unmarshal(b, &out)
	}
	if err != nil {
		return nil, &ValidationError{Fields: []FieldError{{Field: "data", Rule: "json", Message: "must be representable as JSON"}}}
	}
	return out, nil
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
