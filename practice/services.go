package practice

import (
	"context"

	"github.com/sportello/sportello/auth"
)

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
	switch {
	case s.PaymentAmount.IsNegative():
		errs.add("paymentamount", "gte", "must not be negative")
	case !s.PaymentAmount.Equal(s.PaymentAmount.Round(2)):
		errs.add("paymentamount", "decimals", "must have at most 2 decimals")
	case s.Payment == PaymentRequired && !s.PaymentAmount.IsPositive():
		errs.add("paymentamount", "required", "is required for up-front payment")
	case s.Payment == PaymentNone && !s.PaymentAmount.IsZero():
		errs.add("paymentamount", "excluded", "must be zero for a free service")
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
	old, err := d.store.GetService(ctx, who.Tenant, s.ID)
	if err != nil {
		return nil, err
	}
	s.Tenant = who.Tenant
	s.CreatedAt = old.CreatedAt
	s.Templates = s.Clone().Templates
	if err := d.validateService(&s); err != nil {
		return nil, err
	}
	s.UpdatedAt = d.clock()
	if err := d.store.UpdateService(ctx, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// GetService returns a service definition of who's tenant; anyone of the
// tenant may read it.
func (d *Desk) GetService(ctx context.Context, who auth.Principal, id string) (*Service, error) {
	if who.Tenant == "" {
		return nil, ErrNotFound
	}
	return d.store.GetService(ctx, who.Tenant, id)
}
