package practice

import (
	"context"
	"slices"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/textrule"
)

// NewPractice is the input of Create.
type NewPractice struct {
	// Service is the service's ID.
	Service string `validate:"required,line,max=100"`
	// Data is the form data (JSON-shaped; see Practice.Data).
	Data map[string]any
	// Related lists the codici fiscali of other subjects the pratica
	// concerns.
	Related []string `validate:"max=50,dive,codicefiscale"`
	// IdempotencyKey makes Create safe to repeat: a second call with the
	// same key returns the first call's pratica.
	IdempotencyKey string `validate:"line,max=200"`
	// OwnerName is the citizen's display name as the host knows it
	// (optional): lists show it and text queries search it.
	OwnerName string `validate:"line,max=200"`
}

// Create makes a draft (1000) owned by the acting citizen. The service
// must be available (else ErrUnavailable) and the citizen's
// authentication level at least the service's (else a
// *auth.PermissionError).
func (d *Desk) Create(ctx context.Context, who auth.Principal, in NewPractice) (*Practice, error) {
	if err := d.validateInput(in); err != nil {
		return nil, err
	}
	if !lookupable(who.Tenant) {
		return nil, ErrNotFound // no service can exist there
	}
	data, err := normalizeData(in.Data)
	if err != nil {
		return nil, err
	}
	p := &Practice{
		ID: ID(d.newID()), Tenant: who.Tenant, Service: in.Service,
		Owner:          Owner{ID: who.ID, FiscalCode: who.FiscalCode.Normalized().String(), Provider: who.Provider, Name: in.OwnerName},
		Related:        normalizeRelated(in.Related),
		Data:           data,
		IdempotencyKey: in.IdempotencyKey,
	}
	if err := Authorize(who, ActionCreate, p); err != nil {
		return nil, err
	}
	svc, err := d.store.GetService(ctx, who.Tenant, in.Service)
	if err != nil {
		return nil, err
	}
	if svc.Status != ServiceAvailable {
		return nil, ErrUnavailable
	}
	if !who.MeetsLevel(svc.RequiredLevel) {
		return nil, &auth.PermissionError{Action: "practice.create", Missing: "level:" + svc.RequiredLevel.String()}
	}
	p.Office = svc.Office
	c := &change{d: d, who: who, action: ActionCreate, p: p, svc: svc, now: d.clock()}
	p.CreatedAt = c.now
	if err := c.apply(ActionCreate); err != nil {
		return nil, err
	}
	got, _, err := d.store.Create(ctx, p, c.notes)
	if err != nil {
		return nil, err
	}
	if got.Owner.ID != who.ID {
		// Another citizen's key: never show their pratica.
		return nil, &ConflictError{Field: "idempotency_key"}
	}
	return forCaller(who, got), nil
}

