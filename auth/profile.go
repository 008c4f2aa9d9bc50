package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Subject is the host's master record of a person (the "anagrafica"): a
// profile's name, surname and codice fiscale always follow it.
type Subject struct {
	// ID identifies the subject in the host.
	ID string `json:"id" validate:"required,line,max=128"`
	// Name and Surname as registered.
	Name    string `json:"name" validate:"required,line,max=100"`
	Surname string `json:"surname" validate:"required,line,max=100"`
	// FiscalCode is mandatory and must be real: placeholder codes are
	// refused.
	FiscalCode string `json:"fiscal_code" validate:"required,codicefiscale"`
}

// ProfileInput is the input of ProvisionProfile. Every string follows the
// text rule (valid UTF-8, no control characters); surrounding spaces are
// trimmed.
type ProfileInput struct {
	// Subject is the person the profile belongs to; it wins over any
	// earlier data of the profile.
	Subject Subject `json:"subject"`
	// Class is the user class that decides the allowed provider.
	Class string `json:"class" validate:"required,line,max=64"`
	// Email is where the provider's registration e-mail goes.
	Email string `json:"email" validate:"required,line,max=254,email"`
	// Provider asked for; empty means the policy's default for the class.
	Provider string `json:"provider" validate:"line,max=64"`
}

// Profile is a login profile provisioned for a subject, associated with an
// account at its login provider.
type Profile struct {
	// Tenant is the public body the profile belongs to.
	Tenant string
	// ID is assigned at creation.
	ID string
	// SubjectID names the host's subject record; one profile per subject.
	SubjectID string
	// Class is the user class.
	Class string
	// Name, Surname and FiscalCode mirror the subject record.
	Name, Surname string
	FiscalCode    FiscalCode
	// Email for the provider's messages.
	Email string
	// Provider is the default login provider.
	Provider string
	// ProviderAccount is the associated account at Provider; empty when
	// the association was cancelled or never made.
	ProviderAccount string
	// ActivationSentAt is when the last registration or activation e-mail
	// was queued.
	ActivationSentAt time.Time
	// CreatedAt, UpdatedAt are UTC instants; Version as for Account.
	CreatedAt, UpdatedAt time.Time
	Version              int64
}

// Clone returns a copy of p.
func (p *Profile) Clone() *Profile {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}

// DirectoryQuery is what the provider directory is asked for.
type DirectoryQuery struct {
	// Provider is the login provider to create the account at.
	Provider string
	// Name, Surname, FiscalCode and Email describe the person; the
	// directory passes them to the provider and must not log them.
	Name       string
	Surname    string
	FiscalCode FiscalCode
	Email      string
}

// ProviderDirectory is the login provider's account directory, implemented
// by the host over the provider's API. Both methods return an error
// matching ErrProviderUnauthorized when the provider refuses the
// organisation (its master account is not registered: HTTP 401).
type ProviderDirectory interface {
	// FindAccount returns the provider account matching q, or found false.
	FindAccount(ctx context.Context, q DirectoryQuery) (account string, found bool, err error)
	// CreateAccount creates an account for q, to be completed by its holder
	// through the registration e-mail, and returns its identifier.
	CreateAccount(ctx context.Context, q DirectoryQuery) (account string, err error)
}

