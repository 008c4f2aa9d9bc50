package auth

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/rs/zerolog"
)

// NewOperator is the input of CreateOperator and Bootstrap. Every string
// follows the text rule (valid UTF-8, no control characters); surrounding
// spaces are trimmed.
type NewOperator struct {
	// Username, unique in the tenant; usually name and surname.
	Username string `json:"username" validate:"required,line,min=3,max=64,username"`
	// Email receives the set-password link; unique in the tenant
	// (case-insensitively).
	Email string `json:"email" validate:"required,line,max=254,email"`
	// Manager and Admin add those roles to RoleOperator.
	Manager bool `json:"manager"`
	Admin   bool `json:"admin"`
	// Services, Calendars and Offices the operator is enabled for. An
	// empty (or blank) entry is refused; duplicates are merged.
	Services  []string `json:"services" validate:"dive,required,line,max=128"`
	Calendars []string `json:"calendars" validate:"dive,required,line,max=128"`
	Offices   []string `json:"offices" validate:"dive,required,line,max=128"`
	// IdempotencyKey makes a repeated call return the account the first
	// call created (and send a fresh link if no password was set yet).
	IdempotencyKey string `json:"idempotency_key" validate:"line,max=128"`
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
	if err := d.authorize(who, ActionCreateOperator, nil); err != nil {
		return nil, err
	}
	in, err := d.checkNewOperator(in)
	if err != nil {
		return nil, err
	}
	if err := d.refused(who, ActionCreateOperator, nil, canGrantAll(who, ActionCreateOperator, in)); err != nil {
		return nil, err
	}
	return d.createAccount(ctx, who.Tenant, in)
}

// Bootstrap creates the first administrator of a tenant that has none, and
// sends the set-password link. It is how an installation starts. Once the
// tenant has an enabled administrator it is refused with ErrForbidden,
// except for the idempotent repeat of the very call that created it (same
// username, e-mail and idempotency key, the default key when none is
// given): that returns the account and, while it has no password, sends a
// fresh link.
func (d *Desk) Bootstrap(ctx context.Context, tenant string, in NewOperator) (*Account, error) {
	if err := checkTenant(tenant); err != nil {
		return nil, err
	}
	in.Admin, in.Manager = true, true
	if strings.TrimSpace(in.IdempotencyKey) == "" {
		in.IdempotencyKey = "sportello:bootstrap"
	}
	in, err := d.checkNewOperator(in)
	if err != nil {
		return nil, err
	}
	n, err := d.store.CountAdmins(ctx, tenant)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		a, err := d.createAccount(ctx, tenant, in)
		if !errors.Is(err, ErrConflict) {
			return a, err
		}
		// A concurrent bootstrap may have won: then this one is refused
		// below unless it is the same call. Otherwise the conflict stands.
		if n, cerr := d.store.CountAdmins(ctx, tenant); cerr != nil || n == 0 {
			return nil, err
		}
	}
	a, err := d.store.FindAccountByIdempotencyKey(ctx, tenant, in.IdempotencyKey)
	switch {
	case err == nil && sameOperator(a, in):
		return d.resumeCreation(ctx, a, in)
	case err != nil && !errors.Is(err, ErrNotFound):
		return nil, err
	}
	err = forbidden(ActionBootstrap, "tenant_without_admin")
	d.security(zerolog.WarnLevel, tenant, string(ActionBootstrap), outcomeForbidden, "").Msg("permission refused")
	return nil, err
}

// checkNewOperator trims in, validates it (the text rule included) and
// returns it with its rights merged and sorted.
func (d *Desk) checkNewOperator(in NewOperator) (NewOperator, error) {
	in.Username = strings.TrimSpace(in.Username)
	in.Email = strings.TrimSpace(in.Email)
	in.IdempotencyKey = strings.TrimSpace(in.IdempotencyKey)
	in.Services = trimAll(in.Services)
	in.Calendars = trimAll(in.Calendars)
	in.Offices = trimAll(in.Offices)
	if err := check(d.validate, in); err != nil {
		return in, err
	}
	in.Services = normalizeSet(in.Services)
	in.Calendars = normalizeSet(in.Calendars)
	in.Offices = normalizeSet(in.Offices)
	return in, nil
}

