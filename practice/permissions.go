package practice

import (
	"slices"

	"github.com/sportello/sportello/auth"
)

// forbidden builds the *auth.PermissionError every refused action returns.
func forbidden(a Action, missing string) error {
	return &auth.PermissionError{Action: auth.Action("practice." + a.String()), Missing: missing}
}

// rule is the permission rule of one action: pure, no I/O.
type rule func(who auth.Principal, a Action, p *Practice) error

// rules maps every action to its permission rule.
var rules = [actionCount]rule{
	ActionView:               canView,
	ActionCreate:             canCreate,
	ActionEdit:               ownerOnly,
	ActionDelete:             ownerOnly,
	ActionSubmit:             ownerOnly,
	ActionPay:                ownerOnly,
	ActionAnswerIntegration:  ownerOnly,
	ActionWithdraw:           ownerOnly,
	ActionCitizenMessage:     ownerOnly,
	ActionTakeInCharge:       canTakeInCharge,
	ActionChangeAssignee:     worker,
	ActionTakeOver:           canTakeOver,
	ActionMessage:            worker,
	ActionNote:               worker,
	ActionRequestIntegration: worker,
	ActionAcceptIntegration:  worker,
	ActionCancelIntegration:  worker,
	ActionRegisterPayment:    worker,
	ActionAccept:             assignedOnly,
	ActionReject:             assignedOnly,
	ActionRequestStampDuty:   worker,
	ActionChangeStatus:       worker,
	ActionReopen:             worker,
	ActionAcquire:            systemOnly,
	ActionRegisterProtocol:   systemOnly,
	ActionSkipProtocol:       systemOnly,
	ActionPaymentOutcome:     systemOnly,
	ActionPaymentDone:        systemOnly,
}

// Authorize reports whether who may do a on p (for ActionCreate, p is the
// draft about to be created, owned by who). It returns nil or a
// *auth.PermissionError matching auth.ErrForbidden. It checks only who
// acts, not the status: the lifecycle (Next) says when. Tenants must
// match. Pure.
func Authorize(who auth.Principal, a Action, p *Practice) error {
	if !a.Valid() {
		return forbidden(a, "known_action")
	}
	if p == nil || who.Tenant == "" || who.Tenant != p.Tenant {
		return forbidden(a, "tenant")
	}
	return rules[a](who, a, p)
}

// isOwner reports whether who is the citizen who owns p.
func isOwner(who auth.Principal, p *Practice) bool {
	return who.IsCitizen() && who.ID != "" && who.ID == p.Owner.ID
}

// isRelated reports whether who is a citizen named among p's related
// subjects.
func isRelated(who auth.Principal, p *Practice) bool {
	if !who.IsCitizen() || who.FiscalCode.IsZero() {
		return false
	}
	return slices.Contains(p.Related, who.FiscalCode.Normalized().String())
}

// isWorker reports whether who is staff enabled for p's service (admins
// are enabled for every service) or a member of p's assigned office.
func isWorker(who auth.Principal, p *Practice) bool {
	return who.CanWorkOnService(p.Service) || who.InOffice(p.Office)
}

// canView: the owner, related citizens, workers and the system.
func canView(who auth.Principal, a Action, p *Practice) error {
	if isOwner(who, p) || isRelated(who, p) || isWorker(who, p) || who.IsSystem() {
		return nil
	}
	return forbidden(a, "owner_related_or_service")
}

// canCreate: a citizen creating a draft owned by themself.
func canCreate(who auth.Principal, a Action, p *Practice) error {
	if !isOwner(who, p) {
		return forbidden(a, "citizen")
	}
	return nil
}

// ownerOnly: the citizen who owns the pratica; related citizens only read.
func ownerOnly(who auth.Principal, a Action, p *Practice) error {
	if !isOwner(who, p) {
		return forbidden(a, "owner")
	}
	return nil
}

// worker: staff enabled for the service or in the assigned office.
func worker(who auth.Principal, a Action, p *Practice) error {
	if !isWorker(who, p) {
		return forbidden(a, "service:"+p.Service)
	}
	return nil
}

// canTakeInCharge: a worker, when nobody else holds the pratica (another
// operator's pratica is taken over instead).
func canTakeInCharge(who auth.Principal, a Action, p *Practice) error {
	if err := worker(who, a, p); err != nil {
		return err
	}
	if p.Assignee != "" && p.Assignee != who.ID {
		return forbidden(a, "unassigned")
	}
	return nil
}

// canTakeOver: a worker, from another operator.
func canTakeOver(who auth.Principal, a Action, p *Practice) error {
	if err := worker(who, a, p); err != nil {
		return err
	}
	if p.Assignee == "" || p.Assignee == who.ID {
		return forbidden(a, "assigned_to_another")
	}
	return nil
}

// assignedOnly: the operator the pratica is assigned to, and nobody else
// (administrators included).
func assignedOnly(who auth.Principal, a Action, p *Practice) error {
	if !who.IsOperator() || p.Assignee == "" || who.ID != p.Assignee {
		return forbidden(a, "assignee")
	}
	return nil
}

// systemOnly: the platform itself.
func systemOnly(who auth.Principal, a Action, p *Practice) error {
	if !who.IsSystem() {
		return forbidden(a, "system")
	}
	return nil
}
