package auth

import (
	"context"
	"errors"
	"slices"
	"strings"
)

// NewOperator is the input of CreateOperator and Bootstrap.
type NewOperator struct {
	// Username, unique in the tenant; usually name and surname.
	Username string `json:"username" validate:"required,min=3,max=64,username"`
	// Email receives the set-password link; unique in the tenant
	// (case-insensitively).
	Email string `json:"email" validate:"required,email,max=254"`
	// Manager and Admin add those roles to RoleOperator.
	Manager bool `json:"manager"`
	Admin   bool `json:"admin"`
	// Services, Calendars and Offices the operator is enabled for.
	Services  []string `json:"services" validate:"dive,required,max=128"`
	Calendars []string `json:"calendars" validate:"dive,required,max=128"`
	Offices   []string `json:"offices" validate:"dive,required,max=128"`
	// IdempotencyKey makes a repeated call return the account the first
	// call created (and send a fresh link if no password was set yet).
	IdempotencyKey string `json:"idempotency_key" validate:"max=128"`
}

func (in NewOperator) roles() []Role {
	roles := []Role{RoleOperator}
	if in.Manager {
		roles = append(roles, RoleManager)
	}
	if in.Admin {
		roles = append(roles, RoleAdmin)
	}
	return roles
}

// CreateOperator creates a staff account on behalf of an administrator or a
// manager and sends the new operator a link to set the password: no
// password is ever generated or mailed. A manager can only hand out the
// services, calendars and offices it holds, and the manager role; only an
// administrator can create an administrator.
func (d *Desk) CreateOperator(ctx context.Context, who Principal, in NewOperator) (*Account, error) {
	if err := CanAdminister(who, ActionCreateOperator, nil); err != nil {
		return nil, err
	}
	in = normalizeNewOperator(in)
	if err := validateStruct(d.validate, in); err != nil {
		return nil, err
	}
	if err := canGrantAll(who, ActionCreateOperator, in); err != nil {
		return nil, err
	}
	return d.createAccount(ctx, who.Tenant, in)
}

// Bootstrap creates the first administrator of a tenant that has none, and
// sends the set-password link. It is how an installation starts; once the
// tenant has an enabled administrator it is refused with ErrForbidden.
func (d *Desk) Bootstrap(ctx context.Context, tenant string, in NewOperator) (*Account, error) {
	if strings.TrimSpace(tenant) == "" {
		return nil, &ValidationError{Fields: []FieldError{{Field: "tenant", Rule: "required", Message: "is required"}}}
	}
	in = normalizeNewOperator(in)
	in.Admin, in.Manager = true, true
	if in.IdempotencyKey == "" {
		in.IdempotencyKey = "sportello:bootstrap"
	}
	if err := validateStruct(d.validate, in); err != nil {
		return nil, err
	}
	n, err := d.store.CountAdmins(ctx, tenant)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		// A repeated bootstrap that already succeeded completes as before.
		if a, err := d.store.FindAccountByIdempotencyKey(ctx, tenant, in.IdempotencyKey); err == nil {
			return d.resumeCreation(ctx, a, in)
		}
		return nil, forbidden("bootstrap", "tenant_without_admin")
	}
	return d.createAccount(ctx, tenant, in)
}

func normalizeNewOperator(in NewOperator) NewOperator {
	in.Username = strings.TrimSpace(in.Username)
	in.Email = strings.TrimSpace(in.Email)
	in.IdempotencyKey = strings.TrimSpace(in.IdempotencyKey)
	in.Services = normalizeSet(in.Services)
	in.Calendars = normalizeSet(in.Calendars)
	in.Offices = normalizeSet(in.Offices)
	return in
}

// canGrantAll checks every right a new account is created with.
func canGrantAll(who Principal, action Action, in NewOperator) error {
	if err := canGrantRoles(who, action, in.roles()); err != nil {
		return err
	}
	if err := CanGrant(who, action, "service", nil, in.Services); err != nil {
		return err
	}
	if err := CanGrant(who, action, "calendar", nil, in.Calendars); err != nil {
		return err
	}
	return CanGrant(who, action, "office", nil, in.Offices)
}