// ProvisionProfile creates or updates the login profile of a subject under
// the provider policy: it validates name, surname, a real codice fiscale and
// the e-mail; takes name, surname and code from the subject; asks the
// directory for an account with those data and associates it, or creates one
// and queues the registration e-mail. Calling it again for the same subject
// re-synchronises the profile. When the provider refuses the organisation
// it returns an error matching ErrProviderUnauthorized and changes nothing.
func (d *Desk) ProvisionProfile(ctx context.Context, who Principal, in ProfileInput) (*Profile, error) {
	if err := d.authorize(who, ActionProvisionProfile, nil); err != nil {
		return nil, err
	}
	if d.cfg.Directory == nil {
		return nil, errors.New("auth: ProvisionProfile needs Config.Directory")
	}
	in = normalizeProfileInput(in)
	if err := check(d.validate, in); err != nil {
		return nil, err
	}
	fc, err := ParseFiscalCode(in.Subject.FiscalCode)
	if err != nil || fc.IsPlaceholder() {
		return nil, &ValidationError{Fields: []FieldError{{Field: "subject.fiscal_code", Rule: "placeholder", Message: "must be a real codice fiscale, not a placeholder"}}}
	}
	if in.Provider == "" {
		in.Provider = d.cfg.Providers.Default(in.Class)
	}
	if !d.cfg.Providers.Allowed(in.Class, in.Provider) {
		return nil, fmt.Errorf("%w: provider not allowed for the user class", ErrPolicy)
	}

	existing, err := d.store.FindProfileBySubject(ctx, who.Tenant, in.Subject.ID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	now := d.now()
	p := existing.Clone()
	if p == nil {
		p = &Profile{Tenant: who.Tenant, ID: d.cfg.NewID(), SubjectID: in.Subject.ID, CreatedAt: now}
	}
	if p.Provider != "" && p.Provider != in.Provider {
		// The provider changes only through SwitchProvider.
		return nil, fmt.Errorf("%w: the profile uses another provider; switch it first", ErrPolicy)
	}
	p.Class, p.Name, p.Surname, p.FiscalCode, p.Email, p.Provider = in.Class, in.Subject.Name, in.Subject.Surname, fc, in.Email, in.Provider
	p.UpdatedAt = now

	var notes []Notification
	if p.ProviderAccount == "" {
		q := DirectoryQuery{Provider: p.Provider, Name: p.Name, Surname: p.Surname, FiscalCode: p.FiscalCode, Email: p.Email}
		account, found, err := d.cfg.Directory.FindAccount(ctx, q)
		if err != nil {
			return nil, d.directoryError(who.Tenant, err)
		}
		if !found {
			if account, err = d.cfg.Directory.CreateAccount(ctx, q); err != nil {
				return nil, d.directoryError(who.Tenant, err)
			}
			notes = append(notes, d.profileNote(p, NotifyProviderRegistration, now))
			p.ActivationSentAt = now
		}
		p.ProviderAccount = account
	}
	if existing == nil {
		err = d.store.CreateProfile(ctx, p, notes)
	} else {
		err = d.store.UpdateProfile(ctx, p, notes)
	}
	if err != nil {
		return nil, err
	}
	d.log.Info().Str("tenant", p.Tenant).Str("action", string(ActionProvisionProfile)).Str("profile_id", p.ID).Str("provider", p.Provider).Msg("profile provisioned")
	return p, nil
}

func normalizeProfileInput(in ProfileInput) ProfileInput {
	in.Subject.ID = strings.TrimSpace(in.Subject.ID)
	in.Subject.Name = strings.TrimSpace(in.Subject.Name)
	in.Subject.Surname = strings.TrimSpace(in.Subject.Surname)
	in.Subject.FiscalCode = strings.TrimSpace(in.Subject.FiscalCode)
	in.Class = strings.TrimSpace(in.Class)
	in.Email = strings.TrimSpace(in.Email)
	in.Provider = strings.TrimSpace(in.Provider)
	return in
}

// directoryError wraps the host's directory error, keeping
// ErrProviderUnauthorized recognisable. The wrapped text is the host's own;
// it is not logged here, since it may quote the data that were looked up.
func (d *Desk) directoryError(tenant string, err error) error {
	d.log.Warn().Str("tenant", tenant).Str("action", string(ActionProvisionProfile)).
		Bool("unauthorized", errors.Is(err, ErrProviderUnauthorized)).Msg("provider directory refused or failed")
	return fmt.Errorf("auth: provider directory: %w", err)
}

func (d *Desk) profileNote(p *Profile, kind NotificationKind, now time.Time) Notification {
	return Notification{ID: d.cfg.NewID(), Tenant: p.Tenant, Kind: kind, ProfileID: p.ID, Recipient: p.Email, CreatedAt: now}
}

// GetProfile returns a provisioned profile.
func (d *Desk) GetProfile(ctx context.Context, who Principal, id string) (*Profile, error) {
	if err := d.authorize(who, ActionProvisionProfile, nil); err != nil {
		return nil, err
	}
	if !canExist(id) {
		return nil, ErrNotFound
	}
	return d.store.GetProfile(ctx, who.Tenant, id)
}

// CancelAssociation removes the link between a profile and its provider
// account (administrators only).
func (d *Desk) CancelAssociation(ctx context.Context, who Principal, id string) (*Profile, error) {
	return d.modifyProfile(ctx, who, id, ActionCancelAssociation, func(p *Profile) ([]Notification, error) {
		p.ProviderAccount = ""
		return nil, nil
	})
}

// SwitchProvider changes a profile's default provider (administrators
// only). The new provider must be allowed for the profile's class, so a
// class with exactly one provider can only be switched to that one. The old
// association is cancelled: the account belonged to the old provider.
func (d *Desk) SwitchProvider(ctx context.Context, who Principal, id, provider string) (*Profile, error) {
	provider = strings.TrimSpace(provider)
	var v validationErrors
	v.line("provider", provider, 64)
	if err := v.err(); err != nil {
		return nil, err
	}
	return d.modifyProfile(ctx, who, id, ActionSwitchProvider, func(p *Profile) ([]Notification, error) {
		if !d.cfg.Providers.Allowed(p.Class, provider) {
			return nil, fmt.Errorf("%w: provider not allowed for the user class", ErrPolicy)
		}
		if p.Provider != provider {
			p.Provider, p.ProviderAccount = provider, ""
		}
		return nil, nil
	})
}

// ResendActivation queues the activation e-mail of a profile again
// (administrators only), at most once per Config.ActivationResendInterval:
// sooner gives a *ThrottledError.
func (d *Desk) ResendActivation(ctx context.Context, who Principal, id string) (*Profile, error) {
	return d.modifyProfile(ctx, who, id, ActionResendActivation, func(p *Profile) ([]Notification, error) {
		now := d.now()
		if p.ProviderAccount == "" {
			return nil, fmt.Errorf("%w: the profile has no provider account to activate", ErrPolicy)
		}
		if next := p.ActivationSentAt.Add(d.cfg.ActivationResendInterval); !p.ActivationSentAt.IsZero() && now.Before(next) {
			return nil, &ThrottledError{RetryAfter: next.Sub(now), Until: next}
		}
		p.ActivationSentAt = now
		return []Notification{d.profileNote(p, NotifyProviderActivation, now)}, nil
	})
}

func (d *Desk) modifyProfile(ctx context.Context, who Principal, id string, action Action, change func(*Profile) ([]Notification, error)) (*Profile, error) {
	if err := d.authorize(who, action, nil); err != nil {
		return nil, err
	}
	if !canExist(id) {
		return nil, ErrNotFound
	}
	p, err := d.store.GetProfile(ctx, who.Tenant, id)
	if err != nil {
		return nil, err
	}
	notes, err := change(p)
	if err != nil {
		return nil, err
	}
	p.UpdatedAt = d.now()
	if err := d.store.UpdateProfile(ctx, p, notes); err != nil {
		return nil, err
	}
	d.log.Info().Str("tenant", p.Tenant).Str("action", string(action)).Str("profile_id", p.ID).Str("actor_id", who.ID).Msg("profile changed")
	return p, nil
}
