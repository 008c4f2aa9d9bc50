package ticket

import (
	"slices"
	"time"
)

// Stimulus is an event that moves a request from one status to another.
// The string values are the names of the reference service-management
// tool's data model.
type Stimulus string

// The stimuli of the lifecycle.
const (
	StimulusAssign          Stimulus = "assign"
	StimulusReassign        Stimulus = "reassign"
	StimulusPending         Stimulus = "pending"
	StimulusResolve         Stimulus = "resolve"
	StimulusClose           Stimulus = "close"
	StimulusReopen          Stimulus = "reopen"
	StimulusWaitForApproval Stimulus = "wait_for_approval"
	StimulusApprove         Stimulus = "approve"
	StimulusReject          Stimulus = "reject"
	// StimulusTimeout is fired by the SLA sweep when a target is missed.
	StimulusTimeout Stimulus = "timeout"
	// StimulusAutoresolve resolves a request without an agent's resolve
	// (for example a child resolved with its parent).
	StimulusAutoresolve Stimulus = "autoresolve"
)

// Stimuli lists every stimulus.
func Stimuli() []Stimulus {
	return []Stimulus{
		StimulusAssign, StimulusReassign, StimulusPending, StimulusResolve,
		StimulusClose, StimulusReopen, StimulusWaitForApproval, StimulusApprove,
		StimulusReject, StimulusTimeout, StimulusAutoresolve,
	}
}

// Transition is one move of the lifecycle: from a status, a stimulus leads
// to a status.
type Transition struct {
	// From is the status the move starts from.
	From Status
	// Stimulus is the event that triggers the move.
	Stimulus Stimulus
	// To is the status the move leads to.
	To Status
}

// transitions is the UserRequest lifecycle, one line per move,
// in the order of the reference table. closed has none.
var transitions = []Transition{
	{StatusNew, StimulusAssign, StatusAssigned},
	{StatusNew, StimulusTimeout, StatusEscalatedTTO},
	{StatusNew, StimulusWaitForApproval, StatusWaitingForApproval},
	{StatusNew, StimulusAutoresolve, StatusResolved},
	{StatusEscalatedTTO, StimulusAssign, StatusAssigned},
	{StatusWaitingForApproval, StimulusApprove, StatusApproved},
	{StatusWaitingForApproval, StimulusReject, StatusRejected},
	{StatusApproved, StimulusAssign, StatusAssigned},
	{StatusApproved, StimulusTimeout, StatusEscalatedTTO},
	{StatusApproved, StimulusAutoresolve, StatusResolved},
	{StatusRejected, StimulusReopen, StatusNew},
	{StatusAssigned, StimulusPending, StatusPending},
	{StatusAssigned, StimulusResolve, StatusResolved},
	{StatusAssigned, StimulusReassign, StatusAssigned},
	{StatusAssigned, StimulusTimeout, StatusEscalatedTTR},
	{StatusAssigned, StimulusAutoresolve, StatusResolved},
	{StatusEscalatedTTR, StimulusPending, StatusPending},
	{StatusEscalatedTTR, StimulusResolve, StatusResolved},
	{StatusEscalatedTTR, StimulusReassign, StatusAssigned},
	{StatusEscalatedTTR, StimulusAutoresolve, StatusResolved},
	{StatusPending, StimulusAssign, StatusAssigned},
	{StatusPending, StimulusAutoresolve, StatusResolved},
	{StatusResolved, StimulusClose, StatusClosed},
	{StatusResolved, StimulusReopen, StatusAssigned},
	{StatusResolved, StimulusAutoresolve, StatusResolved},
}

// Transitions returns every move of the lifecycle (a copy), in the order of
// the reference table.
func Transitions() []Transition { return slices.Clone(transitions) }

// Next returns the status stimulus s leads to from status from, and
// false when the table has no such move. Pure.
func Next(from Status, s Stimulus) (Status, bool) {
	for _, t := range transitions {
		if t.From == from && t.Stimulus == s {
			return t.To, true
		}
	}
	return "", false
}

// Step is a stimulus with the data its target status requires.
type Step struct {
	// Stimulus is the event.
	Stimulus Stimulus
	// TeamID and AgentID: entering assigned needs a team and an agent;
	// empty fields keep the request's current ones.
	TeamID, AgentID string
	// Reason: entering pending needs it.
	Reason string
	// ResolutionCode and Solution: entering resolved needs both.
	ResolutionCode, Solution string
	// Satisfaction (1 best .. 4 worst): closing needs it.
	Satisfaction int
	// Comment: closing and reopening need it; approve and reject take it
	// optionally. It is written to the public log.
	Comment string
}

// checkStep validates the data step needs to move r to status to, listing
// every missing or invalid field in one *ValidationError. Pure.
func checkStep(r *Request, step Step, to Status) error {
	var v validationErrors
	switch to {
	case StatusAssigned:
		team, agent := step.TeamID, step.AgentID
		if team == "" {
			team = r.TeamID
		}
		if agent == "" {
			agent = r.AgentID
		}
		checkLine(&v, "team_id", team, true, maxID)
		checkLine(&v, "agent_id", agent, true, maxID)
	case StatusPending:
		checkLong(&v, "reason", step.Reason, true)
	case StatusResolved:
		checkLine(&v, "resolution_code", step.ResolutionCode, true, maxCode)
		checkLong(&v, "solution", step.Solution, true)
	case StatusClosed:
		if step.Satisfaction < 1 || step.Satisfaction > 4 {
			v.add("satisfaction", "range", "must be from 1 to 4")
		}
		checkLong(&v, "comment", step.Comment, true)
	}
	switch {
	case to == StatusClosed:
		// checked above
	case step.Stimulus == StimulusReopen:
		checkLong(&v, "comment", step.Comment, true)
	default:
		// Any other move takes a comment optionally: it goes to the
		// public log.
		checkLong(&v, "comment", step.Comment, false)
	}
	return v.err()
}

// apply moves r by step at now on behalf of actor (a principal ID), pure:
// it checks the move against the table (*TransitionError), the data the
// target status needs (*ValidationError), then sets the status, the
// status's data, the public log entry for a comment and the SLA
// stopwatches. A request resolved without an agent gets actor as its
// agent. On error r is unchanged.
func (r *Request) apply(step Step, actor string, now time.Time, clock *slaClock) error {
	to, ok := Next(r.Status, step.Stimulus)
	if !ok {
		return &TransitionError{ID: r.ID, From: r.Status, Stimulus: step.Stimulus}
	}
	if err := checkStep(r, step, to); err != nil {
		return err
	}
	switch to {
	case StatusAssigned:
		if step.TeamID != "" {
			r.TeamID = step.TeamID
		}
		if step.AgentID != "" {
			r.AgentID = step.AgentID
		}
		r.PendingReason = ""
	case StatusPending:
		r.PendingReason = step.Reason
	case StatusResolved:
		r.ResolutionCode = step.ResolutionCode
		r.Solution = step.Solution
		r.ResolvedAt = now
		r.TimeSpent = max(now.Sub(r.CreatedAt), 0)
		r.PendingReason = ""
		if r.AgentID == "" {
			// Resolved without an owner (autoresolve from new or
			// approved): the resolver owns the resolution, so that a
			// reopen, which leads to assigned, has an agent.
			r.AgentID = actor
		}
	case StatusClosed:
		r.Satisfaction = step.Satisfaction
		r.CloseComment = step.Comment
		r.ClosedAt = now
	}
	if !isBlank(step.Comment) {
		r.addLog(Public, actor, now, step.Comment)
	}
	r.Status = to
	r.UpdatedAt = now
	clock.sync(r, now)
	return nil
}
