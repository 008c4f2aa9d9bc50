package practice

import (
	"context"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/textrule"
)

// officeFor returns the office an operator taking p in charge works from:
// p's office when the operator belongs to it, else the operator's first
// office, else p's office unchanged.
func officeFor(who auth.Principal, p *Practice) string {
	if p.Office != "" && slices.Contains(who.Offices, p.Office) {
		return p.Office
	}
	if len(who.Offices) > 0 {
		return who.Offices[0]
	}
	return p.Office
}

// TakeInCharge assigns the pratica to the acting operator and their office
// (2000 without protocol, 3000 → 4000; 4400 → 4500). Approval workflow
// only; a pratica held by another operator is taken over instead.
func (d *Desk) TakeInCharge(ctx context.Context, who auth.Principal, id ID) (*Practice, error) {
	return d.run(ctx, who, id, ActionTakeInCharge, func(c *change) error {
		to, err := step(c.p, ActionTakeInCharge, c.facts())
		if err != nil {
			return err
		}
		c.p.Assignee = who.ID
		c.p.Office = officeFor(who, c.p)
		c.moveTo(ActionTakeInCharge, to, "")
		return nil
	})
}

// Assign changes the assigned office (required) and operator (optional:
// empty leaves the pratica unassigned). The status does not change.
func (d *Desk) Assign(ctx context.Context, who auth.Principal, id ID, office, operator string) (*Practice, error) {
	var errs validationErrors
	errs.checkText("office", office, textrule.Line, 100, true)
	errs.checkText("operator", operator, textrule.Line, 100, false)
	if err := errs.err(); err != nil {
		return nil, err
	}
	return d.run(ctx, who, id, ActionChangeAssignee, func(c *change) error {
		to, err := step(c.p, ActionChangeAssignee, c.facts())
		if err != nil {
			return err
		}
		c.p.Office, c.p.Assignee = office, operator
		c.moveTo(ActionChangeAssignee, to, "")
		return nil
	})
}

// TakeOver ("subentra") moves the pratica from another operator to the
// acting one, while its status is below 5000 and the workflow is approval.
func (d *Desk) TakeOver(ctx context.Context, who auth.Principal, id ID) (*Practice, error) {
	return d.run(ctx, who, id, ActionTakeOver, func(c *change) error {
		to, err := step(c.p, ActionTakeOver, c.facts())
		if err != nil {
			return err
		}
		c.p.Assignee = who.ID
		c.p.Office = officeFor(who, c.p)
		c.moveTo(ActionTakeOver, to, "")
		return nil
	})
}

// IntegrationInput is an operator's request for more documents.
type IntegrationInput struct {
	// Text tells the citizen what is missing.
	Text string `validate:"required,text,max=20000"`
	// Attachments go with the request.
	Attachments []Attachment `validate:"max=50,dive"`
}

// RequestIntegration asks the citizen for more documents (service allows
// it; 4000, 4500 → 4100; without protocol straight on to 4200). The text
// is saved as a message visible to the applicant.
func (d *Desk) RequestIntegration(ctx context.Context, who auth.Principal, id ID, in IntegrationInput) (*Practice, error) {
	if err := d.validateInput(in); err != nil {
		return nil, err
	}
	return d.run(ctx, who, id, ActionRequestIntegration, func(c *change) error {
		to, err := step(c.p, ActionRequestIntegration, c.facts())
		if err != nil {
			return err
		}
		mid := c.message(VisibilityApplicant, "", in.Text, in.Attachments)
		c.p.Integrations = append(c.p.Integrations, IntegrationRequest{
			ID: c.d.newID(), RequestedAt: c.now, RequestedBy: who.ID, MessageID: mid,
			Attachments: slices.Clone(in.Attachments), State: IntegrationOpen,
		})
		c.moveTo(ActionRequestIntegration, to, mid)
		c.skipProtocol()
		return nil
	})
}

// citizenReplies returns the owner's messages written after the open
// request's message.
func citizenReplies(p *Practice, req *IntegrationRequest) []Message {
	var out []Message
	seen := false
	for _, m := range p.Messages {
		if m.ID == req.MessageID {
			seen = true
			continue
		}
		if seen && m.AuthorKind == auth.KindCitizen && m.Author == p.Owner.ID {
			out = append(out, m)
		}
	}
	return out
}

