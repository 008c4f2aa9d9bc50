package practice

// Facts is a set of true statements about a service's settings, the
// pratica, and the command being applied. Transitions are guarded by
// facts; Service.Facts and the Desk's commands compute them.
type Facts uint32

// The facts. The first group comes from the service's settings, the second
// from the pratica and the command's input.
const (
	// FactProtocol: the service requires protocol registration.
	FactProtocol Facts = 1 << iota
	// FactApproval: the service's workflow is approval (not forward).
	FactApproval
	// FactPaymentUpFront: the service's payment mode is required.
	FactPaymentUpFront
	// FactPaymentDeferred: the service's payment mode is deferred.
	FactPaymentDeferred
	// FactIntegrationAllowed: the service allows integration requests.
	FactIntegrationAllowed
	// FactWithdrawAllowed: the service allows withdrawal.
	FactWithdrawAllowed
	// FactReopeningAllowed: the service allows reopening.
	FactReopeningAllowed
	// FactStatusChangeAllowed: the service allows manual status changes.
	FactStatusChangeAllowed

	// FactPaymentMade: a payment of the pratica is complete.
	FactPaymentMade
	// FactAccepted: the pratica's outcome is an acceptance (a payment
	// completing now is the deferred one).
	FactAccepted
	// FactAmountDue: the operator accepts with a deferred amount > 0.
	FactAmountDue
	// FactCitizenReplied: the owner wrote a message newer than the open
	// integration request.
	FactCitizenReplied
	// FactPaymentStarted: the payment being applied was started at the
	// gateway.
	FactPaymentStarted
	// FactPaymentComplete: the payment being applied is complete.
	FactPaymentComplete
	// FactPaymentFailed: the payment being applied failed, expired or was
	// cancelled.
	FactPaymentFailed

	factCount = iota
)

var factNames = [factCount]string{
	"protocol", "approval", "payment_up_front", "payment_deferred",
	"integration_allowed", "withdraw_allowed", "reopening_allowed", "status_change_allowed",
	"payment_made", "accepted", "amount_due", "citizen_replied",
	"payment_started", "payment_complete", "payment_failed",
}

// Has reports whether every fact of g is in f.
func (f Facts) Has(g Facts) bool { return f&g == g }

// Names returns the names of the facts in f, in declaration order.
func (f Facts) Names() []string {
	var out []string
	for i := 0; i < factCount; i++ {
		if f&(1<<i) != 0 {
			out = append(out, factNames[i])
		}
	}
	return out
}

// settingFacts are the facts that come from the service's settings.
const settingFacts = FactProtocol | FactApproval | FactPaymentUpFront | FactPaymentDeferred |
	FactIntegrationAllowed | FactWithdrawAllowed | FactReopeningAllowed | FactStatusChangeAllowed

// Facts returns the facts the service's settings make true.
func (s *Service) Facts() Facts {
	var f Facts
	if s.ProtocolRequired {
		f |= FactProtocol
	}
	if s.Workflow != WorkflowForward {
		f |= FactApproval
	}
	switch s.Payment {
	case PaymentRequired:
		f |= FactPaymentUpFront
	case PaymentDeferred:
		f |= FactPaymentDeferred
	}
	if s.AllowIntegrationRequest {
		f |= FactIntegrationAllowed
	}
	if s.AllowWithdraw {
		f |= FactWithdrawAllowed
	}
	if s.AllowReopening {
		f |= FactReopeningAllowed
	}
	if s.AllowStatusChange {
		f |= FactStatusChangeAllowed
	}
	return f
}

// Transition is one move of the lifecycle: Action takes a pratica from
// From to To when every fact of When holds, at least one fact of Any holds
// (if Any is not empty) and no fact of Unless holds. From equal to To marks
// an action allowed in From that keeps the status. StatusNone as From is
// the creation; as To the deletion.
type Transition struct {
	// From is the source status (StatusNone: creation).
	From Status
	// Action is what moves the pratica.
	Action Action
	// To is the target status (StatusNone: deletion).
	To Status
	// When are the facts that must all hold.
	When Facts
	// Any are facts of which at least one must hold (none: no condition).
	Any Facts
	// Unless are the facts of which none may hold.
	Unless Facts
}