func (d *Desk) createAccount(ctx context.Context, tenant string, in NewOperator) (*Account, error) {
	if in.IdempotencyKey != "" {
		a, err := d.store.FindAccountByIdempotencyKey(ctx, tenant, in.IdempotencyKey)
		if err == nil {
			return d.resumeCreation(ctx, a, in)
		}
		if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
	}
	now := d.now()
	a := &Account{
		Tenant:         tenant,
		ID:             d.cfg.NewID(),
		Username:       in.Username,
		Email:          in.Email,
		Roles:          sortRoles(in.roles()),
		Services:       in.Services,
		Calendars:      in.Calendars,
		Offices:        in.Offices,
		IdempotencyKey: in.IdempotencyKey,
		CreatedAt:      now,
		UpdatedAt:      now,
	}
	if err := d.store.CreateAccount(ctx, a, nil); err != nil {
		var ce *ConflictError
		if in.IdempotencyKey != "" && errors.As(err, &ce) && ce.Field == "idempotency_key" {
			// A concurrent call with the same key won the race.
			if b, ferr := d.store.FindAccountByIdempotencyKey(ctx, tenant, in.IdempotencyKey); ferr == nil {
				return d.resumeCreation(ctx, b, in)
			}
		}
		return nil, err
	}
	d.log.Info().Str("tenant", tenant).Str("account", a.ID).Msg("operator created")
	// A failed delivery still returns the account: repeating the call with
	// the same idempotency key sends a fresh link.
	return a, d.sendSetPassword(ctx, a)
}

// resumeCreation completes a repeated creation: the same key with other data
// is a conflict; with the same data, the account is returned and, while it
// has no password, a fresh set-password link is sent.
func (d *Desk) resumeCreation(ctx context.Context, a *Account, in NewOperator) (*Account, error) {
	if a.Username != in.Username || NormalizeEmail(a.Email) != NormalizeEmail(in.Email) {
		return nil, &ConflictError{Field: "idempotency_key"}
	}
	if a.HasPassword() || a.Disabled {
		return a, nil
	}
	return a, d.sendSetPassword(ctx, a)
}

// sendSetPassword issues a set-password token and delivers it.
func (d *Desk) sendSetPassword(ctx context.Context, a *Account) error {
	return d.issueToken(ctx, a, PurposeSetPassword, d.cfg.SetPasswordTTL, 0, 0, NotifySetPassword)
}

// GetOperator returns an account of the principal's tenant.
func (d *Desk) GetOperator(ctx context.Context, who Principal, id string) (*Account, error) {
	a, err := d.store.GetAccount(ctx, who.Tenant, id)
	if err != nil {
		return nil, err
	}
	if err := CanAdminister(who, ActionViewOperator, a); err != nil {
		return nil, err
	}
	return a, nil
}

