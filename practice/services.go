package practice

import (
	"context"
	"maps"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/fielderr"
)

// Workflow says what the office does with a service's pratiche.
type Workflow string

// The workflows.
const (
	// WorkflowApproval: an operator takes the pratica in charge and decides.
	WorkflowApproval Workflow = "approval"
	// WorkflowForward: the pratica is only forwarded (acquired, possibly
	// registered); there is no take-in-charge and no take-over.
	WorkflowForward Workflow = "forward"
)

// PaymentMode says whether and when a service's pratiche are paid for.
type PaymentMode string

// The payment modes.
const (
	// PaymentNone: the service is free.
	PaymentNone PaymentMode = "none"
	// PaymentRequired: the citizen pays up front, before the pratica is
	// sent (1000 → 1500 → ... → 1520 → 1900).
	PaymentRequired PaymentMode = "required"
	// PaymentDeferred: the operator sets the amount when accepting (or the
	// service's PaymentAmount applies); the citizen pays after acceptance
	// (4000 → 1500 → ... → 1520 → 6000/7000).
	PaymentDeferred PaymentMode = "deferred"
)

// ServiceStatus says whether a service takes new pratiche.
type ServiceStatus string

// The service statuses. Only available services accept new pratiche;
// pratiche already made go on whatever the service's status.
const (
	ServiceAvailable ServiceStatus = "available"
	ServiceSuspended ServiceStatus = "suspended"
	ServicePrivate   ServiceStatus = "private"
	ServiceScheduled ServiceStatus = "scheduled"
	ServiceCancelled ServiceStatus = "cancelled"
)

// MessageTemplate is the text sent to the citizen when a pratica of the
// service enters a status.
type MessageTemplate struct {
	// Active enables the message. An inactive template suppresses the
	// notification of its status.
	Active bool
	// Subject and Body are the host's text; placeholders, if any, are the
	// host's to expand when delivering.
	Subject string `validate:"line,max=300"`
	Body    string `validate:"text,max=20000"`
}

// Service is the public definition of a digital service: the settings that
// change the lifecycle of its pratiche.
type Service struct {
	// ID is unique within the tenant.
	ID string `validate:"required,line,max=100"`
	// Tenant is the public body offering the service.
	Tenant string `validate:"required,line,max=100"`
	// Name is the service's public name.
	Name string `validate:"required,line,max=300"`
	// Office is the office that receives new pratiche by default (may be
	// empty: then only operators enabled for the service see them).
	Office string `validate:"line,max=100"`
	// Status says whether the service takes new pratiche.
	Status ServiceStatus `validate:"required,oneof=available suspended private scheduled cancelled"`
	// Workflow is approval or forward.
	Workflow Workflow `validate:"required,oneof=approval forward"`
	// Payment is none, required (up front) or deferred.
	Payment PaymentMode `validate:"required,oneof=none required deferred"`
	// PaymentAmount is the amount in euros: required (> 0) for
	// PaymentRequired; for PaymentDeferred the default amount at acceptance
	// (zero: the operator sets it when accepting). Zero for PaymentNone.
	PaymentAmount decimal.Decimal
	// PaymentReason is the payment's description ("causale"); empty means
	// the payment package's default.
	PaymentReason string `validate:"line,max=140"`
	// ProtocolRequired: the office registers the pratica, integration
	// requests and answers, and outcome documents in its protocol through
	// the host's Registrar; the *_waiting statuses wait for it. Without it
	// they pass straight on.
	ProtocolRequired bool
	// AllowIntegrationRequest lets operators ask the citizen for more
	// documents.
	AllowIntegrationRequest bool
	// AllowWithdraw lets the citizen withdraw the pratica (while no payment
	// was made).
	AllowWithdraw bool
	// AllowReopening lets operators reopen complete, cancelled and
	// withdrawn pratiche (back to 4000).
	AllowReopening bool
	// AllowStatusChange lets operators force a manual status change.
	AllowStatusChange bool
	// MaxResponseDays is the maximum response time in days (0: none).
	MaxResponseDays int `validate:"gte=0,lte=3650"`
	// RequiredLevel is the least authentication level a citizen needs to
	// create a pratica (auth.LevelNone: anonymous access).
	RequiredLevel auth.Level `validate:"lte=3"`
	// Templates are the citizen messages per status. A status absent from
	// the map is notified without text (the host's default); see
	// Notification.
	Templates map[Status]MessageTemplate `validate:"dive"`
	// CreatedAt and UpdatedAt are UTC instants set by the store's caller.
	CreatedAt, UpdatedAt time.Time
	// Version is incremented by every stored update.
	Version int64
}