func normalizeRelated(in []string) []string {
	var out []string
	for _, s := range in {
		fc, err := auth.ParseFiscalCode(s)
		if err != nil {
			continue // validated before
		}
		n := fc.Normalized().String()
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// Get returns the pratica if who may see it (owner, related citizens,
// operators enabled for the service or in the assigned office, the
// system). Citizens never see internal notes.
func (d *Desk) Get(ctx context.Context, who auth.Principal, id ID) (*Practice, error) {
	if !lookupable(who.Tenant) || !lookupable(string(id)) {
		return nil, ErrNotFound
	}
	p, err := d.store.Get(ctx, who.Tenant, id)
	if err != nil {
		return nil, err
	}
	if err := Authorize(who, ActionView, p); err != nil {
		return nil, err
	}
	return forCaller(who, p), nil
}

// Edit replaces the form data (owner; in 1000, 1500 and 4200).
func (d *Desk) Edit(ctx context.Context, who auth.Principal, id ID, data map[string]any) (*Practice, error) {
	norm, err := normalizeData(data)
	if err != nil {
		return nil, err
	}
	return d.run(ctx, who, id, ActionEdit, func(c *change) error {
		if _, err := step(c.p, ActionEdit, c.facts()); err != nil {
			return err
		}
		c.p.Data = norm
		c.p.UpdatedAt = c.now
		return nil
	})
}

// Delete removes a draft (owner; 1000 only).
func (d *Desk) Delete(ctx context.Context, who auth.Principal, id ID) error {
	c, err := d.load(ctx, who, id, ActionDelete)
	if err != nil {
		return err
	}
	if _, err := step(c.p, ActionDelete, c.facts()); err != nil {
		return err
	}
	return d.store.Delete(ctx, c.p.Tenant, c.p.ID, c.p.Version, nil)
}

// Submit sends the pratica (owner; 1000 → 1900) for services without
// up-front payment; those are sent by paying (Pay). The pratica then waits
// in 1900 until the host, having made its summary document, calls
// Acquire; with Config.AcquireOnSubmit it is acquired at once (→ 2000).
func (d *Desk) Submit(ctx context.Context, who auth.Principal, id ID) (*Practice, error) {
	return d.run(ctx, who, id, ActionSubmit, func(c *change) error {
		if err := c.apply(ActionSubmit); err != nil {
			return err
		}
		c.p.SubmittedAt = c.now
		c.autoAcquire()
		return nil
	})
}

// MessageInput is the input of SendMessage.
type MessageInput struct {
	// Subject is optional.
	Subject string `validate:"line,max=300"`
	// Text is the message.
	Text string `validate:"required,text,max=20000"`
	// Attachments reference the host's files.
	Attachments []Attachment `validate:"max=50,dive"`
	// Internal makes an operator's message a private note (operators
	// only). Citizens cannot write internal notes.
	Internal bool
}

// SendMessage writes a message on the pratica: the owner writes to the
// office once the pratica is taken in charge (ActionCitizenMessage);
// operators write to the citizen (ActionMessage) or, with Internal, a
// private note (ActionNote). The status does not change; a history entry
// records the event. Messages only append, so a concurrent change of the
// pratica never fails the call with ErrConflict: the Desk reads the
// pratica again and appends to the new version while the lifecycle still
// allows the message.
func (d *Desk) SendMessage(ctx context.Context, who auth.Principal, id ID, in MessageInput) (*Practice, error) {
	if err := d.validateInput(in); err != nil {
		return nil, err
	}
	a := ActionMessage
	vis := VisibilityApplicant
	switch {
	case who.IsCitizen():
		if in.Internal {
			return nil, forbidden(ActionNote, "operator")
		}
		a = ActionCitizenMessage
	case in.Internal:
		a, vis = ActionNote, VisibilityInternal
	}
	return d.runAppend(ctx, who, id, a, func(c *change) error {
		to, err := step(c.p, a, c.facts())
		if err != nil {
			return err
		}
		mid := c.message(vis, in.Subject, in.Text, in.Attachments)
		c.moveTo(a, to, mid)
		return nil
	})
}

// AnswerInput is the citizen's answer to an integration request.
type AnswerInput struct {
	// Text explains the answer.
	Text string `validate:"required,text,max=20000"`
	// Attachments are the documents sent.
	Attachments []Attachment `validate:"max=50,dive"`
}

// AnswerIntegration answers the open integration request (owner; 4200 →
// 4300, then straight on to 4000 for services without protocol).
func (d *Desk) AnswerIntegration(ctx context.Context, who auth.Principal, id ID, in AnswerInput) (*Practice, error) {
	if err := d.validateInput(in); err != nil {
		return nil, err
	}
	return d.run(ctx, who, id, ActionAnswerIntegration, func(c *change) error {
		req := openIntegration(c.p)
		if req == nil {
			return &TransitionError{ID: c.p.ID, From: c.p.Status, Action: ActionAnswerIntegration}
		}
		to, err := step(c.p, ActionAnswerIntegration, c.facts())
		if err != nil {
			return err
		}
		mid := c.message(VisibilityApplicant, "", in.Text, in.Attachments)
		req.State = IntegrationAnswered
		req.ClosedAt = c.now
		req.Answer = &IntegrationAnswer{At: c.now, By: who.ID, MessageID: mid, Attachments: slices.Clone(in.Attachments)}
		c.moveTo(ActionAnswerIntegration, to, mid)
		c.skipProtocol()
		return nil
	})
}

// openIntegration returns the open integration request of p, or nil.
func openIntegration(p *Practice) *IntegrationRequest {
	for i := len(p.Integrations) - 1; i >= 0; i-- {
		if p.Integrations[i].State == IntegrationOpen {
			return &p.Integrations[i]
		}
	}
	return nil
}

// Withdraw withdraws the pratica (owner; service allows it; no payment
// made; from 1900, 2000, 3000, 4000, 4100, 4200, 4400 to 20000). reason is
// optional and is saved as a message to the office.
func (d *Desk) Withdraw(ctx context.Context, who auth.Principal, id ID, reason string) (*Practice, error) {
	var errs validationErrors
	errs.checkText("reason", reason, textrule.Long, 20000, false)
	if err := errs.err(); err != nil {
		return nil, err
	}
	return d.run(ctx, who, id, ActionWithdraw, func(c *change) error {
		to, err := step(c.p, ActionWithdraw, c.facts())
		if err != nil {
			return err
		}
		mid := ""
		if reason != "" {
			mid = c.message(VisibilityApplicant, "", reason, nil)
		}
		c.moveTo(ActionWithdraw, to, mid)
		return nil
	})
}