// ListOperators returns up to limit accounts of the principal's tenant
// ordered by ID, starting after
// cursor ("" for the first page), and the opaque cursor of the next page
// ("" at the end). limit <= 0 means 100; more than 500 is cut to 500.
func (d *Desk) ListOperators(ctx context.Context, who Principal, cursor string, limit int) ([]*Account, string, error) {
	if err := CanAdminister(who, ActionListOperators, nil); err != nil {
		return nil, "", err
	}
	after, err := decodeCursor(cursor)
	if err != nil {
		return nil, "", err
	}
	switch {
	case limit <= 0:
		limit = 100
	case limit > 500:
		limit = 500
	}
	page, err := d.store.ListAccounts(ctx, who.Tenant, after, limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(page) > limit {
		page = page[:limit]
		next = encodeCursor(page[limit-1].ID)
	}
	return page, next, nil
}

// DisableOperator stops an account from logging in; its data stay.
func (d *Desk) DisableOperator(ctx context.Context, who Principal, id string) (*Account, error) {
	return d.modify(ctx, who, id, ActionDisableOperator, func(a *Account) error {
		a.Disabled = true
		return nil
	})
}

// EnableOperator lets a disabled account log in again.
func (d *Desk) EnableOperator(ctx context.Context, who Principal, id string) (*Account, error) {
	return d.modify(ctx, who, id, ActionEnableOperator, func(a *Account) error {
		a.Disabled = false
		return nil
	})
}

// SetServices replaces the services the operator is enabled for.
func (d *Desk) SetServices(ctx context.Context, who Principal, id string, services []string) (*Account, error) {
	return d.setRights(ctx, who, id, ActionSetServices, "service", services, func(a *Account) *[]string { return &a.Services })
}

// SetCalendars replaces the calendars the operator is enabled for.
func (d *Desk) SetCalendars(ctx context.Context, who Principal, id string, calendars []string) (*Account, error) {
	return d.setRights(ctx, who, id, ActionSetCalendars, "calendar", calendars, func(a *Account) *[]string { return &a.Calendars })
}

// SetOffices replaces the offices the operator belongs to.
func (d *Desk) SetOffices(ctx context.Context, who Principal, id string, offices []string) (*Account, error) {
	return d.setRights(ctx, who, id, ActionSetOffices, "office", offices, func(a *Account) *[]string { return &a.Offices })
}

func (d *Desk) setRights(ctx context.Context, who Principal, id string, action Action, kind string, ids []string, field func(*Account) *[]string) (*Account, error) {
	ids = normalizeSet(ids)
	for _, x := range ids {
		if len(x) > 128 {
			return nil, &ValidationError{Fields: []FieldError{{Field: kind + "s", Rule: "max", Message: "each ID must be at most 128 characters"}}}
		}
	}
	return d.modify(ctx, who, id, action, func(a *Account) error {
		f := field(a)
		if err := CanGrant(who, action, kind, *f, ids); err != nil {
			return err
		}
		*f = ids
		return nil
	})
}

// GrantManager gives an operator the manager role.
func (d *Desk) GrantManager(ctx context.Context, who Principal, id string) (*Account, error) {
	return d.setRole(ctx, who, id, ActionGrantManager, RoleManager, true)
}

// RevokeManager takes the manager role away.
func (d *Desk) RevokeManager(ctx context.Context, who Principal, id string) (*Account, error) {
	return d.setRole(ctx, who, id, ActionRevokeManager, RoleManager, false)
}

// GrantAdmin makes an operator an administrator (administrators only).
func (d *Desk) GrantAdmin(ctx context.Context, who Principal, id string) (*Account, error) {
	return d.setRole(ctx, who, id, ActionGrantAdmin, RoleAdmin, true)
}

// RevokeAdmin takes the admin role away (administrators only); refused with
// ErrLastAdmin for the tenant's last enabled administrator.
func (d *Desk) RevokeAdmin(ctx context.Context, who Principal, id string) (*Account, error) {
	return d.setRole(ctx, who, id, ActionRevokeAdmin, RoleAdmin, false)
}

func (d *Desk) setRole(ctx context.Context, who Principal, id string, action Action, r Role, grant bool) (*Account, error) {
	return d.modify(ctx, who, id, action, func(a *Account) error {
		if grant {
			a.Roles = withRole(a.Roles, r)
		} else {
			a.Roles = withoutRole(a.Roles, r)
		}
		return nil
	})
}

// DeleteOperator removes an account and its outstanding tokens; refused with
// ErrLastAdmin for the tenant's last enabled administrator.
func (d *Desk) DeleteOperator(ctx context.Context, who Principal, id string) error {
	a, err := d.store.GetAccount(ctx, who.Tenant, id)
	if err != nil {
		return err
	}
	if err := CanAdminister(who, ActionDeleteOperator, a); err != nil {
		return err
	}
	if err := d.store.DeleteAccount(ctx, a.Tenant, a.ID, a.Version, nil); err != nil {
		return err
	}
	d.log.Info().Str("tenant", a.Tenant).Str("account", a.ID).Str("by", who.ID).Msg("operator deleted")
	return nil
}

// modify is the shape of every account command: load, check permission,
// apply the change, save with the version read.
func (d *Desk) modify(ctx context.Context, who Principal, id string, action Action, change func(*Account) error) (*Account, error) {
	a, err := d.store.GetAccount(ctx, who.Tenant, id)
	if err != nil {
		return nil, err
	}
	if err := CanAdminister(who, action, a); err != nil {
		return nil, err
	}
	before := a.Clone()
	if err := change(a); err != nil {
		return nil, err
	}
	if accountUnchanged(before, a) {
		return a, nil
	}
	a.UpdatedAt = d.now()
	if err := d.store.UpdateAccount(ctx, a, nil); err != nil {
		return nil, err
	}
	d.log.Info().Str("tenant", a.Tenant).Str("account", a.ID).Str("by", who.ID).Str("action", string(action)).Msg("operator changed")
	return a, nil
}

func accountUnchanged(a, b *Account) bool {
	return a.Disabled == b.Disabled &&
		slices.Equal(a.Roles, b.Roles) &&
		slices.Equal(a.Services, b.Services) &&
		slices.Equal(a.Calendars, b.Calendars) &&
		slices.Equal(a.Offices, b.Offices)
}
