package payment

import "time"

// Step is something that happens to a payment record and may move it to
// another status: the gateway's answers and notifications, an operator's
// cancellation, the expiry sweep.
type Step string

// The steps of the lifecycle.
const (
	// StepCreated: the gateway created the debt position.
	StepCreated Step = "created"
	// StepCreationFailed: the gateway refused to create it.
	StepCreationFailed Step = "creation_failed"
	// StepStart: the payer started paying at a PSP.
	StepStart Step = "start"
	// StepComplete: the payment is done; a receipt comes with it.
	StepComplete Step = "complete"
	// StepFail: the payment failed at the PSP.
	StepFail Step = "fail"
	// StepCancel: the position was withdrawn.
	StepCancel Step = "cancel"
	// StepExpire: the due date passed unpaid.
	StepExpire Step = "expire"
)

// Transition is one allowed move: from a status, on a step, to a status.
type Transition struct {
	// From is the status the move starts from.
	From Status
	// Step is what happens.
	Step Step
	// To is the status the move ends in.
	To Status
}

// transitions is the pagoPA payment proxy's lifecycle, one move a line,
// plus the moves that keep a completed payment from ever being lost (see
// Transitions).
var transitions = [...]Transition{
	{StatusCreationPending, StepCreated, StatusPending},
	{StatusCreationPending, StepCreationFailed, StatusCreationFailed},
	{StatusCreationPending, StepCancel, StatusCanceled},
	{StatusCreationPending, StepExpire, StatusExpired},
	{StatusCreationPending, StepComplete, StatusComplete},

	{StatusPending, StepStart, StatusStarted},
	{StatusPending, StepCancel, StatusCanceled},
	{StatusPending, StepComplete, StatusComplete},
	{StatusPending, StepExpire, StatusExpired},
	{StatusPending, StepFail, StatusFailed},

	{StatusStarted, StepComplete, StatusComplete},
	{StatusStarted, StepExpire, StatusExpired},
	{StatusStarted, StepFail, StatusFailed},

	// A receipt arriving after the record was closed wins: the money was
	// taken, so the payment is complete whatever the record said.
	{StatusFailed, StepComplete, StatusComplete},
	{StatusCanceled, StepComplete, StatusComplete},
	{StatusExpired, StepComplete, StatusComplete},
	{StatusCreationFailed, StepComplete, StatusComplete},
}

// Transitions returns the lifecycle table, in order. It is the reference's
// table (creation_pending → creation_failed | payment_pending;
// payment_pending → payment_started | canceled | complete | expired |
// payment_failed; payment_started → complete | expired | payment_failed)
// with three additions: a creation_pending record can be canceled or
// expire (its position may never have been created), and a "complete"
// moves any record to complete, even one already final, because a receipt
// means the money was taken and must never be lost. Nothing leaves
// complete.
func Transitions() []Transition { return append([]Transition(nil), transitions[:]...) }

// Next returns the status step moves from to, and whether the lifecycle
// allows it. Pure.
func Next(from Status, step Step) (Status, bool) {
	for _, t := range transitions {
		if t.From == from && t.Step == step {
			return t.To, true
		}
	}
	return "", false
}

// rank orders the statuses along the lifecycle, to tell a notification
// that goes backwards from one that is merely not allowed.
func (s Status) rank() int {
	switch s {
	case StatusCreationPending:
		return 0
	case StatusPending:
		return 1
	case StatusStarted:
		return 2
	}
	if s.IsFinal() {
		return 3
	}
	return -1
}

// stepTo returns the step a notification reporting status means.
func stepTo(s Status) (Step, bool) {
	switch s {
	case StatusPending:
		return StepCreated, true
	case StatusCreationFailed:
		return StepCreationFailed, true
	case StatusStarted:
		return StepStart, true
	case StatusComplete:
		return StepComplete, true
	case StatusFailed:
		return StepFail, true
	case StatusCanceled:
		return StepCancel, true
	case StatusExpired:
		return StepExpire, true
	}
	return "", false
}

// Outcome tells what a notification did to a record.
type Outcome uint8

// The outcomes.
const (
	// Applied: the notification moved the record.
	Applied Outcome = iota + 1
	// Ignored: the notification was a duplicate, stale or backwards, and
	// the record was left as it was. Not an error.
	Ignored
)

// String returns "applied" or "ignored".
func (o Outcome) String() string {
	switch o {
	case Applied:
		return "applied"
	case Ignored:
		return "ignored"
	}
	return "unknown"
}

// IgnoreReason says why a notification was ignored.
type IgnoreReason string

// The reasons.
const (
	// ReasonDuplicate: the record already has the notified status.
	ReasonDuplicate IgnoreReason = "duplicate"
	// ReasonBackwards: the notified status comes earlier in the lifecycle
	// (a late "pending" after "started"), or the record is final (a
	// "pending" after "complete").
	ReasonBackwards IgnoreReason = "backwards"
	// ReasonStale: the notified status is not reachable from the record's
	// (a "canceled" for a record the payer already started paying).
	ReasonStale IgnoreReason = "stale"
)

// Decision is what a notification does to a record: Outcome Applied with
// the status To, or Ignored with a Reason.
type Decision struct {
	// Outcome is Applied or Ignored.
	Outcome Outcome
	// To is the new status when Applied.
	To Status
	// Reason says why when Ignored.
	Reason IgnoreReason
}

// Decide is the pure rule applying a gateway notification reporting
// notified to a record in status current. A record never moves backwards,
// a repeated notification changes nothing, and a "complete" is applied
// from any status but complete itself, so a receipt is never lost; a second
// "complete" is a duplicate, so the first receipt is kept. notified must be
// Valid and not creation_pending; Decide reports such input as Ignored
// with ReasonStale.
func Decide(current, notified Status) Decision {
	if notified == current {
		return Decision{Outcome: Ignored, Reason: ReasonDuplicate}
	}
	step, ok := stepTo(notified)
	if !ok {
		return Decision{Outcome: Ignored, Reason: ReasonStale}
	}
	if to, ok := Next(current, step); ok {
		return Decision{Outcome: Applied, To: to}
	}
	if current.IsFinal() || notified.rank() < current.rank() {
		return Decision{Outcome: Ignored, Reason: ReasonBackwards}
	}
	return Decision{Outcome: Ignored, Reason: ReasonStale}
}

// apply moves p by step at the instant at, on behalf of actor (empty for
// the gateway) from source; it appends the History entry and returns the
// Event to save in the same write. Pure: the caller gives the instant and
// the event ID.
func (p *Payment) apply(step Step, at time.Time, source, actor, eventID string) (Event, error) {
	to, ok := Next(p.Status, step)
	if !ok {
		return Event{}, &TransitionError{ID: p.ID, From: p.Status, Step: step}
	}
	return p.record(to, at, source, actor, eventID), nil
}

// record sets p's status to to, appends the History entry and returns the
// Event. Creation is recorded with p.Status empty.
func (p *Payment) record(to Status, at time.Time, source, actor, eventID string) Event {
	from := p.Status
	p.Status = to
	p.UpdatedAt = at
	p.History = append(p.History, Change{At: at, From: from, To: to, Source: source, Actor: actor})
	return Event{ID: eventID, Tenant: p.Tenant, PaymentID: p.ID, Subject: p.Subject, From: from, To: to, At: at}
}