// AcceptIntegration accepts the citizen's messages written after the open
// request as the answer (4200 → 4300, then on like an answer). Refused
// unless the owner wrote after the request.
func (d *Desk) AcceptIntegration(ctx context.Context, who auth.Principal, id ID) (*Practice, error) {
	return d.run(ctx, who, id, ActionAcceptIntegration, func(c *change) error {
		req := openIntegration(c.p)
		if req == nil {
			return &TransitionError{ID: c.p.ID, From: c.p.Status, Action: ActionAcceptIntegration}
		}
		replies := citizenReplies(c.p, req)
		var extra Facts
		if len(replies) > 0 {
			extra = FactCitizenReplied
		}
		to, err := step(c.p, ActionAcceptIntegration, c.facts()|extra)
		if err != nil {
			return err
		}
		var att []Attachment
		for _, m := range replies {
			att = append(att, m.Attachments...)
		}
		last := replies[len(replies)-1]
		req.State = IntegrationAnswered
		req.ClosedAt = c.now
		req.Answer = &IntegrationAnswer{At: c.now, By: who.ID, MessageID: last.ID, Attachments: att}
		c.moveTo(ActionAcceptIntegration, to, last.ID)
		c.skipProtocol()
		return nil
	})
}

// CancelIntegration withdraws the open integration request (4200 → 4300,
// then on like an answer).
func (d *Desk) CancelIntegration(ctx context.Context, who auth.Principal, id ID) (*Practice, error) {
	return d.run(ctx, who, id, ActionCancelIntegration, func(c *change) error {
		req := openIntegration(c.p)
		if req == nil {
			return &TransitionError{ID: c.p.ID, From: c.p.Status, Action: ActionCancelIntegration}
		}
		to, err := step(c.p, ActionCancelIntegration, c.facts())
		if err != nil {
			return err
		}
		req.State = IntegrationCancelled
		req.ClosedAt = c.now
		c.moveTo(ActionCancelIntegration, to, "")
		c.skipProtocol()
		return nil
	})
}

// Decision is the input of Accept and Reject.
type Decision struct {
	// Motivation explains the decision to the citizen.
	Motivation string `validate:"required,text,max=20000"`
	// Attachments are the outcome documents.
	Attachments []Attachment `validate:"max=50,dive"`
	// Amount is the deferred payment for services with PaymentDeferred
	// (Accept only): zero means the service's PaymentAmount; a positive
	// amount sends the pratica to 1500 and creates the payment. Must be
	// zero for other services and for Reject.
	Amount decimal.Decimal
}

// Reject rejects the pratica (assigned operator only; 4000, 4500 → 8000
// with protocol, else 9000).
func (d *Desk) Reject(ctx context.Context, who auth.Principal, id ID, in Decision) (*Practice, error) {
	if err := d.validateInput(in); err != nil {
		return nil, err
	}
	if !in.Amount.IsZero() {
		return nil, &ValidationError{Fields: []FieldError{{Field: "amount", Rule: "excluded", Message: "must be zero when rejecting"}}}
	}
	return d.run(ctx, who, id, ActionReject, func(c *change) error {
		to, err := step(c.p, ActionReject, c.facts())
		if err != nil {
			return err
		}
		mid := c.message(VisibilityApplicant, "", in.Motivation, in.Attachments)
		c.p.Outcome = &Outcome{Accepted: false, Motivation: in.Motivation, Attachments: slices.Clone(in.Attachments), DecidedBy: who.ID, DecidedAt: c.now}
		c.moveTo(ActionReject, to, mid)
		return nil
	})
}

// ChangeStatus forces the pratica into to (service allows it): 1500
// (services taking payments), 2000, 3000, 4000 (approval services) or
// 50000 (revoked), and 4500 from 4300 (approval services); never the
// current status. A target that is none of these is ErrValidation on the
// field "to"; a target the pratica's status or service does not allow is
// a *TransitionError. reason, optional, is saved as a private note.
func (d *Desk) ChangeStatus(ctx context.Context, who auth.Principal, id ID, to Status, reason string) (*Practice, error) {
	var errs validationErrors
	if !manualTarget(to) {
		errs.add("to", "oneof", "must be a status an operator may force: 1500, 2000, 3000, 4000, 4500 or 50000")
	}
	errs.checkText("reason", reason, textrule.Long, 20000, false)
	if err := errs.err(); err != nil {
		return nil, err
	}
	return d.run(ctx, who, id, ActionChangeStatus, func(c *change) error {
		if !Allowed(c.p.Status, ActionChangeStatus, to, c.facts()) {
			return &TransitionError{ID: c.p.ID, From: c.p.Status, Action: ActionChangeStatus}
		}
		mid := ""
		if reason != "" {
			mid = c.message(VisibilityInternal, "", reason, nil)
		}
		c.moveTo(ActionChangeStatus, to, mid)
		return nil
	})
}

// Reopen takes a complete, rejected or withdrawn pratica back to 4000
// (service allows reopening), assigned to the acting operator. The
// previous outcome is cleared (it stays in the history and messages).
func (d *Desk) Reopen(ctx context.Context, who auth.Principal, id ID) (*Practice, error) {
	return d.run(ctx, who, id, ActionReopen, func(c *change) error {
		to, err := step(c.p, ActionReopen, c.facts())
		if err != nil {
			return err
		}
		c.p.Outcome = nil
		c.p.Assignee = who.ID
		c.p.Office = officeFor(who, c.p)
		c.moveTo(ActionReopen, to, "")
		return nil
	})
}