// Applies reports whether the transition's conditions hold under f.
func (t *Transition) Applies(f Facts) bool {
	return f&t.When == t.When && (t.Any == 0 || f&t.Any != 0) && f&t.Unless == 0
}

// manualTargets are the statuses an operator may force with
// ActionChangeStatus (1500 only for services taking payments, 4000 only
// for approval services).
var manualTargets = [...]Status{StatusPaymentPending, StatusSubmitted, StatusRegistered, StatusPending, StatusRevoked}

// ManualTargets returns the statuses ActionChangeStatus may force from
// any status but the draft. The table also lets it move 4300 to 4500
// (Transitions has every move).
func ManualTargets() []Status { return append([]Status(nil), manualTargets[:]...) }

// manualTarget reports whether ActionChangeStatus may ever lead to s.
func manualTarget(s Status) bool {
	for _, t := range manualTargets {
		if t == s {
			return true
		}
	}
	return s == StatusPendingAfterIntegration
}

// transitions is the table, in the order of the reference.
var transitions = buildTransitions()

func buildTransitions() []Transition {
	const payments = FactPaymentUpFront | FactPaymentDeferred
	// The outcome facts exclude each other; a contradictory set moves
	// nothing.
	const started, complete, failed = FactPaymentStarted, FactPaymentComplete, FactPaymentFailed
	t := []Transition{
		// Draft.
		{From: StatusNone, Action: ActionCreate, To: StatusDraft},
		{From: StatusDraft, Action: ActionEdit, To: StatusDraft},
		{From: StatusPaymentPending, Action: ActionEdit, To: StatusPaymentPending},
		{From: StatusDraftForIntegration, Action: ActionEdit, To: StatusDraftForIntegration},
		{From: StatusDraft, Action: ActionDelete, To: StatusNone},

		// Submission and payment.
		{From: StatusDraft, Action: ActionSubmit, To: StatusPreSubmit, Unless: FactPaymentUpFront},
		{From: StatusDraft, Action: ActionPay, To: StatusPaymentPending, When: FactPaymentUpFront},
		{From: StatusPaymentPending, Action: ActionPay, To: StatusPaymentPending, Any: payments},
		{From: StatusPaymentPending, Action: ActionPaymentOutcome, To: StatusPaymentOutcomePending, When: started, Unless: complete | failed},
		{From: StatusPaymentPending, Action: ActionPaymentOutcome, To: StatusPaymentSuccess, When: complete, Unless: started | failed},
		{From: StatusPaymentPending, Action: ActionPaymentOutcome, To: StatusPaymentError, When: failed, Unless: started | complete},
		{From: StatusPaymentPending, Action: ActionRegisterPayment, To: StatusPaymentSuccess, Any: payments},
		{From: StatusPaymentOutcomePending, Action: ActionPaymentOutcome, To: StatusPaymentSuccess, When: complete, Unless: started | failed},
		{From: StatusPaymentOutcomePending, Action: ActionPaymentOutcome, To: StatusPaymentError, When: failed, Unless: started | complete},
		{From: StatusPaymentOutcomePending, Action: ActionRegisterPayment, To: StatusPaymentSuccess, Any: payments},
		{From: StatusPaymentSuccess, Action: ActionPaymentDone, To: StatusPreSubmit, Unless: FactAccepted},
		{From: StatusPaymentSuccess, Action: ActionPaymentDone, To: StatusCompleteWaitingDocument, When: FactAccepted | FactProtocol},
		{From: StatusPaymentSuccess, Action: ActionPaymentDone, To: StatusComplete, When: FactAccepted, Unless: FactProtocol},

		// Intake.
		{From: StatusPreSubmit, Action: ActionAcquire, To: StatusSubmitted},
		{From: StatusSubmitted, Action: ActionRegisterProtocol, To: StatusRegistered, When: FactProtocol},
		{From: StatusSubmitted, Action: ActionTakeInCharge, To: StatusPending, When: FactApproval, Unless: FactProtocol},
		{From: StatusRegistered, Action: ActionTakeInCharge, To: StatusPending, When: FactApproval},

		// Integrations. The reference also lists 4300→4500, 4400→4000
		// and 4500→4000 without naming the action that makes them: all
		// three are the manual status change (below). 4300→4500 brings an
		// answered integration back to the operator without registering
		// the answer (a service that keeps its integrations out of the
		// protocol); the usual way on is registration (→4400), then
		// taking in charge (→4500).
		{From: StatusPending, Action: ActionRequestIntegration, To: StatusRequestIntegration, When: FactIntegrationAllowed},
		{From: StatusRequestIntegration, Action: ActionRegisterProtocol, To: StatusDraftForIntegration, When: FactProtocol},
		{From: StatusRequestIntegration, Action: ActionSkipProtocol, To: StatusDraftForIntegration, Unless: FactProtocol},
		{From: StatusDraftForIntegration, Action: ActionAnswerIntegration, To: StatusSubmittedAfterIntegration},
		{From: StatusDraftForIntegration, Action: ActionAcceptIntegration, To: StatusSubmittedAfterIntegration, When: FactCitizenReplied},
		{From: StatusDraftForIntegration, Action: ActionCancelIntegration, To: StatusSubmittedAfterIntegration},
		{From: StatusSubmittedAfterIntegration, Action: ActionRegisterProtocol, To: StatusRegisteredAfterIntegration, When: FactProtocol},
		{From: StatusSubmittedAfterIntegration, Action: ActionSkipProtocol, To: StatusPending, Unless: FactProtocol},
		{From: StatusRegisteredAfterIntegration, Action: ActionTakeInCharge, To: StatusPendingAfterIntegration, When: FactApproval},
		{From: StatusPendingAfterIntegration, Action: ActionRequestIntegration, To: StatusRequestIntegration, When: FactIntegrationAllowed},
	}

	// Outcome, from 4000 and 4500 alike.
	for _, from := range []Status{StatusPending, StatusPendingAfterIntegration} {
		t = append(t,
			Transition{From: from, Action: ActionAccept, To: StatusPaymentPending, When: FactPaymentDeferred | FactAmountDue},
			Transition{From: from, Action: ActionAccept, To: StatusCompleteWaitingDocument, When: FactProtocol, Unless: FactAmountDue},
			Transition{From: from, Action: ActionAccept, To: StatusComplete, Unless: FactProtocol | FactAmountDue},
			Transition{From: from, Action: ActionReject, To: StatusCancelledWaitingDocument, When: FactProtocol},
			Transition{From: from, Action: ActionReject, To: StatusCancelled, Unless: FactProtocol},
			Transition{From: from, Action: ActionRequestStampDuty, To: from},
		)
	}
	t = append(t,
		Transition{From: StatusCompleteWaitingDocument, Action: ActionRegisterProtocol, To: StatusComplete, When: FactProtocol},
		Transition{From: StatusCancelledWaitingDocument, Action: ActionRegisterProtocol, To: StatusCancelled, When: FactProtocol},
	)

	// Withdraw (citizen).
	for _, from := range []Status{StatusPreSubmit, StatusSubmitted, StatusRegistered, StatusPending,
		StatusRequestIntegration, StatusDraftForIntegration, StatusRegisteredAfterIntegration} {
		t = append(t, Transition{From: from, Action: ActionWithdraw, To: StatusWithdrawn, When: FactWithdrawAllowed, Unless: FactPaymentMade})
	}
	// Reopen (operator).
	for _, from := range []Status{StatusComplete, StatusCancelled, StatusWithdrawn} {
		t = append(t, Transition{From: from, Action: ActionReopen, To: StatusPending, When: FactReopeningAllowed | FactApproval})
	}

	// Actions that keep the status.
	for _, s := range Statuses() {
		if s == StatusDraft {
			continue
		}
		t = append(t,
			Transition{From: s, Action: ActionMessage, To: s},
			Transition{From: s, Action: ActionNote, To: s},
		)
		if !s.IsFinal() {
			t = append(t, Transition{From: s, Action: ActionChangeAssignee, To: s})
		}
		if s < 5000 {
			t = append(t, Transition{From: s, Action: ActionTakeOver, To: s, When: FactApproval})
		}
		if s >= StatusPending && s <= StatusPendingAfterIntegration || s == StatusCompleteWaitingDocument || s == StatusCancelledWaitingDocument {
			t = append(t, Transition{From: s, Action: ActionCitizenMessage, To: s})
		}
	}

	// Manual status change (operator, forced): the targets of
	// manualTargets from any status but the draft, and 4300→4500.
	t = append(t, Transition{From: StatusSubmittedAfterIntegration, Action: ActionChangeStatus,
		To: StatusPendingAfterIntegration, When: FactStatusChangeAllowed | FactApproval})
	for _, s := range Statuses() {
		if s == StatusDraft {
			continue
		}
		for _, to := range manualTargets {
			if to == s {
				continue
			}
			tr := Transition{From: s, Action: ActionChangeStatus, To: to, When: FactStatusChangeAllowed}
			switch to {
			case StatusPaymentPending:
				tr.Any = payments
			case StatusPending:
				tr.When |= FactApproval
			}
			t = append(t, tr)
		}
	}
	return t
}

