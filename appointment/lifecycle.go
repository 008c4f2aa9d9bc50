package appointment

import "slices"

// Action names a command on bookings, for the lifecycle table and for the
// permission rule.
type Action string

// The actions. The first group moves bookings through the lifecycle; the
// second only reads.
const (
	// ActionBook: a citizen picks a slot, creating a draft.
	ActionBook Action = "book"
	// ActionCreate: an operator books on behalf of a citizen.
	ActionCreate Action = "create"
	// ActionConfirm: the citizen confirms a draft.
	ActionConfirm Action = "confirm"
	// ActionApprove: an operator approves a pending booking.
	ActionApprove Action = "approve"
	// ActionRefuse: an operator refuses a booking, with a motivation.
	ActionRefuse Action = "refuse"
	// ActionCancel: the citizen (until the cancel deadline) or an
	// operator cancels a booking.
	ActionCancel Action = "cancel"
	// ActionMiss: an operator records that the citizen did not come.
	ActionMiss Action = "miss"
	// ActionDone: an operator records that the appointment took place.
	ActionDone Action = "done"
	// ActionMove: an operator moves a booking to another slot.
	ActionMove Action = "move"
	// ActionModify: an operator changes notes, contact data or the video
	// link.
	ActionModify Action = "modify"
	// ActionLink: an operator links a pratica to the booking.
	ActionLink Action = "link"
	// ActionUnlink: an operator removes the booking's pratica.
	ActionUnlink Action = "unlink"
	// ActionExpire: the sweep removes a draft past its expiry.
	ActionExpire Action = "expire"

	// ActionView: reading one booking.
	ActionView Action = "view"
	// ActionSearch: the operators' search on a calendar.
	ActionSearch Action = "search"
)

// Actions returns the actions of the lifecycle table, in table order.
func Actions() []Action {
	return []Action{ActionBook, ActionCreate, ActionConfirm, ActionApprove, ActionRefuse, ActionCancel,
		ActionMiss, ActionDone, ActionMove, ActionModify, ActionLink, ActionUnlink, ActionExpire}
}

// String returns the action's name.
func (a Action) String() string { return string(a) }

// Facts are true statements about the booking and its calendar that guard
// transitions; the Desk computes them.
type Facts uint8

// The facts.
const (
	// FactModerated: the calendar or the slot's opening hour is
	// moderated.
	FactModerated Facts = 1 << iota
	// FactStarted: the booking's start has passed.
	FactStarted

	factCount = iota
)

var factNames = [factCount]string{"moderated", "started"}

// Has reports whether every fact of g is in f.
func (f Facts) Has(g Facts) bool { return f&g == g }

// Names returns the names of the facts in f.
func (f Facts) Names() []string {
	var out []string
	for i := range factCount {
		if f&(1<<i) != 0 {
			out = append(out, factNames[i])
		}
	}
	return out
}

// Transition is one move of the lifecycle: Action takes a booking from
// From to To when every fact of When holds and no fact of Unless holds.
// From equal to To is an action allowed in From that keeps the status;
// StatusNone as From is a creation, as To a removal.
type Transition struct {
	// From is the source status (StatusNone: creation).
	From Status
	// Action is what moves the booking.
	Action Action
	// To is the target status (StatusNone: removal).
	To Status
	// When are the facts that must all hold.
	When Facts
	// Unless are the facts of which none may hold.
	Unless Facts
}

// Applies reports whether the transition's conditions hold under f.
func (t Transition) Applies(f Facts) bool { return f&t.When == t.When && f&t.Unless == 0 }

// transitions is the whole lifecycle; every command consults only it.
var transitions = []Transition{
	{From: StatusNone, Action: ActionBook, To: StatusDraft},
	{From: StatusNone, Action: ActionCreate, To: StatusApproved},

	{From: StatusDraft, Action: ActionConfirm, To: StatusPending, When: FactModerated, Unless: FactStarted},
	{From: StatusDraft, Action: ActionConfirm, To: StatusApproved, Unless: FactModerated | FactStarted},
	{From: StatusDraft, Action: ActionMove, To: StatusDraft, Unless: FactStarted},
	{From: StatusDraft, Action: ActionModify, To: StatusDraft},
	{From: StatusDraft, Action: ActionCancel, To: StatusCancelled},
	{From: StatusDraft, Action: ActionExpire, To: StatusNone},

	{From: StatusPending, Action: ActionApprove, To: StatusApproved, Unless: FactStarted},
	{From: StatusPending, Action: ActionRefuse, To: StatusRefused, Unless: FactStarted},
	{From: StatusPending, Action: ActionCancel, To: StatusCancelled, Unless: FactStarted},
	{From: StatusPending, Action: ActionMove, To: StatusApproved, Unless: FactStarted},
	{From: StatusPending, Action: ActionMiss, To: StatusMissed, When: FactStarted},
	{From: StatusPending, Action: ActionDone, To: StatusDone, When: FactStarted},
	{From: StatusPending, Action: ActionModify, To: StatusPending},
	{From: StatusPending, Action: ActionLink, To: StatusPending},
	{From: StatusPending, Action: ActionUnlink, To: StatusPending},

	{From: StatusApproved, Action: ActionRefuse, To: StatusRefused, Unless: FactStarted},
	{From: StatusApproved, Action: ActionCancel, To: StatusCancelled, Unless: FactStarted},
	{From: StatusApproved, Action: ActionMove, To: StatusApproved, Unless: FactStarted},
	{From: StatusApproved, Action: ActionMiss, To: StatusMissed, When: FactStarted},
	{From: StatusApproved, Action: ActionDone, To: StatusDone, When: FactStarted},
	{From: StatusApproved, Action: ActionModify, To: StatusApproved},
	{From: StatusApproved, Action: ActionLink, To: StatusApproved},
	{From: StatusApproved, Action: ActionUnlink, To: StatusApproved},
}

// Transitions returns a copy of the whole lifecycle table.
func Transitions() []Transition { return slices.Clone(transitions) }

// Next returns the status action a takes a booking in from to under facts
// f, or false when the lifecycle does not allow it. Pure: no I/O, no
// clock, no allocation.
func Next(from Status, a Action, f Facts) (Status, bool) {
	for i := range transitions {
		t := &transitions[i]
		if t.From == from && t.Action == a && t.Applies(f) {
			return t.To, true
		}
	}
	return StatusNone, false
}

// Allows reports whether a is allowed from from under some facts: the
// table has a transition for it at all.
func Allows(from Status, a Action) bool {
	for i := range transitions {
		if transitions[i].From == from && transitions[i].Action == a {
			return true
		}
	}
	return false
}

// step applies a to b's status under f, or returns a *TransitionError
// whose Reason names the fact that failed.
func step(b *Booking, a Action, f Facts) (Status, error) {
	to, ok := Next(b.Status, a, f)
	if ok {
		return to, nil
	}
	te := &TransitionError{ID: b.ID, From: b.Status, Action: a}
	if Allows(b.Status, a) {
		if f.Has(FactStarted) {
			te.Reason = "started"
		} else {
			te.Reason = "not_started"
		}
	}
	return StatusNone, te
}