// sameOperator reports whether in asks for the account a already is: the
// repeat of the call that created it.
func sameOperator(a *Account, in NewOperator) bool {
	return a.Username == in.Username && NormalizeEmail(a.Email) == NormalizeEmail(in.Email)
}

// canGrantAll checks every right a new account is created with.
func canGrantAll(who Principal, action Action, in NewOperator) error {
	if err := canGrantRoles(who, action, in.roles()); err != nil {
		return err
	}
	if err := AuthorizeGrant(who, action, "service", nil, in.Services); err != nil {
		return err
	}
	if err := AuthorizeGrant(who, action, "calendar", nil, in.Calendars); err != nil {
		return err
	}
	return AuthorizeGrant(who, action, "office", nil, in.Offices)
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
	d.log.Info().Str("tenant", tenant).Str("action", string(ActionCreateOperator)).Str("account_id", a.ID).Msg("operator created")
	// A failed delivery still returns the account: repeating the call with
	// the same idempotency key sends a fresh link.
	return a, d.sendSetPassword(ctx, a)
}

// resumeCreation completes a repeated creation: the same key with other data
// is a conflict; with the same data, the account is returned and, while it
// has no password, a fresh set-password link is sent.
func (d *Desk) resumeCreation(ctx context.Context, a *Account, in NewOperator) (*Account, error) {
	if !sameOperator(a, in) {
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
	return d.load(ctx, who, id, ActionViewOperator)
}

// load reads an account of the principal's tenant and checks that who may
// perform action on it. An ID or tenant that cannot exist is ErrNotFound
// without a store call.
func (d *Desk) load(ctx context.Context, who Principal, id string, action Action) (*Account, error) {
	if !canExist(who.Tenant, id) {
		return nil, ErrNotFound
	}
	a, err := d.store.GetAccount(ctx, who.Tenant, id)
	if err != nil {
		return nil, err
	}
	if err := d.authorize(who, action, a); err != nil {
		return nil, err
	}
	return a, nil
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
	ids = trimAll(ids)
	var v validationErrors
	for i, x := range ids {
		name := kind + "s[" + strconv.Itoa(i) + "]"
		if x == "" {
			v.add(name, "required", "is required")
		}
		v.line(name, x, maxRightID)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	ids = normalizeSet(ids)
	return d.modify(ctx, who, id, action, func(a *Account) error {
		f := field(a)
		if err := d.refused(who, action, a, AuthorizeGrant(who, action, kind, *f, ids)); err != nil {
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
	a, err := d.load(ctx, who, id, ActionDeleteOperator)
	if err != nil {
		return err
	}
	if err := d.store.DeleteAccount(ctx, a.Tenant, a.ID, a.Version, nil); err != nil {
		return err
	}
	d.log.Info().Str("tenant", a.Tenant).Str("action", string(ActionDeleteOperator)).Str("account_id", a.ID).Str("actor_id", who.ID).Msg("operator deleted")
	return nil
}

// modify is the shape of every account command: load, check permission,
// apply the change, save with the version read.
func (d *Desk) modify(ctx context.Context, who Principal, id string, action Action, change func(*Account) error) (*Account, error) {
	a, err := d.load(ctx, who, id, action)
	if err != nil {
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
	d.log.Info().Str("tenant", a.Tenant).Str("action", string(action)).Str("account_id", a.ID).Str("actor_id", who.ID).Msg("operator changed")
	return a, nil
}

func accountUnchanged(a, b *Account) bool {
	return a.Disabled == b.Disabled &&
		slices.Equal(a.Roles, b.Roles) &&
		slices.Equal(a.Services, b.Services) &&
		slices.Equal(a.Calendars, b.Calendars) &&
		slices.Equal(a.Offices, b.Offices)
}