// Clone returns a deep copy of s.
func (s *Service) Clone() *Service {
	if s == nil {
		return nil
	}
	c := *s
	c.Templates = maps.Clone(s.Templates)
	return &c
}

// TakesPayments reports whether the service's pratiche are paid for (up
// front or deferred).
func (s *Service) TakesPayments() bool {
	return s.Payment == PaymentRequired || s.Payment == PaymentDeferred
}

// validateService checks a service definition: the validate tags plus the
// rules between fields.
func (d *Desk) validateService(s *Service) error {
	var errs validationErrors
	if err := d.validateInput(s); err != nil {
		ve, ok := err.(*ValidationError)
		if !ok {
			return err
		}
		errs = ve.Fields
	}
	// A blank ID or name passes "required" but names nothing.
	if s.ID != "" && strings.TrimSpace(s.ID) == "" {
		errs.add("id", "required", fielderr.TagMessage("required", "", 0))
	}
	if s.Name != "" && strings.TrimSpace(s.Name) == "" {
		errs.add("name", "required", fielderr.TagMessage("required", "", 0))
	}
	switch {
	case s.PaymentAmount.IsNegative():
		errs.add("payment_amount", "gte", "must not be negative")
	case !s.PaymentAmount.Equal(s.PaymentAmount.Round(2)):
		errs.add("payment_amount", "decimals", "must have at most 2 decimals")
	case !amountInRange(s.PaymentAmount):
		errs.add("payment_amount", "max", maxAmountMessage)
	case s.Payment == PaymentRequired && !s.PaymentAmount.IsPositive():
		errs.add("payment_amount", "required", "is required for up-front payment")
	case s.Payment == PaymentNone && !s.PaymentAmount.IsZero():
		errs.add("payment_amount", "excluded", "must be zero for a free service")
	}
	if s.Workflow == WorkflowForward && s.Payment == PaymentDeferred {
		errs.add("payment", "workflow", "deferred payment needs the approval workflow")
	}
	for st := range s.Templates {
		if !st.Valid() {
			errs.add("templates", "status", "names an unknown status")
			break
		}
	}
	return errs.err()
}

// CreateService validates s and stores it (administrators only). Its
// Tenant is the administrator's.
func (d *Desk) CreateService(ctx context.Context, who auth.Principal, s Service) (*Service, error) {
	if !who.IsAdmin() {
		return nil, &auth.PermissionError{Action: "practice.create_service", Missing: "role:admin"}
	}
	s.Tenant = who.Tenant
	s.Version = 0
	s.Templates = s.Clone().Templates
	if err := d.validateService(&s); err != nil {
		return nil, err
	}
	now := d.clock()
	s.CreatedAt, s.UpdatedAt = now, now
	if err := d.store.CreateService(ctx, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// UpdateService validates s and replaces the stored definition if
// s.Version is the stored one (administrators only); otherwise
// ErrConflict. Changes apply to the next command on every pratica of the
// service.
func (d *Desk) UpdateService(ctx context.Context, who auth.Principal, s Service) (*Service, error) {
	if !who.IsAdmin() {
		return nil, &auth.PermissionError{Action: "practice.update_service", Missing: "role:admin"}
	}
	s.Tenant = who.Tenant
	s.Templates = s.Clone().Templates
	if err := d.validateService(&s); err != nil {
		return nil, err
	}
	old, err := d.store.GetService(ctx, who.Tenant, s.ID)
	if err != nil {
		return nil, err
	}
	s.CreatedAt = old.CreatedAt
	s.UpdatedAt = d.clock()
	if err := d.store.UpdateService(ctx, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// GetService returns a service definition of who's tenant; anyone of the
// tenant may read it.
func (d *Desk) GetService(ctx context.Context, who auth.Principal, id string) (*Service, error) {
	if !lookupable(who.Tenant) || !lookupable(id) {
		return nil, ErrNotFound
	}
	return d.store.GetService(ctx, who.Tenant, id)
}
