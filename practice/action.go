package practice

// Action is something a citizen, an operator or the system does to a
// pratica. Every action that may change the status is in Transitions();
// ActionView is the only one that never appears there. The numeric values
// are stable (new actions are only appended), but stores should persist
// the String form and read it back with ParseAction.
type Action uint8

// The actions. The comment says who may do it (see Authorize).
const (
	actionUnknown Action = iota
	// ActionView: read the pratica (owner, related citizens, operators
	// enabled for the service or in the assigned office, system).
	ActionView
	// ActionCreate: create a draft (any citizen at the service's level).
	ActionCreate
	// ActionEdit: change the form data (owner; 1000, 1500, 4200).
	ActionEdit
	// ActionDelete: delete a draft (owner; 1000).
	ActionDelete
	// ActionSubmit: send the pratica (owner; 1000 → 1900, services without
	// up-front payment).
	ActionSubmit
	// ActionPay: pay (owner): up front 1000 → 1500 creates the payment;
	// in 1500 (up front or deferred) it creates a new payment when none is
	// open.
	ActionPay
	// ActionAnswerIntegration: answer an integration request (owner;
	// 4200 → 4300).
	ActionAnswerIntegration
	// ActionWithdraw: withdraw (owner; service allows it; no payment made).
	ActionWithdraw
	// ActionCitizenMessage: write to the office (owner; once taken in
	// charge).
	ActionCitizenMessage
	// ActionTakeInCharge: assign to self and own office (enabled operator;
	// approval workflow).
	ActionTakeInCharge
	// ActionChangeAssignee: assign to an office and optionally an operator
	// (enabled operator).
	ActionChangeAssignee
	// ActionTakeOver: take over from another operator (enabled operator;
	// approval workflow; status below 5000).
	ActionTakeOver
	// ActionMessage: write to the citizen (enabled operator).
	ActionMessage
	// ActionNote: private note for operators (enabled operator).
	ActionNote
	// ActionRequestIntegration: ask for more documents (enabled operator;
	// service allows it; 4000, 4500).
	ActionRequestIntegration
	// ActionAcceptIntegration: accept the citizen's messages as the answer
	// (enabled operator; 4200, only after a citizen message newer than
	// the request).
	ActionAcceptIntegration
	// ActionCancelIntegration: withdraw the integration request (enabled
	// operator; 4200).
	ActionCancelIntegration
	// ActionRegisterPayment: register a payment received by hand (enabled
	// operator; 1500, 1510 → 1520; irreversible).
	ActionRegisterPayment
	// ActionAccept: accept with motivation and attachments (assigned
	// operator only; 4000, 4500).
	ActionAccept
	// ActionReject: reject with motivation and attachments (assigned
	// operator only; 4000, 4500).
	ActionReject
	// ActionRequestStampDuty: ask the citizen to pay stamp duty (enabled
	// operator; 4000, 4500).
	ActionRequestStampDuty
	// ActionChangeStatus: force a status (enabled operator; service allows
	// it).
	ActionChangeStatus
	// ActionReopen: back to 4000 from 7000, 9000, 20000 (enabled operator;
	// service allows reopening).
	ActionReopen
	// ActionAcquire: 1900 → 2000 once the summary document exists (system).
	ActionAcquire
	// ActionRegisterProtocol: a protocol registration completed (system;
	// services requiring protocol).
	ActionRegisterProtocol
	// ActionSkipProtocol: a *_waiting step passing straight on (system;
	// services without protocol).
	ActionSkipProtocol
	// ActionPaymentOutcome: the payment package reported a payment's status
	// (system).
	ActionPaymentOutcome
	// ActionPaymentDone: a successful payment moves on (system; 1520 →
	// 1900 up front, → 6000/7000 deferred after acceptance).
	ActionPaymentDone
	actionCount
)

var actionNames = [actionCount]string{
	actionUnknown:            "unknown",
	ActionView:               "view",
	ActionCreate:             "create",
	ActionEdit:               "edit",
	ActionDelete:             "delete",
	ActionSubmit:             "submit",
	ActionPay:                "pay",
	ActionAnswerIntegration:  "answer_integration",
	ActionWithdraw:           "withdraw",
	ActionCitizenMessage:     "citizen_message",
	ActionTakeInCharge:       "take_in_charge",
	ActionChangeAssignee:     "change_assignee",
	ActionTakeOver:           "take_over",
	ActionMessage:            "message",
	ActionNote:               "note",
	ActionRequestIntegration: "request_integration",
	ActionAcceptIntegration:  "accept_integration",
	ActionCancelIntegration:  "cancel_integration",
	ActionRegisterPayment:    "register_payment",
	ActionAccept:             "accept",
	ActionReject:             "reject",
	ActionRequestStampDuty:   "request_stamp_duty",
	ActionChangeStatus:       "change_status",
	ActionReopen:             "reopen",
	ActionAcquire:            "acquire",
	ActionRegisterProtocol:   "register_protocol",
	ActionSkipProtocol:       "skip_protocol",
	ActionPaymentOutcome:     "payment_outcome",
	ActionPaymentDone:        "payment_done",
}

// Actions returns every action, in declaration order.
func Actions() []Action {
	out := make([]Action, 0, actionCount-1)
	for a := ActionView; a < actionCount; a++ {
		out = append(out, a)
	}
	return out
}

// String returns the snake_case name, e.g. "take_in_charge".
func (a Action) String() string {
	if a < actionCount {
		return actionNames[a]
	}
	return "unknown"
}

// Valid reports whether a is one of the actions.
func (a Action) Valid() bool { return a > actionUnknown && a < actionCount }

// ParseAction returns the action named name (as String returns it), or
// false.
func ParseAction(name string) (Action, bool) {
	for a := ActionView; a < actionCount; a++ {
		if actionNames[a] == name {
			return a, true
		}
	}
	return actionUnknown, false
}