// Transitions returns a copy of the whole lifecycle table.
func Transitions() []Transition { return append([]Transition(nil), transitions...) }

// statusSlot maps a status to a dense index for the table's index: 0 for
// StatusNone, 1 + its position in statusTable for the statuses, -1 for
// unknown codes. statusTable is in ascending code order, so a binary
// search finds the slot without allocating.
func statusSlot(s Status) int {
	if s == StatusNone {
		return 0
	}
	if i, ok := statusIndex(s); ok {
		return i + 1
	}
	return -1
}

// statusSlots is the number of slots: StatusNone and every status.
const statusSlots = len(statusTable) + 1

// index holds the table's transitions by action and source status; built
// once from transitions.
var index = indexTransitions(transitions)

func indexTransitions(ts []Transition) *[actionCount][statusSlots][]Transition {
	var idx [actionCount][statusSlots][]Transition
	for _, t := range ts {
		idx[t.Action][statusSlot(t.From)] = append(idx[t.Action][statusSlot(t.From)], t)
	}
	return &idx
}

// candidates returns the table's transitions of action a whose source
// status is from, in table order.
func candidates(from Status, a Action) []Transition {
	slot := statusSlot(from)
	if a >= actionCount || slot < 0 {
		return nil
	}
	return index[a][slot]
}

// Next returns the status that action a leads to from status from when
// facts f hold, or false when the lifecycle does not allow it. For
// ActionChangeStatus, whose target the operator chooses, use Allowed.
// Pure: no I/O, no allocation.
func Next(from Status, a Action, f Facts) (Status, bool) {
	ts := candidates(from, a)
	for i := range ts {
		if ts[i].Applies(f) {
			return ts[i].To, true
		}
	}
	return StatusNone, false
}

// Allowed reports whether the table has a transition by action a from
// status from to status to under facts f. Pure: no I/O, no allocation.
func Allowed(from Status, a Action, to Status, f Facts) bool {
	ts := candidates(from, a)
	for i := range ts {
		if ts[i].To == to && ts[i].Applies(f) {
			return true
		}
	}
	return false
}

// step checks a on p and returns the target status, or a *TransitionError.
func step(p *Practice, a Action, f Facts) (Status, error) {
	to, ok := Next(p.Status, a, f)
	if !ok {
		return StatusNone, &TransitionError{ID: p.ID, From: p.Status, Action: a}
	}
	return to, nil
}
