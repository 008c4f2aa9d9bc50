package practice

import (
	"context"
	"fmt"
	"slices"

	"github.com/sportello/sportello/auth"
)

// Acquire marks the pratica acquired once the host made its summary
// document (system; 1900 → 2000). The citizen and the operators enabled
// for the service are notified.
func (d *Desk) Acquire(ctx context.Context, who auth.Principal, id ID) (*Practice, error) {
	return d.run(ctx, who, id, ActionAcquire, func(c *change) error {
		return c.apply(ActionAcquire)
	})
}

// RegisterProtocol registers the document the pratica's status waits for
// in the office's protocol through the Registrar, and moves on (system;
// services requiring protocol): the application (2000 → 3000), the open
// integration request (4100 → 4200), the integration answer (4300 →
// 4400), the outcome document (6000 → 7000, 8000 → 9000). The
// registrar's idempotency key is derived from the pratica, so repeating
// the call after a failure registers nothing twice.
func (d *Desk) RegisterProtocol(ctx context.Context, who auth.Principal, id ID) (*Practice, error) {
	return d.run(ctx, who, id, ActionRegisterProtocol, func(c *change) error {
		to, err := step(c.p, ActionRegisterProtocol, c.facts())
		if err != nil {
			return err
		}
		if d.registrar == nil {
			return fmt.Errorf("%w: no registrar configured", ErrUnavailable)
		}
		doc := ProtocolDocument{
			Tenant: c.p.Tenant, Practice: c.p.ID, Service: c.p.Service,
			IdempotencyKey: fmt.Sprintf("%s/protocol/%d", c.p.ID, len(c.p.Protocols)),
		}
		var set func(number string)
		switch c.p.Status {
		case StatusSubmitted:
			doc.Document = DocumentApplication
			set = func(n string) { c.p.ProtocolNumber = n }
		case StatusRequestIntegration, StatusSubmittedAfterIntegration:
			req := lastIntegration(c.p)
			if req == nil {
				return &TransitionError{ID: c.p.ID, From: c.p.Status, Action: ActionRegisterProtocol}
			}
			doc.Ref = req.ID
			if c.p.Status == StatusRequestIntegration {
				doc.Document = DocumentIntegrationRequest
				doc.Attachments = slices.Clone(req.Attachments)
				set = func(n string) { req.ProtocolNumber = n }
			} else {
				doc.Document = DocumentIntegrationAnswer
				if req.Answer != nil {
					doc.Attachments = slices.Clone(req.Answer.Attachments)
				}
				set = func(n string) {
					if req.Answer != nil {
						req.Answer.ProtocolNumber = n
					}
				}
			}
		default: // 6000, 8000
			doc.Document = DocumentOutcome
			if c.p.Outcome != nil {
				doc.Attachments = slices.Clone(c.p.Outcome.Attachments)
			}
			set = func(n string) {
				if c.p.Outcome != nil {
					c.p.Outcome.ProtocolNumber = n
				}
			}
		}
		number, err := d.registrar.Register(ctx, doc)
		if err != nil {
			return err
		}
		set(number)
		c.p.Protocols = append(c.p.Protocols, ProtocolRecord{Document: doc.Document, Ref: doc.Ref, Number: number, RegisteredAt: c.now})
		c.moveTo(ActionRegisterProtocol, to, "")
		return nil
	})
}

// lastIntegration returns p's newest integration request, or nil.
func lastIntegration(p *Practice) *IntegrationRequest {
	if len(p.Integrations) == 0 {
		return nil
	}
	return &p.Integrations[len(p.Integrations)-1]
}
